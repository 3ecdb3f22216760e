/// A block of text set in one style, with optional differently styled spans.
/// Text is always taken literally: no markup is interpreted.
public struct Paragraph: Hashable, Sendable {
    public var spans: [Span]
    public var style: TextStyle
    /// Drawn in the left margin of the first line, e.g. "•" or "3." (a hanging list marker).
    public var marker: String?
    /// The width reserved for the marker.
    public var markerWidth: Length
    public var spaceBefore: Length
    public var spaceAfter: Length
    /// Extra left indent of the whole paragraph.
    public var indent: Length

    public init(
        _ spans: [Span], style: TextStyle, marker: String? = nil, markerWidth: Length = 0,
        spaceBefore: Length = 0, spaceAfter: Length = 0, indent: Length = 0
    ) {
        self.spans = spans
        self.style = style
        self.marker = marker
        self.markerWidth = marker == nil ? 0 : max(markerWidth, style.size * 1.2)
        self.spaceBefore = spaceBefore
        self.spaceAfter = spaceAfter
        self.indent = indent
    }

    public init(_ text: String, style: TextStyle, spaceBefore: Length = 0, spaceAfter: Length = 0) {
        self.init([Span(text)], style: style, spaceBefore: spaceBefore, spaceAfter: spaceAfter)
    }

    public var text: String { spans.map(\.text).joined() }

    /// The paragraph cut after its first `count` characters, spans kept.
    public func prefix(_ count: Int) -> Paragraph {
        var copy = self
        var left = count
        copy.spans = spans.compactMap { span in
            guard left > 0 else { return nil }
            let kept = String(span.text.prefix(left))
            left -= kept.count
            return Span(kept, bold: span.bold, color: span.color, verbatim: span.verbatim)
        }
        return copy
    }
}

/// A heading: kept on the same page as the start of what follows, and optionally an entry
/// of the PDF outline (bookmarks).
public struct Heading: Hashable, Sendable {
    public var paragraph: Paragraph
    /// The outline level (0 = top) or nil for no bookmark.
    public var outlineLevel: Int?
    /// The bookmark's text; the heading's text when nil.
    public var outlineTitle: String?

    /// The heading level in the document's structure (1 = H1); by default one below the outline
    /// level, or 3 for a heading without a bookmark.
    public var level: Int

    public init(_ paragraph: Paragraph, outlineLevel: Int? = nil, outlineTitle: String? = nil, level: Int? = nil) {
        self.paragraph = paragraph
        self.outlineLevel = outlineLevel
        self.outlineTitle = outlineTitle
        self.level = min(6, max(1, level ?? outlineLevel.map { $0 + 1 } ?? 3))
    }
}

/// How wide a table column is.
public enum ColumnWidth: Hashable, Sendable {
    /// From the content: as wide as its widest text needs, sharing what is left.
    case auto
    /// A fixed width.
    case fixed(Length)
}

public struct TableColumn: Hashable, Sendable {
    public var width: ColumnWidth
    public init(_ width: ColumnWidth = .auto) { self.width = width }
}

public struct TableCell: Hashable, Sendable {
    public var paragraphs: [Paragraph]
    public var fill: Color?

    public init(_ paragraphs: [Paragraph], fill: Color? = nil) {
        self.paragraphs = paragraphs
        self.fill = fill
    }

    public init(_ paragraph: Paragraph, fill: Color? = nil) {
        self.init([paragraph], fill: fill)
    }
}

public struct TableRow: Hashable, Sendable {
    public var cells: [TableCell]
    public var fill: Color?
    public init(_ cells: [TableCell], fill: Color? = nil) {
        self.cells = cells
        self.fill = fill
    }
}

public struct TableStyle: Hashable, Sendable {
    public var padding: EdgeInsets
    public var ruleColor: Color
    public var ruleWidth: Length
    /// Vertical rules between columns and at the sides.
    public var verticalRules: Bool
    public var headerFill: Color?

    public init(
        padding: EdgeInsets = EdgeInsets(top: 3.5, right: 5, bottom: 3.5, left: 5),
        ruleColor: Color = Color(hex: 0x8C96A3), ruleWidth: Length = 0.5,
        verticalRules: Bool = true, headerFill: Color? = Color(hex: 0xE8EEF5)
    ) {
        self.padding = padding
        self.ruleColor = ruleColor
        self.ruleWidth = ruleWidth
        self.verticalRules = verticalRules
        self.headerFill = headerFill
    }
}

/// A table whose header rows repeat on every page it runs onto; rows split between lines.
public struct Table: Hashable, Sendable {
    public var columns: [TableColumn]
    public var header: [TableRow]
    public var rows: [TableRow]
    public var style: TableStyle
    public var spaceBefore: Length
    public var spaceAfter: Length

    public init(
        columns: [TableColumn], header: [TableRow] = [], rows: [TableRow], style: TableStyle = TableStyle(),
        spaceBefore: Length = 4, spaceAfter: Length = 8
    ) {
        self.columns = columns
        self.header = header
        self.rows = rows
        self.style = style
        self.spaceBefore = spaceBefore
        self.spaceAfter = spaceAfter
    }
}

/// A picture file's bytes; JPEG is embedded unchanged, PNG is decoded and re-compressed.
public struct ImageData: Hashable, Sendable {
    public enum Format: Hashable, Sendable { case jpeg, png }
    public let bytes: [UInt8]
    public let format: Format
    public let pixelWidth: Int
    public let pixelHeight: Int

    /// Reads the format and size from the bytes, or nil when they are not a JPEG or PNG this can place.
    public init?(bytes: [UInt8]) {
        guard let info = ImageInfo.read(bytes) else { return nil }
        self.bytes = bytes
        format = info.format
        pixelWidth = info.width
        pixelHeight = info.height
    }
}

/// A picture with a caption, scaled to fit `maxWidth` × `maxHeight` and kept with its caption.
public struct Figure: Hashable, Sendable {
    public var image: ImageData
    public var caption: Paragraph?
    public var maxWidth: Length
    public var maxHeight: Length
    /// What the picture shows; the caption's text when nil.
    public var alternativeText: String?

    public init(image: ImageData, caption: Paragraph?, maxWidth: Length, maxHeight: Length, alternativeText: String? = nil) {
        self.image = image
        self.caption = caption
        self.maxWidth = maxWidth
        self.maxHeight = maxHeight
        self.alternativeText = alternativeText
    }
}

/// Vector shapes and labels in a box of fixed size; coordinates are relative to the box's top left.
public struct Drawing: Hashable, Sendable {
    public enum Element: Hashable, Sendable {
        case rectangle(Rect, fill: Color?, stroke: Color?, lineWidth: Length)
        case line(from: Point, to: Point, color: Color, width: Length)
        case polygon([Point], fill: Color?, stroke: Color?, lineWidth: Length)
        /// A label laid out in `frame`'s width starting at its top.
        case text(Paragraph, frame: Rect)
        /// A QR code of `payload` filling a square; modules are drawn as vector rectangles.
        case qrCode(payload: String, frame: Rect, color: Color)
        /// A picture scaled into `frame`.
        case image(ImageData, frame: Rect)
        /// Elements that together are one figure with an alternative text (stars, a seal, a QR code).
        indirect case figure(alternativeText: String, [Element])
    }

    public var size: Size
    public var elements: [Element]
    public var alignment: TextAlignment
    public var spaceBefore: Length
    public var spaceAfter: Length
    /// Set for a drawing that is a figure (a chart, a panel): what it shows, for readers that
    /// cannot see it. Without it the drawing is decoration (a frame, a rule).
    public var alternativeText: String?

    public init(size: Size, elements: [Element], alignment: TextAlignment = .left, spaceBefore: Length = 0, spaceAfter: Length = 0,
                alternativeText: String? = nil) {
        self.size = size
        self.elements = elements
        self.alignment = alignment
        self.spaceBefore = spaceBefore
        self.spaceAfter = spaceAfter
        self.alternativeText = alternativeText
    }
}

/// Text placed in a fixed box: wrapped, and made smaller until it fits (never overflowing). Text
/// that does not fit even at `minimumSize` is cut, and when the box has a `name` the layout says so
/// in `LaidOutDocument.overflows`, so a caller can refuse to publish it.
public struct FittedText: Hashable, Sendable {
    public var paragraph: Paragraph
    public var frame: Rect
    public var minimumSize: Length
    /// What the box holds, for `TextOverflow` (e.g. "the organization's scope"): a named box's
    /// last span is the value, any before it its labels.
    public var name: String?
    /// How the text stands in the document's structure: a paragraph, or a heading of a level.
    public var headingLevel: Int?
    /// An address the text links to (a link annotation and a Link element).
    public var link: String?

    public init(_ paragraph: Paragraph, frame: Rect, minimumSize: Length, name: String? = nil, headingLevel: Int? = nil, link: String? = nil) {
        self.paragraph = paragraph
        self.frame = frame
        self.minimumSize = minimumSize
        self.name = name
        self.headingLevel = headingLevel
        self.link = link
    }
}

/// A named fixed box whose text did not fit even at its minimum size.
public struct TextOverflow: Hashable, Sendable {
    public let name: String
    public let minimumSize: Length
    /// Characters of the box's value (its labels not counted).
    public let characters: Int
    /// How many of them fit at the minimum size.
    public let fittingCharacters: Int
    public var excessCharacters: Int { characters - fittingCharacters }
}

public indirect enum Block: Hashable, Sendable {
    case paragraph(Paragraph)
    case heading(Heading)
    case table(Table)
    case figure(Figure)
    case drawing(Drawing)
    case space(Length)
    case pageBreak
    /// A page break only when less than `remaining` of the page is left (a chapter starts
    /// on a new page unless there is room for a good part of it).
    case pageBreakUnlessRoom(Length)
    /// Blocks that move to the next page together when they do not fit in what is left.
    case keepTogether([Block])
    /// Content at fixed positions on the current page (a certificate's fields), not in the flow.
    case placed([FittedText], drawing: Drawing?)
}

/// Text repeated at the top or bottom of every page of a sequence. When `numbersPages` is set,
/// `{page}` and `{pages}` are replaced by the page number and the page count; otherwise the texts
/// (user text, say) are shown as they are. Left and right texts that would meet share the width.
public struct RunningText: Hashable, Sendable {
    public var left: [Span]
    public var center: [Span]
    public var right: [Span]
    public var style: TextStyle
    /// A rule between the running text and the body.
    public var rule: Bool
    public var numbersPages: Bool

    public init(left: [Span] = [], center: [Span] = [], right: [Span] = [], style: TextStyle, rule: Bool, numbersPages: Bool = false) {
        self.left = left
        self.center = center
        self.right = right
        self.style = style
        self.rule = rule
        self.numbersPages = numbersPages
    }
}

/// Pages of one size and margins that share a running header and footer.
public struct PageSequence: Hashable, Sendable {
    public var size: Size
    public var margins: EdgeInsets
    public var header: RunningText?
    public var footer: RunningText?
    public var blocks: [Block]

    public init(size: Size, margins: EdgeInsets, header: RunningText? = nil, footer: RunningText? = nil, blocks: [Block]) {
        self.size = size
        self.margins = margins
        self.header = header
        self.footer = footer
        self.blocks = blocks
    }

    /// The area the body flows in.
    public var body: Rect {
        Rect(x: margins.left, y: margins.top, width: size.width - margins.left - margins.right,
             height: size.height - margins.top - margins.bottom)
    }
}

/// What goes into the PDF's document information.
public struct DocumentMetadata: Hashable, Sendable {
    public var title: String
    public var author: String
    public var subject: String
    public var keywords: String
    public var creator: String
    /// ISO 8601, e.g. `2026-05-12T00:00:00+08:00`; fixed so the same input gives the same bytes.
    public var creationDate: String
    /// The document's language (BCP 47), e.g. `zh-CN`.
    public var language: String

    public init(title: String, author: String, subject: String, keywords: String, creator: String, creationDate: String, language: String = "zh-CN") {
        self.title = title
        self.author = author
        self.subject = subject
        self.keywords = keywords
        self.creator = creator
        self.creationDate = creationDate
        self.language = language
    }
}

/// A document to typeset: sequences of pages, each starting on a new page.
public struct Document: Hashable, Sendable {
    public var metadata: DocumentMetadata
    public var sequences: [PageSequence]

    public init(metadata: DocumentMetadata, sequences: [PageSequence]) {
        self.metadata = metadata
        self.sequences = sequences
    }
}
