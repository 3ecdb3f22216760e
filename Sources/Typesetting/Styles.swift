/// Which of the configured font families a text uses.
public enum FontRole: String, Hashable, Sendable, CaseIterable {
    /// Body text (a serif face).
    case serif
    /// Headings, tables, labels (a sans-serif face).
    case sans
}

public enum TextAlignment: Hashable, Sendable {
    case left, center, right
    /// Both edges flush; the last line of a paragraph is set flush left.
    case justified
}

/// How a run of text looks.
public struct TextStyle: Hashable, Sendable {
    public var font: FontRole
    public var size: Length
    public var bold: Bool
    public var color: Color
    /// Baseline-to-baseline distance as a multiple of the font's natural line height (1 = natural).
    public var lineSpacing: Double
    public var alignment: TextAlignment
    /// Indent of a paragraph's first line (two characters in Chinese prose).
    public var firstLineIndent: Length

    public init(
        font: FontRole = .serif, size: Length = 10.5, bold: Bool = false, color: Color = .black,
        lineSpacing: Double = 1.0, alignment: TextAlignment = .left, firstLineIndent: Length = 0
    ) {
        self.font = font
        self.size = size
        self.bold = bold
        self.color = color
        self.lineSpacing = lineSpacing
        self.alignment = alignment
        self.firstLineIndent = firstLineIndent
    }

    public func with(_ change: (inout TextStyle) -> Void) -> TextStyle {
        var copy = self
        change(&copy)
        return copy
    }
}

/// A part of a paragraph that differs from the paragraph's style in weight or colour, or that is
/// a code (a certificate or report number) set exactly as typed, without the spacing rules.
public struct Span: Hashable, Sendable {
    public var text: String
    public var bold: Bool?
    public var color: Color?
    public var verbatim: Bool

    public init(_ text: String, bold: Bool? = nil, color: Color? = nil, verbatim: Bool = false) {
        self.text = text
        self.bold = bold
        self.color = color
        self.verbatim = verbatim
    }
}
