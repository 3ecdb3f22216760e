import Foundation
import StarCertCore
import StarCertDocuments
import StarCertTemplates
import StarCertTestSupport
import Testing

/// An assessment file, as `report` takes it.
struct Input {
    let file: URL
}

/// What the pipeline `report` runs made of one input, by document.
struct RenderedDocuments {
    let report: [UInt8]?
    let certificate: [UInt8]?
    let reportHTML: String?
    let certificateHTML: String?
    let reportPages: Int
    let warnings: [Diagnostic]
}

/// Renders assessments through `DocumentPipeline.render`, the path `starcert report` takes.
final class PipelineRenderer {
    let pipeline: DocumentPipeline

    init(language: Labels.Language = .zh) throws {
        pipeline = DocumentPipeline(
            catalog: try Fixtures.catalog(),
            renderer: try ReportRenderer(fonts: try FontSetup.locate(environment: [:]), templates: try DocumentTemplates.load(language, environment: [:])))
    }

    var drawsCertificateAlongside: Bool {
        get { pipeline.renderer.drawsCertificateAlongside }
        set { pipeline.renderer.drawsCertificateAlongside = newValue }
    }

    /// The documents of `input`; throws the pipeline's diagnostics when it refuses the input.
    func render(_ input: Input, formats: Set<OutputFormat> = [.pdf]) throws -> RenderedDocuments {
        let rendered = try pipeline.render(input.file.path, formats: formats).get()
        func bytes(_ name: String) -> [UInt8]? { rendered.outputs.first { $0.name == name }?.bytes }
        return RenderedDocuments(
            report: bytes("report.pdf"), certificate: bytes("certificate.pdf"),
            reportHTML: bytes("report.html").map { String(decoding: $0, as: UTF8.self) },
            certificateHTML: bytes("certificate.html").map { String(decoding: $0, as: UTF8.self) },
            reportPages: rendered.reportPages, warnings: rendered.warnings)
    }
}

/// Renders assessments to PDF and reads the PDFs back with poppler.
struct ReportHarness {
    let renderer: PipelineRenderer

    init() throws {
        renderer = try PipelineRenderer()
    }

    /// `file`, which must read without errors.
    func input(_ file: URL) throws -> Input {
        let checked = renderer.pipeline.check(file.path)
        #expect(checked.errors.isEmpty, "\(checked.errors)")
        return Input(file: file)
    }

    /// The evaluation of `input`, as the pipeline checked and scored it.
    func evaluation(_ input: Input) throws -> Evaluation {
        try #require(renderer.pipeline.check(input.file.path).evaluation)
    }

    /// An example with `change` applied to its text, written next to a copy of the photos.
    func variant(of example: URL, _ change: (String) -> String) throws -> Input {
        let folder = try Fixtures.temporaryFolder()
        try FileManager.default.copyItem(at: Fixtures.examples.appendingPathComponent("photos"), to: folder.appendingPathComponent("photos"))
        let file = folder.appendingPathComponent("variant.yaml")
        let original = try String(contentsOf: example, encoding: .utf8)
        let changed = change(original)
        #expect(changed != original, "the change did not apply")
        try changed.write(to: file, atomically: true, encoding: .utf8)
        return Input(file: file)
    }
}

@Suite struct ReportTests {
    let harness: ReportHarness
    static let goldens = Fixtures.packageRoot.appendingPathComponent("Tests/StarCertDocumentsTests/Goldens")
    static let examples = ["four-star-certification", "vetoed-certification"]

    init() throws {
        harness = try ReportHarness()
    }

    func rendered(_ name: String) throws -> RenderedDocuments {
        try harness.renderer.render(try harness.input(Fixtures.example("\(name).yaml")))
    }

    @Test(arguments: examples)
    func extractedTextMatchesTheGolden(example: String) throws {
        let documents = try rendered(example)
        let text = try PDFInspection.text(try #require(documents.report))
        #expect(text == (try Golden.expected("\(example).report.txt", actual: text, folder: Self.goldens)))
        if let certificate = documents.certificate {
            let certificateText = try PDFInspection.text(certificate)
            #expect(certificateText == (try Golden.expected("\(example).certificate.txt", actual: certificateText, folder: Self.goldens)))
        }
    }

    @Test(arguments: examples)
    func pagesLookLikeTheGolden(example: String) throws {
        let documents = try rendered(example)
        var pdfs = [("report", try #require(documents.report))]
        if let certificate = documents.certificate { pdfs.append(("certificate", certificate)) }
        for (kind, pdf) in pdfs {
            let grids = try PDFInspection.greyGrids(pdf)
            let joined = grids.joined(separator: "\n\n")
            let stored = try Golden.expected("\(example).\(kind).pages", actual: joined, folder: Self.goldens).components(separatedBy: "\n\n")
            #expect(grids.count == stored.count, "\(kind): \(grids.count) pages, golden has \(stored.count)")
            for (index, (page, golden)) in zip(grids, stored).enumerated() {
                let cells = page.filter { $0 != "\n" }.count
                let differing = PDFInspection.differingCells(page, golden)
                #expect(differing * 100 <= cells * 2, "\(kind) page \(index + 1): \(differing) of \(cells) cells differ")
            }
        }
    }

    @Test(arguments: examples)
    func noGlyphLeavesThePageMargins(example: String) throws {
        let documents = try rendered(example)
        for page in try PDFInspection.words(try #require(documents.report)) {
            // Left 22 mm, right 20 mm; the running header and footer sit in the top and bottom margins.
            for word in page.words {
                #expect(word.xMin >= 62.3 - 0.5 && word.xMax <= page.width - 56.7 + 0.5, "“\(word.text)” at x \(word.xMin)–\(word.xMax)")
                #expect(word.yMin >= 36 && word.yMax <= page.height - 30, "“\(word.text)” at y \(word.yMin)–\(word.yMax)")
            }
        }
        if let certificate = documents.certificate {
            for page in try PDFInspection.words(certificate) {
                for word in page.words {
                    #expect(word.xMin >= 28 && word.xMax <= page.width - 28 && word.yMin >= 28 && word.yMax <= page.height - 28, "“\(word.text)” outside the frame")
                }
            }
        }
    }

    @Test func theSameInputGivesByteIdenticalPDFs() throws {
        let first = try rendered("four-star-certification")
        let second = try ReportHarness().renderer.render(try harness.input(Fixtures.fourStar))
        #expect(first.report == second.report)
        #expect(first.certificate == second.certificate)
    }

    @Test func layoutsKeptFromEarlierDocumentsChangeNoByte() throws {
        let renderer = try ReportHarness().renderer
        let fourStar = try harness.input(Fixtures.fourStar)
        let vetoed = try harness.input(Fixtures.vetoed)
        let first = try renderer.render(fourStar)
        let between = try renderer.render(vetoed)
        let again = try renderer.render(fourStar)
        #expect(again.report == first.report)
        #expect(again.certificate == first.certificate)
        #expect(between.report == (try ReportHarness().renderer.render(vetoed)).report)
    }

    @Test func aCertificateDrawnAlongsideTheReportIsTheSame() throws {
        let sequential = try rendered("four-star-certification")
        let renderer = try ReportHarness().renderer
        renderer.drawsCertificateAlongside = true
        let alongside = try renderer.render(try harness.input(Fixtures.fourStar), formats: [.pdf, .html])
        #expect(alongside.certificate != nil)
        #expect(alongside.certificate == sequential.certificate)
        #expect(alongside.report == sequential.report)
        #expect(alongside.certificateHTML?.contains("证书") == true)
    }

    /// The inputs that take the drawing libraries longest (a name of tens of thousands of
    /// characters, fitted to the certificate by trying size after size, and set on every page of
    /// the report) drawn on two threads at once, again and again: the renders finish, and give the
    /// bytes they give one after the other.
    @Test func aVeryLongNameDrawnOnTwoThreadsAtOnceFinishes() throws {
        let name = String(String(repeating: "北京华信家电服务有限公司", count: 4_000).prefix(40_000))
        let input = try harness.variant(of: Fixtures.fourStar) { $0.replacingOccurrences(of: "name: 北京华信家电服务有限公司", with: "name: \(name)") }
        let sequential = try ReportHarness().renderer.render(input, formats: [.pdf])
        let finished = DispatchSemaphore(value: 0)
        let rounds = 3
        nonisolated(unsafe) var results: [RenderedDocuments?] = Array(repeating: nil, count: rounds)
        Thread.detachNewThread {
            for round in 0..<rounds {
                guard let renderer = try? ReportHarness().renderer else { break }
                renderer.drawsCertificateAlongside = true
                results[round] = try? renderer.render(input, formats: [.pdf])
            }
            finished.signal()
        }
        #expect(finished.wait(timeout: .now() + 600) == .success, "the renders did not finish in ten minutes")
        for result in results {
            #expect(result?.report == sequential.report)
            #expect(result?.certificate == sequential.certificate)
        }
    }

    @Test func onlyACertifiedEvaluationGetsACertificate() throws {
        let certified = try rendered("four-star-certification")
        #expect(certified.certificate != nil)
        let certificateText = try PDFInspection.text(try #require(certified.certificate))
        #expect(certificateText.contains("样本 SPECIMEN"))
        #expect(certificateText.contains("91110108MA01C2XK3R"))
        #expect(certificateText.contains("2029 年 5 月 11 日"))
        #expect(try rendered("vetoed-certification").certificate == nil)
        let selfAssessment = try harness.variant(of: Fixtures.fourStar) { $0.replacingOccurrences(of: "kind: initial", with: "kind: self-assessment") }
        #expect(try harness.renderer.render(selfAssessment).certificate == nil)
    }

    @Test func aFailedVetoIsStatedProminently() throws {
        let text = try PDFInspection.text(try #require(try rendered("vetoed-certification").report))
        #expect(text.contains("一票否决"))
        #expect(text.contains("不予评定星级"))
        #expect(text.contains("不颁发证书"))
    }

    @Test func metadataAndOutlineAreSet() throws {
        let pdf = try #require(try rendered("four-star-certification").report)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("starcert-meta-\(UUID().uuidString).pdf")
        try Data(pdf).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        var info: [String: String] = [:]
        for line in try ExternalProgram.run("pdfinfo", ["-isodates", file.path]).stdout.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            info[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        #expect(info["Title"] == "售后服务成熟度评价报告——北京华信家电服务有限公司")
        #expect(info["Author"] == "北京坤标检验认证有限公司")
        #expect(info["Subject"] == "Q/BJKB 006-2026 售后服务成熟度服务认证评价技术规范")
        #expect(info["Keywords"] == "Q/BJKB 006-2026, 售后服务成熟度, 北京华信家电服务有限公司, 91110108MA01C2XK3R, KB-ASM-2026-0117, 四星级售后服务能力成熟度")
        #expect(info["CreationDate"] == "2026-05-12T00:00:00+08")
        // Bookmarks live in compressed object streams: expand them with qpdf, then look for the titles.
        let expanded = file.deletingPathExtension().appendingPathExtension("qdf")
        defer { try? FileManager.default.removeItem(at: expanded) }
        _ = try ExternalProgram.run("qpdf", ["--qdf", "--object-streams=disable", file.path, expanded.path])
        let raw = String(decoding: try Data(contentsOf: expanded), as: UTF8.self)
        for title in ["一、评价结论", "二、分项评价", "4.1 基础合规能力", "4.13 监督与持续改进", "三、发现汇总", "附录 评价方法", "评价组签字"] {
            let hex = "<feff" + title.utf16.map { String(format: "%04x", $0) }.joined() + ">"
            #expect(raw.contains("/Title \(hex)"), "no bookmark \(title)")
        }
    }

    @Test func userTextIsPrintedLiterally() throws {
        let evaluation = try harness.variant(of: Fixtures.fourStar) { text in
            text.replacingOccurrences(of: "name: 北京华信家电服务有限公司", with: "name: \"<b>华信</b> & Co <script>x</script>\"")
                .replacingOccurrences(of: "      - 法规清单与行业标准变更设专人跟踪，变更后 10 个工作日内完成制度修订", with: "      - \"&amp; <i>斜体</i> &lt;\"")
        }
        let documents = try harness.renderer.render(evaluation)
        let text = try PDFInspection.text(try #require(documents.report)).replacingOccurrences(of: "\n", with: "")
        #expect(text.contains("<b>华信</b> & Co <script>x</script>"))
        #expect(text.contains("&amp; <i>斜体</i> &lt;"))
        #expect(try PDFInspection.text(try #require(documents.certificate)).contains("<b>华信</b> & Co <script>x</script>"))
    }

    @Test func fourHundredEvidenceLinesAndALongURLStayInsideThePage() throws {
        let url = "https://records.example.com/audit/" + String(repeating: "x7Kq9", count: 294)
        #expect(url.count >= 1_500)
        let evaluation = try harness.variant(of: Fixtures.fourStar) { text in
            let lines = (1...400).map { "      - 工单抽查记录第 \($0) 条：按时办结并完成回访" }.joined(separator: "\n")
            return text.replacingOccurrences(of: "      - 工单系统事件分级处置规则及 2025 年事件处理记录，按时办结率 99.1%", with: lines + "\n      - \(url)")
        }
        let documents = try harness.renderer.render(evaluation)
        let text = try PDFInspection.text(try #require(documents.report))
        for number in [1, 137, 400] { #expect(text.contains("工单抽查记录第 \(number) 条：按时办结并完成回访")) }
        #expect(text.replacingOccurrences(of: "\n", with: "").contains(url))
        for page in try PDFInspection.words(try #require(documents.report)) {
            for word in page.words { #expect(word.xMax <= page.width - 56.7 + 0.5 && word.yMax <= page.height - 30) }
        }
        #expect(documents.reportPages > 20)
    }

    @Test func aCharacterTheFontsLackIsNamedAndNothingIsDrawn() throws {
        let evaluation = try harness.variant(of: Fixtures.fourStar) { $0.replacingOccurrences(of: "      - 在岗售后人员 236 人", with: "      - 在岗售后人员😀 236 人") }
        #expect {
            try harness.renderer.render(evaluation)
        } throws: { error in
            guard let failure = error as? DiagnosedFailure, failure.diagnostics.count == 1 else { return false }
            let message = failure.diagnostics[0].message
            return message.contains("“😀” (U+1F600) in items.4.3.1.evidence[1]")
        }
    }

    /// A pasted text of thousands of characters no font has (Extension F, three times over): one
    /// error naming the first twelve and how many more, found in one reading of the texts.
    @Test func thousandsOfCharactersTheFontsLackAreNamedInAFewAndCounted() throws {
        let lacking = String(String.UnicodeScalarView((0..<5_000).map { Unicode.Scalar(0x2CEB0 + $0)! }))
        let evaluation = try harness.variant(of: Fixtures.fourStar) { $0.replacingOccurrences(of: "      - 在岗售后人员 236 人", with: "      - " + String(repeating: lacking, count: 3)) }
        #expect {
            try harness.renderer.render(evaluation)
        } throws: { error in
            // (the few of them the complete face has are drawn from it, with a warning)
            guard let failure = error as? DiagnosedFailure else { return false }
            let errors = failure.diagnostics.filter { $0.severity == .error }
            guard errors.count == 1, let more = errors[0].message.firstMatch(of: /\sand (\d+) more;/).flatMap({ Int($0.output.1) }) else { return false }
            return errors[0].message.contains("“\u{2CEB0}” (U+2CEB0) in items.4.3.1.evidence[1]") && more > 4_000 && errors[0].message.utf8.count < 2_000
        }
    }

    @Test func longNamesAndScopesFitTheCertificate() throws {
        let longName = String(repeating: "北京华信家电服务", count: 9) + "有限公司"
        // About the most the scope's box holds at its smallest legible size (7.5 pt).
        let longScope = String(repeating: "家用空调、冰箱、洗衣机、厨房电器、热水器的安装、维修、保养、备件供应及客户咨询服务；", count: 5)
        let evaluation = try harness.variant(of: Fixtures.fourStar) { text in
            text.replacingOccurrences(of: "name: 北京华信家电服务有限公司", with: "name: \(longName)")
                .replacingOccurrences(of: "scope: 家用空调、冰箱、洗衣机的安装、维修、保养、备件供应及客户咨询服务", with: "scope: \(longScope)")
        }
        let certificate = try #require(try harness.renderer.render(evaluation).certificate)
        let text = try PDFInspection.text(certificate).replacingOccurrences(of: "\n", with: "")
        #expect(text.contains(longName))
        #expect(text.contains(longScope))
        let page = try #require(try PDFInspection.words(certificate).first)
        #expect(page.words.allSatisfy { $0.xMin >= 28 && $0.xMax <= page.width - 28 && $0.yMax <= page.height - 28 })
        // The scope's box ends above the standard statement that follows it.
        let scopeBottom = page.words.filter { longScope.contains($0.text) && $0.text.count > 3 }.map(\.yMax).max() ?? 0
        let statementTop = page.words.first { $0.text.hasPrefix("其售后服务成熟度符合") }?.yMin ?? 0
        #expect(scopeBottom > 0 && scopeBottom <= statementTop)
    }
}

/// The documents' dates start in the issuer's time zone (the profile's), not in a fixed one.
@Suite struct DocumentTimeZoneTests {
    @Test(arguments: [("Asia/Shanghai", "2026-05-12T00:00:00+08:00"), ("Europe/Berlin", "2026-05-12T00:00:00+02:00"),
                      ("America/Sao_Paulo", "2026-05-12T00:00:00-03:00"), ("Asia/Kathmandu", "2026-05-12T00:00:00+05:45"),
                      ("UTC", "2026-05-12T00:00:00+00:00")])
    func theReportsCreationDateIsTheAuditsLastDayInTheIssuersZone(zone: String, expected: String) throws {
        let harness = try ReportHarness()
        let evaluation = try harness.evaluation(try harness.input(Fixtures.fourStar))
        var issuer = Issuer.builtInDefault
        issuer.timeZone = zone
        let model = ReportModel(evaluation, labels: harness.renderer.pipeline.renderer.templates.labels, issuer: issuer)
        #expect(model.creationDate == expected)
        #expect(evaluation.assessment.audit.end.startISO8601(inTimeZone: zone) == expected)
    }
}
