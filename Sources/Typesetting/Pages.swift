/// Lines of one laid-out paragraph placed on a page. The text and frame are public so
/// pagination can be tested without drawing; the measured layout stays inside this module.
public struct TextFragment {
    /// The text of the placed lines, one string per line.
    public let lines: [String]
    /// The box the lines occupy.
    public let frame: Rect
    public let style: TextStyle

    let layout: TextLayout
    let lineRange: Range<Int>

    public var text: String { lines.joined() }

    /// The characters of each placed line as set: where each begins and how far it advances, in
    /// points from the fragment's left edge. A gap set between characters (see `CJKSpacing`) is
    /// a zero-width space with the gap's advance.
    public var placedCharacters: [[PlacedCharacter]] {
        let left = lineRange.map { layout.lines[$0].x }.min() ?? 0
        return lineRange.map { line in layout.characters(ofLine: line).map { PlacedCharacter(scalar: $0.scalar, x: $0.x - left, advance: $0.advance) } }
    }
}

/// One character of a laid-out line.
public struct PlacedCharacter: Hashable, Sendable {
    public let scalar: Unicode.Scalar
    public let x: Length
    public let advance: Length
}

/// A QR code's modules, row by row; `true` is dark. No quiet zone is included.
public struct QRMatrix: Hashable, Sendable {
    public let width: Int
    public let modules: [Bool]

    public func isDark(row: Int, column: Int) -> Bool { modules[row * width + column] }

    /// Horizontal runs of dark modules, row by row: drawn as one rectangle each, they make a small,
    /// seamless code.
    public var darkRuns: [(row: Int, column: Int, length: Int)] {
        var runs: [(Int, Int, Int)] = []
        for row in 0..<width {
            var column = 0
            while column < width {
                guard isDark(row: row, column: column) else { column += 1; continue }
                let start = column
                while column < width, isDark(row: row, column: column) { column += 1 }
                runs.append((row, start, column - start))
            }
        }
        return runs
    }
}

/// Something drawn on a page, at its final position (points from the page's top left).
public enum PageItem {
    case text(TextFragment)
    case rectangle(Rect, fill: Color?, stroke: Color?, lineWidth: Length)
    case line(from: Point, to: Point, color: Color, width: Length)
    case polygon([Point], fill: Color?, stroke: Color?, lineWidth: Length)
    case image(ImageData, frame: Rect)
    case qrCode(QRMatrix, frame: Rect, color: Color)

    /// The area the item covers.
    public var bounds: Rect {
        switch self {
        case let .text(fragment): return fragment.frame
        case let .rectangle(rect, _, _, _): return rect
        case let .line(from, to, _, _):
            return Rect(x: min(from.x, to.x), y: min(from.y, to.y), width: abs(to.x - from.x), height: abs(to.y - from.y))
        case let .polygon(points, _, _, _):
            let xs = points.map(\.x)
            let ys = points.map(\.y)
            return Rect(x: xs.min() ?? 0, y: ys.min() ?? 0, width: (xs.max() ?? 0) - (xs.min() ?? 0), height: (ys.max() ?? 0) - (ys.min() ?? 0))
        case let .image(_, frame): return frame
        case let .qrCode(_, frame, _): return frame
        }
    }
}

/// The kinds of structure element a tagged PDF is built from (PDF's standard structure types).
public enum StructureRole: String, Hashable, Sendable {
    case paragraph = "P"
    case h1 = "H1", h2 = "H2", h3 = "H3", h4 = "H4", h5 = "H5", h6 = "H6"
    case list = "L", listItem = "LI", label = "Lbl", listBody = "LBody"
    case table = "Table", row = "TR", headerCell = "TH", cell = "TD"
    case figure = "Figure"
    case link = "Link"

    static func heading(_ level: Int) -> StructureRole {
        [.h1, .h2, .h3, .h4, .h5, .h6][min(5, max(0, level - 1))]
    }
}

/// One element of the document's logical structure: its role, an identity (items with the same
/// element belong to it), and for figures the alternative text, for links the address.
public struct StructureNode: Hashable, Sendable {
    public let role: StructureRole
    public let id: Int
    public let alternativeText: String?
    public let link: String?

    public init(_ role: StructureRole, id: Int, alternativeText: String? = nil, link: String? = nil) {
        self.role = role
        self.id = id
        self.alternativeText = alternativeText
        self.link = link
    }
}

/// One page of a laid-out document.
public struct Page {
    public let size: Size
    /// 1-based, counted over the whole document.
    public let number: Int
    /// Which `PageSequence` of the document the page belongs to.
    public let sequence: Int
    /// The area the body text flows in.
    public let body: Rect
    public internal(set) var items: [PageItem]
    /// For each item, the structure elements that hold it, outermost first; empty for decoration
    /// and running headers and footers, which are not part of the text a reader reads.
    public internal(set) var structure: [[StructureNode]] = []

    public var fragments: [TextFragment] {
        items.compactMap { if case let .text(fragment) = $0 { return fragment } else { return nil } }
    }

    /// All text on the page, fragments in placement order, lines joined by newlines.
    public var text: String { fragments.map { $0.lines.joined(separator: "\n") }.joined(separator: "\n") }
}

/// A bookmark of the PDF outline.
public struct OutlineEntry: Hashable, Sendable {
    public let title: String
    public let level: Int
    public let page: Int
    public let y: Length

    public init(title: String, level: Int, page: Int, y: Length) {
        self.title = title
        self.level = level
        self.page = page
        self.y = y
    }
}

/// The result of layout: pages of positioned items, ready to draw.
public struct LaidOutDocument {
    public let metadata: DocumentMetadata
    public let pages: [Page]
    public let outline: [OutlineEntry]
    /// Things the layout had to compromise on (text cut to fit a fixed box), for the caller to report.
    public let warnings: [String]
    /// Named fixed boxes whose text was cut.
    public let overflows: [TextOverflow]
}
