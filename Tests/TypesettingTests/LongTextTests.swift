import Foundation
import StarCertTestSupport
import Testing
import Typesetting

/// No text is ever lost to its length: Pango measures in 32-bit integers of 1/1024 pt, so a text
/// whose one-line width passes about 2.1 million points would overflow and run off the page as one
/// line. Every kind of text the documents carry is set here at lengths around the length at which
/// a paragraph is laid out in pieces, in scripts of different widths, and must reach the page whole
/// and inside it.
@Suite struct LongTextTests {
    let typesetter: Typesetter
    static let body = TextStyle(font: .serif, size: 10.5, lineSpacing: 1.15, alignment: .justified)
    static let cell = TextStyle(font: .sans, size: 9)
    static let caption = TextStyle(font: .sans, size: 9, alignment: .center)
    static let heading = TextStyle(font: .sans, size: 16, bold: true)
    /// Scripts of different widths: Han, Latin words, digits with no break, full-width forms, and
    /// Han with numbers and Latin (quarter-em gaps), letters under stacks of combining marks (one
    /// character of several scalars).
    static let scripts = ["服务记录抽查结果显示工单完整。", "Service records were sampled; ", "20260315123456789", "ＷＩＤＥ全角Ａ１", "抽查 ISO 10002 记录12项，",
                          "e\u{301}\u{302}\u{303}o\u{308}\u{304} "]

    init() throws {
        typesetter = try Typesetter(fonts: TypesettingFixtures.fonts)
    }

    func pages(_ blocks: [Block]) -> LaidOutDocument {
        typesetter.layout(Document(
            metadata: DocumentMetadata(title: "t", author: "a", subject: "s", keywords: "k", creator: "c", creationDate: "2026-05-12T00:00:00+08:00"),
            sequences: [PageSequence(size: .a4Portrait, margins: EdgeInsets(top: 72, right: 60, bottom: 72, left: 60), blocks: blocks)]))
    }

    /// `text` repeated to `count` characters.
    static func text(_ unit: String, count: Int) -> String {
        String(String(repeating: unit, count: count / unit.count + 1).prefix(count))
    }

    /// What the pages show, spaces and line ends left out (the gaps read as spaces).
    static func shown(_ document: LaidOutDocument) -> String {
        document.pages.map { $0.fragments.map(\.text).joined() }.joined().filter { !$0.isWhitespace }
    }

    /// Every text fragment lies on its page, and inside the body's width.
    static func expectOnThePage(_ document: LaidOutDocument, _ label: String) {
        for page in document.pages {
            for fragment in page.fragments {
                let frame = fragment.frame
                #expect(frame.x >= page.body.x - 0.5 && frame.maxX <= page.body.maxX + 0.5 && frame.y >= 0 && frame.maxY <= page.size.height,
                        "\(label): a fragment at \(frame) on page \(page.number)")
            }
        }
    }

    /// The lengths tried for texts in `style`: on both sides of the length at which a paragraph is
    /// laid out in pieces (about 500,000 pt set on one line), and over two pieces.
    static func lengths(_ style: TextStyle) -> [Int] {
        let piece = Int(500_000 / (style.size * max(style.lineSpacing, 1) * 4))
        return [piece - 1, piece + 1, 2 * piece + 7]
    }

    enum Kind: String, CaseIterable { case paragraph, heading, tableCell, caption }

    @Test(arguments: Kind.allCases)
    func everyCharacterReachesThePageInsideIt(kind: Kind) throws {
        let picture = try #require(ImageData(bytes: Array(try Data(contentsOf: Fixtures.examples.appendingPathComponent("photos/spare-parts.jpg")))))
        let style = [Kind.paragraph: Self.body, .heading: Self.heading, .tableCell: Self.cell, .caption: Self.caption][kind]!
        for unit in Self.scripts {
            for count in Self.lengths(style) {
                let text = Self.text(unit, count: count)
                let block: Block
                switch kind {
                case .paragraph: block = .paragraph(Paragraph(text, style: style))
                case .heading: block = .heading(Heading(Paragraph(text, style: style), outlineLevel: 1, outlineTitle: "t"))
                case .tableCell:
                    block = .table(Table(columns: [TableColumn(.fixed(60)), TableColumn()], rows: [
                        TableRow([TableCell(Paragraph("名称", style: style)), TableCell(Paragraph(text, style: style))]),
                        TableRow([TableCell(Paragraph(text, style: style)), TableCell(Paragraph("范围", style: style))]),
                    ]))
                case .caption: block = .figure(Figure(image: picture, caption: Paragraph(text, style: style), maxWidth: 300, maxHeight: 200))
                }
                let laidOut = pages([block])
                let label = "\(kind) of \(count) × \(unit.prefix(4))"
                let expected = text.filter { !$0.isWhitespace }
                let shown = Self.shown(laidOut).replacingOccurrences(of: "名称", with: "").replacingOccurrences(of: "范围", with: "")
                #expect(shown.count == expected.count * (kind == .tableCell ? 2 : 1), "\(label): \(shown.count) characters shown")
                #expect(shown.hasPrefix(expected) && shown.hasSuffix(expected), "\(label)")
                Self.expectOnThePage(laidOut, label)
            }
        }
    }

    /// Beyond Pango's own limit (some 200,000 Han characters at 10.5 pt on one line): a pasted log
    /// in a paragraph, and in a table cell (whose column width is measured on one line first).
    @Test(arguments: [Kind.paragraph, .tableCell])
    func aPastedLogOfHundredsOfThousandsOfHanCharactersWrapsWhole(kind: Kind) throws {
        let text = Self.text("服务记录抽查结果显示工单完整", count: 250_000)
        let paragraph = Paragraph(text, style: kind == .paragraph ? Self.body : Self.cell)
        let block = kind == .paragraph ? Block.paragraph(paragraph)
            : .table(Table(columns: [TableColumn(), TableColumn()], rows: [TableRow([TableCell(Paragraph("名称", style: Self.cell)), TableCell(paragraph)])]))
        let laidOut = pages([block])
        #expect(Self.shown(laidOut).replacingOccurrences(of: "名称", with: "") == text)
        let lines = laidOut.pages.flatMap(\.fragments).flatMap(\.lines)
        #expect(lines.count > 250_000 / 60)
        Self.expectOnThePage(laidOut, "250,000 Han characters in a \(kind)")
    }
}
