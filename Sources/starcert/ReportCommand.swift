import ArgumentParser
import Foundation
import StarCertCore
import StarCertReports

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Typeset the evaluation report (and, when certified, the certificate) as PDF.",
        discussion: """
            Writes DIR/report.pdf and, when the decision is `certified`, DIR/certificate.pdf \
            (a specimen until issuance exists). Nothing is written when the input has errors; \
            files are replaced atomically. DIR is created if needed.
            """
    )

    @Argument(help: "The assessment file.")
    var file: String

    @Option(name: .shortAndLong, help: "The folder to write into.")
    var output: String = "."

    @Option(help: "The language of the documents' labels: zh or en (the standard's own text stays Chinese).")
    var lang: Labels.Language = .zh

    private var language: Labels.Language { lang }

    @Option(help: "The serif font family for body text (default: Noto Serif CJK SC).")
    var serifFont: String?

    @Option(help: "The sans-serif font family for headings and tables (default: Noto Sans CJK SC).")
    var sansFont: String?

    func run() throws {
        let parsed = AssessmentParser(catalog: try loadCatalog()).parse(fileAt: file)
        Console.report(parsed.diagnostics)
        guard let assessment = parsed.assessment, let standard = parsed.standard else { throw ExitCode.failure }
        let evaluation = Evaluation(assessment: assessment, standard: standard)
        let rendered: RenderedDocuments
        do {
            let renderer = try ReportRenderer(fonts: try FontSetup.locate(serif: serifFont, sans: sansFont), templates: try DocumentTemplates.load(language))
            rendered = try renderer.render(evaluation)
        } catch {
            Console.err("\(file): error: \(error)")
            throw ExitCode.failure
        }
        for warning in rendered.warnings { Console.err("\(file): warning: \(warning)") }

        var outputs = [("report.pdf", rendered.report)]
        if let certificate = rendered.certificate { outputs.append(("certificate.pdf", certificate)) }
        let folder = URL(fileURLWithPath: output)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            Console.err("starcert: error: cannot create the output folder \(output): \(error.localizedDescription)")
            throw ExitCode.failure
        }
        do {
            try AtomicFile.write(outputs.map { (folder.appendingPathComponent($0.0).path, Data($0.1)) })
        } catch let failure as Failure {
            Console.err("starcert: error: \(failure.message)")
            throw ExitCode.failure
        }
        let names = outputs.map { folder.appendingPathComponent($0.0).relativePath }
        Console.out("wrote \(names[0]) (\(rendered.reportPages) pages)" + (names.count > 1 ? " and \(names[1])" : "") + " — \(evaluation.decision.rawValue)")
    }
}

extension Labels.Language: ExpressibleByArgument {}
