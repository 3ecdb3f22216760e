import Foundation
import GRDB
import PDFObjects
import StarCertApp
import StarCertArchive
import StarCertIssuing
import StarCertTestSupport
import Testing

/// Whether this process may mount file systems (root in a namespace that allows it): the disk-full
/// tests need a small tmpfs.
let canMount: Bool = {
    guard getuid() == 0 else { return false }
    let probe = FileManager.default.temporaryDirectory.appendingPathComponent("starcert-mount-probe-\(getpid())")
    try? FileManager.default.createDirectory(at: probe, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: probe) }
    guard let result = try? ExternalProgram.run("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", probe.path]), result.status == 0 else { return false }
    _ = try? ExternalProgram.run("umount", [probe.path])
    return true
}()

/// A tmpfs of `kilobytes` mounted at a new folder, unmounted by `defer`.
struct SmallDisk {
    let folder: URL

    init(kilobytes: Int) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("starcert-small-disk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let result = try ExternalProgram.run("mount", ["-t", "tmpfs", "-o", "size=\(kilobytes)k", "tmpfs", folder.path])
        guard result.status == 0 else { throw FixtureError("mount failed: \(result.stderr)") }
    }

    func remove() {
        _ = try? ExternalProgram.run("umount", [folder.path])
        try? FileManager.default.removeItem(at: folder)
    }
}

@Suite struct ArchiveIdentityTests {
    func sha(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    @Test func filesThatAreNotStarCertArchivesAreRefusedAndNeverChanged() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        let foreign = fixture.folder.appendingPathComponent("other.sqlite").path
        let queue = try DatabaseQueue(path: foreign)
        try queue.write { try $0.execute(sql: "CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('x')") }
        try queue.close()
        let cases: [(String, Data?, String)] = [
            ("empty.sqlite", Data(), "it is an empty file"),
            ("text.sqlite", Data("hello\n".utf8), "it is not an SQLite database"),
            ("other.sqlite", nil, "it is an SQLite database of another program"),
        ]
        for (name, contents, reason) in cases {
            let path = fixture.folder.appendingPathComponent(name).path
            if let contents { try contents.write(to: URL(fileURLWithPath: path)) }
            let before = try sha(path)
            let commands = [
                ["issue", "four-star-certification.yaml", "-o", "out", "--date", "2026-06-10", "--archive", path], ["archive", "list", "--archive", path],
                ["archive", "verify", "--archive", path], ["verify", "KB-ASM-2026-000001", "--archive", path],
                ["cert", "suspend", "KB-ASM-2026-000001", "--reason", "x", "--archive", path],
            ]
            for command in commands {
                let result = try fixture.run(command)
                #expect(result.status == 1, "\(command) \(name)")
                #expect(result.stderr.contains("\(path) is not a StarCert archive (\(reason)); it was not changed"), "\(command) \(name): \(result.stderr)")
            }
            let initialise = try fixture.run(["archive", "init", path])
            #expect(initialise.status == 1 && initialise.stderr.contains("already exists"))
            #expect(try sha(path) == before, "\(name) was changed")
            #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        }
        #expect(!FileManager.default.fileExists(atPath: fixture.folder.appendingPathComponent("out").path))
    }

    @Test func aNewArchiveIsMadeOnlyWhereNothingIsOrByArchiveInit() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        let missing = try fixture.run(["archive", "list"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("there is no archive at \(fixture.archive); create one with `starcert archive init"))
        #expect(!FileManager.default.fileExists(atPath: fixture.archive))
        try fixture.run(["archive", "init"]).expectSuccess()
        #expect(try fixture.run(["archive", "list"]).status == 0)
        let again = try fixture.run(["archive", "init"])
        #expect(again.status == 1 && again.stderr.contains("already exists"))
        let fresh = fixture.folder.appendingPathComponent("fresh.sqlite").path
        let issued = try fixture.run(["issue", "four-star-certification.yaml", "-o", "out", "--date", "2026-06-10", "--archive", fresh])
        #expect(issued.status == 0)
        #expect(issued.stderr.contains("created a new archive at \(fresh)"))
        let second = try fixture.run(["issue", "four-star-certification.yaml", "-o", "out2", "--date", "2026-06-10", "--archive", fresh])
        #expect(!second.stderr.contains("created a new archive"))
    }

    @Test func processesCreatingTheSameArchiveAtOnceAllSucceed() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        let files = try fixture.copies(1, prefix: "c")
        for round in 0..<15 {
            let archive = fixture.folder.appendingPathComponent("race-\(round).sqlite").path
            let processes = try (0..<3).map { index -> Process in
                let process = Process()
                process.executableURL = try StarCertExecutable.url()
                process.arguments = ["issue"] + files + ["-o", "race-\(round)-\(index)", "--archive", archive, "--date", "2026-06-10"]
                process.currentDirectoryURL = fixture.folder
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.run()
                return process
            }
            for process in processes { process.waitUntilExit() }
            #expect(processes.allSatisfy { $0.terminationStatus == 0 }, "round \(round)")
            let numbers = try Archive(path: archive, access: .readOnly).evaluations().compactMap(\.certificateNumber).sorted()
            #expect(numbers == (1...3).map { String(format: "KB-ASM-2026-%06d", $0) }, "round \(round)")
        }
    }

    @Test(.enabled(if: getuid() == 0, "needs root to act as another user"))
    func aUserWhoMayOnlyReadTheArchiveCanReadIt() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        try fixture.run(["issue", "four-star-certification.yaml", "-o", "out", "--date", "2026-06-10"]).expectSuccess()
        let folder = fixture.folder.appendingPathComponent("readonly")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let archive = folder.appendingPathComponent("archive.sqlite").path
        try FileManager.default.copyItem(atPath: fixture.archive, toPath: archive)
        #expect(chmod(archive, 0o444) == 0 && chmod(folder.path, 0o555) == 0 && chmod(fixture.folder.path, 0o755) == 0)
        let binary = try StarCertExecutable.url().path
        for command in [["archive", "list"], ["archive", "show", "1"], ["archive", "export"], ["archive", "verify"], ["verify", "KB-ASM-2026-000001"]] {
            let result = try ExternalProgram.run(URL(fileURLWithPath: "/usr/sbin/runuser"), ["-u", "nobody", "--", binary] + command + ["--archive", archive], in: folder)
            #expect(result.status == 0, "\(command): \(result.stderr)")
        }
        let change = try ExternalProgram.run(URL(fileURLWithPath: "/usr/sbin/runuser"), ["-u", "nobody", "--", binary, "cert", "suspend", "KB-ASM-2026-000001", "--reason", "x", "--archive", archive], in: folder)
        #expect(change.status == 1)
        #expect(!FileManager.default.fileExists(atPath: archive + "-wal"))
    }

    @Test func archiveVerifyComparesSignedDataWithStoredFieldsAndTheNumberSeries() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        let files = try fixture.copies(3, prefix: "v")
        try fixture.run(["issue"] + files + ["-o", "out", "--date", "2026-06-10", "--jobs", "1"]).expectSuccess()
        #expect(try fixture.run(["archive", "verify"]).status == 0)
        let queue = try DatabaseQueue(path: fixture.archive)
        try queue.write { db in
            try db.execute(sql: "DROP TRIGGER evaluation_locked; DROP TRIGGER certificate_locked")
            try db.execute(sql: "UPDATE evaluation SET organization = '北京伪造服务有限公司', total_hundredths = 9999 WHERE id = 2")
            try db.execute(sql: "UPDATE number_series SET last = 2")
        }
        try queue.close()
        let result = try fixture.run(["archive", "verify"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("certificate KB-ASM-2026-000002: the signed organization `北京华信家电服务有限公司` differs from the stored `北京伪造服务有限公司`"))
        #expect(result.stdout.contains("certificate KB-ASM-2026-000002: the signed total `91.55` differs from the stored `99.99`"))
        #expect(result.stdout.contains("series KB-ASM-2026-{seq:06}: certificate number 3 was issued, but the series was rewound to 2"), "\(result.stdout)")
        try DatabaseQueue(path: fixture.archive).write { db in
            try db.execute(sql: "UPDATE number_series SET last = 5")
        }
        #expect(try fixture.run(["archive", "verify"]).stdout.contains("the series counts 5 numbers, but the highest certificate is 3"))
    }
}

@Suite(.enabled(if: canMount, "needs root and a mount namespace that allows tmpfs")) struct DiskFullTests {
    @Test func aFullDiskUnderTheArchiveIsReportedAndNothingIsRecorded() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        let disk = try SmallDisk(kilobytes: 400)
        defer { disk.remove() }
        let archive = disk.folder.appendingPathComponent("archive.sqlite").path
        try fixture.run(["archive", "init", archive]).expectSuccess()
        let result = try fixture.run(["issue", "four-star-certification.yaml", "-o", "out", "--date", "2026-06-10", "--archive", archive])
        #expect(result.status == 1)
        #expect(result.stderr.contains("the disk holding \(archive) is full; nothing was recorded"), "\(result.stderr)")
        #expect(try Archive(path: archive, access: .readOnly).evaluations().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: fixture.folder.appendingPathComponent("out").path))
    }

    @Test func aFullDiskUnderTheOutputsSaysTheCertificateIsArchivedAndHowToGetItsFiles() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        let disk = try SmallDisk(kilobytes: 300)
        defer { disk.remove() }
        let result = try fixture.run(["issue", "four-star-certification.yaml", "-o", disk.folder.path, "--date", "2026-06-10"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("the disk is full. The evaluation was issued and archived (evaluation 1, certificate KB-ASM-2026-000001)"), "\(result.stderr)")
        #expect(result.stderr.contains("`starcert archive files 1 -o DIR`"))
        let left = try FileManager.default.subpathsOfDirectory(atPath: disk.folder.path)
        #expect(left.allSatisfy { !$0.contains(".tmp") }, "\(left)")
        #expect(left.filter { $0.hasSuffix(".pdf") || $0.hasSuffix(".html") }.isEmpty, "\(left)")
        try fixture.run(["archive", "files", "1", "-o", "restored"]).expectSuccess()
    }
}
