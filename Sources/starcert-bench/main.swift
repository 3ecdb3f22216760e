// Renders assessments repeatedly in one process and reports how long a report takes after warm-up.
// Usage: starcert-bench [--iterations N] FILE...   (Scripts/bench runs it in release mode)
import Foundation
import PDFObjects
import StarCertApp
import StarCertCore
import StarCertDocuments
import StarCertIssuing
import StarCertWorkbook
import Spreadsheet

var arguments = Array(CommandLine.arguments.dropFirst())
var iterations = 20
if let index = arguments.firstIndex(of: "--iterations"), index + 1 < arguments.count, let value = Int(arguments[index + 1]) {
    iterations = max(1, value)
    arguments.removeSubrange(index...index + 1)
}
guard !arguments.isEmpty else {
    FileHandle.standardError.write(Data("usage: starcert-bench [--iterations N] FILE...\n".utf8))
    exit(2)
}

func milliseconds(_ start: DispatchTime) -> Double {
    Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1_000_000
}

let pipeline = try DocumentSetup(language: .zh, html: false).pipeline()
let renderer = pipeline.renderer
print("in-process, the pipeline `report` runs (read, check, evaluate, lay out, draw), after one warm-up;")
print("\(iterations) renders each (report + certificate when certified), each laid out from scratch")
print("(in a batch, texts repeated from the previous evaluation are not)")
print("file                                   pages  report bytes  cert bytes  median ms  min ms  pages/s")
for file in arguments {
    func render() throws -> DocumentPipeline.Rendered {
        switch pipeline.render(file, formats: [.pdf]) {
        case let .success(rendered): return rendered
        case let .failure(failure):
            failure.diagnostics.forEach { FileHandle.standardError.write(Data("\($0)\n".utf8)) }
            exit(1)
        }
    }
    var rendered = try render()
    var times: [Double] = []
    for _ in 0..<iterations {
        renderer.forgetLayouts()
        let start = DispatchTime.now()
        rendered = try render()
        times.append(milliseconds(start))
    }
    times.sort()
    let median = times[times.count / 2]
    let name = (file as NSString).lastPathComponent
    let report = rendered.outputs.first { $0.name == "report.pdf" }?.bytes.count ?? 0
    let certificate = rendered.outputs.first { $0.name == "certificate.pdf" }?.bytes.count
    let pagesPerSecond = Double(rendered.reportPages + (certificate == nil ? 0 : 1)) / (median / 1000)
    print(name.padding(toLength: 38, withPad: " ", startingAt: 0),
          String(format: "%5d  %12d  %10d  %9.1f  %6.1f  %7.0f", rendered.reportPages, report, certificate ?? 0, median, times[0], pagesPerSecond))
}
// What issuing adds per document: the PDF/A-2b fix-up (an incremental update on Cairo's bytes)
// and the PAdES signature (a second update and an ECDSA signature over the file).
let keys = FileManager.default.temporaryDirectory.appendingPathComponent("starcert-bench-\(getpid())")
defer { try? FileManager.default.removeItem(at: keys) }
let profile = try IssuerProfile.parse(Array("""
    name: 基准测试机构
    name_en: Benchmark Body
    address: 北京
    approval_number: CNCA-R-2019-001
    verification_base_url: https://verify.benchmark.cn/c
    certificate_number_pattern: B-{year}-{seq:06}
    """.utf8), file: "bench.yaml").get()
let identity = try SigningIdentity.create(in: keys, for: profile)
print()
print("issuing overhead per report PDF, median of \(iterations): the PDF/A fix-up on the rendered bytes, rewriting it with")
print("object and cross-reference streams (compaction), and signing")
print("file                                   render ms  fix-up ms  compaction ms  signing ms  bytes before compaction  signed bytes")
let colorProfile = Array(try Data(contentsOf: URL(fileURLWithPath: PDFArchival.colorProfilePath)))
for file in arguments {
    let checked = pipeline.check(file)
    guard let evaluation = checked.evaluation else { continue }
    let model = ReportModel(evaluation, labels: renderer.templates.labels)
    func median(_ body: () throws -> Void) rethrows -> Double {
        var times: [Double] = []
        for _ in 0..<iterations {
            let start = DispatchTime.now()
            try body()
            times.append(milliseconds(start))
        }
        return times.sorted()[times.count / 2]
    }
    _ = try renderer.renderReport(model, images: checked.images, formats: [.pdf])
    var plain: [UInt8] = []
    let rendering = try median { plain = try renderer.renderReport(model, images: checked.images, formats: [.pdf]).pdf ?? [] }
    // The fix-up as issuing runs it, on the same bytes (the figures' texts only change /Alt entries).
    let metadata = PDFArchival.Metadata(title: "评价报告", author: "基准测试机构", subject: "Q/BJKB 006-2026", keywords: "", creator: "StarCert",
                                        producer: "StarCert", creationDate: "2026-06-10T00:00:00+08:00", language: "zh-CN")
    var archival: [UInt8] = []
    let fixing = try median { archival = try PDFArchival.archival(plain, metadata: metadata, figures: Array(repeating: "图", count: 8), colorProfile: colorProfile) }
    var compacted: [UInt8] = []
    let compacting = try median { compacted = try PDFCompaction.compacted(archival) }
    var signed: [UInt8] = []
    let signing = try median { signed = try PDFSigning.sign(compacted, with: identity, reason: "benchmark") }
    print((file as NSString).lastPathComponent.padding(toLength: 38, withPad: " ", startingAt: 0),
          String(format: "%9.1f  %9.1f  %13.1f  %10.1f  %23d  %12d", rendering, fixing, compacting, signing, archival.count, signed.count))
}

// The scoring workbook: YAML → xlsx (read, check, write the workbook) and reading a workbook back,
// then a hostile sheet of 100,000 filled rows, which is refused after a read linear in its size.
print("\nworkbook (in process, median of \(iterations))   YAML → xlsx ms  read xlsx ms  xlsx bytes")
let workbookFolder = FileManager.default.temporaryDirectory.appendingPathComponent("starcert-bench-wb-\(getpid())")
try FileManager.default.createDirectory(at: workbookFolder, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: workbookFolder) }
let catalog = try StandardCatalog.installed()
for file in arguments where AssessmentFormat(path: file) != .workbook {
    let parsed = AssessmentFiles.parse(fileAt: file, catalog: catalog)
    guard let assessment = parsed.assessment, let standard = parsed.standard else { continue }
    let target = workbookFolder.appendingPathComponent("bench.xlsx").path
    var bytes: [UInt8] = []
    var times: [Double] = []
    for _ in 0..<iterations {
        let start = DispatchTime.now()
        let again = AssessmentFiles.parse(fileAt: file, catalog: catalog)
        bytes = try AssessmentFiles.write(again.assessment ?? assessment, standard: standard, format: .workbook, to: target)[0].bytes
        times.append(milliseconds(start))
    }
    let converting = times.sorted()[times.count / 2]
    times = []
    for _ in 0..<iterations {
        let start = DispatchTime.now()
        let read = AssessmentFiles.parseWorkbook(bytes, file: "bench.xlsx", baseDirectory: workbookFolder.path, catalog: catalog)
        precondition(read.assessment != nil, "\(read.errors)")
        times.append(milliseconds(start))
    }
    print((file as NSString).lastPathComponent.padding(toLength: 42, withPad: " ", startingAt: 0),
          String(format: "%14.1f  %12.1f  %10d", converting, times.sorted()[times.count / 2], bytes.count))
    if file == arguments.first {
        let package = try ZipArchive(bytes)
        var writer = ZipWriter()
        for entry in package.entries {
            var data = try package.data(entry.name) ?? []
            if entry.name == "xl/worksheets/sheet6.xml" {
                let rows = (100...100_099).map { "<row r=\"\($0)\"><c r=\"B\($0)\" t=\"inlineStr\"><is><t>x</t></is></c></row>" }.joined()
                data = Array(String(decoding: data, as: UTF8.self).replacingOccurrences(of: "</sheetData>", with: rows + "</sheetData>").utf8)
            }
            writer.add(entry.name, data)
        }
        let hostile = writer.bytes
        let start = DispatchTime.now()
        let read = AssessmentFiles.parseWorkbook(hostile, file: "hostile.xlsx", baseDirectory: ".", catalog: catalog)
        print(String(format: "a sheet of 100,000 filled rows (%d bytes): read in %.0f ms, %d errors (each row lacks its item id)",
                     hostile.count, milliseconds(start), read.errors.count))
    }
}

var usage = rusage()
getrusage(RUSAGE_SELF.rawValue, &usage)
print(String(format: "peak memory (max RSS) of this process: %.1f MiB", Double(usage.ru_maxrss) / 1024))
