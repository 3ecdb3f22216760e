import Foundation
import Mustache
import StarCertReports

/// The public pages: Mustache templates from `Templates/server/` and their wording in Chinese and
/// English (`Templates/labels/web-zh.yaml`, `web-en.yaml`). Every value is HTML-escaped by the
/// templates; pages are self-contained (inline CSS, no scripts, no outside requests).
public struct Pages: Sendable {
    public enum Language: String, Sendable, CaseIterable {
        case zh, en
    }

    private let library: MustacheLibrary
    private let labels: [Language: Labels]
    /// The labels as the templates name them (`a.b-c` becomes `a_b_c`), made once per language.
    private let templateWords: [Language: [String: String]]

    public init(templates folder: URL) throws {
        var library = MustacheLibrary()
        let server = folder.appendingPathComponent("server")
        for name in try FileManager.default.contentsOfDirectory(atPath: server.path).sorted() where name.hasSuffix(".mustache") {
            let text = try String(contentsOf: server.appendingPathComponent(name), encoding: .utf8)
            do {
                try library.register(text, named: String(name.dropLast(".mustache".count)))
            } catch {
                throw TemplateError.invalid(server.appendingPathComponent(name).path, "\(error)")
            }
        }
        for required in ["search", "register", "certificate", "verify", "share", "error"] where library.getTemplate(named: required) == nil {
            throw TemplateError.missing(server.appendingPathComponent("\(required).mustache").path)
        }
        self.library = library
        var labels: [Language: Labels] = [:]
        for language in Language.allCases {
            labels[language] = try Labels.load(file: folder.appendingPathComponent("labels/web-\(language.rawValue).yaml"))
        }
        self.labels = labels
        templateWords = labels.mapValues { labels in
            Dictionary(labels.keys.sorted().map { key in
                (String(key.map { $0 == "." || $0 == "-" ? "_" : $0 }), labels[key])
            }, uniquingKeysWith: { first, _ in first })
        }
    }

    public func labels(_ language: Language) -> Labels { labels[language]! }

    /// The page `template` with `values`, the labels of `language` under `l`, and the address of the
    /// same page in the other language (`path` with `lang` switched).
    func render(_ template: String, _ values: [String: Any], language: Language, path: String, query: [(String, String)]) -> String {
        let labels = labels(language)
        var all = values
        all["l"] = templateWords[language]!
        all["lang"] = labels.language
        let other: Language = language == .zh ? .en : .zh
        let kept = query.filter { $0.0 != "lang" } + (other == .zh ? [] : [("lang", other.rawValue)])
        all["otherLanguage"] = path + Self.query(kept)
        all["isEnglish"] = language == .en
        return library.render(all, withTemplate: template) ?? ""
    }

    /// `?a=b&c=d`, each part percent-encoded, or nothing.
    static func query(_ items: [(String, String)]) -> String {
        guard !items.isEmpty else { return "" }
        return "?" + items.map { "\(CertificateModel.percentEncoded($0.0))=\(CertificateModel.percentEncoded($0.1))" }.joined(separator: "&")
    }
}
