import Foundation
import StarCertTestSupport
import Testing
import Typesetting

/// Pagination checked on the page model: no PDF bytes involved.
@Suite struct PaginationTests {
    let typesetter: Typesetter
    static let body = TextStyle(font: .serif, size: 10.5, lineSpacing: 1.15, alignment: .justified)
    static let cell = TextStyle(font: .sans, size: 9)
    static let sentence = "明确售后服务专属管理部门及岗位职责分工，权责覆盖售前、售中、售后全流程服务环节。"

    init() throws {
        typesetter = try Typesetter(fonts: TypesettingFixtures.fonts)
    }

    func document(_ blocks: [Block], footer: Bool = true) -> Document {
        Document(
            metadata: DocumentMetadata(title: "t", author: "a", subject: "s", keywords: "k", creator: "c", creationDate: "2026-05-12T00:00:00+08:00"),
            sequences: [PageSequence(
                size: .a4Portrait, margins: EdgeInsets(top: 72, right: 60, bottom: 72, left: 60),
                footer: footer ? RunningText(center: [Span("第 {page} 页 共 {pages} 页")], style: TextStyle(font: .sans, size: 8), rule: false, numbersPages: true) : nil,
                blocks: blocks)])
    }

    /// Body fragments (header and footer excluded) of each page.
    func bodyFragments(_ page: Page) -> [TextFragment] {
        page.fragments.filter { page.body.contains($0.frame, tolerance: 0.5) }
    }

    @Test func aLongParagraphSplitsBetweenLinesKeepingTwoLinesTogether() throws {
        let text = String(repeating: Self.sentence, count: 60)
        let laidOut = typesetter.layout(document([.paragraph(Paragraph(text, style: Self.body))]))
        #expect(laidOut.pages.count >= 2)
        var lines: [String] = []
        for page in laidOut.pages {
            let fragments = bodyFragments(page)
            #expect(fragments.count == 1)
            #expect(fragments.allSatisfy { $0.lines.count >= 2 }, "orphan or widow on page \(page.number)")
            lines += fragments.flatMap(\.lines)
            for fragment in fragments { #expect(page.body.contains(fragment.frame, tolerance: 0.5)) }
        }
        #expect(lines.joined() == text)
    }

    @Test func closingPunctuationNeverStartsALine() throws {
        let text = String(repeating: "评价组抽查了记录、台账和现场，（结论：符合）。“引用”说明；", count: 40)
        let laidOut = typesetter.layout(document([.paragraph(Paragraph(text, style: Self.body))]))
        let lines = laidOut.pages.flatMap(bodyFragments).flatMap(\.lines)
        let closing = Set("，。、；：？！）》”’】")
        let opening = Set("（《“‘【")
        #expect(lines.count > 10)
        for line in lines {
            #expect(!(line.first.map(closing.contains) ?? false), "line starts with closing punctuation: \(line)")
            #expect(!(line.last.map(opening.contains) ?? false), "line ends with opening punctuation: \(line)")
        }
    }

    @Test func tableRowsSplitAcrossPagesWithTheHeaderRepeated() throws {
        let rows = (1...80).map { index in
            TableRow([TableCell(Paragraph("\(index)", style: Self.cell)), TableCell(Paragraph("第 \(index) 行：\(Self.sentence)", style: Self.cell))])
        }
        let header = TableRow([TableCell(Paragraph("序号", style: Self.cell)), TableCell(Paragraph("内容说明", style: Self.cell))])
        let table = Table(columns: [TableColumn(.fixed(40)), TableColumn(.auto)], header: [header], rows: rows)
        let laidOut = typesetter.layout(document([.table(table)]))
        #expect(laidOut.pages.count >= 2)
        var seen: [String] = []
        for page in laidOut.pages {
            let fragments = bodyFragments(page).sorted { ($0.frame.y, $0.frame.x) < ($1.frame.y, $1.frame.x) }
            #expect(fragments.first?.text == "序号", "page \(page.number) does not start with the header")
            #expect(fragments.dropFirst().first?.text == "内容说明")
            seen += fragments.filter { $0.frame.x < 100 && $0.text != "序号" }.map(\.text)
        }
        #expect(seen == (1...80).map(String.init))
    }

    @Test func aCellTallerThanAPageSplitsInsideTheRow() throws {
        let evidence = (1...400).map { TableCell.paragraphLine("证据第 \($0) 条：《合规管理制度》及整改台账", style: Self.cell) }
        let row = TableRow([TableCell(Paragraph("4.2.1", style: Self.cell)), TableCell(evidence)])
        let header = TableRow([TableCell(Paragraph("条款", style: Self.cell)), TableCell(Paragraph("证据", style: Self.cell))])
        let laidOut = typesetter.layout(document([.table(Table(columns: [TableColumn(.fixed(50)), TableColumn(.auto)], header: [header], rows: [row]))]))
        #expect(laidOut.pages.count >= 5)
        let lines = laidOut.pages.flatMap(bodyFragments).flatMap(\.lines).filter { $0.hasPrefix("证据第") }
        #expect(lines == (1...400).map { "证据第 \($0) 条：《合规管理制度》及整改台账" })
        for page in laidOut.pages {
            #expect(bodyFragments(page).contains { $0.text == "条款" }, "no header on page \(page.number)")
            for item in page.items { #expect(Rect(x: 0, y: 0, width: page.size.width, height: page.size.height).contains(item.bounds)) }
        }
    }

    @Test func aHeadingMovesToTheNextPageWithWhatFollows() throws {
        let filler = String(repeating: Self.sentence, count: 29)
        let heading = Heading(Paragraph("4.3 人员能力管理", style: TextStyle(font: .sans, size: 14, bold: true), spaceBefore: 10, spaceAfter: 6), outlineLevel: 0)
        let blocks: [Block] = [
            .paragraph(Paragraph(filler, style: Self.body)),
            .paragraph(Paragraph(filler, style: Self.body)),
            .heading(heading),
            .paragraph(Paragraph(String(repeating: Self.sentence, count: 6), style: Self.body)),
        ]
        let laidOut = typesetter.layout(document(blocks))
        let headingPage = try #require(laidOut.pages.first { page in page.fragments.contains { $0.text == "4.3 人员能力管理" } })
        let fragments = bodyFragments(headingPage)
        let index = try #require(fragments.firstIndex { $0.text == "4.3 人员能力管理" })
        #expect(index + 1 < fragments.count, "the heading is the last thing on page \(headingPage.number)")
        #expect(fragments[index + 1].lines.count >= 2)
        #expect(laidOut.outline == [OutlineEntry(title: "4.3 人员能力管理", level: 0, page: headingPage.number, y: fragments[index].frame.y)])
    }

    @Test func aRunOfHeadingsStaysWithWhatFollows() throws {
        let filler = String(repeating: Self.sentence, count: 29)
        let style = TextStyle(font: .sans, size: 12, bold: true)
        for extra in stride(from: 0.0, through: 300, by: 4) {
            let blocks: [Block] = [
                .paragraph(Paragraph(filler, style: Self.body)),
                .space(extra),
                .heading(Heading(Paragraph("4.2.1 部门与岗位设置", style: style, spaceBefore: 8, spaceAfter: 4))),
                .heading(Heading(Paragraph("评价要点", style: style.with { $0.size = 9.5 }, spaceBefore: 4, spaceAfter: 2))),
                .paragraph(Paragraph(String(repeating: Self.sentence, count: 4), style: Self.body)),
            ]
            for page in typesetter.layout(document(blocks)).pages {
                let fragments = bodyFragments(page)
                guard let last = fragments.last else { continue }
                #expect(last.text != "4.2.1 部门与岗位设置" && last.text != "评价要点", "a heading ends page \(page.number) (case \(extra))")
            }
        }
    }

    @Test func aSplitListItemKeepsTwoLinesOnEachPage() throws {
        let filler = String(repeating: Self.sentence, count: 29)
        let texts = [String(repeating: Self.sentence, count: 3), String(repeating: "第二项的内容说明。", count: 9), String(repeating: Self.sentence, count: 4)]
        var splits = 0
        for extra in stride(from: 0.0, through: 200, by: 3) {
            let items = texts.map { Block.paragraph(Paragraph([Span($0)], style: Self.body, marker: "•", markerWidth: 14)) }
            for page in typesetter.layout(document([.paragraph(Paragraph(filler, style: Self.body)), .space(extra)] + items)).pages {
                for fragment in bodyFragments(page) where texts.contains(where: { $0 != fragment.text && $0.contains(fragment.text) }) {
                    splits += 1
                    #expect(fragment.lines.count >= 2, "one line of a list item alone on page \(page.number) (case \(extra))")
                }
            }
        }
        #expect(splits > 20)
    }

    @Test func aListsLastOneLineItemDoesNotOpenAPageAlone() throws {
        let filler = String(repeating: Self.sentence, count: 29)
        let item = { (text: String) in Block.paragraph(Paragraph([Span(text)], style: Self.body, marker: "•", markerWidth: 14)) }
        var splitLists = 0
        for extra in stride(from: 0.0, through: 200, by: 2) {
            let blocks: [Block] = [.paragraph(Paragraph(filler, style: Self.body)), .space(extra),
                                   item(String(repeating: Self.sentence, count: 2)), item("最后一项。"), .paragraph(Paragraph("其后的段落。", style: Self.body))]
            let pages = typesetter.layout(document(blocks)).pages
            guard let page = pages.first(where: { page in page.fragments.contains { $0.text == "最后一项。" } }) else { continue }
            let fragments = bodyFragments(page).filter { $0.text != "•" }
            let index = try #require(fragments.firstIndex { $0.text == "最后一项。" })
            #expect(index > 0, "the last item opens page \(page.number) without the item before it (case \(extra))")
            // The cases that matter: the list runs over a page break.
            if pages.count > 1, !bodyFragments(pages[0]).contains(where: { $0.text == "最后一项。" }) { splitLists += 1 }
        }
        #expect(splitLists > 0, "no case put the list's end on a new page")
    }

    @Test func aTableOfSixRowsOrFewerIsNotSplit() throws {
        let filler = String(repeating: Self.sentence, count: 29)
        for rowCount in [2, 6, 7] {
            for extra in stride(from: 0.0, through: 200, by: 5) {
                let rows = (1...rowCount).map { TableRow([TableCell(Paragraph("4.\($0)", style: Self.cell)), TableCell(Paragraph(Self.sentence, style: Self.cell))]) }
                let table = Table(columns: [TableColumn(.fixed(40)), TableColumn(.auto)], header: [TableRow([TableCell(Paragraph("条款", style: Self.cell)), TableCell(Paragraph("内容", style: Self.cell))])], rows: rows)
                let pages = typesetter.layout(document([.paragraph(Paragraph(filler, style: Self.body)), .space(extra), .table(table)])).pages
                let pagesWithRows = pages.filter { page in bodyFragments(page).contains { $0.text.hasPrefix("4.") } }
                if rowCount <= 6 {
                    #expect(pagesWithRows.count == 1, "\(rowCount) rows split over \(pagesWithRows.count) pages (case \(extra))")
                } else if pagesWithRows.count > 1 {
                    return
                }
            }
            #expect(rowCount <= 6, "a table of 7 rows was never split: the test does not reach a page break")
        }
    }

    @Test func longLeftAndRightRunningTextsShareTheWidth() throws {
        let left = "售后服务成熟度评价报告　报告编号 KB-ASM-2026-0117-ABCDEFGH"
        let right = "北京华信家电服务有限公司海淀区第一分公司西三环北路国际财经中心分部"
        let document = Document(
            metadata: DocumentMetadata(title: "t", author: "a", subject: "s", keywords: "k", creator: "c", creationDate: "2026-05-12T00:00:00+08:00"),
            sequences: [PageSequence(size: .a4Portrait, margins: EdgeInsets(top: 72, right: 60, bottom: 72, left: 60),
                                     header: RunningText(left: [Span(left)], right: [Span(right)], style: TextStyle(font: .sans, size: 12), rule: true),
                                     blocks: [.paragraph(Paragraph(Self.sentence, style: Self.body))])])
        let page = try #require(typesetter.layout(document).pages.first)
        let header = page.fragments.filter { $0.frame.maxY < page.body.y }
        let leftParts = header.filter { left.contains($0.text) }
        let rightParts = header.filter { right.contains($0.text) }
        #expect(leftParts.map(\.text).joined() == left)
        #expect(rightParts.map(\.text).joined() == right)
        for part in leftParts { for other in rightParts { #expect(part.frame.maxX <= other.frame.x, "\(part.text) meets \(other.text)") } }
        #expect(header.allSatisfy { $0.frame.x >= page.body.x - 0.5 && $0.frame.maxX <= page.body.maxX + 0.5 })
    }

    /// The header of the first page of a document whose running header is `header`.
    func runningHeader(_ header: RunningText) throws -> (page: Page, fragments: [TextFragment]) {
        let document = Document(
            metadata: DocumentMetadata(title: "t", author: "a", subject: "s", keywords: "k", creator: "c", creationDate: "2026-05-12T00:00:00+08:00"),
            sequences: [PageSequence(size: .a4Portrait, margins: EdgeInsets(top: 72, right: 60, bottom: 72, left: 60), header: header,
                                     blocks: [.paragraph(Paragraph(Self.sentence, style: Self.body))])])
        let page = try #require(typesetter.layout(document).pages.first)
        return (page, page.fragments.filter { $0.frame.maxY < page.body.y })
    }

    @Test func aNumberInARunningTextIsSetAsTyped() throws {
        let number = "京KB2026第0117号-A"
        let (_, header) = try runningHeader(RunningText(left: [Span("评价报告　报告编号 "), Span(number, verbatim: true)], style: TextStyle(font: .sans, size: 8), rule: true))
        let text = header.map(\.text).joined()
        #expect(text.hasSuffix(" " + number), "\(text)")
        // the label's own text keeps its spacing rules
        let (_, spaced) = try runningHeader(RunningText(left: [Span("报告编号 " + number)], style: TextStyle(font: .sans, size: 8), rule: true))
        #expect(spaced.map(\.text).joined() == "报告编号 京 KB2026 第 0117 号-A")
    }

    @Test func aRunningTextOfAnyLengthStaysOnThePageInTwoLines() throws {
        for (count, unit) in [(60, "北京华信家电服务有限公司"), (400, "华"), (5_000, "A"), (200_000, "服"), (30_000, "Wide Ｗ字 ")] {
            let right = String(repeating: unit, count: count)
            let (page, header) = try runningHeader(RunningText(left: [Span("售后服务成熟度评价报告")], right: [Span(right)], style: TextStyle(font: .sans, size: 8), rule: true))
            let rightParts = header.filter { $0.frame.x > page.body.x + 1 }
            #expect(!rightParts.isEmpty)
            #expect(header.allSatisfy { $0.frame.y >= 0 && $0.frame.x >= page.body.x - 0.5 && $0.frame.maxX <= page.body.maxX + 0.5 }, "\(count) × \(unit)")
            let lines = rightParts.flatMap(\.lines)
            #expect(lines.count <= 2, "\(count) × \(unit): \(lines.count) lines")
            let shown = rightParts.map(\.text).joined()
            if shown.hasSuffix("…") {
                // shortened only when the whole text takes more than two lines
                #expect(unit.count * count > 60, "\(count) × \(unit)")
                #expect(right.replacingOccurrences(of: " ", with: "").hasPrefix(String(shown.dropLast()).replacingOccurrences(of: " ", with: "")))
            } else {
                #expect(shown.replacingOccurrences(of: " ", with: "") == right.replacingOccurrences(of: " ", with: ""))
            }
        }
    }

    @Test func footersCountPages() throws {
        let laidOut = typesetter.layout(document([.paragraph(Paragraph(String(repeating: Self.sentence, count: 150), style: Self.body))]))
        let count = laidOut.pages.count
        #expect(count >= 3)
        for page in laidOut.pages {
            #expect(page.fragments.contains { $0.text == "第 \(page.number) 页 共 \(count) 页" && $0.frame.y > page.body.maxY })
        }
    }

    @Test func columnWidthsFollowContentAndFillTheWidth() throws {
        let rows = [TableRow([
            TableCell(Paragraph("4.1", style: Self.cell)),
            TableCell(Paragraph(String(repeating: Self.sentence, count: 3), style: Self.cell)),
            TableCell(Paragraph("100.00", style: Self.cell)),
        ])]
        let table = Table(columns: [TableColumn(), TableColumn(), TableColumn()], rows: rows)
        let laidOut = typesetter.layout(document([.table(table)], footer: false))
        let page = try #require(laidOut.pages.first)
        let fragments = page.fragments.sorted { $0.frame.x < $1.frame.x }
        let narrow = try #require(fragments.first { $0.text == "4.1" })
        let number = try #require(fragments.first { $0.text == "100.00" })
        let wide = try #require(fragments.first { $0.lines.count > 1 })
        #expect(narrow.lines == ["4.1"])
        #expect(number.lines == ["100.00"])
        #expect(wide.frame.width > page.body.width * 0.7)
        let verticalRules = page.items.compactMap { item -> Length? in
            if case let .line(from, to, _, _) = item, from.x == to.x { return from.x }
            return nil
        }
        #expect(abs((verticalRules.max() ?? 0) - page.body.maxX) < 0.01)
        #expect(abs((verticalRules.min() ?? 0) - page.body.x) < 0.01)
    }

    @Test func textIsLiteralAndLongTokensWrap() throws {
        let markup = "<b>加粗</b> &amp; <script>alert(1)</script>"
        let url = "https://example.com/" + String(repeating: "a1b2c3d4e5", count: 148)
        let laidOut = typesetter.layout(document([
            .paragraph(Paragraph(markup, style: Self.body.with { $0.alignment = .left })),
            .paragraph(Paragraph(url, style: Self.body)),
        ]))
        let fragments = laidOut.pages.flatMap(bodyFragments)
        #expect(fragments.first?.text == markup)
        let urlLines = fragments.dropFirst().flatMap(\.lines)
        #expect(urlLines.joined() == url)
        #expect(urlLines.count > 5)
        for page in laidOut.pages { for fragment in bodyFragments(page) { #expect(fragment.frame.maxX <= page.body.maxX + 0.5) } }
    }

    @Test func fittedTextShrinksUntilItFits() throws {
        let long = String(repeating: "家用空调、冰箱、洗衣机的安装、维修、保养、备件供应及客户咨询服务；", count: 12)
        let frame = Rect(x: 100, y: 100, width: 400, height: 40)
        let placed = Block.placed([FittedText(Paragraph(long, style: TextStyle(font: .sans, size: 12)), frame: frame, minimumSize: 4)], drawing: nil)
        let laidOut = typesetter.layout(document([placed], footer: false))
        let fragment = try #require(laidOut.pages.first?.fragments.first)
        #expect(fragment.style.size < 12)
        #expect(frame.contains(fragment.frame, tolerance: 0.5))
        #expect(fragment.text == long)
        #expect(laidOut.warnings.isEmpty)
    }

    @Test func theSameDocumentGivesTheSameBytes() throws {
        let doc = document([.paragraph(Paragraph(String(repeating: Self.sentence, count: 40), style: Self.body))])
        let first = try typesetter.pdf(typesetter.layout(doc))
        let second = try Typesetter(fonts: TypesettingFixtures.fonts).pdf(Typesetter(fonts: TypesettingFixtures.fonts).layout(doc))
        #expect(first == second)
        #expect(String(decoding: first.prefix(8), as: UTF8.self).hasPrefix("%PDF-1.5"))
    }

    @Test func jpegBytesAreEmbeddedUnchanged() throws {
        let bytes = Array(try Data(contentsOf: Fixtures.examples.appendingPathComponent("photos/spare-parts.jpg")))
        let image = try #require(ImageData(bytes: bytes))
        #expect(image.format == .jpeg)
        #expect((image.pixelWidth, image.pixelHeight) == (640, 420))
        let pdf = try typesetter.pdf(typesetter.layout(document([.figure(Figure(image: image, caption: nil, maxWidth: 300, maxHeight: 300))])))
        #expect(pdf.count > bytes.count)
        #expect(pdf.firstRange(of: bytes) != nil)
    }

    @Test func missingGlyphsAreFoundAndNamed() throws {
        let coverage = typesetter.coverage(of: "北京示例😀公司𓀀", role: .serif)
        #expect(coverage.missing == ["😀", "𓀀"])
        #expect(typesetter.coverage(of: "北京示例公司 ABC ★☆ ■ 《》", role: .sans).isComplete)
    }
}

extension TableCell {
    static func paragraphLine(_ text: String, style: TextStyle) -> Paragraph { Paragraph(text, style: style) }
}

@Suite struct FontTests {
    @Test func aMissingFamilyIsAnErrorNamingThePackage() throws {
        var fonts = TypesettingFixtures.fonts
        fonts.serifFamily = "Noto Serif CJK XX"
        #expect(throws: TypesettingError.missingFont(family: "Noto Serif CJK XX", bold: false, hint: fonts.installHint)) {
            try Typesetter(fonts: fonts)
        }
        #expect(TypesettingError.missingFont(family: "Noto Serif CJK XX", bold: false, hint: fonts.installHint).description.contains("fonts-noto-cjk"))
    }

    @Test func rareIdeographsComeFromTheCompleteFaceWithoutAWarning() throws {
        let typesetter = try Typesetter(fonts: TypesettingFixtures.fonts)
        for role in FontRole.allCases {
            #expect(typesetter.coverage(of: "苏州喆堃犇有限公司", role: role).isComplete)
        }
        let text = "苏州喆堃犇有限公司"
        let document = Document(
            metadata: DocumentMetadata(title: "t", author: "a", subject: "s", keywords: "k", creator: "c", creationDate: "2026-05-12T00:00:00+08:00"),
            sequences: [PageSequence(size: .a4Portrait, margins: EdgeInsets(top: 72, right: 60, bottom: 72, left: 60), footer: nil,
                                     blocks: [.paragraph(Paragraph(text, style: PaginationTests.body))])])
        let pdf = try typesetter.pdf(typesetter.layout(document))
        // 苏州 and 有限公司 are everyday characters, 喆堃犇 are not (they are outside GB 2312).
        #expect(try PDFInspection.fontNames(pdf) == ["NotoSerifCJKsc-Regular", "NotoSerifCJKscComplete-Regular"])
        #expect(try PDFInspection.text(pdf).contains(text))
    }

    @Test func spacesAndInvisibleCharactersAreNotLookedUpButControlCharactersAre() throws {
        let typesetter = try Typesetter(fonts: TypesettingFixtures.fonts)
        #expect(typesetter.coverage(of: "售后\n服务\u{200B}体系\u{3000}规范\u{00AD}\t", role: .serif).isComplete)
        #expect(typesetter.coverage(of: "售后\u{0007}服务", role: .sans).missing == ["\u{0007}"])
    }

    @Test func aCharacterFromAFallbackFontIsReportedAsSuch() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let build = Fixtures.packageRoot.appendingPathComponent("Fonts/build").path
        try """
            <?xml version="1.0"?>
            <fontconfig><dir>\(build)</dir><dir>/usr/share/fonts/truetype/dejavu</dir></fontconfig>
            """.write(to: folder.appendingPathComponent("fonts.conf"), atomically: true, encoding: .utf8)
        var fonts = TypesettingFixtures.fonts
        fonts.configFile = folder.appendingPathComponent("fonts.conf")
        let plain = try Typesetter(fonts: TypesettingFixtures.fonts).coverage(of: "安全א标识", role: .sans)
        #expect(plain.missing == ["א"])
        let withFallback = try Typesetter(fonts: fonts).coverage(of: "安全א标识", role: .sans)
        #expect(withFallback.missing.isEmpty)
        #expect(withFallback.fallbacks.map(\.character) == ["א"])
        #expect(withFallback.fallbacks.first?.family.hasPrefix("DejaVu") == true)
    }
}
