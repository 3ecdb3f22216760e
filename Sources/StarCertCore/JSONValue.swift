/// A JSON value whose objects keep their key order, so output reads in a fixed, documented order.
public indirect enum JSONValue: Equatable, Sendable {
    case string(String)
    case integer(Int)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        lhs.serialized() == rhs.serialized()
    }

    /// Pretty-printed with two-space indentation.
    public func serialized(indent: String = "") -> String {
        let inner = indent + "  "
        switch self {
        case let .string(text): return Self.quote(text)
        case let .integer(value): return String(value)
        case let .bool(value): return value ? "true" : "false"
        case .null: return "null"
        case let .array(values):
            if values.isEmpty { return "[]" }
            return "[\n" + values.map { inner + $0.serialized(indent: inner) }.joined(separator: ",\n") + "\n\(indent)]"
        case let .object(members):
            if members.isEmpty { return "{}" }
            return "{\n" + members.map { inner + Self.quote($0.0) + ": " + $0.1.serialized(indent: inner) }
                .joined(separator: ",\n") + "\n\(indent)}"
        }
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || (HiddenCharacter.classify(scalar) != nil && scalar.value <= 0xFFFF):
                // Controls, bidirectional and invisible characters are written as escapes, so the
                // JSON shows on a terminal as it is and still reads back as the same text.
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

extension Evaluation {
    /// The machine-readable result printed by `starcert score --json`; the shape is documented in the README.
    public var summaryJSON: JSONValue {
        .object([
            ("standard", .string(standard.id)),
            ("total", .string(total.description)),
            ("max", .string(standard.maximum.description)),
            ("star_level", starLevel.map { .integer($0.stars) } ?? .null),
            ("decision", .string(decision.rawValue)),
            ("vetoed", .array(failedVetoItems.map { .string($0) })),
            ("sections", .array(sections.map { section in
                .object([
                    ("id", .string(section.section.id)),
                    ("title", .string(section.section.title)),
                    ("points", .string(section.maximum.description)),
                    ("score", .string(section.score.description)),
                    ("items", .array(section.items.map { item in
                        .object([
                            ("id", .string(item.item.id)),
                            ("title", .string(item.item.title)),
                            ("points", .string(item.maximum.description)),
                            ("percent", .integer(item.percent)),
                            ("band", .integer(item.band.number)),
                            ("score", .string(item.score.description)),
                        ])
                    })),
                ])
            })),
        ])
    }
}
