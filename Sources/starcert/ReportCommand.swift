import ArgumentParser
import Foundation
import StarCertApp
import StarCertCore
import StarCertDocuments
import StarCertTemplates

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Render the evaluation report (and, when certified, the certificate) as PDF and HTML.",
        discussion: """
            Writes DIR/report.pdf and DIR/report.html and, when the decision is `certified`, \
            DIR/certificate.pdf and DIR/certificate.html (a specimen until issuance exists). \
            Nothing is written when the input has errors; files are replaced atomically. DIR is \
            created if needed. With several files, each is written to its own subfolder of DIR, \
            rendered in parallel (--jobs); a bad input is reported and skipped, the others are \
            still written, and the exit status is 1 when any failed.
            """
    )

    @Argument(help: "Assessment files; with several, each gets its own subfolder of DIR.")
    var files: [String]

    @Option(name: .shortAndLong, help: "The folder to write into.")
    var output: String = "."

    @Option(help: "How many inputs to render at once (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "The formats to write, separated by commas: pdf, html.")
    var format: String = "pdf,html"

    @Option(help: "The language of the documents' labels: zh or en (the standard's own text stays Chinese).")
    var lang: Labels.Language = .zh

    @Option(help: "An issuer profile (issuer.yaml) to name as the issuer; default: the standard's publisher.")
    var issuer: String?

    @Option(help: "The serif font family for body text (default: Noto Serif CJK SC).")
    var serifFont: String?

    @Option(help: "The sans-serif font family for headings and tables (default: Noto Sans CJK SC).")
    var sansFont: String?

    @Flag(help: "Write the PDFs as PDF/A-2b (archival; unsigned — `issue` signs).")
    var pdfa = false

    func validate() throws {
        _ = try formats()
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
    }

    private func formats() throws -> Set<OutputFormat> {
        let names = format.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var formats = Set<OutputFormat>()
        for name in names {
            guard let format = OutputFormat(rawValue: name) else {
                throw ValidationError("unknown format `\(name)`; expected pdf, html or both (pdf,html)")
            }
            formats.insert(format)
        }
        guard !formats.isEmpty else { throw ValidationError("no format given; expected pdf, html or both (pdf,html)") }
        return formats
    }

    func run() throws {
        let formats = try formats()
        let job = ReportJob(
            inputs: files, output: URL(fileURLWithPath: output), formats: formats, language: lang, issuerProfile: issuer,
            serifFont: serifFont, sansFont: sansFont, jobs: jobs, archival: pdfa)
        let progress = BatchProgress(total: files.count)
        let failures = try running {
            try job.run(notice: { Console.report([$0]) }, completed: { Console.show($0, progress: progress) })
        }
        progress.end()
        if failures > 0 {
            if files.count > 1 { Console.err("starcert: \(failures) of \(files.count) inputs failed; the others were written") }
            throw ExitCode.failure
        }
    }
}

extension Labels.Language: ExpressibleByArgument {}
