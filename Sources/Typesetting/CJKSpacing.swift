/// Spaces in justified paragraphs of Chinese text.
///
/// Pango justifies a line at its spaces when it has any, so one space in a line of Chinese
/// text (`2025 年`, `Q/BJKB 006-2026`) would take all the slack of a justified line. Such a space is replaced by a zero-width space
/// shaped as a quarter-em gap: the gap and the break opportunity stay, and the line is justified
/// evenly between characters.
enum CJKSpacing {
    struct Result {
        var spans: [Span]
        /// UTF-8 byte ranges of the zero-width spaces that stand for the replaced spaces.
        var gaps: [Range<Int>]
    }

    static func apply(_ spans: [Span]) -> Result {
        let scalars = spans.flatMap { Array($0.text.unicodeScalars) }
        guard scalars.contains(" "), scalars.contains(where: isCJK) else { return Result(spans: spans, gaps: []) }
        var result = Result(spans: [], gaps: [])
        var position = 0
        var byteOffset = 0
        for span in spans {
            var text = String.UnicodeScalarView()
            for scalar in span.text.unicodeScalars {
                defer { position += 1 }
                if scalar == " ", position > 0, position + 1 < scalars.count {
                    text.append(zeroWidthSpace)
                    result.gaps.append(byteOffset..<byteOffset + 3)
                    byteOffset += 3
                    continue
                }
                text.append(scalar)
                byteOffset += String(scalar).utf8.count
            }
            result.spans.append(Span(String(text), bold: span.bold, color: span.color))
        }
        return result
    }

    static let zeroWidthSpace: Unicode.Scalar = "\u{200B}"

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
            return Span(String(text), bold: span.bold, color: span.color)
        }
    }

    private static func isTokenScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && !scalar.properties.isWhitespace
    }
}
