import Foundation

/// A folder set up for issuing: an issuer profile, a key pair, an archive path.
public struct IssuingFixture: Sendable {
    public let folder: URL
    public var archive: String { folder.appendingPathComponent("archive.sqlite").path }

    public init() throws {
        folder = try Fixtures.temporaryFolder()
        try FileManager.default.copyItem(at: Fixtures.examples.appendingPathComponent("photos"), to: folder.appendingPathComponent("photos"))
        for name in ["four-star-certification.yaml", "vetoed-certification.yaml"] {
            try FileManager.default.copyItem(at: Fixtures.example(name), to: folder.appendingPathComponent(name))
        }
        try run(["issuer", "init", "-o", "issuer-template.yaml"]).expectSuccess()
        try Self.profile.write(to: folder.appendingPathComponent("issuer.yaml"), atomically: true, encoding: .utf8)
        try run(["keys", "init"]).expectSuccess()
    }

    /// The verification address of the fixture's issuer.
    public static let verificationBase = "https://verify.kunbiao.cn/c"

    /// A filled-in issuer profile (what `issuer init` writes, completed as a body would).
    public static let profile = """
        name: 北京坤标检验认证有限公司
        name_en: Beijing Kunbiao Inspection and Certification Co., Ltd.
        address: 北京市海淀区学院路 30 号
        approval_number: CNCA-R-2019-123
        # logo: logo.png
        # seal: seal.png
        verification_base_url: \(verificationBase)
        certificate_number_pattern: KB-ASM-{year}-{seq:06}
        validity_years: 3
        certify_one_star: false
        time_zone: Asia/Shanghai

        """

    /// Writes a copy of the four-star example named `name`, its text changed by `edit`.
    @discardableResult
    public func example(_ name: String, _ edit: (String) -> String) throws -> String {
        let text = try String(contentsOf: Fixtures.fourStar, encoding: .utf8)
        try edit(text).write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
        return name
    }

    /// Runs starcert in the folder with the fixture's archive. Every PDF an `issue` writes is
    /// judged by pyHanko against the issuer's certificate: it must be INTACT, TRUSTED and UNTOUCHED.
    public func run(_ arguments: [String]) throws -> StarCertExecutable.Result {
        var environment = ProcessInfo.processInfo.environment
        environment["STARCERT_ARCHIVE"] = archive
        let before = pdfs()
        let result = try StarCertExecutable.run(arguments, in: folder, environment: environment)
        if arguments.first == "issue" {
            for (written, modified) in pdfs() where before[written] != modified {
                let judged = try PDFJudges.pyHanko(URL(fileURLWithPath: written), trust: folder.appendingPathComponent("issuer.crt"))
                guard judged.status == 0, judged.summary.hasSuffix(":INTACT:TRUSTED,UNTOUCHED") else {
                    throw FixtureError("pyHanko does not accept \(written): \(judged.summary)")
                }
            }
        }
        return result
    }

    /// Every PDF under the folder with its modification time (a rewritten file counts as new).
    func pdfs() -> [String: Double] {
        let enumerator = FileManager.default.enumerator(atPath: folder.path)
        var found: [String: Double] = [:]
        for name in enumerator?.allObjects as? [String] ?? [] where name.hasSuffix(".pdf") {
            let path = folder.appendingPathComponent(name).path
            found[path] = (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        }
        return found
    }

    /// `count` copies of the four-star example with distinct credit codes' report numbers, as file names.
    public func copies(_ count: Int, prefix: String) throws -> [String] {
        let text = try String(contentsOf: Fixtures.fourStar, encoding: .utf8)
        return try (1...count).map { index in
            let name = "\(prefix)-\(index).yaml"
            try text.replacingOccurrences(of: "report_no: KB-ASM-2026-0117", with: "report_no: \(prefix)-\(index)")
                .write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
            return name
        }
    }

    /// Starts `starcert issue` on `files` in the background, its output discarded.
    public func startIssuing(_ files: [String], date: String = "2026-07-01") throws -> Process {
        let process = Process()
        process.executableURL = try StarCertExecutable.url()
        process.arguments = ["issue"] + files + ["-o", "out", "--archive", archive, "--date", date]
        process.currentDirectoryURL = folder
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    public func remove() { try? FileManager.default.removeItem(at: folder) }
}

extension StarCertExecutable.Result {
    public func expectSuccess() throws {
        guard status == 0 else { throw FixtureError("starcert failed (\(status)): \(stderr)") }
    }
}

/// A real RFC 3161 timestamp service on loopback (`Scripts/tsa-server.py`: OpenSSL's `ts` behind a
/// small HTTP server), with its own root certificate in `FOLDER/ca.crt`; stopped by `stop()`.
public final class TimestampAuthority {
    public let folder: URL
    public let port: String
    private let process: Process

    /// Starts a service that keeps its files in `folder` and runs at most `seconds`.
    public init(folder: URL, seconds: Int = 120) throws {
        self.folder = folder
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [Fixtures.packageRoot.appendingPathComponent("Scripts/tsa-server.py").path, folder.path, String(seconds)]
        let output = Pipe()
        process.standardOutput = output
        // Not the test runner's: `swift test` would wait for the service's end before finishing.
        process.standardError = FileHandle.nullDevice
        try process.run()
        let line = String(data: output.fileHandleForReading.availableData, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard Int(line) != nil else {
            process.terminate()
            throw FixtureError("the timestamp service did not start (it said `\(line)`)")
        }
        port = line
    }

    /// The address an issuer profile's `timestamp_url` names.
    public var url: String { "http://127.0.0.1:\(port)/tsa" }
    public var rootCertificate: URL { folder.appendingPathComponent("ca.crt") }

    public func stop() { process.terminate() }
}
