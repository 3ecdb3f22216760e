import Foundation
import GRDB
import StarCertArchive
import StarCertCore
import StarCertTestSupport
import Testing

/// A certificate's life: surveillance on schedule, statuses that follow the rules, recertification.
@Suite struct LifecycleTests {
    /// A copy of the four-star example as an evaluation of `kind` audited on `start`…`end`,
    /// continuing `certificate`, its text changed further by `edit`.
    @discardableResult
    static func evaluation(_ fixture: IssuingFixture, _ name: String, kind: String, audit: (String, String), certificate: String? = nil,
                           edit: (String) -> String = { $0 }) throws -> String {
        try fixture.example(name) { text in
            edit(text.replacingOccurrences(of: "kind: initial", with: "kind: \(kind)" + (certificate.map { "\ncertificate: \($0)" } ?? ""))
                .replacingOccurrences(of: "start: 2026-05-10", with: "start: \(audit.0)")
                .replacingOccurrences(of: "end: 2026-05-12", with: "end: \(audit.1)"))
        }
    }

    /// Submits `file`, has it accepted by 赵敏 and decided by 钱坤 with `verdict` on `date`.
    static func decide(_ fixture: IssuingFixture, _ file: String, id: Int, date: String, verdict: [String] = ["--grant"]) throws -> StarCertExecutable.Result {
        try fixture.run(["submit", file, "-o", "drafts"]).expectSuccess()
        try fixture.run(["review", String(id), "--by", "赵敏", "--accept"]).expectSuccess()
        return try fixture.run(["decide", String(id), "--by", "钱坤"] + verdict + ["-o", "out", "--date", date])
    }

    static func dueJSON(_ fixture: IssuingFixture, date: String) throws -> [[String: Any]] {
        let listed = try fixture.run(["due", "--json", "--date", date])
        try listed.expectSuccess()
        let object = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [String: Any]
        return object?["due"] as? [[String: Any]] ?? []
    }

    /// The README's walkthrough: initial certification, surveillance 1 on time, surveillance 2
    /// missed (suspended by the rules, restored by the late surveillance), recertification.
    @Test func aThreeYearCycleRunsFromDecisionToRecertification() throws {
        let fixture = try DecisionTests.desk()
        defer { fixture.remove() }
        let number = "KB-ASM-2023-000001"
        try Self.evaluation(fixture, "initial.yaml", kind: "initial", audit: ("2023-11-20", "2023-11-22"))
        let granted = try Self.decide(fixture, "initial.yaml", id: 1, date: "2023-12-01")
        #expect(granted.status == 0 && granted.stdout.contains("certificate \(number)"), "\(granted.stderr)")
        var due = try Self.dueJSON(fixture, date: "2023-12-01")
        #expect(due.count == 1 && due[0]["due"] as? String == "surveillance 1" && due[0]["due_by"] as? String == "2024-12-01"
            && due[0]["decision_path"] as? String == "separate" && due[0]["activity_code"] as? String == "03")
        // The open minor findings and observations of the decision are the next audit's agenda.
        let agenda = due[0]["agenda"] as? [[String: String]] ?? []
        #expect(agenda.count == 6 && agenda.contains { $0["item"] == "4.3.3" && $0["severity"] == "minor" })

        // Surveillance 1 on time: maintained, no new certificate; the report names the certificate.
        try Self.evaluation(fixture, "surveillance-1.yaml", kind: "surveillance", audit: ("2024-10-14", "2024-10-15"), certificate: number)
        let first = try Self.decide(fixture, "surveillance-1.yaml", id: 2, date: "2024-10-25")
        #expect(first.status == 0 && first.stdout.contains("certificate \(number) maintained"), "\(first.stderr)")
        let report = try PDFInspection.text(Array(Data(contentsOf: fixture.folder.appendingPathComponent("out/surveillance-1/report.pdf"))))
        #expect(report.contains(number) && report.contains("赵敏") && report.contains("钱坤"), "the record names the certificate, the reviewer and the decider")
        #expect(!FileManager.default.fileExists(atPath: fixture.folder.appendingPathComponent("out/surveillance-1/certificate.pdf").path))
        due = try Self.dueJSON(fixture, date: "2024-10-25")
        #expect(due[0]["due"] as? String == "surveillance 2" && due[0]["due_by"] as? String == "2025-10-25" && due[0]["last_surveillance"] as? String == "2024-10-25")

        // Surveillance 2 is missed: the rules suspend the certificate from the day after it was due.
        let quiet = try fixture.run(["lifecycle", "apply", "--date", "2025-10-25"])
        #expect(quiet.status == 0 && quiet.stdout.contains("0 changes"), "\(quiet.stdout)\(quiet.stderr)")
        let applied = try fixture.run(["lifecycle", "apply", "--date", "2025-12-01"])
        #expect(applied.status == 0 && applied.stdout.contains("certificate \(number): 暂停 (suspended, 02) from 2025-10-26 — surveillance-overdue"), "\(applied.stdout)\(applied.stderr)")
        let again = try fixture.run(["lifecycle", "apply", "--date", "2025-12-01"])
        #expect(again.status == 0 && again.stdout.contains("0 changes"), "applying twice changes nothing more: \(again.stdout)")
        let backwards = try fixture.run(["lifecycle", "apply", "--date", "2025-10-01"])
        #expect(backwards.status == 1 && backwards.stderr.contains("last recorded event took effect on 2025-10-26"), "\(backwards.stderr)")
        due = try Self.dueJSON(fixture, date: "2025-12-01")
        #expect(due[0]["status_code"] as? String == "02" && due[0]["status_since"] as? String == "2025-10-26" && due[0]["due_by"] as? String == "2026-04-26")
        let shown = try fixture.run(["verify", "out/initial/certificate.pdf"])
        #expect(shown.stdout.contains("暂停"), "\(shown.stdout)")

        // The late surveillance restores it.
        try Self.evaluation(fixture, "surveillance-2.yaml", kind: "surveillance", audit: ("2026-01-12", "2026-01-13"), certificate: number)
        let late = try Self.decide(fixture, "surveillance-2.yaml", id: 3, date: "2026-01-20")
        #expect(late.status == 0 && late.stdout.contains("maintained"), "\(late.stderr)")
        due = try Self.dueJSON(fixture, date: "2026-01-20")
        #expect(due[0]["status"] as? String == "valid" && due[0]["due"] as? String == "recertification" && due[0]["due_by"] as? String == "2026-11-30")

        // A third surveillance has no place in the cycle.
        try Self.evaluation(fixture, "surveillance-3.yaml", kind: "surveillance", audit: ("2026-03-02", "2026-03-03"), certificate: number)
        let third = try Self.decide(fixture, "surveillance-3.yaml", id: 4, date: "2026-03-10")
        #expect(third.status == 1 && third.stderr.contains("had its 2 surveillances of this cycle; expected a recertification"), "\(third.stderr)")
        #expect(try fixture.run(["decide", "4", "--by", "钱坤", "--refuse", "--reason", "不在监督方案内"]).status == 1)

        // Recertification: a new three-year certificate replaces the old.
        try Self.evaluation(fixture, "recertification.yaml", kind: "recertification", audit: ("2026-10-19", "2026-10-21"), certificate: number)
        let renewed = try Self.decide(fixture, "recertification.yaml", id: 5, date: "2026-11-02")
        #expect(renewed.status == 0 && renewed.stdout.contains("certificate KB-ASM-2026-000001, replacing \(number)"), "\(renewed.stderr)")
        due = try Self.dueJSON(fixture, date: "2026-11-02")
        #expect(due.count == 1 && due[0]["certificate"] as? String == "KB-ASM-2026-000001" && due[0]["expires"] as? String == "2029-11-01"
            && due[0]["due"] as? String == "surveillance 1" && due[0]["due_by"] as? String == "2027-11-02")
        let old = try Archive(path: fixture.archive, access: .readOnly).certificate(number)
        #expect(old.history.map(\.status) == [.valid, .suspended, .valid, .superseded])
        #expect(old.history.compactMap(\.rule) == ["surveillance-overdue"])
        let verified = try fixture.run(["archive", "verify"])
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        let kinds = try Archive(path: fixture.archive, access: .readOnly).events().map(\.kind)
        #expect(kinds.filter { $0 == "decision-maintained" }.count == 2 && kinds.contains("status-suspended") && kinds.contains("status-superseded"))
    }

    /// Under `single-step`, `issue` decides; the rules suspend an overdue certificate, withdraw it
    /// when the suspension runs out, and a withdrawn certificate takes no surveillance.
    @Test func aSuspensionPastItsLimitWithdrawsTheCertificate() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        let number = "KB-ASM-2023-000001"
        try Self.evaluation(fixture, "initial.yaml", kind: "initial", audit: ("2023-11-20", "2023-11-22"))
        try fixture.run(["issue", "initial.yaml", "-o", "out", "--date", "2023-12-01"]).expectSuccess()
        let due = try Self.dueJSON(fixture, date: "2024-11-15")
        #expect(due[0]["decision_path"] as? String == "single-step" && due[0]["days_left"] as? Int == 16)
        let within = try fixture.run(["due", "--within", "10", "--date", "2024-11-15"])
        #expect(within.stdout.contains("0 certificates"), "\(within.stdout)")
        let table = try fixture.run(["due", "--within", "30", "--date", "2024-11-15"])
        #expect(table.stdout.contains(number) && table.stdout.contains("surveillance 1") && table.stdout.contains("2024-12-01"), "\(table.stdout)")
        try fixture.run(["lifecycle", "apply", "--date", "2025-06-02"]).expectSuccess()
        let late = try fixture.run(["due", "--date", "2025-06-03"])
        #expect(late.stdout.contains("1 overdue"), "\(late.stdout)")
        let withdrawn = try fixture.run(["lifecycle", "apply", "--date", "2025-06-03"])
        #expect(withdrawn.stdout.contains("撤销 (withdrawn, 03) from 2025-06-03 — suspension-limit"), "\(withdrawn.stdout)\(withdrawn.stderr)")
        try Self.evaluation(fixture, "surveillance.yaml", kind: "surveillance", audit: ("2025-06-10", "2025-06-11"), certificate: number)
        let refused = try fixture.run(["issue", "surveillance.yaml", "-o", "out", "--date", "2025-06-12"])
        #expect(refused.status == 1 && refused.stderr.contains("certificate \(number) is withdrawn (撤销) since 2025-06-03"), "\(refused.stderr)")
        #expect(try fixture.run(["due", "--date", "2025-06-03"]).stdout.contains("0 certificates"))
    }

    /// A profile without surveillances: the certificate expires the day after its last valid day.
    @Test func aCertificatePastItsExpiryExpires() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        let profile = fixture.folder.appendingPathComponent("issuer.yaml")
        try (String(contentsOf: profile, encoding: .utf8) + "surveillances_per_cycle: 0\n").write(to: profile, atomically: true, encoding: .utf8)
        try Self.evaluation(fixture, "initial.yaml", kind: "initial", audit: ("2023-11-20", "2023-11-22"))
        try fixture.run(["issue", "initial.yaml", "-o", "out", "--date", "2023-12-01"]).expectSuccess()
        #expect(try Self.dueJSON(fixture, date: "2024-01-01")[0]["due"] as? String == "recertification")
        let expired = try fixture.run(["lifecycle", "apply", "--date", "2026-12-01"])
        #expect(expired.stdout.contains("过期失效 (expired, 05) from 2026-12-01 — expiry"), "\(expired.stdout)\(expired.stderr)")
        try Self.evaluation(fixture, "recertification.yaml", kind: "recertification", audit: ("2026-11-20", "2026-11-21"), certificate: "KB-ASM-2023-000001")
        let late = try fixture.run(["issue", "recertification.yaml", "-o", "out", "--date", "2026-12-02"])
        #expect(late.status == 1 && late.stderr.contains("is expired"), "\(late.stderr)")
        let restore = try fixture.run(["cert", "restore", "KB-ASM-2023-000001", "--reason", "人工恢复"])
        #expect(restore.status == 1 && restore.stderr.contains("an expired certificate's status does not change"), "\(restore.stderr)")
    }

    /// A missed surveillance suspends, and the suspension withdraws, before the expiry would come:
    /// applied only years later, the rules record each on its own day.
    @Test func rulesAppliedLateRecordEachChangeOnItsDay() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        try Self.evaluation(fixture, "initial.yaml", kind: "initial", audit: ("2022-06-06", "2022-06-07"))
        try fixture.run(["issue", "initial.yaml", "-o", "out", "--date", "2022-06-15"]).expectSuccess()
        try fixture.run(["lifecycle", "apply", "--date", "2026-12-01"]).expectSuccess()
        let history = try Archive(path: fixture.archive, access: .readOnly).certificate("KB-ASM-2022-000001").history
        #expect(history.map(\.status) == [.valid, .suspended, .withdrawn] && history.map(\.effectiveOn) == ["2022-06-15", "2023-06-16", "2023-12-17"])
    }

    /// A surveillance at another star level: a new certificate replaces the old until the same
    /// expiry, and the programme goes on.
    @Test func aSurveillanceAtAnotherStarLevelReplacesTheCertificate() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        try Self.evaluation(fixture, "initial.yaml", kind: "initial", audit: ("2024-03-04", "2024-03-05"))
        try fixture.run(["issue", "initial.yaml", "-o", "out", "--date", "2024-03-08"]).expectSuccess()
        try Self.evaluation(fixture, "lower.yaml", kind: "surveillance", audit: ("2025-02-10", "2025-02-11"), certificate: "KB-ASM-2024-000001") {
            $0.replacingOccurrences(of: "percent: 90", with: "percent: 80")
        }
        let changed = try fixture.run(["issue", "lower.yaml", "-o", "out", "--date", "2025-02-20"])
        #expect(changed.status == 0 && changed.stdout.contains("certificate KB-ASM-2025-000001 at the new star level, replacing KB-ASM-2024-000001"), "\(changed.stdout)\(changed.stderr)")
        let archive = try Archive(path: fixture.archive, access: .readOnly)
        let new = try archive.certificate("KB-ASM-2025-000001")
        #expect(new.canonical.starLevel == 3 && new.canonical.expires == "2027-03-07")
        #expect(try archive.certificate("KB-ASM-2024-000001").history.last?.status == .superseded)
        let due = try Self.dueJSON(fixture, date: "2025-02-20")
        #expect(due.count == 1 && due[0]["certificate"] as? String == "KB-ASM-2025-000001" && due[0]["due"] as? String == "surveillance 2"
            && due[0]["cycle_start"] as? String == "2024-03-08" && due[0]["due_by"] as? String == "2026-02-20")
        // The superseded certificate is no longer surveilled.
        try Self.evaluation(fixture, "old.yaml", kind: "surveillance", audit: ("2025-03-02", "2025-03-03"), certificate: "KB-ASM-2024-000001")
        let stale = try fixture.run(["issue", "old.yaml", "-o", "out", "--date", "2025-03-04"])
        #expect(stale.status == 1 && stale.stderr.contains("was replaced by KB-ASM-2025-000001"), "\(stale.stderr)")
        #expect(try archive.certificate("KB-ASM-2024-000001").successor == "KB-ASM-2025-000001")
        // Corrections: never of a surveillance, never of a replaced certificate.
        let correctedSurveillance = try fixture.run(["issue", "lower.yaml", "-o", "fixed", "--date", "2025-03-04", "--replaces", "2"])
        #expect(correctedSurveillance.status == 1 && correctedSurveillance.stderr.contains("evaluation 2 is a surveillance decision; it is not corrected"), "\(correctedSurveillance.stderr)")
        let correctedReplaced = try fixture.run(["issue", "initial.yaml", "-o", "fixed", "--date", "2025-03-04", "--replaces", "1"])
        #expect(correctedReplaced.status == 1 && correctedReplaced.stderr.contains("certificate KB-ASM-2024-000001 is superseded"), "\(correctedReplaced.stderr)")
    }

    /// Every refusal names who, what and why, exits 1 and changes nothing.
    @Test func decisionsOnTheCycleAreRefusedWithTheirReason() throws {
        let fixture = try DecisionTests.desk()
        defer { fixture.remove() }
        let number = "KB-ASM-2024-000001"
        try Self.evaluation(fixture, "initial.yaml", kind: "initial", audit: ("2024-03-04", "2024-03-05")) {
            $0.replacingOccurrences(of: "severity: minor", with: "severity: major")
        }
        try fixture.run(["submit", "initial.yaml", "-o", "drafts"]).expectSuccess()
        try fixture.run(["review", "1", "--by", "赵敏", "--accept"]).expectSuccess()
        let open = try fixture.run(["decide", "1", "--by", "钱坤", "--grant", "-o", "out", "--date", "2024-03-08"])
        #expect(open.status == 1 && open.stderr.contains("has 4 major findings not closed") && open.stderr.contains("item 4.3.3 #1"), "\(open.stderr)")
        for (arguments, message) in [
            (["finding", "close", "1", "4.1.2", "--by", "赵敏", "--evidence", "已整改"], "item 4.1.2 of evaluation 1 has no major finding"),
            (["finding", "close", "1", "9.9", "--by", "赵敏", "--evidence", "已整改"], "has no item 9.9"),
            (["finding", "close", "1", "4.3.3", "--by", "钱坤", "--evidence", "已整改"], "closing a finding takes an auditor or a reviewer"),
            (["finding", "close", "1", "4.3.3", "--by", "赵敏", "--evidence", " "], "needs its evidence"),
            (["finding", "close", "1", "4.3.3", "--by", "赵敏", "--evidence", "已整改", "--key", "staff-1.key"], "the key given is not 赵敏's"),
            (["finding", "close", "1", "4.3.3", "--by", "赵敏", "--finding", "2", "--evidence", "已整改"], "not a major finding"),
            (["decide", "1", "--by", "钱坤", "--suspend", "--reason", "x"], "only a surveillance suspends or withdraws"),
        ] as [([String], String)] {
            let refused = try fixture.run(arguments)
            #expect(refused.status == 1 && refused.stderr.contains(message), "\(arguments): \(refused.stderr)")
        }
        for item in ["4.3.3", "4.4.3", "4.4.4"] {
            try fixture.run(["finding", "close", "1", item, "--by", "赵敏", "--evidence", "纠正措施已验证：记录补签"]).expectSuccess()
        }
        let several = try fixture.run(["decide", "1", "--by", "钱坤", "--grant", "-o", "out", "--date", "2024-03-08"])
        #expect(several.status == 1 && several.stderr.contains("has 1 major finding not closed"), "\(several.stderr)")
        let twice = try fixture.run(["finding", "close", "1", "4.3.3", "--by", "王建国", "--evidence", "再次"])
        #expect(twice.status == 1 && twice.stderr.contains("was closed already"), "\(twice.stderr)")
        let remaining = try Archive(path: fixture.archive, access: .readOnly).closedFindings(of: 1).map(\.item)
        #expect(Set(remaining) == ["4.3.3", "4.4.3", "4.4.4"])
        #expect(several.stderr.contains("item 4.10 #1"))
        try fixture.run(["finding", "close", "1", "4.10", "--by", "王建国", "--evidence", "复核记录已补充"]).expectSuccess()
        try fixture.run(["decide", "1", "--by", "钱坤", "--grant", "-o", "out", "--date", "2024-03-08"]).expectSuccess()

        try Self.evaluation(fixture, "nameless.yaml", kind: "surveillance", audit: ("2025-01-06", "2025-01-07"))
        let nameless = try fixture.run(["submit", "nameless.yaml"])
        #expect(nameless.status == 1 && nameless.stderr.contains("a surveillance names the certificate it surveils"), "\(nameless.stderr)")
        try Self.evaluation(fixture, "unknown.yaml", kind: "surveillance", audit: ("2025-01-06", "2025-01-07"), certificate: "KB-ASM-2024-999999")
        #expect(try fixture.run(["submit", "unknown.yaml"]).stderr.contains("there is no certificate KB-ASM-2024-999999"))
        try Self.evaluation(fixture, "named.yaml", kind: "initial", audit: ("2025-01-06", "2025-01-07"), certificate: number)
        try fixture.run(["submit", "named.yaml"]).expectSuccess()
        try fixture.run(["review", "2", "--by", "赵敏", "--accept"]).expectSuccess()
        let initialNaming = try fixture.run(["decide", "2", "--by", "钱坤", "--grant", "-o", "out", "--date", "2025-01-08"])
        #expect(initialNaming.status == 1 && initialNaming.stderr.contains("an initial evaluation names no certificate"), "\(initialNaming.stderr)")
        try fixture.run(["decide", "2", "--by", "钱坤", "--refuse", "--reason", "类型错误"]).expectSuccess()

        try Self.evaluation(fixture, "surveillance.yaml", kind: "surveillance", audit: ("2025-01-06", "2025-01-07"), certificate: number)
        try fixture.run(["submit", "surveillance.yaml"]).expectSuccess()
        try fixture.run(["review", "3", "--by", "赵敏", "--accept"]).expectSuccess()
        let refuse = try fixture.run(["decide", "3", "--by", "钱坤", "--refuse", "--reason", "x"])
        #expect(refuse.status == 1 && refuse.stderr.contains("decided by --grant"), "\(refuse.stderr)")
        let early = try fixture.run(["decide", "3", "--by", "钱坤", "--grant", "-o", "out", "--date", "2024-03-01"])
        #expect(early.status == 1 && early.stderr.contains("before the audit's last day"), "\(early.stderr)")
        let future = try fixture.run(["lifecycle", "apply", "--date", "2099-01-01"])
        #expect(future.status == 1 && future.stderr.contains("is after today"), "\(future.stderr)")
        // Suspending by decision, with its reason, recorded as the decider's.
        let suspended = try fixture.run(["decide", "3", "--by", "钱坤", "--suspend", "--reason", "监督发现严重不符合", "-o", "out", "--date", "2025-03-05"])
        #expect(suspended.status == 0 && suspended.stdout.contains("certificate \(number) suspended"), "\(suspended.stderr)")
        let record = try Archive(path: fixture.archive, access: .readOnly).certificate(number)
        #expect(record.history.last?.status == .suspended && record.history.last?.reason == "监督发现严重不符合" && record.history.last?.effectiveOn == "2025-03-05")
        let backwards = try fixture.run(["lifecycle", "apply", "--date", "2025-03-01"])
        #expect(backwards.status == 1 && backwards.stderr.contains("took effect on 2025-03-05"), "\(backwards.stderr)")
        try Self.evaluation(fixture, "surveillance-again.yaml", kind: "surveillance", audit: ("2025-01-06", "2025-01-08"), certificate: number)
        try fixture.run(["submit", "surveillance-again.yaml"]).expectSuccess()
        try fixture.run(["review", "4", "--by", "赵敏", "--accept"]).expectSuccess()
        let beforeLast = try fixture.run(["decide", "4", "--by", "钱坤", "--grant", "-o", "out", "--date", "2025-03-02"])
        #expect(beforeLast.status == 1 && beforeLast.stderr.contains("before the last event of certificate \(number) (2025-03-05)"), "\(beforeLast.stderr)")
        // A passing surveillance lifts the suspension.
        let lifted = try fixture.run(["decide", "4", "--by", "钱坤", "--grant", "-o", "out", "--date", "2025-03-12"])
        #expect(lifted.status == 0 && lifted.stdout.contains("maintained"), "\(lifted.stderr)")
        #expect(try Archive(path: fixture.archive, access: .readOnly).certificate(number).history.last?.status == .valid)
        #expect(try fixture.run(["archive", "verify"]).status == 0)
    }

    /// Two processes applying the rules at once make each change once.
    @Test func twoProcessesApplyingTheRulesAtOnceChangeEachCertificateOnce() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        try Self.evaluation(fixture, "initial.yaml", kind: "initial", audit: ("2023-11-20", "2023-11-22"))
        try fixture.run(["issue", "initial.yaml", "-o", "out", "--date", "2023-12-01"]).expectSuccess()
        let results = ResultBox()
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            results.append(try? fixture.run(["lifecycle", "apply", "--date", "2025-09-01"]))
        }
        let outputs = results.values.compactMap { $0 }
        #expect(outputs.count == 4 && outputs.allSatisfy { $0.status == 0 })
        #expect(outputs.map(\.stdout).joined().components(separatedBy: "surveillance-overdue").count - 1 == 1)
        #expect(outputs.map(\.stdout).joined().components(separatedBy: "suspension-limit").count - 1 == 1)
        let history = try Archive(path: fixture.archive, access: .readOnly).certificate("KB-ASM-2023-000001").history
        #expect(history.map(\.status) == [.valid, .suspended, .withdrawn])
        #expect(history.map(\.effectiveOn) == ["2023-12-01", "2024-12-02", "2025-06-03"])
        #expect(try fixture.run(["archive", "verify"]).status == 0)
        // A change slipped into the table by hand, beside the journal, is found.
        let queue = try DatabaseQueue(path: fixture.archive)
        try queue.write { db in
            try db.execute(sql: "INSERT INTO certificate_status (number, status, reason, at, effective_on, rule) VALUES ('KB-ASM-2023-000001', 'expired', 'x', '2026-12-01T00:00:00Z', '2026-12-01', 'expiry')")
        }
        try queue.close()
        let tampered = try fixture.run(["archive", "verify"])
        #expect(tampered.status == 1 && tampered.stdout.contains("the change to expired (row 4) is not in the journal"), "\(tampered.stdout)")
    }

    /// What the journal speaks for cannot be changed beside it: each hand edit is named by
    /// `archive verify`, and a decision is not taken on a review the journal never recorded.
    @Test(arguments: [
        ("UPDATE submission SET state = 'accepted', reviewer = '赵敏' WHERE id = 2", "submitted evaluation 2 is accepted (reviewer 赵敏), but the journal says awaiting-review"),
        ("INSERT INTO finding_closure VALUES (1, '4.4.3', 1, 'x', '伪造', '赵敏', '2026-01-01T00:00:00Z')", "is not in the journal"),
        ("INSERT INTO certificate_status (number, status, reason, at) VALUES ('KB-ASM-2024-000001', 'withdrawn', 'x', '2026-01-01T00:00:00Z')", "the change to withdrawn (row 2) is not in the journal"),
        ("DROP TRIGGER certificate_status_kept; DELETE FROM certificate_status WHERE id = 1", "records a status change (row 1) that is no longer in the archive"),
        ("DROP TRIGGER certificate_status_locked; UPDATE certificate_status SET reason = 'other' WHERE id = 1", "differs from what journal entry"),
        ("DROP TRIGGER cycle_step_locked; UPDATE cycle_step SET agenda = '[]'", "differs from what journal entry"),
        ("DROP TRIGGER cycle_step_kept; DELETE FROM cycle_step", "records a decision on evaluation 1 that is no longer in the archive"),
    ] as [(String, String)])
    func handEditsBesideTheJournalAreFound(statement: String, problem: String) throws {
        let fixture = try DecisionTests.desk()
        defer { fixture.remove() }
        try Self.evaluation(fixture, "initial.yaml", kind: "initial", audit: ("2024-03-04", "2024-03-05"))
        try Self.decide(fixture, "initial.yaml", id: 1, date: "2024-03-08").expectSuccess()
        try Self.evaluation(fixture, "surveillance.yaml", kind: "surveillance", audit: ("2025-01-06", "2025-01-07"), certificate: "KB-ASM-2024-000001")
        try fixture.run(["submit", "surveillance.yaml"]).expectSuccess()
        #expect(try fixture.run(["archive", "verify"]).status == 0)
        let queue = try DatabaseQueue(path: fixture.archive)
        try queue.write { db in try db.execute(sql: statement) }
        try queue.close()
        let verified = try fixture.run(["archive", "verify"])
        #expect(verified.status == 1 && verified.stdout.contains(problem), "\(statement): \(verified.stdout)\(verified.stderr)")
        if statement.hasPrefix("UPDATE submission") {
            let decided = try fixture.run(["decide", "2", "--by", "钱坤", "--grant", "-o", "out", "--date", "2025-01-10"])
            #expect(decided.status == 1 && decided.stderr.contains("the journal holds no signed review accepting it"), "\(decided.stderr)")
        }
    }

    @Test func monthsAndDaysAreCountedOnTheCalendar() throws {
        #expect(CalendarDate(iso: "2024-01-31")!.adding(months: 1).description == "2024-02-29")
        #expect(CalendarDate(iso: "2023-01-31")!.adding(months: 1).description == "2023-02-28")
        #expect(CalendarDate(iso: "2024-11-30")!.adding(months: 3).description == "2025-02-28")
        #expect(CalendarDate(iso: "2025-03-15")!.adding(months: -3).description == "2024-12-15")
        #expect(CalendarDate(iso: "2024-02-29")!.adding(months: 12).description == "2025-02-28")
    }
}

private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [StarCertExecutable.Result?] = []
    var values: [StarCertExecutable.Result?] { lock.withLock { stored } }
    func append(_ value: StarCertExecutable.Result?) { lock.withLock { stored.append(value) } }
}
