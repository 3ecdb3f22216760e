import Yams

/// One key of a YAML mapping, with the nodes it came from.
struct MappingEntry {
    let key: String
    let keyNode: Node
    let value: Node
}

/// The entries of a YAML mapping, first occurrence of each key.
struct Fields {
    let node: Node
    let entries: [MappingEntry]

    subscript(key: String) -> MappingEntry? {
        entries.first { $0.key == key }
    }
}

/// Reads typed values out of a document tree, logging a positioned error for each value that is off.
///
/// Every accessor returns nil after logging when the value cannot be used, so a caller goes on and
/// reports every problem of a file in one run.
struct YAMLReader {
    var log: DiagnosticLog

    init(file: String) {
        log = DiagnosticLog(file: file)
    }

    static func position(_ node: Node) -> (line: Int, column: Int) {
        guard let mark = node.mark else { return (1, 1) }
        return (mark.line, mark.column)
    }

    mutating func error(_ message: String, at node: Node) {
        let (line, column) = Self.position(node)
        log.error(message, line: line, column: column)
    }

    mutating func warning(_ message: String, at node: Node) {
        let (line, column) = Self.position(node)
        log.warning(message, line: line, column: column)
    }

    static func isNull(_ node: Node) -> Bool {
        guard case let .scalar(scalar) = node, scalar.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    static func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case let .scalar(scalar):
            if isNull(node) { return "nothing" }
            return scalar.style == .plain ? "`\(scalar.string)`" : "the text \"\(scalar.string)\""
        }
    }

    /// The entries of a mapping; a repeated key is an error at its second occurrence.
    mutating func fields(_ node: Node, of what: String) -> Fields? {
        guard case let .mapping(mapping) = node else {
            error("\(what) is \(Self.describe(node)); expected a mapping of `key: value` lines", at: node)
            return nil
        }
        var entries: [MappingEntry] = []
        for (keyNode, value) in mapping {
            guard case let .scalar(scalar) = keyNode else {
                error("a key in \(what) is \(Self.describe(keyNode)); expected a plain name", at: keyNode)
                continue
            }
            let key = scalar.string
            if let first = entries.first(where: { $0.key == key }) {
                let (line, _) = Self.position(first.keyNode)
                error("duplicate key `\(key)` in \(what), first given on line \(line); expected each key once", at: keyNode)
                continue
            }
            entries.append(MappingEntry(key: key, keyNode: keyNode, value: value))
        }
        return Fields(node: node, entries: entries)
    }

    /// The value under `key`, or nil after an error when it is missing or empty.
    mutating func required(_ key: String, in fields: Fields, of what: String, expected: String) -> Node? {
        guard let entry = fields[key] else {
            error("\(what) has no `\(key)`; expected \(expected)", at: fields.node)
            return nil
        }
        if Self.isNull(entry.value) {
            error("`\(key)` of \(what) is empty; expected \(expected)", at: entry.value.mark == nil ? entry.keyNode : entry.value)
            return nil
        }
        return entry.value
    }

    /// The value under `key` when present and not empty.
    func optional(_ key: String, in fields: Fields) -> Node? {
        guard let entry = fields[key], !Self.isNull(entry.value) else { return nil }
        return entry.value
    }

    /// Keys that the reader does not know: an error, or a warning where the format allows additions.
    mutating func checkKeys(
        _ fields: Fields, known: [String], of what: String, severity: Diagnostic.Severity
    ) {
        for entry in fields.entries where !known.contains(entry.key) {
            var message = "unknown field `\(entry.key)` in \(what)"
            if let suggestion = Suggestion.nearest(to: entry.key, among: known) {
                message += "; did you mean `\(suggestion)`?"
            } else {
                message += "; expected one of \(known.map { "`\($0)`" }.joined(separator: ", "))"
            }
            if severity == .warning { message += " (ignored)" }
            let (line, column) = Self.position(entry.keyNode)
            switch severity {
            case .error: log.error(message, line: line, column: column)
            case .warning: log.warning(message, line: line, column: column)
            }
        }
    }

    /// A non-empty text; numbers and dates written without quotes are taken as written.
    mutating func text(_ node: Node, _ what: String) -> String? {
        guard case let .scalar(scalar) = node, !Self.isNull(node) else {
            error("\(what) is \(Self.describe(node)); expected a text", at: node)
            return nil
        }
        let value = scalar.string.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty else {
            error("\(what) is blank; expected a text", at: node)
            return nil
        }
        return value
    }

    /// A list of texts; a single text is taken as a list of one.
    mutating func texts(_ node: Node, _ what: String) -> [String]? {
        if case .scalar = node { return text(node, what).map { [$0] } }
        guard case let .sequence(sequence) = node else {
            error("\(what) is \(Self.describe(node)); expected a list of texts", at: node)
            return nil
        }
        var values: [String] = []
        var ok = true
        for (index, element) in sequence.enumerated() {
            if let value = text(element, "entry \(index + 1) of \(what)") { values.append(value) } else { ok = false }
        }
        return ok ? values : nil
    }

    /// The elements of a list.
    mutating func list(_ node: Node, _ what: String, expected: String) -> [Node]? {
        guard case let .sequence(sequence) = node else {
            error("\(what) is \(Self.describe(node)); expected a list of \(expected)", at: node)
            return nil
        }
        return Array(sequence)
    }

    /// A whole number written as plain digits, within `range`.
    mutating func wholeNumber(_ node: Node, _ what: String, in range: ClosedRange<Int>) -> Int? {
        let expected = "a whole number from \(range.lowerBound) to \(range.upperBound)"
        guard case let .scalar(scalar) = node, !Self.isNull(node) else {
            error("\(what) is \(Self.describe(node)); expected \(expected)", at: node)
            return nil
        }
        guard scalar.style == .plain else {
            error("\(what) is \(Self.describe(node)); expected \(expected), written without quotes", at: node)
            return nil
        }
        let digits = scalar.string
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            error("\(what) is `\(digits)`; expected \(expected)", at: node)
            return nil
        }
        guard let value = Int(digits), range.contains(value) else {
            error("\(what) is \(digits), out of range; expected \(expected)", at: node)
            return nil
        }
        return value
    }

    /// `true` or `false`.
    mutating func boolean(_ node: Node, _ what: String) -> Bool? {
        if case let .scalar(scalar) = node, scalar.style == .plain {
            switch scalar.string {
            case "true", "True", "TRUE": return true
            case "false", "False", "FALSE": return false
            default: break
            }
        }
        error("\(what) is \(Self.describe(node)); expected true or false", at: node)
        return nil
    }

    /// A calendar date written as YYYY-MM-DD.
    mutating func date(_ node: Node, _ what: String) -> CalendarDate? {
        guard let value = text(node, what) else { return nil }
        guard let date = CalendarDate(iso: value) else {
            error("\(what) is `\(value)`, not a valid date; expected a date written as YYYY-MM-DD, e.g. 2026-05-12", at: node)
            return nil
        }
        return date
    }

    /// One of a fixed set of words.
    mutating func choice<Choice: RawRepresentable & CaseIterable>(
        _ node: Node, _ what: String, as: Choice.Type
    ) -> Choice? where Choice.RawValue == String {
        guard let value = text(node, what) else { return nil }
        if let choice = Choice(rawValue: value) { return choice }
        let options = Choice.allCases.map(\.rawValue)
        var message = "\(what) is `\(value)`; expected one of \(options.joined(separator: " | "))"
        if let suggestion = Suggestion.nearest(to: value, among: options) {
            message += " — did you mean `\(suggestion)`?"
        }
        error(message, at: node)
        return nil
    }
}
