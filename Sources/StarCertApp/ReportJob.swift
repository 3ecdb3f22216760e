import Foundation
import StarCertCore
import StarCertDocuments
import StarCertTemplates
import Typesetting

/// What happened to one input of a batch, for a front end to show.
public struct FileOutcome: Sendable {
    public let input: String
    /// Errors and warnings, positioned.
    public var diagnostics: [Diagnostic] = []
    /// A line that says what was done (the files written, the decision, the certificate number).
    public var summary: String?
    public var failed = false
    /// What `issue` archived: the evaluation and its certificate, if any.
    public var evaluationID: Int64?
    public var certificateNumber: String?

    public init(input: String) {
        self.input = input
    }

    public init(input: String, failure: String) {
        self.input = input
        diagnostics = [Diagnostic(.error, at: SourceLocation(file: input, line: 0, column: 0), failure)]
        failed = true
    }
}

/// The things every document command loads once: standards, templates, fonts.
public struct DocumentSetup: Sendable {
    public let catalog: StandardCatalog
    public let templates: DocumentTemplates
    public let fonts: FontConfiguration
    public let html: HTMLDocuments?

    /// Loads them for `language`; `html` loads the HTML templates too.
    public init(language: Labels.Language, html: Bool, serifFont: String? = nil, sansFont: String? = nil) throws(SetupFailure) {
        do {
            catalog = try StandardCatalog.installed()
        } catch let failure as DiagnosedFailure {
            throw .installation(failure)
        } catch {
            throw .installation(error)
        }
        do {
            templates = try DocumentTemplates.load(language)
            fonts = try FontSetup.locate(serif: serifFont, sans: sansFont)
            self.html = html ? try HTMLDocuments(templates: templates) : nil
        } catch {
            throw .installation(error)
        }
    }

    /// A pipeline for one thread.
    public func pipeline() throws -> DocumentPipeline {
        DocumentPipeline(catalog: catalog, renderer: try ReportRenderer(fonts: fonts, templates: templates, html: html))
    }
}

/// `starcert report`: renders each input's documents into its folder.
public struct ReportJob: Sendable {
    public var inputs: [String]
    public var output: URL
    public var formats: Set<OutputFormat>
    public var language: Labels.Language
    /// An issuer profile to name on the documents; nil for the standard's publisher.
    public var issuerProfile: String?
    public var serifFont: String?
    public var sansFont: String?
    public var jobs: Int
    /// PDF/A-2b PDFs (unsigned).
    public var archival: Bool

    public init(inputs: [String], output: URL, formats: Set<OutputFormat>, language: Labels.Language, issuerProfile: String?,
                serifFont: String?, sansFont: String?, jobs: Int, archival: Bool = false) {
        self.archival = archival
        self.inputs = inputs
        self.output = output
        self.formats = formats
        self.language = language
        self.issuerProfile = issuerProfile
        self.serifFont = serifFont
        self.sansFont = sansFont
        self.jobs = jobs
    }

    /// Renders every input on `jobs` workers; `notice` gets warnings that concern the whole run,
    /// `completed` each input's outcome as it finishes. Returns how many inputs failed.
    public func run(notice: @escaping @Sendable (Diagnostic) -> Void, completed: @escaping @Sendable (FileOutcome) -> Void) throws(SetupFailure) -> Int {
        let setup = try DocumentSetup(language: language, html: formats.contains(.html), serifFont: serifFont, sansFont: sansFont)
        if archival { do { _ = try ColorProfile.sRGB() } catch { throw .installation(error) } }
        var issuer = Issuer.builtInDefault
        if let issuerProfile {
            switch IssuerProfile.load(file: issuerProfile) {
            case let .success(profile):
                profile.issuanceProblems.forEach { notice(Diagnostic(.warning, at: $0.location, $0.message)) }
                do { issuer = try profile.issuer() } catch { throw .unusable(error) }
            case let .failure(failure):
                throw .diagnostics(failure.diagnostics)
            }
        }
        let (targets, repeats) = OutputFiles.targets(for: inputs, in: output)
        for (input, first) in repeats {
            notice(Diagnostic(.warning, at: SourceLocation(file: input, line: 0, column: 0), "the same file as \(first); rendered once"))
        }
        let formats = self.formats
        let named = issuer
        let archival = self.archival
        let failures = Counter()
        let alongside = targets.count < jobs
        Batch.run(targets.count, jobs: jobs, makeWorker: {
            let pipeline = try setup.pipeline()
            pipeline.renderer.drawsCertificateAlongside = alongside
            return pipeline
        }, work: { pipeline, index in
            Self.render(targets[index], with: pipeline, formats: formats, issuer: named, archival: archival)
        }, failure: { index, error in
            FileOutcome(input: targets[index].input, failure: "\(error)")
        }, completed: { outcome in
            if outcome.failed { failures.increment() }
            completed(outcome)
        })
        return failures.value
    }

    static func render(_ target: OutputFiles.Target, with pipeline: DocumentPipeline, formats: Set<OutputFormat>, issuer: Issuer, archival: Bool) -> FileOutcome {
        var outcome = FileOutcome(input: target.input)
        switch pipeline.render(target.input, formats: formats, issuer: issuer, archival: archival) {
        case let .failure(failure):
            outcome.diagnostics = failure.diagnostics
            outcome.failed = true
        case let .success(rendered):
            outcome.diagnostics = rendered.warnings
            do {
                try OutputFiles.write(rendered.outputs, for: target)
                let names = rendered.outputs.map { target.folder.appendingPathComponent($0.name).relativePath }
                let pages = formats.contains(.pdf) ? " (report: \(rendered.reportPages) pages)" : ""
                outcome.summary = "wrote \(names.joined(separator: ", "))\(pages) — \(rendered.evaluation.decision.rawValue)"
            } catch {
                outcome.diagnostics.append(Diagnostic(.error, at: SourceLocation(file: target.input, line: 0, column: 0), "\(error); nothing was written"))
                outcome.failed = true
            }
        }
        return outcome
    }
}

/// A count shared by batch workers.
public final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    public init() {}

    public func increment() {
        lock.lock()
        count += 1
        lock.unlock()
    }

    public var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }
}
