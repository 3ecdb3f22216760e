import Foundation

/// A folder set up for issuing: an issuer profile, a key pair, an archive path.
public struct IssuingFixture {
    public let folder: URL
    public var archive: String { folder.appendingPathComponent("archive.sqlite").path }

    public init() throws {
        folder = try Fixtures.temporaryFolder()
        try FileManager.default.copyItem(at: Fixtures.examples.appendingPathComponent("photos"), to: folder.appendingPathComponent("photos"))
        for name in ["four-star-certification.yaml", "vetoed-certification.yaml"] {
            try FileManager.default.copyItem(at: Fixtures.example(name), to: folder.appendingPathComponent(name))
        }
        try run(["issuer", "init", "-o", "issuer.yaml"]).expectSuccess()
        try run(["keys", "init"]).expectSuccess()
    }

    /// Runs starcert in the folder with the fixture's archive.
    public func run(_ arguments: [String]) throws -> StarCertExecutable.Result {
        var environment = ProcessInfo.processInfo.environment
        environment["STARCERT_ARCHIVE"] = archive
        return try StarCertExecutable.run(arguments, in: folder, environment: environment)
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
