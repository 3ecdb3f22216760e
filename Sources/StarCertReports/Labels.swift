import Foundation
import StarCertCore
import Yams

/// The wording of the documents in one language, read from `Templates/labels/LANGUAGE.yaml`.
/// Keys are flat (`summary.heading`); `{name}` placeholders are filled by `format`.
public struct Labels: Sendable {
    public let language: String
    let strings: [String: String]

    public init(language: String, strings: [String: String]) {
        self.language = language
        self.strings = strings
    }

    /// The languages StarCert has labels for.
    public enum Language: String, CaseIterable, Sendable {
        case zh
        case en
    }

    /// The labels of `language` from the templates folder (see `Resources`).
    public static func load(_ language: Language, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Labels {
        try load(file: try templatesFolder(environment: environment).appendingPathComponent("labels/\(language.rawValue).yaml"))
    }

    public static func load(file: URL) throws -> Labels {
        guard let data = FileManager.default.contents(atPath: file.path), let text = String(data: data, encoding: .utf8) else {
            throw TemplateError.missing(file.path)
        }
        let loaded: Any?
        do {
            loaded = try Yams.load(yaml: text)
        } catch {
            throw TemplateError.invalid(file.path, "\(error)")
        }
        guard let mapping = loaded as? [String: Any] else {
            throw TemplateError.invalid(file.path, "expected a mapping of label keys to texts")
        }
        var strings: [String: String] = [:]
        for (key, value) in mapping {
            guard let text = value as? String else { throw TemplateError.invalid(file.path, "the label `\(key)` is not a text") }
            strings[key] = text
        }
        return Labels(language: strings["language"] ?? "zh-CN", strings: strings)
    }

    static func templatesFolder(environment: [String: String]) throws -> URL {
        try Resources.locate(environment: environment).templates
    }

    public var keys: Set<String> { Set(strings.keys) }

    /// The text of `key`; a missing key shows as `⟨key⟩` so it is noticed, never silently blank.
    public subscript(_ key: String) -> String { strings[key] ?? "⟨\(key)⟩" }

    /// The text of `key` with each `{name}` replaced by its value, in one pass over the label: a
    /// value is inserted as it is, never read again for placeholders (user text may hold braces).
    public func format(_ key: String, _ values: [String: String]) -> String {
        var result = ""
        var rest = Substring(self[key])
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            result += rest[..<open]
            result += values[String(rest[rest.index(after: open)..<close])] ?? String(rest[open...close])
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    public var isChinese: Bool { language.hasPrefix("zh") }
}

public enum TemplateError: Error, CustomStringConvertible {
    case missing(String)
    case invalid(String, String)

    public var description: String {
        switch self {
        case let .missing(path): return "the templates are missing: \(path)"
        case let .invalid(path, problem): return "\(path) cannot be used: \(problem)"
        }
    }
}
