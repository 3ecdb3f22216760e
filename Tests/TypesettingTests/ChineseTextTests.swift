import StarCertTestSupport
import Testing
import Typesetting

/// The rules of Chinese text layout (W3C clreq), checked on where the page model sets each
/// character: no PDF bytes involved.
@Suite struct ChineseTextTests {
    let typesetter: Typesetter
    static let size: Length = 10
    static let justified = TextStyle(font: .serif, size: size, lineSpacing: 1.15, alignment: .justified)
    static let ragged = TextStyle(font: .sans, size: size)
    static let closing = Set<Unicode.Scalar>(["，", "。", "、", "；", "：", "？", "！", "）", "》", "」", "』", "】"])
    static let marks = closing.union(["（", "《", "「", "『", "【", "“", "”"])

    init() throws {
        typesetter = try Typesetter(fonts: TypesettingFixtures.fonts)
    }

    /// The pages of `blocks` set in a column `width` points wide.
    func pages(_ blocks: [Block], width: Length = 400) -> [Page] {
        let side = (Size.a4Portrait.width - width) / 2
        let document = Document(
            metadata: DocumentMetadata(title: "t", author: "a", subject: "s", keywords: "k", creator: "c", creationDate: "2026-05-12T00:00:00+08:00"),
            sequences: [PageSequence(size: .a4Portrait, margins: EdgeInsets(top: 72, right: side, bottom: 72, left: side), blocks: blocks)])
        return typesetter.layout(document).pages
    }

    /// The lines of one paragraph, each as its characters with the gaps left out and folded into
    /// the distance between their neighbours.
    func lines(_ text: String, style: TextStyle, width: Length = 400) -> [[PlacedCharacter]] {
        pages([.paragraph(Paragraph(text, style: style))], width: width)
            .flatMap(\.fragments).flatMap(\.placedCharacters)
            .map { $0.filter { $0.scalar != "\u{200B}" && $0.scalar != " " } }
    }

    static func text(_ line: [PlacedCharacter]) -> String { String(String.UnicodeScalarView(line.map(\.scalar))) }
    static func isHan(_ scalar: Unicode.Scalar) -> Bool { (0x4E00...0x9FFF).contains(scalar.value) }
    static func isLatin(_ scalar: Unicode.Scalar) -> Bool { scalar.isASCII && scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) }

    @Test func ofTwoAdjacentMarksTheFirstLosesItsBlankHalf() throws {
        let line = try #require(lines("评价（抽查）。结论：（符合），依据《规范》（试行）、《细则》。", style: Self.ragged).first)
        var pairs = 0
        for (mark, next) in zip(line, line.dropFirst()) {
            let advance = next.x - mark.x
            if Self.closing.contains(mark.scalar), Self.marks.contains(next.scalar) {
                pairs += 1
                #expect(abs(advance - Self.size / 2) < 0.3, "\(mark.scalar)\(next.scalar) advances \(advance) pt")
            } else if Self.marks.contains(mark.scalar) || Self.isHan(mark.scalar) {
                #expect(abs(advance - Self.size) < 0.3, "\(mark.scalar)\(next.scalar) advances \(advance) pt")
            }
        }
        #expect(pairs == 7)
    }

    @Test func hanAndLatinStandAQuarterEmApartWhetherASpaceWasTypedOrNot() throws {
        let text = "抽查10份记录，满分 100 分，依据Q/BJKB 006-2026第4.2条，见https://verify.example.cn/c说明。"
        for style in [Self.ragged, Self.justified] {
            let line = try #require(lines(text, style: style, width: 500).first)
            var boundaries = 0
            for (left, right) in zip(line, line.dropFirst()) {
                let gap = right.x - (left.x + left.advance)
                let boundary = (Self.isHan(left.scalar) && Self.isLatin(right.scalar)) || (Self.isLatin(left.scalar) && Self.isHan(right.scalar))
                if boundary, left.scalar != "见", right.scalar != "说" {
                    boundaries += 1
                    #expect(gap > Self.size * 0.22 && gap < Self.size * 0.35, "\(left.scalar)|\(right.scalar): \(gap) pt")
                } else if left.scalar.properties.numericType != nil, right.scalar.properties.numericType != nil, left.scalar.isASCII {
                    #expect(gap < Self.size * 0.05, "inside a number: \(left.scalar)|\(right.scalar) \(gap) pt")
                }
            }
            // 查|10, 10|份, 分|100, 100|分, 据|Q, 6|第, 第|4, 2|条; the address stays as typed.
            #expect(boundaries == 8)
            let address = line.map { String($0.scalar) }.joined()
            #expect(address.contains("见https://verify.example.cn/c说明"))
            let before = try #require(line.firstIndex { $0.scalar == "见" })
            #expect(line[before + 1].x - (line[before].x + line[before].advance) < Self.size * 0.05)
        }
    }

    @Test func mediaThatSetTextThemselvesGetAMarkWhereNoSpaceWasTyped() {
        let marked = { (text: String) in markingHanLatinGaps([Span(text)], with: "|") }
        #expect(marked("抽查10份，满分 100 分，见https://a.example.cn/x说明") == "抽查|10|份，满分 100 分，见https://a.example.cn/x说明")
        #expect(marked("Q/BJKB 006-2026") == "Q/BJKB 006-2026")
        #expect(marked("第 3 页") == "第 3 页")
        #expect(marked("第3页 and 页 3 x") == "第|3|页 and 页 3 x")
        #expect(markingHanLatinGaps([Span("编号"), Span("京KB2026", verbatim: true), Span("号")], with: "|") == "编号京KB2026号")
        // the text comes back whole, the marks taken out
        for text in ["一二三abc四五六 7 八", "  双空格  A  中 ", "ＡＢ全角１２", "中\u{2005}A", "𠀀A𠀁"] {
            #expect(String(String.UnicodeScalarView(marked(text).unicodeScalars.filter { $0 != "|" })) == text, "\(text)")
        }
    }

    @Test func marksAtLineEdgesAreSetHalfWidth() throws {
        let text = String(repeating: "评价组抽查了记录（台账）、现场和访谈，并形成了结论；（注：依据标准）", count: 12)
        var endings = 0, openings = 0
        for width in stride(from: 180.0, through: 320, by: 7) {
            let paragraph = lines(text, style: Self.justified, width: width)
            for (index, line) in paragraph.enumerated() {
                if let first = line.first, first.scalar == "（" {
                    openings += 1
                    #expect(first.advance < Self.size * 0.6, "an opening bracket starts a line at \(width) pt: \(String(String.UnicodeScalarView(line.map(\.scalar))))")
                }
                if index + 1 < paragraph.count, let last = line.last, Self.closing.contains(last.scalar) {
                    endings += 1
                    // Justification adds the same space after every character of the line.
                    let spread = line.filter { Self.isHan($0.scalar) }.map { $0.advance - Self.size }.max() ?? 0
                    #expect(last.advance - spread < Self.size * 0.6, "\(last.scalar) ends a line at \(width) pt with \(last.advance) pt")
                }
            }
        }
        #expect(endings > 10)
        #expect(openings > 0)
    }

    @Test func aParagraphsLastLineHoldsMoreThanOneCharacter() throws {
        let texts = [
            "售后服务部门深度参与产品设计评审，可维修性问题能够在设计阶段得到识别和改进，并形成闭环管理机制。",
            "组织建立了覆盖售前、售中、售后的全流程服务体系，服务人员均持证上岗，客户满意度连续三年保持在较高水平，未发现重大投诉。",
            // A character after a number is as alone with its full stop as after a Han character.
            "现场抽查服务工单与回访记录，发现记录不完整、未按规定时限回访等问题共计 12 项。",
            "组织的服务管理体系已通过认证机构的审核，持续有效运行，并取得 ISO 10002 证书。",
        ]
        var paragraphs = 0
        for text in texts {
            for width in stride(from: 120.0, through: 420, by: 3) {
                let paragraph = lines(text, style: Self.justified, width: width)
                guard paragraph.count >= 2 else { continue }
                paragraphs += 1
                let last = paragraph[paragraph.count - 1].filter { !Self.marks.contains($0.scalar) }
                if paragraph[paragraph.count - 2].count >= 13 {
                    #expect(last.count >= 2, "one character alone on the last line at \(width) pt: \(Self.text(paragraph[paragraph.count - 2]))/\(Self.text(paragraph[paragraph.count - 1]))")
                }
                // At a report's measure, justifying never spreads Han characters by more than a
                // tenth of an em (in narrow columns the line-breaking rules may leave more slack);
                // a line that gave a number down to the last line, by at most three twentieths.
                for (index, line) in paragraph.dropLast().enumerated() where width >= 300 {
                    let gaveANumber = index == paragraph.count - 2 && Self.isLatin(paragraph[index + 1][0].scalar)
                    for (left, right) in zip(line, line.dropFirst()) where Self.isHan(left.scalar) && Self.isHan(right.scalar) {
                        #expect(right.x - left.x - Self.size <= Self.size * (gaveANumber ? 0.15 : 0.1) + 0.01, "\(left.scalar)\(right.scalar) at \(width) pt in \(Self.text(line))")
                    }
                }
            }
        }
        #expect(paragraphs > 150)
    }

    @Test func proseHasATwoCharacterFirstLineIndent() throws {
        let style = Self.justified.with { $0.firstLineIndent = 2 * Self.size }
        let paragraph = lines(String(repeating: "经评价，该组织售后服务体系运行有效。", count: 6), style: style, width: 300)
        #expect(paragraph.count >= 3)
        #expect(abs(paragraph[0][0].x - 2 * Self.size) < 0.01)
        #expect(paragraph.dropFirst().allSatisfy { abs($0[0].x) < 0.01 })
    }

    @Test func listItemsStandAtLeastOneLinePitchApart() throws {
        let item = { (text: String) in Block.paragraph(Paragraph([Span(text)], style: Self.justified, marker: "•", markerWidth: 14)) }
        let body = pages([item("第一项。"), item("第二项。"), .paragraph(Paragraph(String(repeating: "两行的段落。", count: 20), style: Self.justified))], width: 200)[0]
        let texts = body.fragments.filter { $0.text != "•" }
        #expect(texts.count == 3)
        // A fragment's height ends at its last line's foot: one line is the natural height, and
        // each further line adds a pitch.
        let natural = texts[0].frame.height
        #expect(texts[2].lines.count >= 2)
        let pitch = (texts[2].frame.height - natural) / Double(texts[2].lines.count - 1)
        #expect(pitch > natural)
        #expect(texts[1].frame.y - texts[0].frame.y >= pitch - 0.01)
    }
}



