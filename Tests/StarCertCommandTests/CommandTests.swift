import Foundation
import StarCertTestSupport
import Testing

@Suite struct CheckCommandTests {
    @Test func theExamplesPass() throws {
        let result = try StarCertExecutable.run(["check", "Examples/four-star-certification.yaml", "Examples/vetoed-certification.yaml"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "Examples/four-star-certification.yaml: ok\nExamples/vetoed-certification.yaml: ok\n")
        #expect(result.stderr.isEmpty)
    }

    @Test func aBrokenCopyListsEveryErrorWithLineAndColumn() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let original = try String(contentsOf: Fixtures.fourStar, encoding: .utf8)
        let broken = original
            .replacingOccurrences(of: "credit_code: 91110108MA01C2XK3R", with: "credit_code: 91110108MA01C2XK3Q")
            .replacingOccurrences(of: "  \"4.11\":\n    percent: 90", with: "  \"4.11\":\n    percent: 90.5")
            .replacingOccurrences(of: "  \"4.12\":", with: "  \"4.21\":")
        #expect(broken != original)
        try FileManager.default.copyItem(at: Fixtures.examples.appendingPathComponent("photos"), to: folder.appendingPathComponent("photos"))
        let file = folder.appendingPathComponent("broken.yaml")
        try broken.write(to: file, atomically: true, encoding: .utf8)
        let lines = broken.components(separatedBy: "\n")
        func line(_ needle: String) -> Int { (lines.firstIndex { $0.contains(needle) } ?? -1) + 1 }

        let result = try StarCertExecutable.run(["check", "broken.yaml"], in: folder)
        #expect(result.status == 1)
        #expect(result.stdout == "broken.yaml: 4 errors, 0 warnings\n")
        #expect(result.stderr.components(separatedBy: "\n").filter { !$0.isEmpty } == [
            "broken.yaml:\(line("credit_code:")):16: error: the credit code `91110108MA01C2XK3Q` is not valid: the check character (position 18) is `Q` but the first 17 characters give `R` (GB 32100-2015); check for a mistyped character",
            "broken.yaml:\(line("items:")):1: error: `items` lacks scored item 4.12 事件和问题管理; expected every scored item of Q/BJKB 006-2026 exactly once",
            "broken.yaml:\(line("percent: 90.5")):14: error: `percent` of item 4.11 is `90.5`; expected a whole number from 0 to 100",
            "broken.yaml:\(line("\"4.21\":")):3: error: unknown item id `4.21` in `items`; expected an item of Q/BJKB 006-2026 — did you mean 4.12?",
        ])
    }

    @Test func aMissingFileIsOneLineAndAFailure() throws {
        let result = try StarCertExecutable.run(["check", "no-such-file.yaml"])
        #expect(result.status != 0)
        #expect(result.stderr == "no-such-file.yaml: error: cannot open the assessment file: no such file; expected a readable YAML or JSON file\n")
    }
}

@Suite struct ScoreCommandTests {
    func json(_ file: String) throws -> [String: Any] {
        let result = try StarCertExecutable.run(["score", "--json", file])
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    @Test func theFourStarExampleScoresExactly() throws {
        let object = try json("Examples/four-star-certification.yaml")
        #expect(object["standard"] as? String == "Q/BJKB 006-2026")
        #expect(object["total"] as? String == "91.55")
        #expect(object["max"] as? String == "100.00")
        #expect(object["star_level"] as? Int == 4)
        #expect(object["decision"] as? String == "certified")
        #expect((object["vetoed"] as? [Any])?.isEmpty == true)
        let sections = try #require(object["sections"] as? [[String: Any]])
        #expect(sections.count == 13)
        let first = try #require(sections.first)
        #expect(first["id"] as? String == "4.1")
        #expect(first["points"] as? String == "6.00")
        #expect(first["score"] as? String == "5.70")
        let item = try #require((first["items"] as? [[String: Any]])?.first)
        #expect(item["id"] as? String == "4.1.2")
        #expect(item["percent"] as? Int == 95)
        #expect(item["band"] as? Int == 5)
        #expect(item["score"] as? String == "5.70")
        let sectionSum = sections.compactMap { ($0["score"] as? String).flatMap { Decimal(string: $0) } }.reduce(0, +)
        #expect(sectionSum == Decimal(string: "91.55"))
    }

    @Test func theVetoedExampleHasNoStarLevel() throws {
        let object = try json("Examples/vetoed-certification.yaml")
        #expect(object["total"] as? String == "74.30")
        #expect(object["star_level"] is NSNull)
        #expect(object["decision"] as? String == "vetoed")
        #expect(object["vetoed"] as? [String] == ["4.1.1"])
    }

    @Test func theTableShowsTotalStarsAndDecision() throws {
        let result = try StarCertExecutable.run(["score", "Examples/four-star-certification.yaml"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("91.55"))
        #expect(result.stdout.contains("★★★★☆ 四星级售后服务能力成熟度（90 分及以上）"))
        #expect(result.stdout.contains("结论 Decision: certified"))
    }

    @Test func anInputWithErrorsPrintsDiagnosticsAndExits1() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "format: 1\n".write(to: folder.appendingPathComponent("a.yaml"), atomically: true, encoding: .utf8)
        let result = try StarCertExecutable.run(["score", "--json", "a.yaml"], in: folder)
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("a.yaml:1:1: error: the assessment has no `standard`"))
    }
}

@Suite struct InitAndStandardCommandTests {
    @Test func initWritesAWorkbookThatChecksOnceFilledIn() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let created = try StarCertExecutable.run(["init", "-o", "workbook.yaml"], in: folder)
        #expect(created.status == 0, "\(created.stderr)")
        let file = folder.appendingPathComponent("workbook.yaml")
        let blank = try String(contentsOf: file, encoding: .utf8)
        #expect(try StarCertExecutable.run(["check", "workbook.yaml"], in: folder).status == 1)

        try blank.replacingOccurrences(of: "    percent:    ", with: "    percent: 75 ").write(to: file, atomically: true, encoding: .utf8)
        let checked = try StarCertExecutable.run(["check", "workbook.yaml"], in: folder)
        #expect(checked.status == 0, "\(checked.stderr)")

        let again = try StarCertExecutable.run(["init", "-o", "workbook.yaml"], in: folder)
        #expect(again.status != 0)
        #expect(again.stderr.contains("already exists; pass --force"))
        let contents = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(contents == ["workbook.yaml"])
    }

    @Test func initIntoAMissingFolderFailsCleanly() throws {
        let result = try StarCertExecutable.run(["init", "-o", "/nonexistent-folder/w.yaml"])
        #expect(result.status != 0)
        #expect(result.stderr == "starcert: error: cannot write /nonexistent-folder/w.yaml: the folder /nonexistent-folder does not exist\n")
        #expect(!FileManager.default.fileExists(atPath: "/nonexistent-folder"))
    }

    @Test func standardShowsItsStructure() throws {
        let result = try StarCertExecutable.run(["standard"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("Q/BJKB 006-2026 售后服务成熟度服务认证评价技术规范\n"))
        #expect(result.stdout.contains("4.1.1"))
        #expect(result.stdout.contains("80%–100%"))
        #expect(result.stdout.contains("from 95.00"))
        let unknown = try StarCertExecutable.run(["standard", "Q/BJKB 006-2099"])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("unknown standard `Q/BJKB 006-2099`; expected one of: Q/BJKB 006-2026"))
    }
}

@Suite struct ReportCommandTests {
    @Test func writesTheReportAndTheCertificate() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try StarCertExecutable.run(["report", "Examples/four-star-certification.yaml", "-o", folder.appendingPathComponent("out").path])
        #expect(result.status == 0, "\(result.stderr)")
        let written = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("out").path).sorted()
        #expect(written == ["certificate.html", "certificate.pdf", "report.html", "report.pdf"])
        let report = try Data(contentsOf: folder.appendingPathComponent("out/report.pdf"))
        #expect(report.starts(with: Data("%PDF-".utf8)))
        #expect(result.stdout.hasSuffix("(report: 13 pages) — certified\n"))
    }

    @Test func aVetoedEvaluationGetsNoCertificate() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try StarCertExecutable.run(["report", "Examples/vetoed-certification.yaml", "-o", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["report.html", "report.pdf"])
    }

    @Test func formatsAreChosen() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let html = try StarCertExecutable.run(["report", Fixtures.fourStar.path, "--format", "html", "--lang", "en", "-o", folder.path])
        #expect(html.status == 0, "\(html.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["certificate.html", "report.html"])
        let page = try String(contentsOf: folder.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(page.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        let wrong = try StarCertExecutable.run(["report", Fixtures.fourStar.path, "--format", "docx", "-o", folder.path])
        #expect(wrong.status != 0)
        #expect(wrong.stderr.contains("unknown format `docx`; expected pdf, html or both (pdf,html)"))
    }

    @Test func aBatchRendersEachInputIntoItsOwnFolderAndSkipsBadOnes() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "format: 1\n".write(to: folder.appendingPathComponent("broken.yaml"), atomically: true, encoding: .utf8)
        let inputs = [Fixtures.fourStar.path, folder.appendingPathComponent("broken.yaml").path, Fixtures.vetoed.path]
        var outputs: [[String: Data]] = []
        for jobs in ["1", "2"] {
            let out = folder.appendingPathComponent("out-\(jobs)")
            let result = try StarCertExecutable.run(["report"] + inputs + ["--jobs", jobs, "--format", "pdf", "-o", out.path])
            #expect(result.status == 1)
            #expect(result.stderr.contains("broken.yaml:1:1: error: the assessment has no `standard`"))
            #expect(result.stderr.contains("starcert: 1 of 3 inputs failed; the others were written"))
            let written = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
            #expect(written == ["four-star-certification", "vetoed-certification"])
            var files: [String: Data] = [:]
            for name in written {
                for file in try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent(name).path) {
                    files["\(name)/\(file)"] = try Data(contentsOf: out.appendingPathComponent(name).appendingPathComponent(file))
                }
            }
            #expect(files.keys.sorted() == ["four-star-certification/certificate.pdf", "four-star-certification/report.pdf", "vetoed-certification/report.pdf"])
            outputs.append(files)
        }
        #expect(outputs[0] == outputs[1], "parallel rendering changed the bytes")
    }

    @Test func nothingIsWrittenForAnInputWithErrors() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let broken = try String(contentsOf: Fixtures.fourStar, encoding: .utf8).replacingOccurrences(of: "percent: 95", with: "percent: 95.5")
        try broken.write(to: folder.appendingPathComponent("broken.yaml"), atomically: true, encoding: .utf8)
        let result = try StarCertExecutable.run(["report", "broken.yaml", "-o", "out"], in: folder)
        #expect(result.status == 1)
        #expect(result.stderr.contains("error: `percent` of item"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["broken.yaml"])
    }

    @Test func anUnwritableFolderIsAClearError() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let blocker = folder.appendingPathComponent("file")
        try Data("x".utf8).write(to: blocker)
        let result = try StarCertExecutable.run(["report", Fixtures.fourStar.path, "-o", blocker.appendingPathComponent("sub").path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("error: cannot write \(blocker.path)/sub: \(blocker.path) is not a folder"))
        #expect(result.stderr.contains("nothing was written"))
    }
}
