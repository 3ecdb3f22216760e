/// One key of a YAML mapping, with the nodes it came from.
package struct MappingEntry {
    package let key: String
    package let keyNode: SourceNode
    package let value: SourceNode
}

/// The entries of a YAML mapping, first occurrence of each key.
package struct Fields {
    package let node: SourceNode
    package let entries: [MappingEntry]

    package subscript(key: String) -> MappingEntry? {
        entries.first { $0.key == key }
    }
}

/// Reads typed values out of a document tree, logging a positioned error for each value that is off.
///
/// Every accessor returns nil after logging when the value cannot be used, so a caller goes on and
/// reports every problem of a file in one run.
package struct YAMLReader {
    package var log: DiagnosticLog
    /// Keys repeated in a mapping: `fields` reports those it reads, with the mapping's name;
    /// `finish` the rest (inside unknown fields, say).
    private var duplicates: [SourcePosition: (key: String, firstLine: Int)] = [:]
    private var reportedDuplicates: Set<SourcePosition> = []

    package init(file: String) {
        log = DiagnosticLog(file: file)
    }

    /// A reader that logs into `log` (a workbook's, which names cells).
    package init(log: DiagnosticLog) {
        self.log = log
    }

    /// Reads the document in `bytes`, or nil after logging why it cannot be read.
    package mutating func document(_ bytes: [UInt8], expected: String) -> SourceNode? {
        guard let root = SourceText.compose(bytes, log: &log, expected: expected) else { return nil }
        duplicates = duplicateKeys(in: root)
        return root
    }

    /// Reports the repeated keys that no `fields` call came across.
    package mutating func finish() {
        for (position, duplicate) in duplicates.sorted(by: { $0.key < $1.key }) where !reportedDuplicates.contains(position) {
            log.error("duplicate key `\(TerminalText.quoted(duplicate.key))`, first given on line \(duplicate.firstLine); expected each key once",
                      line: position.line, column: position.column)
        }
        reportedDuplicates.formUnion(duplicates.keys)
    }

    static func position(_ node: SourceNode) -> (line: Int, column: Int) {
        (node.position.line, node.position.column)
    }

    package mutating func error(_ message: String, at node: SourceNode) {
        let (line, column) = Self.position(node)
        log.error(message, line: line, column: column)
    }

    package mutating func warning(_ message: String, at node: SourceNode) {
        let (line, column) = Self.position(node)
        log.warning(message, line: line, column: column)
    }

    package static func isNull(_ node: SourceNode) -> Bool {
        guard case let .scalar(scalar) = node, scalar.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    package static func describe(_ node: SourceNode) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case let .scalar(scalar):
            if isNull(node) { return "nothing" }
            // A long value is shown by its start: a message stays one readable line.
            let shown = TerminalText.quoted(scalar.string.count > 80 ? String(scalar.string.prefix(80)) + "…" : scalar.string)
            return scalar.style == .plain ? "`\(shown)`" : "the text \"\(shown)\""
        }
    }

    /// The entries of a mapping; a repeated key is an error at its second occurrence.
    package mutating func fields(_ node: SourceNode, of what: String) -> Fields? {
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
            if let duplicate = duplicates[keyNode.position] {
                if reportedDuplicates.insert(keyNode.position).inserted {
                    error("duplicate key `\(TerminalText.quoted(key))` in \(what), first given on line \(duplicate.firstLine); expected each key once", at: keyNode)
                }
                continue
            }
            entries.append(MappingEntry(key: key, keyNode: keyNode, value: value))
        }
        return Fields(node: node, entries: entries)
    }

    /// The value under `key`, or nil after an error when it is missing or empty.
    package mutating func required(_ key: String, in fields: Fields, of what: String, expected: String) -> SourceNode? {
        guard let entry = fields[key] else {
            error("\(what) has no `\(key)`; expected \(expected)", at: fields.node)
            return nil
        }
        if Self.isNull(entry.value) {
            error("`\(key)` of \(what) is empty; expected \(expected)", at: entry.value)
            return nil
        }
        return entry.value
    }

    /// The value under `key` when present and not empty.
    package func optional(_ key: String, in fields: Fields) -> SourceNode? {
        guard let entry = fields[key], !Self.isNull(entry.value) else { return nil }
        return entry.value
    }

    /// Keys that the reader does not know: an error, or a warning where the format allows additions.
    package mutating func checkKeys(
        _ fields: Fields, known: [String], of what: String, severity: Diagnostic.Severity
    ) {
        let knownSet = Set(known)
        let expected = "; expected one of \(known.map { "`\($0)`" }.joined(separator: ", "))"
        for entry in fields.entries where !knownSet.contains(entry.key) {
            var message = "unknown field `\(TerminalText.quoted(entry.key))` in \(what)"
            if let suggestion = Suggestion.nearest(to: entry.key, among: known) {
                message += "; did you mean `\(suggestion)`?"
            } else {
                message += expected
            }
            if severity == .warning { message += " (ignored)" }
            let (line, column) = Self.position(entry.keyNode)
            switch severity {
            case .error: log.error(message, line: line, column: column)
            case .warning: log.warning(message, line: line, column: column)
            }
        }
    }

    /// A non-empty text; numbers and dates written without quotes are taken as written. Hidden
    /// characters (controls, bidirectional controls, invisible formatting) are errors: what is
    /// printed must be what was written. `singleLine` texts (names, addresses, scopes: anything a
    /// certificate shows) may not hold line breaks either.
    package mutating func text(_ node: SourceNode, _ what: String, singleLine: Bool = false) -> String? {
        guard case let .scalar(scalar) = node, !Self.isNull(node) else {
            error("\(what) is \(Self.describe(node)); expected a text", at: node)
            return nil
        }
        let value = scalar.string.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty else {
            error("\(what) is blank; expected a text", at: node)
            return nil
        }
        if let hidden = HiddenCharacter.first(in: value, allowingLineBreaks: !singleLine) {
            let code = "U+" + String(hidden.scalar.value, radix: 16, uppercase: true)
            error("\(what) holds \(hidden.kind.description) (\(code)) at character \(hidden.offset); expected \(singleLine ? "one line of " : "")visible text only, so that what is printed is what was written", at: node)
            return nil
        }
        if singleLine, let offset = HiddenCharacter.firstUncomposed(in: value) {
            error("\(what) is not written in composed form (Unicode NFC) from character \(offset): it prints like another text but compares unequal; expected each character in its composed form, as keyboards type it", at: node)
            return nil
        }
        if singleLine, let mark = HiddenCharacter.firstCombiningMark(in: value) {
            let code = "U+" + String(mark.scalar.value, radix: 16, uppercase: true)
            error("\(what) holds a combining mark (\(code)) at character \(mark.offset), which may be printed unseen; expected each character written as one (precomposed) character", at: node)
            return nil
        }
        return value
    }

    /// A list of texts; a single text is taken as a list of one.
    package mutating func texts(_ node: SourceNode, _ what: String) -> [String]? {
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
    package mutating func list(_ node: SourceNode, _ what: String, expected: String) -> [SourceNode]? {
        guard case let .sequence(sequence) = node else {
            error("\(what) is \(Self.describe(node)); expected a list of \(expected)", at: node)
            return nil
        }
        return Array(sequence)
    }

    /// A whole number written as plain digits, within `range`.
    package mutating func wholeNumber(_ node: SourceNode, _ what: String, in range: ClosedRange<Int>) -> Int? {
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
    package mutating func boolean(_ node: SourceNode, _ what: String) -> Bool? {
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
    package mutating func date(_ node: SourceNode, _ what: String) -> CalendarDate? {
        guard let value = text(node, what) else { return nil }
        guard let date = CalendarDate(iso: value) else {
            error("\(what) is `\(TerminalText.quoted(value))`, not a valid date; expected a date written as YYYY-MM-DD, e.g. 2026-05-12", at: node)
            return nil
        }
        guard CalendarDate.supportedYears.contains(date.year) else {
            error("\(what) is \(date), outside the years StarCert accepts; expected a date from \(CalendarDate.supportedYears.lowerBound) to \(CalendarDate.supportedYears.upperBound)", at: node)
            return nil
        }
        return date
    }

    /// One of a fixed set of words.
    package mutating func choice<Choice: RawRepresentable & CaseIterable>(
        _ node: SourceNode, _ what: String, as: Choice.Type
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
