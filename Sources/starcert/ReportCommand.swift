import ArgumentParser
import Foundation
import StarCertArchive
import StarCertCore
import StarCertReports

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Render the evaluation report (and, when certified, the certificate) as PDF and HTML.",
        discussion: """
            Writes DIR/report.pdf and DIR/report.html and, when the decision is `certified`, \
            DIR/certificate.pdf and DIR/certificate.html (a specimen until issuance exists). \
            Nothing is written when the input has errors; files are replaced atomically. DIR is \
            created if needed.
            """
    )

    @Argument(help: "The assessment file.")
    var file: String

    @Option(name: .shortAndLong, help: "The folder to write into.")
    var output: String = "."

    @Option(help: "The formats to write, separated by commas: pdf, html.")
    var format: String = "pdf,html"

    @Option(help: "The language of the documents' labels: zh or en (the standard's own text stays Chinese).")
    var lang: Labels.Language = .zh

    private var language: Labels.Language { lang }

    @Option(help: "An issuer profile (issuer.yaml) to name as the issuer; default: the standard's publisher.")
    var issuer: String?

    @Option(help: "The serif font family for body text (default: Noto Serif CJK SC).")
    var serifFont: String?

    @Option(help: "The sans-serif font family for headings and tables (default: Noto Sans CJK SC).")
    var sansFont: String?

    func validate() throws {
        _ = try formats()
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
        let parsed = AssessmentParser(catalog: try loadCatalog()).parse(fileAt: file)
        Console.report(parsed.diagnostics)
        guard let assessment = parsed.assessment, let standard = parsed.standard else { throw ExitCode.failure }
        let evaluation = Evaluation(assessment: assessment, standard: standard)
        let rendered: RenderedDocuments
        do {
            let renderer = try ReportRenderer(fonts: try FontSetup.locate(serif: serifFont, sans: sansFont), templates: try DocumentTemplates.load(language))
            let named = try issuer.map { try IssuerProfile.load(file: $0).get().issuer() } ?? .builtInDefault
            rendered = try renderer.render(evaluation, formats: try formats(), issuer: named)
        } catch let failure as DiagnosedFailure {
            Console.report(failure.diagnostics)
            throw ExitCode.failure
        } catch {
            Console.err("\(file): error: \(error)")
            throw ExitCode.failure
        }
        for warning in rendered.warnings { Console.err("\(file): warning: \(warning)") }

        var outputs: [(String, Data)] = []
        if let pdf = rendered.report { outputs.append(("report.pdf", Data(pdf))) }
        if let html = rendered.reportHTML { outputs.append(("report.html", Data(html.utf8))) }
        if let pdf = rendered.certificate { outputs.append(("certificate.pdf", Data(pdf))) }
        if let html = rendered.certificateHTML { outputs.append(("certificate.html", Data(html.utf8))) }
        let folder = URL(fileURLWithPath: output)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            Console.err("starcert: error: cannot create the output folder \(output): \(error.localizedDescription)")
            throw ExitCode.failure
        }
        do {
            try AtomicFile.write(outputs.map { (folder.appendingPathComponent($0.0).path, $0.1) })
        } catch let failure as Failure {
            Console.err("starcert: error: \(failure.message)")
            throw ExitCode.failure
        }
        let names = outputs.map { folder.appendingPathComponent($0.0).relativePath }
        let pages = rendered.report == nil ? "" : " (report: \(rendered.reportPages) pages)"
        Console.out("wrote \(names.joined(separator: ", "))\(pages) — \(evaluation.decision.rawValue)")
    }
}

extension Labels.Language: ExpressibleByArgument {}
