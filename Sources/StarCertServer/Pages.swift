import Foundation
import StarCertCore
import StarCertTemplates

/// The public pages: Mustache templates from `Templates/server/` and their wording in Chinese and
/// English (`Templates/labels/web-zh.yaml`, `web-en.yaml`). Every value is HTML-escaped by the
/// templates; pages are self-contained (inline CSS, no scripts, no outside requests).
public struct Pages: Sendable {
    public enum Language: String, Sendable, CaseIterable {
        case zh, en
    }

    private let library: TemplateLibrary
    private let labels: [Language: Labels]
    /// The labels as the templates name them (`a.b-c` becomes `a_b_c`), made once per language.
    private let templateWords: [Language: [String: String]]

    public init(templates folder: URL) throws(TemplateError) {
        library = try TemplateLibrary(folder: folder.appendingPathComponent("server"),
                                      required: ["search", "register", "certificate", "verify", "share", "error", "unknown"])
        let loaded = try Labels.loadMatching(Language.allCases.map { folder.appendingPathComponent("labels/web-\($0.rawValue).yaml") })
        labels = Dictionary(uniqueKeysWithValues: zip(Language.allCases, loaded))
        templateWords = labels.mapValues { labels in
            Dictionary(labels.keys.sorted().map { key in
                (String(key.map { $0 == "." || $0 == "-" ? "_" : $0 }), labels[key])
            }, uniquingKeysWith: { first, _ in first })
        }
    }

    public func labels(_ language: Language) -> Labels { labels[language]! }

    /// The page `template` with `values`, the labels of `language` under `l`, and the address of the
    /// same page in the other language (`path` with `lang` switched).
    func render(_ template: String, _ values: [String: Any], language: Language, path: String, query: [(String, String)]) throws(TemplateError) -> String {
        let labels = labels(language)
        var all = values
        all["l"] = templateWords[language]!
        all["lang"] = labels.language
        let other: Language = language == .zh ? .en : .zh
        let kept = query.filter { $0.0 != "lang" } + (other == .zh ? [] : [("lang", other.rawValue)])
        all["otherLanguage"] = path + Self.query(kept)
        all["isEnglish"] = language == .en
        return try library.render(template, all)
    }

    /// `?a=b&c=d`, each part percent-encoded, or nothing.
    static func query(_ items: [(String, String)]) -> String {
        guard !items.isEmpty else { return "" }
        return "?" + items.map { "\(URLText.percentEncoded($0.0))=\(URLText.percentEncoded($0.1))" }.joined(separator: "&")
    }
}
