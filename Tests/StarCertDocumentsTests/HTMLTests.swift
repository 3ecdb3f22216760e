import Foundation
import StarCertCore
import StarCertDocuments
import StarCertTemplates
import StarCertTestSupport
import Testing
import Typesetting

@Suite struct HTMLTests {
    let harness: ReportHarness

    init() throws {
        harness = try ReportHarness()
    }

    func both(_ evaluation: Input) throws -> RenderedDocuments {
        try harness.renderer.render(evaluation, formats: [.pdf, .html])
    }

    @Test func everyKindOfUserTextIsEscaped() throws {
        let evil = #"<script>alert("x")</script> & 'q'"#
        let quoted = "\"" + evil.replacingOccurrences(of: "\"", with: "\\\"") + "\""
        // Each line of the example that holds user text, and the part of it that stays.
        let replacements: [(line: String, keep: String)] = [
            ("  name: 北京华信家电服务有限公司", "  name: "), ("  name_en: Beijing Huaxin Home Appliance Service Co., Ltd.", "  name_en: "),
            ("  address: 北京市海淀区西三环北路 87 号国际财经中心 B 座 12 层", "  address: "),
            ("  scope: 家用空调、冰箱、洗衣机的安装、维修、保养、备件供应及客户咨询服务", "  scope: "),
            ("report_no: KB-ASM-2026-0117", "report_no: "), ("    - 北京市海淀区西三环北路 87 号（总部、呼叫中心）", "    - "),
            ("      - 营业执照、特种设备安装改造维修许可证均在有效期内", "      - "),
            ("      - 法规清单与行业标准变更设专人跟踪，变更后 10 个工作日内完成制度修订", "      - "),
            ("      - text: 部分检测设备的保养记录未注明下次保养日期", "      - text: "),
            ("{name: 刘晓梅, role: member}", "{role: member, name: "), ("caption: 丰台备件中心库货架分区与标识}", "caption: "),
        ]
        let evaluation = try harness.variant(of: Fixtures.fourStar) { text in
            var text = text
            for (line, keep) in replacements {
                #expect(text.contains(line), "the example lacks \(line)")
                text = text.replacingOccurrences(of: line, with: keep + quoted + (line.hasSuffix("}") ? "}" : ""))
            }
            return text
        }
        let documents = try both(evaluation)
        let escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;"
        for html in [try #require(documents.reportHTML), try #require(documents.certificateHTML)] {
            #expect(!html.contains("<script>"))
            #expect(!html.contains(evil))
            #expect(html.contains(escaped))
        }
        let report = try #require(documents.reportHTML)
        let occurrences = report.components(separatedBy: escaped).count - 1
        // Name (cover and statement), name_en, address, scope, report_no, site, team member (cover and
        // signatures), veto evidence, strength, finding (item and findings list), photo caption (caption and alt).
        #expect(occurrences >= 14, "only \(occurrences) escaped occurrences")
        let pdfText = try PDFInspection.text(try #require(documents.report)).replacingOccurrences(of: "\n", with: "")
        #expect(pdfText.contains(evil))
        // The printed running header carries the name as a CSS string: every quote and markup
        // character escaped, so nothing ends the string or the style sheet.
        #expect(report.contains(#"@top-right { content: "\3c script\3e alert(\22 x\22 )\3c /script\3e  \26  \27 q\27 "; }"#))
        #expect(report.components(separatedBy: "</style>").count == 2)
    }

    @Test func bracesInUserTextAreShownAsTyped() throws {
        let number = "KB-{page}/{pages}-{title}"
        let evaluation = try harness.variant(of: Fixtures.fourStar) { $0.replacingOccurrences(of: "report_no: KB-ASM-2026-0117", with: "report_no: \"\(number)\"") }
        let documents = try both(evaluation)
        let pages = try PDFInspection.text(try #require(documents.report)).components(separatedBy: "\u{0C}").filter { !$0.isEmpty }
        // The cover shows it once; every later page's running header once more.
        #expect(pages.count > 10)
        #expect(pages.dropFirst().allSatisfy { $0.contains(number) })
        // (the number is set as typed, in the PDF and in the printed HTML's running header)
        #expect(try #require(documents.reportHTML).contains("@top-left { content: \"售后服务成熟度评价报告　报告编号 KB-{page}/{pages}-{title}\"; }"))
    }

    @Test func gapsAreMarkupInTextAndNothingInAttributes() throws {
        let evaluation = try harness.variant(of: Fixtures.fourStar) { $0.replacingOccurrences(of: "caption: 丰台备件中心库货架分区与标识", with: "caption: 丰台备件中心库A区货架与<标识>") }
        let html = try #require(try both(evaluation).reportHTML)
        // the picture's alternative text as typed; the caption with its gaps drawn, its text as typed
        #expect(html.contains("alt=\"丰台备件中心库A区货架与&lt;标识&gt;\""))
        #expect(html.contains("<figcaption>图：丰台备件中心库<span class=\"g\"></span>A<span class=\"g\"></span>区货架与&lt;标识&gt;</figcaption>"))
        #expect(!html.unicodeScalars.contains("\u{1}"))
    }

    @Test func aPrintedRunningHeaderKeepsToTwoLinesAsTyped() throws {
        let name = String(repeating: "北京华信家电服务有限公司ABC", count: 40)
        let evaluation = try harness.variant(of: Fixtures.fourStar) { $0.replacingOccurrences(of: "name: 北京华信家电服务有限公司", with: "name: \(name)") }
        let html = try #require(try both(evaluation).reportHTML)
        let header = try #require(html.firstMatch(of: /@top-right \{ content: "([^"]*)"; \}/)).output.1
        #expect(header == String(name.prefix(55)) + "…")
        #expect(html.contains(escapeHTML(name)))
    }

    @Test func theHTMLIsSelfContainedAndAccessible() throws {
        let documents = try both(try harness.input(Fixtures.fourStar))
        for html in [try #require(documents.reportHTML), try #require(documents.certificateHTML)] {
            #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"zh-CN\">"))
            #expect(!html.contains("<link"))
            #expect(!html.contains("<script"))
            #expect(!html.contains("src=\"http"))
            #expect(!html.contains("url("))
            let headers = html.components(separatedBy: "<th").dropFirst().filter { !$0.hasPrefix("ead") }
            #expect(headers.allSatisfy { $0.hasPrefix(" scope=\"") })
            let images = html.components(separatedBy: "<img ").dropFirst()
            for image in images {
                #expect(image.hasPrefix("src=\"data:image/"))
                #expect(!image.contains("alt=\"\""))
                #expect(image.contains("alt=\""))
            }
        }
        #expect(try #require(documents.reportHTML).components(separatedBy: "<img ").count - 1 == 2)
    }

    @Test(arguments: ["four-star-certification", "vetoed-certification"])
    func htmlAndPDFShowTheSameNumbersAndSentences(example: String) throws {
        let evaluation = try harness.input(Fixtures.example("\(example).yaml"))
        let documents = try both(evaluation)
        let html = try #require(documents.reportHTML)
        // The HTML draws its Han–Latin gaps with empty elements: its text is as typed, with no
        // character added.
        #expect(!html.contains("\u{2005}") && html.contains("<span class=\"g\"></span>"))
        let typed = html.replacingOccurrences(of: "<span class=\"g\"></span>", with: "")
        // The quarter-em gaps between Han and Latin read as spaces whether typed or not: the PDF's
        // text is compared without spaces.
        func unspaced(_ text: String) -> String { text.filter { $0 != " " && $0 != "\n" } }
        let pdfText = unspaced(try PDFInspection.text(try #require(documents.report)))
        let model = ReportModel(try harness.evaluation(evaluation), labels: harness.renderer.pipeline.renderer.templates.labels)
        var facts = [model.total, model.decisionStatement, model.levelName] + model.sectionRows.flatMap { [$0.score, $0.percentText] }
        // A section scored as one item shows its figures in the section heading only.
        facts += model.sections.map(\.heading) + model.sections.filter { !$0.isScoredAsOneItem }.flatMap { $0.items.map(\.heading) } + model.findings.map(\.text)
        #expect(model.sections.contains { $0.isScoredAsOneItem })
        for section in model.sections where section.isScoredAsOneItem {
            let heading = section.items[0].heading
            let shown = (html: typed.contains(escapeHTML(heading)), pdf: pdfText.contains(unspaced(heading)))
            #expect(!shown.html && !shown.pdf, "\(heading) is shown besides its section's heading")
        }
        if let notice = model.vetoNotice { facts.append(notice) }
        for fact in facts {
            #expect(typed.contains(escapeHTML(fact)), "HTML lacks \(fact)")
            #expect(pdfText.contains(unspaced(fact)), "PDF lacks \(fact)")
        }
    }

    @Test func labelFilesHaveTheSameKeys() throws {
        let zh = try Labels.load(.zh, environment: [:])
        let en = try Labels.load(.en, environment: [:])
        #expect(zh.keys.subtracting(en.keys).isEmpty, "missing in en: \(zh.keys.subtracting(en.keys).sorted())")
        #expect(en.keys.subtracting(zh.keys).isEmpty, "missing in zh: \(en.keys.subtracting(zh.keys).sorted())")
        #expect(zh.language == "zh-CN" && en.language == "en")
    }

    @Test func englishLabelsKeepTheStandardsOwnText() throws {
        let evaluation = try harness.input(Fixtures.fourStar)
        let renderer = try PipelineRenderer(language: .en)
        let documents = try renderer.render(evaluation, formats: [.pdf, .html])
        let html = try #require(documents.reportHTML)
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        #expect(html.contains("Four-Star After-Sales Service Maturity"))
        #expect(html.contains("4.2.1 Departments and Positions (100%, score 3.00)"))
        #expect(html.contains("明确售后服务专属管理部门及岗位职责分工。"))
        let pdfText = try PDFInspection.text(try #require(documents.report))
        #expect(pdfText.contains("1 Conclusion"))
        #expect(pdfText.contains("Page 2 of 13"))
    }

    private func escapeHTML(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "'", with: "&#39;")
    }
}

/// The fuzzer's seed inputs and the inputs that once found bugs (Tests/Fuzz) are read by the same
/// readers on every test run, without the fuzzer: none may crash or hang.
@Suite struct FuzzRegressionTests {
    @Test func theFuzzersInputsAreReadWithoutCrashing() throws {
        let catalog = try Fixtures.catalog()
        let fuzz = Fixtures.packageRoot.appendingPathComponent("Tests/Fuzz")
        var count = 0
        for folder in ["Corpus/assessment", "Corpus/profile", "Regressions"] {
            let url = fuzz.appendingPathComponent(folder)
            for name in try FileManager.default.contentsOfDirectory(atPath: url.path) where !name.hasPrefix(".") {
                var isFolder: ObjCBool = false
                guard FileManager.default.fileExists(atPath: url.appendingPathComponent(name).path, isDirectory: &isFolder), !isFolder.boolValue else { continue }
                let bytes = Array(try Data(contentsOf: url.appendingPathComponent(name)))
                guard let selector = bytes.first else { continue }
                let body = Array(bytes.dropFirst())
                switch selector % 3 {
                case 0: _ = AssessmentParser(catalog: catalog).parse(body, file: "fuzz.yaml", baseDirectory: "/nonexistent")
                case 1: _ = AssessmentParser(catalog: catalog).parse(body, file: "fuzz.json", baseDirectory: "/nonexistent")
                default: _ = IssuerProfile.parse(body, file: "/nonexistent/issuer.yaml")
                }
                count += 1
            }
        }
        #expect(count >= 4)
    }
}
