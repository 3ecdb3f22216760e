import Foundation

/// Characters that are not shown as what they are: printed, they would make a document or a
/// terminal show something other than the text stored and signed.
public enum HiddenCharacter: Sendable, Equatable {
    case control
    case lineBreak
    case bidirectionalControl
    case invisibleFormat
    case privateUse
    case unassigned

    /// What the character is, for a message.
    public var description: String {
        switch self {
        case .control: return "a control character"
        case .lineBreak: return "a line break"
        case .bidirectionalControl: return "a bidirectional control, which reorders the text around it"
        case .invisibleFormat: return "an invisible formatting character"
        case .privateUse: return "a private-use character, which has no agreed appearance"
        case .unassigned: return "a code point that Unicode does not assign"
        }
    }

    /// The kind of hidden character `scalar` is, or nil for a character shown as itself.
    public static func classify(_ scalar: Unicode.Scalar) -> HiddenCharacter? {
        // Printable ASCII and the common Han block: shown as themselves (the fast path).
        if (0x20...0x7E).contains(scalar.value) || (0x4E00...0x9FFF).contains(scalar.value) { return nil }
        switch scalar.value {
        case 0x0A, 0x0D, 0x2028, 0x2029: return .lineBreak
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return .bidirectionalControl
        // Letters and symbols drawn as blank space.
        case 0x2800, 0x115F, 0x1160, 0x3164, 0xFFA0: return .invisibleFormat
        default: break
        }
        switch scalar.properties.generalCategory {
        case .control: return .control
        case .format, .lineSeparator, .paragraphSeparator: return .invisibleFormat
        case .privateUse: return .privateUse
        case .unassigned, .surrogate: return .unassigned
        default: return scalar.properties.isDefaultIgnorableCodePoint ? .invisibleFormat : nil
        }
    }

    /// The first combining mark of `text` (accents and other marks drawn on the character before
    /// them), with its position from 1. A name printed on a certificate holds none: they can stack
    /// unseen or vanish, so that what is printed differs from what is signed.
    public static func firstCombiningMark(in text: String) -> (offset: Int, scalar: Unicode.Scalar)? {
        for (offset, scalar) in text.unicodeScalars.enumerated() where scalar.value >= 0x0300 {
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .enclosingMark, .spacingMark: return (offset + 1, scalar)
            default: continue
            }
        }
        return nil
    }

    /// Where `text` first differs from its composed form (Unicode NFC), by scalar from 1, or nil
    /// when it is composed. One rule for every script: decomposed Latin accents and decomposed
    /// Hangul syllables alike print like their composed forms but compare unequal.
    public static func firstUncomposed(in text: String) -> Int? {
        let composed = Array(text.precomposedStringWithCanonicalMapping.unicodeScalars)
        let scalars = Array(text.unicodeScalars)
        guard composed != scalars else { return nil }
        return (zip(scalars, composed).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(scalars.count, composed.count)) + 1
    }

    /// The first hidden character of `text`: its position among the text's characters (from 1),
    /// the character and its kind. `allowingLineBreaks` lets line feeds through (multi-line notes).
    public static func first(in text: String, allowingLineBreaks: Bool = false) -> (offset: Int, scalar: Unicode.Scalar, kind: HiddenCharacter)? {
        for (offset, scalar) in text.unicodeScalars.enumerated() {
            guard let kind = classify(scalar) else { continue }
            if allowingLineBreaks, scalar == "\n" { continue }
            return (offset + 1, scalar, kind)
        }
        return nil
    }
}

/// Text from inputs or the archive made safe to print on a terminal: control, bidirectional and
/// invisible characters are written as `\u{…}` escapes, so what is shown is what is stored.
public enum TerminalText {
    public static func escaped(_ text: String, keepingLineBreaks: Bool = false) -> String {
        // Plain printable ASCII (most messages) needs no look at each character's properties.
        if text.utf8.allSatisfy({ (0x20...0x7E).contains($0) || ($0 == 0x0A && keepingLineBreaks) }) { return text }
        guard text.unicodeScalars.contains(where: { HiddenCharacter.classify($0) != nil && !(keepingLineBreaks && $0 == "\n") }) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if HiddenCharacter.classify(scalar) == nil || (keepingLineBreaks && scalar == "\n") {
                out.append(scalar)
            } else {
                out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
            }
        }
        return String(out)
    }

    /// A value quoted inside a message: escaped, and shortened to `limit` characters.
    public static func quoted(_ text: String, limit: Int = 80) -> String {
        let shown = escaped(text)
        return shown.count > limit ? String(shown.prefix(limit)) + "…" : shown
    }
}
