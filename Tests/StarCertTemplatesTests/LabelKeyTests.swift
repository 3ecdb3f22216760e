import Foundation
import StarCertArchive
import StarCertCore
import StarCertTemplates
import StarCertTestSupport
import Testing

/// Every label key the code and the templates use exists in every language: read from the sources
/// as they are, so a key added to the code and forgotten in a label file fails here, not on a page.
@Suite struct LabelKeyTests {
    static let root = Fixtures.packageRoot
    static let labelsFolder = root.appendingPathComponent("Templates/labels")

    static func sources(_ module: String) throws -> String {
        let folder = root.appendingPathComponent("Sources/\(module)")
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().filter { $0.hasSuffix(".swift") }
            .map { try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8) }.joined(separator: "\n")
    }

    /// The first capture group of every match of `pattern` in `text`.
    static func captures(_ pattern: String, in text: String) throws -> Set<String> {
        let expression = try NSRegularExpression(pattern: pattern)
        let range = NSRange(text.startIndex..., in: text)
        return Set(expression.matches(in: text, range: range).compactMap { match in Range(match.range(at: 1), in: text).map { String(text[$0]) } })
    }

    static func labels(_ names: [String]) throws -> [Labels] {
        try Labels.loadMatching(names.map { labelsFolder.appendingPathComponent($0) })
    }

    @Test func everyDocumentLabelTheCodeUsesExistsInEveryLanguage() throws {
        let code = try Self.sources("StarCertDocuments")
        var used = try Self.captures(#"labels(?:\.format\(|\[)\s*"([a-z][a-z0-9_.-]*)""#, in: code)
        #expect(used.count > 50, "the scan found too few keys: \(used.count)")
        // Keys made from a value: every value the code can give.
        let dynamic: [String: [String]] = [
            "kind.": Assessment.Kind.allCases.map(\.rawValue), "role.": Assessment.TeamMember.Role.allCases.map(\.rawValue),
            "severity.": Assessment.Finding.Severity.allCases.map(\.rawValue), "summary.decision.": Evaluation.Decision.allCases.map(\.rawValue),
        ]
        for prefix in try Self.captures(#"labels\["([a-z][a-z0-9_.-]*)\\\("#, in: code) {
            let values = try #require(dynamic[prefix], "a label key made from a value with the prefix \(prefix) that this test does not know")
            used.formUnion(values.map { prefix + $0 })
        }
        for labels in try Self.labels(["zh.yaml", "en.yaml"]) {
            let missing = used.filter { !labels.has($0) }.sorted()
            #expect(missing.isEmpty, "missing in \(labels.language): \(missing)")
        }
        let certificateKeys = try Self.captures(#"\btext(?:\.format\(|\[)\s*"([a-z][a-z0-9_.-]*)""#, in: code)
        #expect(certificateKeys.count > 10)
        let certificate = try Labels.load(file: Self.labelsFolder.appendingPathComponent("certificate.yaml"))
        #expect(certificateKeys.filter { !certificate.has($0) }.isEmpty, "missing in certificate.yaml")
    }

    @Test func everyPageLabelTheServerAndItsTemplatesUseExistsInEveryLanguage() throws {
        let code = try Self.sources("StarCertServer")
        var used = try Self.captures(#"labels(?:\([^)]*\)\))?(?:\.format\(|\[)\s*"([a-z][a-z0-9_.-]*)""#, in: code)
        used.formUnion(try Self.captures(#""(field\.[a-z-]+)""#, in: code))
        used = used.filter { !$0.hasSuffix(".") }  // prefixes of keys made from values, below
        #expect(used.count > 30, "the scan found too few keys: \(used.count)")
        let dynamic: [String: [String]] = [
            "status.": Archive.Status.allCases.map(\.rawValue), "event.": Archive.StatusEvent.allCases.map(\.rawValue),
            "document.": ["report.pdf", "report.html", "certificate.pdf", "certificate.html"],
            "decision.": Evaluation.Decision.allCases.map(\.rawValue),
        ]
        for prefix in try Self.captures(#"labels\["([a-z][a-z0-9_.-]*)(?:\\\(|"\s*\+)"#, in: code) {
            let values = try #require(dynamic[prefix], "a label key made from a value with the prefix \(prefix) that this test does not know")
            used.formUnion(values.map { prefix + $0 })
        }
        #expect(Set(dynamic.keys).isSubset(of: try Self.captures(#"labels\["([a-z][a-z0-9_.-]*)(?:\\\(|"\s*\+)"#, in: code)))
        // The templates name labels with `.` and `-` as `_`.
        let folder = Self.root.appendingPathComponent("Templates/server")
        let templates = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".mustache") }
            .map { try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8) }.joined(separator: "\n")
        let words = try Self.captures(#"\{\{\s*l\.([a-z][a-z0-9_]*)\s*\}\}"#, in: templates)
        #expect(words.count > 30)
        for labels in try Self.labels(["web-zh.yaml", "web-en.yaml"]) {
            let missing = used.filter { !labels.has($0) }.sorted()
            #expect(missing.isEmpty, "missing in \(labels.language): \(missing)")
            let templateWords = Set(labels.keys.map { String($0.map { $0 == "." || $0 == "-" ? "_" : $0 }) })
            #expect(words.subtracting(templateWords).isEmpty, "template labels missing in \(labels.language): \(words.subtracting(templateWords).sorted())")
        }
    }

    @Test func labelFilesOfOneKindMustHoldTheSameKeys() throws {
        let folder = try Fixtures.temporaryFolder()
        let zh = folder.appendingPathComponent("zh.yaml")
        let en = folder.appendingPathComponent("en.yaml")
        try "language: zh-CN\na: 甲\nb: 乙\n".write(to: zh, atomically: true, encoding: .utf8)
        try "language: en\na: A\n".write(to: en, atomically: true, encoding: .utf8)
        #expect {
            try Labels.loadMatching([zh, en])
        } throws: { error in
            guard case let TemplateError.keysDiffer(file, missing, other) = error else { return false }
            return file == en.path && missing == ["b"] && other == zh.path
        }
        try "language: en\na: A\nb: B\n".write(to: en, atomically: true, encoding: .utf8)
        #expect(try Labels.loadMatching([zh, en]).map(\.language) == ["zh-CN", "en"])
    }

    @Test func aTemplateThatCannotRenderIsAnErrorNotAnEmptyPage() throws {
        let folder = try Fixtures.temporaryFolder()
        try "<p>{{> missing-partial}}</p>{{#items}}{{name}}{{/items}}".write(to: folder.appendingPathComponent("page.mustache"), atomically: true, encoding: .utf8)
        #expect(throws: TemplateError.self) { try TemplateLibrary(folder: folder, required: ["page", "absent"]) }
        let library = try TemplateLibrary(folder: folder, required: ["page"])
        #expect(try library.render("page", ["items": [["name": "<x>"]]]) == "<p></p>&lt;x&gt;")
        #expect {
            try library.render("no-such-template", [:])
        } throws: { error in
            guard case TemplateError.renderFailed = error else { return false }
            return true
        }
    }
}
