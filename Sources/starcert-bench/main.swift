// Renders assessments repeatedly in one process and reports how long a report takes after warm-up.
// Usage: starcert-bench [--iterations N] FILE...   (Scripts/bench runs it in release mode)
import Foundation
import StarCertCore
import StarCertReports

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

let catalog = try StandardCatalog.installed()
let renderer = try ReportRenderer(fonts: try FontSetup.locate(), templates: try DocumentTemplates.load(.zh))
print("in-process, after one warm-up render; \(iterations) renders each (report + certificate when certified),")
print("each laid out from scratch (in a batch, texts repeated from the previous evaluation are not)")
print("file                                   pages  report bytes  cert bytes  median ms  min ms  pages/s")
for file in arguments {
    let parsed = AssessmentParser(catalog: catalog).parse(fileAt: file)
    guard let assessment = parsed.assessment, let standard = parsed.standard else {
        parsed.diagnostics.forEach { FileHandle.standardError.write(Data("\($0)\n".utf8)) }
        exit(1)
    }
    let evaluation = Evaluation(assessment: assessment, standard: standard)
    var rendered = try renderer.render(evaluation)
    var times: [Double] = []
    for _ in 0..<iterations {
        renderer.forgetLayouts()
        let start = DispatchTime.now()
        rendered = try renderer.render(evaluation)
        times.append(milliseconds(start))
    }
    times.sort()
    let median = times[times.count / 2]
    let name = (file as NSString).lastPathComponent
    let pagesPerSecond = Double(rendered.reportPages + (rendered.certificate == nil ? 0 : 1)) / (median / 1000)
    print(name.padding(toLength: 38, withPad: " ", startingAt: 0),
          String(format: "%5d  %12d  %10d  %9.1f  %6.1f  %7.0f", rendered.reportPages, rendered.report?.count ?? 0,
                 rendered.certificate?.count ?? 0, median, times[0], pagesPerSecond))
}
var usage = rusage()
getrusage(RUSAGE_SELF.rawValue, &usage)
print(String(format: "peak memory (max RSS) of this process: %.1f MiB", Double(usage.ru_maxrss) / 1024))
