import Foundation
import StarCertCore
import StarCertTestSupport
import Testing

/// Each problem an assessment file can have is reported with its line and column.
@Suite struct ValidationTests {
    let standard: Standard
    let valid: String

    init() throws {
        standard = try Fixtures.standard()
        valid = AssessmentFixture.yaml(standard: standard)
    }

    func messages(_ text: String, severity: Diagnostic.Severity = .error) throws -> [String] {
        try AssessmentFixture.parse(text).diagnostics.filter { $0.severity == severity }.map(\.description)
    }

    func messages(bytes: [UInt8]) throws -> [String] {
        AssessmentParser(catalog: try Fixtures.catalog()).parse(bytes, file: "test.yaml", baseDirectory: ".").errors.map(\.description)
    }

    /// The 1-based line of the first line containing `needle`.
    func line(_ needle: String, in text: String) -> Int {
        (text.components(separatedBy: "\n").firstIndex { $0.contains(needle) } ?? -1) + 1
    }

    func replacing(_ old: String, with new: String) -> String {
        precondition(valid.contains(old), "fixture lacks \(old)")
        return valid.replacingOccurrences(of: old, with: new)
    }

    @Test func theFixtureIsValid() throws {
        let parsed = try AssessmentFixture.parse(valid)
        #expect(parsed.diagnostics.isEmpty)
        #expect(parsed.assessment?.itemRecords.count == 20)
    }

    @Test func anUnquotedKey4_10IsItem4_10() throws {
        let text = replacing("  \"4.10\":", with: "  4.10:")
        let parsed = try AssessmentFixture.parse(text)
        #expect(parsed.errors.isEmpty)
        #expect(parsed.assessment?.itemRecords.contains { $0.itemID == "4.10" } == true)
        #expect(parsed.assessment?.itemRecords.contains { $0.itemID == "4.1" } == false)
    }

    @Test func aDuplicatedItemIsAnErrorAtItsSecondOccurrence() throws {
        let text = replacing("  \"4.11\":", with: "  4.10:\n    percent: 90\n  \"4.11\":")
        let second = line("  4.10:", in: text)
        #expect(try messages(text) == ["test.yaml:\(second):3: error: duplicate key `4.10` in `items`, first given on line \(line("\"4.10\":", in: text)); expected each key once"])
    }

    @Test func aDuplicatedFieldIsAnError() throws {
        let text = replacing("kind: initial\n", with: "kind: initial\nkind: surveillance\n")
        #expect(try messages(text) == ["test.yaml:4:1: error: duplicate key `kind` in the assessment, first given on line 3; expected each key once"])
    }

    @Test(arguments: [
        ("85.5", "`percent` of item 4.6 is `85.5`; expected a whole number from 0 to 100"),
        ("八十", "`percent` of item 4.6 is `八十`; expected a whole number from 0 to 100"),
        ("101", "`percent` of item 4.6 is 101, out of range; expected a whole number from 0 to 100"),
        ("-5", "`percent` of item 4.6 is `-5`; expected a whole number from 0 to 100"),
        ("\"85\"", "`percent` of item 4.6 is the text \"85\"; expected a whole number from 0 to 100, written without quotes"),
        ("[85]", "`percent` of item 4.6 is a list; expected a whole number from 0 to 100"),
    ])
    func percentMustBeAWholeNumberFrom0To100(value: String, message: String) throws {
        let text = replacing("  \"4.6\":\n    percent: 80", with: "  \"4.6\":\n    percent: \(value)")
        #expect(try messages(text) == ["test.yaml:\(line("percent: \(value)", in: text)):14: error: \(message)"])
    }

    @Test func anEmptyPercentIsNamed() throws {
        let text = replacing("  \"4.6\":\n    percent: 80", with: "  \"4.6\":\n    percent:")
        #expect(try messages(text) == ["test.yaml:\(line("  \"4.6\":", in: text) + 1):13: error: `percent` of item 4.6 is empty; expected a whole number from 0 to 100"])
    }

    @Test func datesMustExistAndEndOnOrAfterTheStart() throws {
        #expect(try messages(replacing("start: 2026-05-10", with: "start: 2026-02-30")) == [
            "test.yaml:10:10: error: `audit.start` is `2026-02-30`, not a valid date; expected a date written as YYYY-MM-DD, e.g. 2026-05-12",
        ])
        #expect(try messages(replacing("end: 2026-05-12", with: "end: 2026-05-09")) == [
            "test.yaml:11:8: error: the audit ends (2026-05-09) before it starts (2026-05-10); expected an end date on or after the start",
        ])
    }

    @Test func teamRolesAreChecked() throws {
        #expect(try messages(replacing("role: leader", with: "role: chief")) == [
            "test.yaml:13:24: error: the role of team member 1 is `chief`; expected one of leader | member | expert | observer",
        ])
    }

    @Test func aCertificationNeedsATeamButASelfAssessmentDoesNot() throws {
        let noTeam = replacing("  team:\n    - {name: 张三, role: leader}\n", with: "")
        #expect(try messages(noTeam) == [
            "test.yaml:10:3: error: the audit team is empty; expected at least one member when `kind` is initial, e.g. `- {name: 张三, role: leader}`",
        ])
        let selfAssessment = noTeam.replacingOccurrences(of: "kind: initial", with: "kind: self-assessment")
        #expect(try messages(selfAssessment).isEmpty)
    }

    @Test func unknownIdsSuggestTheNearestRealOne() throws {
        let text = replacing("  \"4.1.2\":", with: "  \"4.1.3\":")
        let unknown = line("\"4.1.3\":", in: text)
        #expect(try messages(text) == [
            "test.yaml:\(line("items:", in: text)):1: error: `items` lacks scored item 4.1.2 合规运行评价机制; expected every scored item of Q/BJKB 006-2026 exactly once",
            "test.yaml:\(unknown):3: error: unknown item id `4.1.3` in `items`; expected an item of Q/BJKB 006-2026 — did you mean 4.1.2?",
        ])
    }

    @Test func aSectionIdOrAVetoIdUnderItemsIsExplained() throws {
        let text = replacing("items:\n", with: "items:\n  \"4.2\":\n    percent: 80\n  \"4.1.1\":\n    percent: 80\n")
        let itemsLine = line("items:", in: text)
        #expect(try messages(text) == [
            "test.yaml:\(itemsLine + 1):3: error: 4.2 is a section of Q/BJKB 006-2026, not an item; expected its items 4.2.1, 4.2.2, 4.2.3 instead",
            "test.yaml:\(itemsLine + 3):3: error: 4.1.1 is a veto item (一票否决), not a scored item; expected it under `veto` with `passed: true` or `false`",
        ])
    }

    @Test func vetoMustBeTrueOrFalse() throws {
        let text = replacing("passed: true", with: "passed: 是")
        #expect(try messages(text) == ["test.yaml:16:13: error: `passed` of veto item 4.1.1 is `是`; expected true or false"])
    }

    @Test func formatAndStandardAreChecked() throws {
        let text = replacing("format: 1", with: "format: 2").replacingOccurrences(of: "006-2026", with: "006-2025")
        #expect(try messages(text) == [
            "test.yaml:1:9: error: format 2 is not supported; expected 1 (this StarCert reads assessment format 1)",
            "test.yaml:2:11: error: unknown standard `Q/BJKB 006-2025`; expected one of: Q/BJKB 006-2026 — did you mean `Q/BJKB 006-2026`?",
        ])
    }

    @Test func aWrongCreditCodeIsNamedWithItsProblem() throws {
        #expect(try messages(replacing("91110108MA01C2XK3R", with: "91110108MA01C2XK3Q")) == [
            "test.yaml:6:16: error: the credit code `91110108MA01C2XK3Q` is not valid: the check character (position 18) is `Q` but the first 17 characters give `R` (GB 32100-2015); check for a mistyped character",
        ])
    }

    @Test func everyProblemIsReportedAtOnceInOrderOfPosition() throws {
        let text = replacing("kind: initial", with: "kind: inital")
            .replacingOccurrences(of: "end: 2026-05-12", with: "end: 2026-13-01")
            .replacingOccurrences(of: "  \"4.6\":\n    percent: 80", with: "  \"4.6\":\n    percent: 200")
        let found = try messages(text)
        #expect(found.count == 3)
        #expect(found[0].hasPrefix("test.yaml:3:7: error: `kind` is `inital`; expected one of initial | surveillance | recertification | self-assessment — did you mean `initial`?"))
        #expect(found[1].hasPrefix("test.yaml:11:8: error: `audit.end` is `2026-13-01`"))
        #expect(found[2].hasPrefix("test.yaml:\(line("percent: 200", in: text)):14: error: `percent` of item 4.6 is 200"))
    }

    // MARK: Whole-file problems

    @Test func anEmptyFileIsOneError() throws {
        #expect(try messages("") == ["test.yaml:1:1: error: the file is empty; expected an assessment file (format 1; see docs/assessment-format.md)"])
        #expect(try messages("\n  \n").count == 1)
        #expect(try messages("# only a comment\n") == ["test.yaml:1:1: error: the file holds no YAML document, only comments; expected an assessment file (format 1; see docs/assessment-format.md)"])
    }

    @Test func nonUTF8IsAnErrorAtTheFirstBadByte() throws {
        var bytes = Array("format: 1\norganization:\n  name: ".utf8)
        bytes += [0xB1, 0xB1, 0xBE, 0xA9]  // 北京 in GBK
        bytes += Array("\n".utf8)
        #expect(try messages(bytes: bytes) == [
            "test.yaml:3:9: error: the file is not valid UTF-8 (byte 0xB1 cannot start or continue a character); expected UTF-8 text — if it was saved as GBK/GB18030, save it again as UTF-8",
        ])
    }

    @Test func aByteOrderMarkIsTolerated() throws {
        #expect(try messages(bytes: [0xEF, 0xBB, 0xBF] + Array(valid.utf8)).isEmpty)
    }

    @Test func brokenYAMLIsOneErrorWithAPosition() throws {
        let text = replacing("  scope: 家用电器维修服务", with: "  scope: [家用电器维修服务")
        let found = try messages(text)
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("test.yaml:") == true)
        #expect(found.first?.contains("error: invalid YAML:") == true)
    }

    @Test func aListAtTheTopIsRefused() throws {
        #expect(try messages("- 1\n- 2\n") == ["test.yaml:1:1: error: the assessment is a list; expected a mapping of `key: value` lines"])
    }

    @Test func jsonInputIsAccepted() throws {
        let json = try jsonVersion(of: valid)
        let parsed = try AssessmentFixture.parse(json, file: "test.json")
        #expect(parsed.errors.isEmpty)
        #expect(parsed.assessment?.itemRecords.count == 20)
        let broken = json.replacingOccurrences(of: "\"percent\": 80", with: "\"percent\": 80.5")
        let found = try AssessmentFixture.parse(broken, file: "test.json").errors.map(\.description)
        #expect(found.count == 20)
        #expect(found.first?.contains("error: `percent` of item 4.1.2 is `80.5`; expected a whole number from 0 to 100") == true)
    }

    /// The fixture's content as pretty-printed JSON, built independently of the YAML reader.
    func jsonVersion(of yaml: String) throws -> String {
        var items: [String] = []
        for item in standard.items {
            items.append("    \"\(item.id)\": {\n      \"percent\": 80,\n      \"evidence\": [\"制度文件\"]\n    }")
        }
        return """
            {
              "format": 1,
              "standard": "Q/BJKB 006-2026",
              "kind": "initial",
              "organization": {"name": "测试", "credit_code": "91110108MA01C2XK3R", "address": "北京", "scope": "维修"},
              "audit": {"start": "2026-05-10", "end": "2026-05-12", "team": [{"name": "张三", "role": "leader"}]},
              "veto": {"4.1.1": {"passed": true, "evidence": ["执照"]}},
              "items": {
            \(items.joined(separator: ",\n"))
              }
            }
            """
    }

    // MARK: Photos

    @Test func photosMustExistAndBeJPEGOrPNG() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]).write(to: folder.appendingPathComponent("ok.jpg"))
        try Data("GIF89a".utf8).write(to: folder.appendingPathComponent("not.gif"))
        let text = replacing("  \"4.6\":\n    percent: 80\n    evidence: [制度文件]",
                             with: "  \"4.6\":\n    percent: 80\n    evidence: [制度文件]\n    photos:\n      - {file: ok.jpg, caption: 现场}\n      - missing.png\n      - {file: not.gif}")
        let found = try AssessmentFixture.parse(text, folder: folder.path).errors.map(\.description)
        let first = line("missing.png", in: text)
        #expect(found == [
            "test.yaml:\(first):9: error: photo 2 of item 4.6 `missing.png` does not exist (looked for \(folder.path)/missing.png); expected a JPEG or PNG file (paths are relative to the assessment file)",
            "test.yaml:\(first + 1):16: error: photo 3 of item 4.6 `not.gif` is neither a JPEG nor a PNG picture; expected a JPEG or PNG file (paths are relative to the assessment file)",
        ])
    }

    // MARK: Warnings

    @Test func warningsDoNotFailTheCheck() throws {
        let text = replacing("  \"4.6\":\n    percent: 80\n    evidence: [制度文件]", with: "  \"4.6\":\n    percent: 87")
            .replacingOccurrences(of: "  \"4.7\":\n    percent: 80", with: "  \"4.7\":\n    percent: 50\n    findings: []")
        let parsed = try AssessmentFixture.parse(text)
        #expect(parsed.errors.isEmpty)
        #expect(parsed.assessment != nil)
        let warnings = parsed.warnings.map(\.message)
        #expect(warnings.contains("`percent` of item 4.6 is 87, not a multiple of 5; check it is not a typo"))
        #expect(warnings.contains("item 4.6 has no evidence; expected what was examined (documents, records, interviews, site checks)"))
        #expect(warnings.contains("item 4.7 is scored 50% (below 60%) without findings; expected findings that explain the shortfall"))
        #expect(warnings.count == 3)
    }

    @Test func anUnknownFieldIsAWarningWithASuggestion() throws {
        let text = replacing("    evidence: [营业执照]", with: "    evidense: [营业执照]")
        let parsed = try AssessmentFixture.parse(text)
        #expect(parsed.warnings.map(\.description) == [
            "test.yaml:17:5: warning: unknown field `evidense` in veto item 4.1.1; did you mean `evidence`? (ignored)",
        ])
    }
}
