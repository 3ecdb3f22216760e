import ArgumentParser
import Foundation
import StarCertArchive
import StarCertCore
import StarCertReports
import Typesetting

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
        let catalog = try loadCatalog()
        let formats = try formats()
        let (fonts, templates, named): (FontConfiguration, DocumentTemplates, Issuer) = try reportingErrors {
            (try FontSetup.locate(serif: serifFont, sans: sansFont), try DocumentTemplates.load(lang),
             try issuer.map { try IssuerProfile.load(file: $0).get().issuer() } ?? .builtInDefault)
        }
        let html = try reportingErrors { formats.contains(.html) ? try HTMLDocuments(templates: templates) : nil }
        let folders = Self.outputFolders(for: files, in: URL(fileURLWithPath: output))
        let failures = Batch.run(files, jobs: jobs, makeWorker: {
            let renderer = try ReportRenderer(fonts: fonts, templates: templates, html: html)
            renderer.drawsCertificateAlongside = files.count < jobs
            return renderer
        }) { renderer, file in
            Self.render(file, with: renderer, catalog: catalog, formats: formats, issuer: named, into: folders[file]!)
        }
        if failures > 0 {
            if files.count > 1 { Console.err("starcert: \(failures) of \(files.count) inputs failed; the others were written") }
            throw ExitCode.failure
        }
    }

    /// One input's output folder: DIR itself for a single input (unless `alwaysSubfolders`),
    /// DIR/<file name> for several (numbered when two inputs share a name).
    static func outputFolders(for files: [String], in output: URL, alwaysSubfolders: Bool = false) -> [String: URL] {
        guard files.count > 1 || alwaysSubfolders else { return Dictionary(uniqueKeysWithValues: files.map { ($0, output) }) }
        var folders: [String: URL] = [:]
        var used: Set<String> = []
        for file in files where folders[file] == nil {
            let base = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
            var name = base
            var counter = 2
            while used.contains(name) { name = "\(base)-\(counter)"; counter += 1 }
            used.insert(name)
            folders[file] = output.appendingPathComponent(name)
        }
        return folders
    }

    static func render(
        _ file: String, with renderer: ReportRenderer, catalog: StandardCatalog, formats: Set<OutputFormat>, issuer: Issuer, into folder: URL
    ) -> Batch.Outcome {
        var outcome = Batch.Outcome()
        let parsed = AssessmentParser(catalog: catalog).parse(fileAt: file)
        outcome.err += parsed.diagnostics.map(\.description)
        guard let assessment = parsed.assessment, let standard = parsed.standard else {
            outcome.failed = true
            return outcome
        }
        let evaluation = Evaluation(assessment: assessment, standard: standard)
        do {
            let rendered = try renderer.render(evaluation, formats: formats, issuer: issuer)
            outcome.err += rendered.warnings.map { "\(file): warning: \($0)" }
            var outputs: [(String, Data)] = []
            if let pdf = rendered.report { outputs.append(("report.pdf", Data(pdf))) }
            if let html = rendered.reportHTML { outputs.append(("report.html", Data(html.utf8))) }
            if let pdf = rendered.certificate { outputs.append(("certificate.pdf", Data(pdf))) }
            if let html = rendered.certificateHTML { outputs.append(("certificate.html", Data(html.utf8))) }
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                outcome.err.append("starcert: error: cannot create the output folder \(folder.relativePath): \(error.localizedDescription)")
                outcome.failed = true
                return outcome
            }
            try AtomicFile.write(outputs.map { (folder.appendingPathComponent($0.0).path, $0.1) })
            let names = outputs.map { folder.appendingPathComponent($0.0).relativePath }
            let pages = rendered.report == nil ? "" : " (report: \(rendered.reportPages) pages)"
            outcome.out.append("wrote \(names.joined(separator: ", "))\(pages) — \(evaluation.decision.rawValue)")
        } catch let failure as Failure {
            outcome.err.append("starcert: error: \(failure.message)")
            outcome.failed = true
        } catch {
            outcome.err.append("\(file): error: \(error)")
            outcome.failed = true
        }
        return outcome
    }
}

extension Labels.Language: ExpressibleByArgument {}
