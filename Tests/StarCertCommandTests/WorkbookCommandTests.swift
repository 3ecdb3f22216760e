import Foundation
import StarCertTestSupport
import Testing

/// The scoring workbook through the command line: init, convert, check, score, report.
@Suite struct WorkbookCommandTests {
    @Test func aWorkbookScoresAndRendersExactlyAsItsYAML() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: Fixtures.examples.appendingPathComponent("photos"), to: folder.appendingPathComponent("photos"))
        try FileManager.default.copyItem(at: Fixtures.fourStar, to: folder.appendingPathComponent("four.yaml"))
        try StarCertExecutable.run(["convert", "four.yaml", "-o", "评分表.xlsx"], in: folder).expectSuccess()
        try StarCertExecutable.run(["convert", "评分表.xlsx", "-o", "back.yaml"], in: folder).expectSuccess()
        try StarCertExecutable.run(["convert", "back.yaml", "-o", "back.json"], in: folder).expectSuccess()
        let scores = try ["four.yaml", "评分表.xlsx", "back.yaml", "back.json"].map { file in
            let result = try StarCertExecutable.run(["score", file, "--json"], in: folder)
            #expect(result.status == 0, "\(file): \(result.stderr)")
            return result.stdout
        }
        #expect(Set(scores).count == 1)
        var reports: [Data] = []
        for file in ["four.yaml", "评分表.xlsx", "back.yaml"] {
            try StarCertExecutable.run(["report", file, "-o", "out-\(file)"], in: folder).expectSuccess()
            reports.append(try Data(contentsOf: folder.appendingPathComponent("out-\(file)/report.pdf")))
        }
        #expect(Set(reports).count == 1, "the unsigned reports differ")
        #expect(try StarCertExecutable.run(["check", "评分表.xlsx"], in: folder).stdout == "评分表.xlsx: ok\n")
        // An existing output is kept unless --force.
        let again = try StarCertExecutable.run(["convert", "four.yaml", "-o", "评分表.xlsx"], in: folder)
        #expect(again.status == 1 && again.stderr.contains("already exists"))
    }

    /// `convert` takes only what `check` passes: a photo that does not decode stops it, nothing written.
    @Test func convertRefusesWhatCheckRefuses() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: Fixtures.examples.appendingPathComponent("photos"), to: folder.appendingPathComponent("photos"))
        try FileManager.default.copyItem(at: Fixtures.fourStar, to: folder.appendingPathComponent("four.yaml"))
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("photos").path) {
            let path = folder.appendingPathComponent("photos").appendingPathComponent(name)
            try Data(try Data(contentsOf: path).prefix(40)).write(to: path)
        }
        let converted = try StarCertExecutable.run(["convert", "four.yaml", "-o", "four.xlsx"], in: folder)
        #expect(converted.status == 1 && converted.stderr.contains("cannot be used"), "\(converted.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("four.xlsx").path))
    }

    /// A character no font shows is named where it is written: the field's line, or its item's.
    @Test func unshowableCharactersAreNamedWhereTheyAreWritten() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: Fixtures.examples.appendingPathComponent("photos"), to: folder.appendingPathComponent("photos"))
        let text = try String(contentsOf: Fixtures.fourStar, encoding: .utf8)
        let lines = text.components(separatedBy: "\n")
        let keyLine = try #require(lines.firstIndex { $0.hasPrefix("  \"4.2.2\":") }) + 1
        let evidence = try #require(lines[keyLine...].firstIndex { $0.hasPrefix("      - ") })
        var edited = lines
        edited[evidence] += "\u{1FAE8}"
        try edited.joined(separator: "\n").write(to: folder.appendingPathComponent("x.yaml"), atomically: true, encoding: .utf8)
        let checked = try StarCertExecutable.run(["check", "x.yaml"], in: folder)
        #expect(checked.status == 1)
        #expect(checked.stderr.contains("x.yaml:\(keyLine):3: error: the fonts cannot show"), "\(checked.stderr)")
    }

    @Test func initWritesTheWorkbookByItsExtensionAndCheckNamesCells() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try StarCertExecutable.run(["init", "-o", "评分表.xlsx"], in: folder).expectSuccess()
        let bytes = try Data(contentsOf: folder.appendingPathComponent("评分表.xlsx"))
        #expect(bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]))
        let checked = try StarCertExecutable.run(["check", "评分表.xlsx"], in: folder)
        #expect(checked.status == 1)
        #expect(checked.stderr.contains("评分表.xlsx:基本信息!B6: error: 「组织名称」 is empty; expected the organization's registered name"), "\(checked.stderr)")
        #expect(checked.stderr.contains("评分表.xlsx:评分表!F4: error: the judgement of veto item 4.1.1 is empty; expected 符合 or 不符合"), "\(checked.stderr)")
        let refused = try StarCertExecutable.run(["init", "-o", "评分表.xls"], in: folder)
        #expect(refused.status == 1 && refused.stderr.contains("old binary workbook"))
        let report = try StarCertExecutable.run(["report", "评分表.xlsx", "-o", "out"], in: folder)
        #expect(report.status == 1)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path))
    }
}
