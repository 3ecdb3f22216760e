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

    public static func load(file: URL) throws(TemplateError) -> Labels {
        guard let data = FileManager.default.contents(atPath: file.path), let text = String(data: data, encoding: .utf8) else {
            throw TemplateError.missing(file.path)
        }
        let loaded: Any?
        do {
            loaded = try Yams.load(yaml: text)
        } catch {
            throw .invalid(file.path, "\(error)")
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

    /// The text of `key`. Every language holds the same keys (checked on load) and a test checks
    /// that every key the code and the templates use exists, so a missing key is a bug: it stops
    /// a debug build, and shows as `⟨key⟩` in a release build rather than as a blank.
    public subscript(_ key: String) -> String {
        if let text = strings[key] { return text }
        assertionFailure("the label `\(key)` is missing (\(language))")
        return "⟨\(key)⟩"
    }

    /// Whether the labels hold `key`.
    public func has(_ key: String) -> Bool { strings[key] != nil }

    /// The label files `files`, one per language, refused unless they hold the same keys.
    public static func loadMatching(_ files: [URL]) throws(TemplateError) -> [Labels] {
        var loaded: [Labels] = []
        for file in files {
            loaded.append(try load(file: file))
        }
        for (index, labels) in loaded.enumerated() {
            for (otherIndex, other) in loaded.enumerated() where otherIndex != index {
                let missing = other.keys.subtracting(labels.keys).sorted()
                if !missing.isEmpty { throw .keysDiffer(file: files[index].path, missing: missing, other: files[otherIndex].path) }
            }
        }
        return loaded
    }

    /// The text of `key` with each `{name}` replaced by its value, in one pass over the label: a
    /// value is inserted as it is, never read again for placeholders (user text may hold braces).
    public func format(_ key: String, _ values: [String: String]) -> String {
        pieces(key, values).map(\.text).joined()
    }

    /// `format`'s result in pieces: the label's own text, and each value with the name of the
    /// placeholder it stands in for (a number may be set as typed where the label's text is not).
    public func pieces(_ key: String, _ values: [String: String]) -> [(text: String, placeholder: String?)] {
        var pieces: [(text: String, placeholder: String?)] = []
        var rest = Substring(self[key])
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            if open > rest.startIndex { pieces.append((String(rest[..<open]), nil)) }
            let name = String(rest[rest.index(after: open)..<close])
            if let value = values[name] { pieces.append((value, name)) } else { pieces.append((String(rest[open...close]), nil)) }
            rest = rest[rest.index(after: close)...]
        }
        if !rest.isEmpty { pieces.append((String(rest), nil)) }
        return pieces
    }

    public var isChinese: Bool { language.hasPrefix("zh") }
}

/// Why a template or a label file cannot be used.
public enum TemplateError: Error, CustomStringConvertible, Sendable {
    case missing(String)
    case invalid(String, String)
    /// A template did not produce its text (a partial it names is missing, say).
    case renderFailed(String)
    /// Label files of one kind that do not hold the same keys in every language.
    case keysDiffer(file: String, missing: [String], other: String)

    public var description: String {
        switch self {
        case let .missing(path): return "the templates are missing: \(path)"
        case let .invalid(path, problem): return "\(path) cannot be used: \(problem)"
        case let .renderFailed(path): return "the template \(path) could not be rendered; reinstall StarCert's templates"
        case let .keysDiffer(file, missing, other):
            return "\(file) cannot be used: it lacks the label(s) \(missing.joined(separator: ", ")) that \(other) has; expected the same keys in every language"
        }
    }
}
