import Foundation
import StarCertArchive
import StarCertTestSupport
import Testing

/// Submission, review and decision by people outside the audit team.
@Suite struct DecisionTests {
    /// A fixture whose profile separates review and decision, with the example's team and three
    /// people from outside it on the staff.
    static func desk() throws -> IssuingFixture {
        let fixture = try IssuingFixture()
        let profile = fixture.folder.appendingPathComponent("issuer.yaml")
        try (String(contentsOf: profile, encoding: .utf8) + "decision: separate\n").write(to: profile, atomically: true, encoding: .utf8)
        try fixture.run(["archive", "init", fixture.archive]).expectSuccess()
        for (name, roles) in [("王建国", "auditor"), ("刘晓梅", "auditor"), ("陈志远", "auditor,reviewer,decider"),
                              ("赵敏", "reviewer"), ("钱坤", "decider"), ("孙丽", "reviewer,decider")] {
            try fixture.run(["staff", "add", name, "--roles", roles]).expectSuccess()
        }
        return fixture
    }

    @Test func anEvaluationIsSubmittedReviewedAndDecidedByOthers() throws {
        let fixture = try Self.desk()
        defer { fixture.remove() }
        let issued = try fixture.run(["issue", "four-star-certification.yaml", "-o", "out"])
        #expect(issued.status == 1 && issued.stderr.contains("`starcert submit FILE`"), "\(issued.stderr)")
        let submitted = try fixture.run(["submit", "four-star-certification.yaml", "-o", "drafts"])
        #expect(submitted.status == 0 && submitted.stdout.contains("submitted as evaluation 1"), "\(submitted.stderr)")
        let draft = fixture.folder.appendingPathComponent("drafts/four-star-certification/report-draft.pdf")
        #expect(try PDFInspection.text(Array(Data(contentsOf: draft))).contains("草稿"))

        for (arguments, message) in [
            (["decide", "1", "--by", "钱坤", "--grant"], "only an evaluation accepted in review is decided"),
            (["review", "1", "--by", "陈志远", "--accept"], "was on the audit team of evaluation 1"),
            (["review", "1", "--by", "钱坤", "--accept"], "not reviewer"),
            (["review", "1", "--by", "赵敏", "--accept", "--key", "staff-5.key"], "the key given is not 赵敏's"),
            (["review", "1", "--by", "赵敏", "--return"], "needs a reason"),
            (["review", "1", "--by", "无名", "--accept"], "not on the staff"),
        ] as [([String], String)] {
            let refused = try fixture.run(arguments)
            #expect(refused.status == 1 && refused.stderr.contains(message), "\(arguments): \(refused.stderr)")
        }
        try fixture.run(["review", "1", "--by", "孙丽", "--accept"]).expectSuccess()
        let reviewerDeciding = try fixture.run(["decide", "1", "--by", "孙丽", "--grant"])
        #expect(reviewerDeciding.status == 1 && reviewerDeciding.stderr.contains("reviewed evaluation 1 and may not decide it"), "\(reviewerDeciding.stderr)")
        let granted = try fixture.run(["decide", "1", "--by", "钱坤", "--grant", "-o", "out", "--date", "2026-06-10"])
        #expect(granted.status == 0 && granted.stdout.contains("certificate KB-ASM-2026-000001"), "\(granted.stderr)")
        #expect(FileManager.default.fileExists(atPath: fixture.folder.appendingPathComponent("out/four-star-certification/certificate.pdf").path))
        let again = try fixture.run(["decide", "1", "--by", "钱坤", "--grant"])
        #expect(again.status == 1 && again.stderr.contains("is granted by 钱坤"), "\(again.stderr)")
        let verified = try fixture.run(["archive", "verify"])
        #expect(verified.status == 0, "\(verified.stdout)")
    }

    @Test func aReturnedEvaluationIsReplacedAndAChangedFileIsNotGranted() throws {
        let fixture = try Self.desk()
        defer { fixture.remove() }
        let stranger = try fixture.example("stranger.yaml") { $0.replacingOccurrences(of: "name: 陈志远", with: "name: 周八") }
        let unknown = try fixture.run(["submit", stranger])
        #expect(unknown.status == 1 && unknown.stderr.contains("周八") && unknown.stderr.contains("not active staff"), "\(unknown.stderr)")
        try fixture.run(["submit", "four-star-certification.yaml", "-o", "drafts"]).expectSuccess()
        let twice = try fixture.run(["submit", "four-star-certification.yaml", "-o", "drafts-again"])
        #expect(twice.status == 1 && twice.stderr.contains("submitted already as evaluation 1"), "\(twice.stderr)")
        try fixture.run(["review", "1", "--by", "赵敏", "--return", "--reason", "证据不足"]).expectSuccess()
        #expect(try fixture.run(["review", "1", "--by", "赵敏", "--accept"]).stderr.contains("is returned"))
        #expect(try fixture.run(["submit", "four-star-certification.yaml", "--replaces", "2"]).stderr.contains("no submitted evaluation 2"))
        try fixture.run(["submit", "four-star-certification.yaml", "--replaces", "1", "-o", "drafts2"]).expectSuccess()
        #expect(try fixture.run(["submit", "four-star-certification.yaml", "--replaces", "1", "-o", "drafts3"]).stderr.contains("replaced already"))
        try fixture.run(["review", "2", "--by", "赵敏", "--accept"]).expectSuccess()
        // The file changes after submission: the grant is refused and the evaluation waits again.
        try fixture.example("four-star-certification.yaml") { $0.replacingOccurrences(of: "percent: 95", with: "percent: 100") }
        let changed = try fixture.run(["decide", "2", "--by", "钱坤", "--grant", "-o", "out"])
        #expect(changed.status == 1 && changed.stderr.contains("no longer the file submitted"), "\(changed.stderr)")
        let refused = try fixture.run(["decide", "2", "--by", "钱坤", "--refuse", "--reason", "改动未经评审"])
        #expect(refused.status == 0 && refused.stdout.contains("refused by 钱坤"), "\(refused.stderr)")
        #expect(try fixture.run(["archive", "verify"]).status == 0)
    }
}
