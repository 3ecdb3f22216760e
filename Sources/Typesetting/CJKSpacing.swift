/// Chinese spacing rules applied to a text before it is laid out (W3C clreq).
///
/// - Between a Han character and a Latin letter or digit stands a quarter-em gap, whether a space
///   was typed there or not (clreq 3.2.1); not beside a URL or an address, where the token must stay
///   as typed. In a justified paragraph of Chinese text every space is such a gap, so that one
///   space does not take all of a line's slack.
/// - A gap is a zero-width space shaped a quarter em wide: the gap and its break opportunity stay,
///   and justification spreads the line evenly between characters.
/// - Of two adjacent punctuation marks, a closing mark loses its blank half before the next mark,
///   and an opening bracket loses its blank half after another opening one (clreq 3.1.6), by the
///   fonts' `halt` feature.
enum CJKSpacing {
    struct Result {
        var spans: [Span]
        /// UTF-8 byte ranges of the zero-width spaces that stand for gaps.
        var gaps: [Range<Int>]
        /// UTF-8 byte ranges of the marks set half-width because of their neighbour.
        var halfWidthMarks: [Range<Int>]
    }

    /// `justified`: every space in the text becomes a gap when the text holds Chinese.
    static func apply(_ spans: [Span], justified: Bool) -> Result {
        var scalars: [Unicode.Scalar] = []
        for span in spans { scalars.append(contentsOf: span.text.unicodeScalars) }
        guard scalars.contains(where: isCJK) else { return Result(spans: spans, gaps: [], halfWidthMarks: []) }
        var verbatim = verbatimTokens(scalars)
        if spans.contains(where: \.verbatim) {
            if verbatim.isEmpty { verbatim = [Bool](repeating: false, count: scalars.count) }
            var position = 0
            for span in spans {
                let count = span.text.unicodeScalars.count
                if span.verbatim { for index in position..<position + count { verbatim[index] = true } }
                position += count
            }
        }
        func gapBetween(_ left: Int, _ right: Int) -> Bool {
            left >= 0 && right < scalars.count && (verbatim.isEmpty || !verbatim[left] && !verbatim[right])
                && ((isHan(scalars[left]) && isLatin(scalars[right])) || (isLatin(scalars[left]) && isHan(scalars[right])))
        }
        // What happens at each scalar: a space that becomes a gap, a gap after it, a mark set half-width.
        var spaceIsGap = [Bool](repeating: false, count: scalars.count)
        var gapAfter = spaceIsGap
        var halfWidth = spaceIsGap
        var changes = false
        for position in scalars.indices {
            let scalar = scalars[position]
            if !verbatim.isEmpty, verbatim[position] { continue }
            if scalar == " " {
                if position > 0, position + 1 < scalars.count, scalars[position - 1] != " ", scalars[position + 1] != " ",
                   justified || gapBetween(position - 1, position + 1) {
                    spaceIsGap[position] = true
                    changes = true
                }
                continue
            }
            switch markKind(scalar) {
            case .closing: halfWidth[position] = position + 1 < scalars.count && markKind(scalars[position + 1]) != .none
            case .opening: halfWidth[position] = position > 0 && markKind(scalars[position - 1]) == .opening
            case .quote, .none: break
            }
            if gapBetween(position, position + 1) {
                gapAfter[position] = true
                changes = true
            }
        }
        var result = Result(spans: changes ? [] : spans, gaps: [], halfWidthMarks: [])
        var position = 0
        var byteOffset = 0
        for span in spans {
            var text = String.UnicodeScalarView()
            for scalar in span.text.unicodeScalars {
                defer { position += 1 }
                if spaceIsGap[position] {
                    text.append(zeroWidthSpace)
                    result.gaps.append(byteOffset..<byteOffset + 3)
                    byteOffset += 3
                    continue
                }
                let size = UTF8.width(scalar)
                if halfWidth[position] { result.halfWidthMarks.append(byteOffset..<byteOffset + size) }
                if changes { text.append(scalar) }
                byteOffset += size
                if gapAfter[position] {
                    text.append(zeroWidthSpace)
                    result.gaps.append(byteOffset..<byteOffset + 3)
                    byteOffset += 3
                }
            }
            if changes { result.spans.append(Span(String(text), bold: span.bold, color: span.color, verbatim: span.verbatim)) }
        }
        return result
    }

    enum MarkKind { case closing, opening, quote, none }

    /// Closing marks have their blank half after the glyph, opening ones before (Simplified
    /// Chinese forms); quotation marks are proportional in these fonts.
    static func markKind(_ scalar: Unicode.Scalar) -> MarkKind {
        switch scalar.value {
        case 0xFF0C, 0x3002, 0x3001, 0xFF1B, 0xFF1A, 0xFF1F, 0xFF01, 0xFF09, 0x300B, 0x300D, 0x300F, 0x3011, 0x3015, 0x3009:
            return .closing
        case 0xFF08, 0x300A, 0x300C, 0x300E, 0x3010, 0x3014, 0x3008:
            return .opening
        case 0x2018, 0x2019, 0x201C, 0x201D:
            return .quote
        default:
            return .none
        }
    }

    static let zeroWidthSpace: Unicode.Scalar = "\u{200B}"
    /// What stands for a gap where the line must not break (as long in UTF-8 as a zero-width space).
    static let wordJoinerBytes = Array("\u{2060}".utf8)

    /// A zero-width space or word joiner: what carries a gap or a break opportunity in laid-out text.
    static func isGapCarrier(_ scalar: Unicode.Scalar) -> Bool {
        scalar == zeroWidthSpace || scalar == "\u{2060}"
    }

    /// Han characters, CJK punctuation and full-width forms.
    static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x2E80...0x2FFF, 0x3000...0x303F, 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFFEF, 0x20000...0x3FFFF:
            return true
        default:
            return false
        }
    }

    /// Han ideographs (not punctuation or kana).
    static func isHan(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x3FFFF: return true
        default: return false
        }
    }

    /// Latin letters and digits.
    static func isLatin(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0xC0...0xD6, 0xD8...0xF6, 0xF8...0x24F: return true
        default: return false
        }
    }

    /// Marks the scalars of tokens set exactly as typed: a URL or an e-mail address (a token
    /// holding `://` or `@`, or starting with `www.`); empty when the text can hold none.
    private static func verbatimTokens(_ scalars: [Unicode.Scalar]) -> [Bool] {
        guard scalars.contains(where: { $0 == "@" || $0 == ":" || $0 == "w" || $0 == "W" }) else { return [] }
        var verbatim = [Bool](repeating: false, count: scalars.count)
        var start = 0
        while start < scalars.count {
            var end = start
            while end < scalars.count, !isCJK(scalars[end]), !scalars[end].properties.isWhitespace { end += 1 }
            if end > start {
                let token = scalars[start..<end].filter { $0 != zeroWidthSpace }
                let scheme = token.count >= 3 && (0...token.count - 3).contains { token[$0] == ":" && token[$0 + 1] == "/" && token[$0 + 2] == "/" }
                let web = token.count >= 4 && (token[0] == "w" || token[0] == "W")
                    && String(String.UnicodeScalarView(token.prefix(4))).lowercased() == "www."
                if scheme || web || token.contains("@") {
                    for index in start..<end { verbatim[index] = true }
                }
            }
            start = end + 1
        }
        return verbatim
    }
}

/// The Han–Latin rule for media that set text themselves (HTML): the text of `spans` as typed,
/// with `mark` wherever a Han character meets a Latin letter or digit with no space typed between
/// them, for the medium to draw as a quarter-em gap that is no character of the text. A space typed
/// there stays a space; URLs, addresses and verbatim spans get no mark.
public func markingHanLatinGaps(_ spans: [Span], with mark: Unicode.Scalar) -> String {
    let typed = spans.map(\.text).joined()
    let spacing = CJKSpacing.apply(spans, justified: false)
    guard !spacing.gaps.isEmpty else { return typed }
    let gapStarts = Set(spacing.gaps.map(\.lowerBound))
    var original = typed.unicodeScalars.makeIterator()
    var marked = String.UnicodeScalarView()
    var offset = 0
    for scalar in spacing.spans.map(\.text).joined().unicodeScalars {
        defer { offset += UTF8.width(scalar) }
        if gapStarts.contains(offset) {
            // A gap stands for a typed space or was inserted where none was typed.
            var lookahead = original
            if lookahead.next() == " " {
                original = lookahead
                marked.append(" ")
            } else {
                marked.append(mark)
            }
        } else if let next = original.next() {
            marked.append(next)
        }
    }
    return String(marked)
}

/// Long Latin tokens (URLs, file names, codes) get a break opportunity after every character,
/// so a line breaks inside them where it is full instead of at the token's first slash, which
/// would leave a short line stretched across the measure. The zero-width spaces draw nothing.
enum LongTokens {
    static let threshold = 24

    static func breakable(_ spans: [Span]) -> [Span] {
        let scalars = spans.flatMap { Array($0.text.unicodeScalars) }
        var isLong = [Bool](repeating: false, count: scalars.count)
        var start = 0
        while start < scalars.count {
            var end = start
            while end < scalars.count, isTokenScalar(scalars[end]) { end += 1 }
            if end - start >= threshold { for index in start..<end - 1 { isLong[index] = true } }
            start = end + 1
        }
        guard isLong.contains(true) else { return spans }
        var position = 0
        return spans.map { span in
            var text = String.UnicodeScalarView()
            for scalar in span.text.unicodeScalars {
                text.append(scalar)
                if isLong[position] { text.append(CJKSpacing.zeroWidthSpace) }
                position += 1
            }
            return Span(String(text), bold: span.bold, color: span.color, verbatim: span.verbatim)
        }
    }

    private static func isTokenScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && !scalar.properties.isWhitespace
    }
}
