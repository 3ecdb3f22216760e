import Foundation
import GRDB
import StarCertArchive
import StarCertTestSupport
import Testing

/// The body's people and the signed journal of what they do.
@Suite struct StaffTests {
    @Test func peopleAreAddedWithKeysOfTheirOwnAndRetiredNeverDeleted() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        try fixture.run(["archive", "init", fixture.archive]).expectSuccess()
        let added = try fixture.run(["staff", "add", "王建国", "--roles", "auditor"])
        #expect(added.status == 0, "\(added.stderr)")
        try fixture.run(["staff", "add", "赵敏", "--roles", "reviewer,decider"]).expectSuccess()
        try fixture.run(["staff", "add", "Jos\u{E9}", "--roles", "auditor"]).expectSuccess()
        let key = fixture.folder.appendingPathComponent("staff-1.key").path
        let attributes = try FileManager.default.attributesOfItem(atPath: key)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(try String(contentsOfFile: key, encoding: .utf8).contains("PRIVATE KEY"))
        #expect(FileManager.default.fileExists(atPath: fixture.folder.appendingPathComponent("staff-2.key").path))
        // Their own key, kept elsewhere; a key already someone's is refused.
        try FileManager.default.copyItem(atPath: key, toPath: fixture.folder.appendingPathComponent("taken.pem").path)
        let taken = try fixture.run(["staff", "add", "陈志远", "--roles", "auditor", "--key", "taken.pem"])
        #expect(taken.status == 1 && taken.stderr.contains("already recorded for 王建国"), "\(taken.stderr)")
        let made = try ExternalProgram.run("openssl", ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", fixture.folder.appendingPathComponent("own.pem").path])
        #expect(made.status == 0)
        let own = try fixture.run(["staff", "add", "陈志远", "--roles", "auditor", "--key", "own.pem"])
        #expect(own.status == 0 && own.stdout.contains("own.pem"), "\(own.stderr)")

        for (arguments, message) in [
            (["staff", "add", "王建国", "--roles", "auditor"], "already on the staff"),
            // One name in two Unicode spellings is one person.
            (["staff", "add", "Jose\u{301}", "--roles", "auditor"], "already on the staff"),
            (["staff", "add", "李四", "--roles", "auditor,auditor"], "--roles"),
            (["staff", "add", "李四", "--roles", "boss"], "--roles"),
            (["staff", "add", "李\u{202E}四", "--roles", "auditor"], "visible text"),
            (["staff", "retire", "无名氏"], "no 无名氏 on the staff"),
            (["staff", "add", "李四", "--roles", "auditor", "--keys", "elsewhere"], "issuer.key"),
        ] as [([String], String)] {
            let refused = try fixture.run(arguments)
            #expect(refused.status != 0 && refused.stderr.contains(message), "\(arguments): \(refused.stderr)")
        }
        try fixture.run(["staff", "retire", "王建国", "--reason", "调岗"]).expectSuccess()
        #expect(try fixture.run(["staff", "retire", "王建国"]).stderr.contains("retired on"))
        let list = try fixture.run(["staff", "list"]).stdout
        #expect(list.contains("王建国") && list.contains("retired") && list.contains("reviewer,decider"), "\(list)")
        #expect(try fixture.run(["archive", "verify"]).status == 0)

        let queue = try DatabaseQueue(path: fixture.archive)
        #expect(throws: DatabaseError.self) { try queue.write { try $0.execute(sql: "DELETE FROM staff WHERE name = '赵敏'") } }
        #expect(throws: DatabaseError.self) { try queue.write { try $0.execute(sql: "UPDATE staff SET roles = 'decider' WHERE name = '王建国'") } }
        #expect(throws: DatabaseError.self) { try queue.write { try $0.execute(sql: "UPDATE event SET reason = 'x'") } }
    }

    /// Each way of rewriting the journal by hand (triggers dropped first) is found and named.
    @Test(arguments: [
        ("UPDATE event SET reason = '另有原因' WHERE id = 4", "journal entry 4 (staff-retired by issuer): its fields were changed"),
        ("DELETE FROM event WHERE id = 2", "journal entry 3 (staff-added by issuer): entries before it are missing"),
        ("UPDATE staff SET roles = 'auditor,reviewer,decider' WHERE id = 1", "staff 1 王建国: the row differs from what the journal recorded"),
        ("INSERT INTO staff (name, roles, public_key, added_at) VALUES ('冒名', 'decider', 'AAAA', '2026-01-01')", "staff 4 冒名: the journal never recorded this person"),
        ("UPDATE event SET signature = (SELECT signature FROM event WHERE id = 1) WHERE id = 2", "journal entry 2 (staff-added by issuer): its signature does not verify"),
    ])
    func aRewrittenJournalIsFoundAndNamed(statement: String, problem: String) throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        try fixture.run(["archive", "init", fixture.archive]).expectSuccess()
        for (name, roles) in [("王建国", "auditor"), ("赵敏", "reviewer"), ("钱坤", "decider")] {
            try fixture.run(["staff", "add", name, "--roles", roles]).expectSuccess()
        }
        try fixture.run(["staff", "retire", "钱坤", "--reason", "离职"]).expectSuccess()
        #expect(try fixture.run(["archive", "verify"]).status == 0)
        let queue = try DatabaseQueue(path: fixture.archive)
        try queue.write { db in
            for trigger in ["event_locked", "event_kept", "staff_locked", "staff_kept"] { try db.execute(sql: "DROP TRIGGER \(trigger)") }
            try db.execute(sql: statement)
        }
        let verified = try fixture.run(["archive", "verify"])
        #expect(verified.status == 1)
        #expect(verified.stdout.contains(problem) || verified.stderr.contains(problem), "\(verified.stdout)\(verified.stderr)")
    }
}

/// A number series is one series however its pattern is spelt.
@Suite struct SeriesSpellingTests {
    @Test(arguments: ["kb-asm-{year}-{seq:4}", "KB-ASM-{year}-{seq}", "Kb-Asm-{year}-{seq:12}"])
    func anotherSpellingContinuesTheSeries(pattern: String) throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        try fixture.run(["issue", "four-star-certification.yaml", "-o", "first", "--date", "2026-06-10"]).expectSuccess()
        let profile = fixture.folder.appendingPathComponent("issuer.yaml")
        let text = try String(contentsOf: profile, encoding: .utf8).replacingOccurrences(of: "KB-ASM-{year}-{seq:06}", with: pattern)
        try text.write(to: profile, atomically: true, encoding: .utf8)
        let second = try fixture.run(["issue", "four-star-certification.yaml", "-o", "second", "--date", "2026-06-10"])
        let number = pattern.replacingOccurrences(of: "{year}", with: "2026").replacing(/\{seq(:\d+)?\}/) { match in
            let width = match.output.1.map { Int($0.dropFirst()) ?? 0 } ?? 0
            return String(repeating: "0", count: max(0, width - 1)) + "2"
        }
        #expect(second.status == 0 && second.stdout.contains("certificate \(number)"), "\(second.stdout)\(second.stderr)")
        #expect(try fixture.run(["archive", "verify"]).status == 0)
    }
}

/// `archive files` never lets the assessment and a document take one name.
@Suite struct ArchiveFilesNamingTests {
    @Test func anAssessmentNamedLikeADocumentKeepsItsBytes() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        try FileManager.default.copyItem(at: fixture.folder.appendingPathComponent("four-star-certification.yaml"), to: fixture.folder.appendingPathComponent("report.html"))
        try fixture.run(["issue", "report.html", "-o", "out", "--date", "2026-06-10"]).expectSuccess()
        try fixture.run(["archive", "files", "1", "-o", "restored"]).expectSuccess()
        let restored = fixture.folder.appendingPathComponent("restored")
        #expect(try Data(contentsOf: restored.appendingPathComponent("assessment-report.html")) == (try Data(contentsOf: Fixtures.fourStar)))
        #expect(try String(contentsOf: restored.appendingPathComponent("report.html"), encoding: .utf8).contains("<html"))
    }
}

/// A correction stands in place of what it corrects: in the output folder and in the history.
@Suite struct CorrectionTests {
    @Test func aVetoedCorrectionLeavesNoCertificateBesideItsReportAndTheHistoryForgetsTheCorrected() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        try fixture.run(["issue", "four-star-certification.yaml", "-o", "out", "--date", "2026-06-10"]).expectSuccess()
        let folder = fixture.folder.appendingPathComponent("out/four-star-certification")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("certificate.pdf").path))
        try fixture.example("four-star-certification.yaml") { text in
            text.replacingOccurrences(of: "passed: true", with: "passed: false\n    findings: [近三年有一次行政处罚]")
        }
        let corrected = try fixture.run(["issue", "four-star-certification.yaml", "-o", "out", "--replaces", "1", "--date", "2026-06-11"])
        #expect(corrected.status == 0 && corrected.stdout.contains("no certificate (vetoed)"), "\(corrected.stdout)\(corrected.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("certificate.pdf").path))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("certificate.html").path))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("report.pdf").path))
        let history = try Archive(path: fixture.archive, access: .readOnly).history(creditCode: "91110108MA01C2XK3R", before: "2099-01-01")
        #expect(history.map(\.id) == [2])
    }
}

/// Interrupted during a batch `issue`, nothing is archived and left unwritten.
@Suite struct InterruptedIssueTests {
    @Test(arguments: [SIGINT, SIGTERM])
    func everyArchivedEvaluationIsWrittenAndTheRestNamed(signal: Int32) throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        let names = (1...24).map { "copy-\($0).yaml" }
        for name in names {
            try FileManager.default.copyItem(at: fixture.folder.appendingPathComponent("four-star-certification.yaml"), to: fixture.folder.appendingPathComponent(name))
        }
        let process = Process()
        process.executableURL = try StarCertExecutable.url()
        process.arguments = ["issue"] + names + ["-o", "out", "--jobs", "1", "--date", "2026-06-10"]
        process.currentDirectoryURL = fixture.folder
        var environment = ProcessInfo.processInfo.environment
        environment["STARCERT_ARCHIVE"] = fixture.archive
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Interrupt as soon as the first evaluation is written (standard output is buffered).
        let first = fixture.folder.appendingPathComponent("out/copy-1/certificate.pdf").path
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: first), process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        kill(process.processIdentifier, signal)
        let stdout = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 128 + signal, "\(stderr)")
        let archived = try Archive(path: fixture.archive, access: .readOnly).evaluations()
        #expect(!archived.isEmpty && archived.count < names.count, "\(archived.count) archived")
        for evaluation in archived {
            let folder = fixture.folder.appendingPathComponent("out").appendingPathComponent((evaluation.assessmentName as NSString).deletingPathExtension)
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("certificate.pdf").path), "\(evaluation.assessmentName) archived, not written")
        }
        let issuedNames = Set(archived.map(\.assessmentName))
        for name in names where !issuedNames.contains(name) {
            #expect(stderr.contains("\(name)") && stderr.contains("not issued"), "\(name) is neither issued nor named:\n\(stdout)\n\(stderr)")
        }
    }
}
