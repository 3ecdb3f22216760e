import Foundation
import StarCertCore
import StarCertTestSupport
import Testing

/// Careless and hostile input: every case an error with a position, never a crash or a hang.
@Suite struct HostileInputTests {
    let valid: String

    init() throws {
        valid = AssessmentFixture.yaml(standard: try Fixtures.standard())
    }

    func parse(_ text: String, file: String = "test.yaml") throws -> ParsedAssessment {
        AssessmentParser(catalog: try Fixtures.catalog()).parse(Array(text.utf8), file: file, baseDirectory: ".")
    }

    func errors(_ text: String, file: String = "test.yaml") throws -> [String] {
        try parse(text, file: file).errors.map(\.description)
    }

    func replacing(_ old: String, with new: String) -> String {
        precondition(valid.contains(old), "fixture lacks \(old)")
        return valid.replacingOccurrences(of: old, with: new)
    }

    // MARK: Normalization

    /// Texts that print like another text but compare unequal are refused by one rule for every
    /// script: decomposed Latin, Vietnamese and Hangul alike; their composed forms are read.
    @Test(arguments: [
        ("Cafe\u{301} 测试有限公司", "Café 测试有限公司"), ("Nguye\u{302}\u{303}n 测试公司", "Nguyễn 测试公司"),
        ("\u{1112}\u{1161}\u{11AB}국 서비스", "한국 서비스"), ("A\u{30A}ngström 测试", "Ångström 测试"),
    ])
    func decomposedTextsAreRefusedInEveryScript(decomposed: String, composed: String) throws {
        #expect(decomposed != composed || decomposed.unicodeScalars.count != composed.unicodeScalars.count)
        let refused = try errors(replacing("  name: 测试服务有限公司", with: "  name: \"\(decomposed)\""))
        #expect(refused.contains { $0.contains("is not written in composed form (Unicode NFC)") }, "\(refused)")
        let read = try parse(replacing("  name: 测试服务有限公司", with: "  name: \"\(composed)\""))
        #expect(read.assessment?.organization.name == composed, "\(read.errors)")
    }

    // MARK: Nesting

    /// A document nested far deeper than the limit, in one of several shapes.
    static func deeplyNested(_ shape: String) -> String {
        switch shape {
        case "flow lists":
            return String(repeating: "[", count: 20_000) + String(repeating: "]", count: 20_000)
        case "flow mappings":
            return String(repeating: "{a: ", count: 5_000) + "1" + String(repeating: "}", count: 5_000)
        case "block lists":
            let lines: [String] = (0..<200).map { depth in String(repeating: " ", count: depth) + "- " }
            return lines.joined(separator: "\n") + "x"
        case "block mappings":
            let lines: [String] = (0..<200).map { depth in String(repeating: " ", count: depth * 2) + "k\(depth):" }
            return lines.joined(separator: "\n") + " x"
        default:
            let lines: [String] = (1..<100).map { depth in String(repeating: " ", count: depth * 2) + "a:" }
            return "format: 1\naudit:\n" + lines.joined(separator: "\n") + " x"
        }
    }

    @Test(arguments: ["flow lists", "flow mappings", "block lists", "block mappings", "nesting under a known key"])
    func deepNestingIsAnErrorWithAPosition(_ shape: String) throws {
        let found = try errors(Self.deeplyNested(shape))
        #expect(found.count == 1, "\(shape)")
        #expect(found.first?.contains("nested more than 64 levels deep here; expected at most 64 levels") == true, "\(shape): \(found)")
        #expect(found.first?.range(of: #"^test\.yaml:\d+:\d+: error"#, options: .regularExpression) != nil)
    }

    @Test func aFileJustOverItsLimitSaysByHowMuch() throws {
        let folder = try Fixtures.temporaryFolder()
        let file = folder.appendingPathComponent("big.yaml")
        try Data(count: InputFile.Limit.document + 30_000).write(to: file)
        guard case let .failure(problem) = InputFile.read(file.path, limit: InputFile.Limit.document) else {
            Issue.record("a file over the limit was read")
            return
        }
        #expect(problem.description == "it is 16807216 bytes, more than the 16777216 bytes allowed")
        #expect(InputFile.Problem.tooLarge(bytes: 20 << 20, limit: 16 << 20).description == "it is 20 MiB, more than the 16 MiB allowed")
    }

    @Test func deepJSONNestingIsAnErrorWithAPosition() throws {
        let text = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let found = try errors(text, file: "deep.json")
        #expect(found == ["deep.json:1:65: error: invalid JSON: objects and arrays are nested more than 64 levels deep here; expected at most 64 levels"])
        // The same text in a .yaml file: the JSON reader sees it first and stops at the same place.
        #expect(try errors(text).first?.contains("1:65: error: invalid JSON: objects and arrays are nested") == true)
    }

    @Test func nestingUpToTheLimitIsRead() throws {
        let text = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(try errors(text).allSatisfy { !$0.contains("nested") })
    }

    // MARK: Aliases, tags, keys

    @Test func aliasesAreRefusedSoNothingExpands() throws {
        var text = "a: &a [x, x, x, x, x, x, x, x, x]\n"
        for level in 1...30 { text += "l\(level): &l\(level) [*\(level == 1 ? "a" : "l\(level - 1)"), *\(level == 1 ? "a" : "l\(level - 1)")]\n" }
        let found = try errors(text)
        #expect(found == ["test.yaml:2:10: error: aliases (`*name`) are not supported; expected the value written out in full"])
    }

    @Test func tagsOtherThanStringsAreRefused() throws {
        #expect(try errors(replacing("percent: 80", with: "percent: !!binary AAAA")).contains { $0.contains("the YAML tag `!!binary` is not supported") })
        let quoted = try parse(replacing("  name: 测试服务有限公司", with: "  name: !!str 测试服务有限公司"))
        #expect(quoted.errors.isEmpty)
    }

    @Test func duplicateKeysAreErrorsEverywhereEvenInsideUnknownFields() throws {
        let text = valid + "extra:\n  nested:\n    same: 1\n    same: 2\n  list:\n    - {k: 1, k: 2}\n"
        let found = try errors(text)
        let lines = text.components(separatedBy: "\n")
        let second = (lines.lastIndex { $0.contains("same: 2") } ?? 0) + 1
        #expect(found.contains("test.yaml:\(second):5: error: duplicate key `same`, first given on line \(second - 1); expected each key once"))
        #expect(found.contains { $0.contains("duplicate key `k`, first given on line \(second + 2)") })
    }

    // MARK: JSON

    /// The valid fixture as a JSON document, written by this test.
    func json(replacingName name: String? = nil) throws -> String {
        let parsed = try #require(try parse(valid).assessment)
        func quoted(_ text: String) -> String {
            "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        let items = parsed.itemRecords.map { "\(quoted($0.itemID)): {\"percent\": \($0.percent), \"evidence\": [\"制度文件\"]}" }
        let veto = parsed.vetoJudgements.map { "\(quoted($0.itemID)): {\"passed\": true}" }
        let team = parsed.audit.team.map { "{\"name\": \(quoted($0.name)), \"role\": \"\($0.role.rawValue)\"}" }
        let organization = parsed.organization
        return """
            {"format": 1, "standard": \(quoted(parsed.standardID)), "kind": "initial",
             "organization": {"name": \(name ?? quoted(organization.name)), "credit_code": \(quoted(organization.creditCode.value)),
                              "address": \(quoted(organization.address)), "scope": \(quoted(organization.scope))},
             "audit": {"start": "\(parsed.audit.start)", "end": "\(parsed.audit.end)", "team": [\(team.joined(separator: ", "))]},
             "veto": {\(veto.joined(separator: ", "))},
             "items": {\(items.joined(separator: ", "))}}
            """
    }

    @Test func everyValidJSONDocumentIsAcceptedIncludingSurrogatePairs() throws {
        let parsed = try parse(try json(replacingName: #""\ud842\udfb7\u91ce\u5bb6\u7535\u670d\u52a1\u6709\u9650\u516c\u53f8""#), file: "a.json")
        #expect(parsed.errors.isEmpty, "\(parsed.errors)")
        #expect(parsed.assessment?.organization.name == "𠮷野家电服务有限公司")
        // The same document read as a .yaml file.
        #expect(try parse(try json(replacingName: #""\ud842\udfb7""#)).errors.isEmpty)
        #expect(CalendarDate.today(inTimeZone: "Nowhere/Else") == nil)
        // A key longer than YAML's 1,024-character limit is only an unknown field.
        let long = try json().replacingOccurrences(of: "{\"format\": 1,", with: "{\"\(String(repeating: "x", count: 3000))\": 0, \"format\": 1,")
        #expect(try parse(long, file: "a.json").errors.isEmpty)
    }

    @Test(arguments: [
        (#""\ud842""#, "is the first half of a surrogate pair without its second half"),
        (#""\udfb7x""#, "is the second half of a surrogate pair without its first half"),
        (#""\ud842\u0041""#, "must be followed by a low surrogate"),
        (#""\x41""#, "unknown escape `\\x`"),
        (#""\u12""#, "\\u must be followed by four hexadecimal digits"),
        ("\"a\u{01}b\"", "a control character inside a string"),
    ])
    func brokenJSONEscapesArePositionedErrors(_ name: String, _ expected: String) throws {
        let found = try errors(try json(replacingName: name), file: "a.json")
        #expect(found.count == 1)
        #expect(found.first?.contains(expected) == true, "\(found)")
        #expect(found.first?.hasPrefix("a.json:2:") == true, "\(found)")
    }

    @Test func trailingTextAndTruncationInJSONAreErrors() throws {
        let text = try json()
        #expect(try errors(text + " x", file: "a.json").first?.contains("more text follows the JSON value") == true)
        #expect(try errors(String(text.dropLast(5)), file: "a.json").first?.contains("ends inside") == true)
    }

    // MARK: Size

    @Test func aHundredThousandKeysAreAllReported() throws {
        var text = valid + "extra:\n"
        for index in 0..<100_000 { text += "  k\(index): \(index)\n" }
        text += "  k5: again\n"
        #expect(text.utf8.count > 1_000_000)
        let parsed = try parse(text)
        #expect(parsed.errors.map(\.message) == ["duplicate key `k5`, first given on line \(valid.components(separatedBy: "\n").count + 6); expected each key once"])
    }

    // MARK: Dates

    @Test(arguments: ["1999-12-31", "2100-01-01", "0001-01-01", "9999-12-31", "0000-01-01"])
    func datesOutsideTheSupportedYearsAreErrors(_ date: String) throws {
        let found = try errors(replacing("  end: 2026-05-12", with: "  end: \(date)"))
        let expected = CalendarDate(iso: date) == nil
            ? "not a valid date" : "outside the years StarCert accepts; expected a date from 2000 to 2099"
        #expect(found.contains { $0.contains(expected) }, "\(found)")
    }

    @Test func theDayIsCountedInTheGivenTimeZone() throws {
        // 2026-05-31 20:30 UTC is already 1 June in Beijing.
        let instant = try #require(ISO8601DateFormatter().date(from: "2026-05-31T20:30:00Z"))
        #expect(CalendarDate.today(inTimeZone: "Asia/Shanghai", now: instant)?.description == "2026-06-01")
        #expect(CalendarDate.today(inTimeZone: "UTC", now: instant)?.description == "2026-05-31")
    }

    // MARK: Hidden characters and placeholders

    @Test(arguments: [
        ("\u{202E}", "a bidirectional control"), ("\u{2066}", "a bidirectional control"), ("\u{200B}", "an invisible formatting character"),
        ("\u{200D}", "an invisible formatting character"), ("\u{FEFF}", "an invisible formatting character"), ("\u{00AD}", "an invisible formatting character"),
        ("\u{1B}", "a control character"), ("\u{85}", "a control character"), ("\u{7}", "a control character"),
        ("\u{2028}", "a line break"), ("\u{E000}", "a private-use character"), ("\u{3164}", "an invisible formatting character"),
    ])
    func hiddenCharactersInCertificateFieldsAreErrors(_ character: String, _ kind: String) throws {
        for field in ["name", "address", "scope"] {
            let line = valid.components(separatedBy: "\n").first { $0.hasPrefix("  \(field): ") }!
            let value = String(line.dropFirst("  \(field): ".count))
            let escaped = character.unicodeScalars.map { String(format: "\\u%04X", $0.value) }.joined()
            let text = replacing(line, with: "  \(field): \"\(value.prefix(2))\(escaped)\(value.dropFirst(2))\"")
            let found = try errors(text)
            #expect(found.count == 1, "\(field) \(escaped): \(found)")
            #expect(found.first?.contains("the organization's `\(field)` holds \(kind)") == true, "\(found)")
            #expect(found.first?.contains("at character 3") == true)
        }
    }

    @Test func aLineBreakInANameIsAnErrorButEvidenceMayHaveParagraphs() throws {
        #expect(try errors(replacing("  name: 测试服务有限公司", with: "  name: \"测试服务\\n有限公司\"")).first?.contains("holds a line break") == true)
        let evidence = try parse(valid.replacingOccurrences(of: "evidence: [制度文件]", with: "evidence: [\"第一段\\n第二段\"]"))
        #expect(evidence.errors.isEmpty, "\(evidence.errors)")
        #expect(try errors(valid.replacingOccurrences(of: "evidence: [制度文件]", with: "evidence: [\"a\\u202Eb\"]")).contains { $0.contains("holds a bidirectional control") })
    }

    @Test func placeholdersAreErrorsExceptInASelfAssessment() throws {
        let placeholder = replacing("  name: 测试服务有限公司", with: "  name: （待填写）单位名称")
            .replacingOccurrences(of: "credit_code: 91110108MA01C2XK3R", with: "credit_code: \(AssessmentTemplate.placeholderCreditCode)")
        let initial = try parse(placeholder)
        #expect(initial.errors.count == 2)
        #expect(initial.errors.allSatisfy { $0.message.contains("placeholders are errors when `kind` is initial") })
        let own = try parse(placeholder.replacingOccurrences(of: "kind: initial", with: "kind: self-assessment")
            .replacingOccurrences(of: "  team:\n", with: "  old_team:\n"))
        #expect(own.errors.filter { $0.message.contains("placeholder") || $0.message.contains("sample") }.isEmpty)
        #expect(own.placeholders.count == 2)
    }

    @Test(arguments: ["\u{2028}", "\u{2029}", "\u{85}"])
    func rawLineSeparatorsAreRefusedWherePositionsStayRight(_ separator: String) throws {
        let text = replacing("  address: 北京市海淀区测试路 1 号", with: "  address: \"北京市\(separator)海淀区\"")
        let line = (text.components(separatedBy: "\n").firstIndex { $0.contains("address:") } ?? 0) + 1
        let found = try errors(text)
        #expect(found.count == 1 && found[0].hasPrefix("test.yaml:\(line):16: error: the file holds"), "\(found)")
    }

    // MARK: Terminal

    @Test func textForATerminalHasItsControlsEscaped() {
        #expect(TerminalText.escaped("a\u{1B}[31mb\u{202E}c\u{7}") == "a\\u{1B}[31mb\\u{202E}c\\u{7}")
        #expect(TerminalText.escaped("line\nnext", keepingLineBreaks: true) == "line\nnext")
        #expect(TerminalText.escaped("line\nnext") == "line\\u{A}next")
        #expect(TerminalText.quoted(String(repeating: "长", count: 200)).count == 81)
    }
}
