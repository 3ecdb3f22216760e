import Foundation
import StarCertCore
import Typesetting

/// A document produced for an evaluation, by the name it is written under.
public struct NamedOutput: Sendable {
    public let name: String
    public let bytes: [UInt8]

    public init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }
}

/// The one way from an assessment file to documents, shared by `check`, `report`, `issue` and the
/// server: read → validate (the file, its pictures, the fonts' coverage) → evaluate → build the
/// models → render → named outputs plus warnings. What issuance must refuse is decided here too
/// (`prepareIssue`), before anything is numbered or signed.
///
/// A pipeline holds one renderer and is not thread-safe: make one per thread.
public final class DocumentPipeline {
    public let catalog: StandardCatalog
    public let renderer: ReportRenderer

    public init(catalog: StandardCatalog, renderer: ReportRenderer) {
        self.catalog = catalog
        self.renderer = renderer
    }

    /// An assessment read and checked: usable when `evaluation` is set (no errors).
    public struct Checked: Sendable {
        public let file: String
        public let evaluation: Evaluation?
        /// Errors and warnings, in order of position.
        public let diagnostics: [Diagnostic]
        /// Placeholders left from `starcert init` (warnings in a self-assessment, errors otherwise).
        public let placeholders: [Diagnostic]
        /// The bytes of the file as read.
        public let source: [UInt8]
        /// The photos, by resolved path, each read and checked once.
        public let images: [String: ImageData]

        public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
        public var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }
    }

    /// Reads and checks `file`: everything `report` and `issue` would refuse about the file itself —
    /// its syntax and content, its pictures (regular files, sizes, whether they decode), characters
    /// no font can show — so that `check` and `report` agree. `issuer` adds the issuer's texts to
    /// the font check.
    public func check(_ file: String, issuer: Issuer = .builtInDefault) -> Checked {
        let parsed = AssessmentParser(catalog: catalog).parse(fileAt: file)
        var diagnostics = parsed.diagnostics
        var images: [String: ImageData] = [:]
        var evaluation: Evaluation?
        if let assessment = parsed.assessment, let standard = parsed.standard {
            for record in assessment.itemRecords {
                for (index, photo) in record.photos.enumerated() where images[photo.resolvedPath] == nil {
                    do {
                        images[photo.resolvedPath] = try Picture.load(photo.resolvedPath, for: "photo \(index + 1) of item \(record.itemID)")
                    } catch {
                        diagnostics.append(Diagnostic(.error, at: photo.location, "photo \(index + 1) of item \(record.itemID) `\(TerminalText.quoted(photo.file))` cannot be used: \(error.problem); expected a readable JPEG or PNG picture"))
                    }
                }
            }
            let scored = Evaluation(assessment: assessment, standard: standard)
            let model = ReportModel(scored, labels: renderer.templates.labels, issuer: issuer)
            let glyphs = renderer.checkGlyphs(model.userTexts + Self.texts(of: issuer))
            if !glyphs.missing.isEmpty {
                diagnostics.append(Diagnostic(.error, at: SourceLocation(file: file, line: 0, column: 0), ReportError.unshowableCharacters(glyphs.missing).description))
            }
            diagnostics += glyphs.warnings.map { Diagnostic(.warning, at: SourceLocation(file: file, line: 0, column: 0), $0) }
            if !diagnostics.contains(where: { $0.severity == .error }) { evaluation = scored }
        }
        diagnostics.sort { $0.location < $1.location }
        return Checked(file: file, evaluation: evaluation, diagnostics: diagnostics, placeholders: parsed.placeholders,
                       source: parsed.source, images: images)
    }

    static func texts(of issuer: Issuer) -> [(field: String, text: String)] {
        [("issuer.name", issuer.name), ("issuer.name_en", issuer.nameEnglish)] + (issuer.address.map { [("issuer.address", $0)] } ?? [])
            + (issuer.approvalNumber.map { [("issuer.approval_number", $0)] } ?? [])
    }

    /// What `report` produces for one file.
    public struct Rendered: Sendable {
        public let evaluation: Evaluation
        public let outputs: [NamedOutput]
        /// Warnings from reading, the fonts and the layout.
        public let warnings: [Diagnostic]
        public let reportPages: Int
    }

    /// `report`: the report and, for a certified evaluation, a specimen certificate, in `formats`.
    public func render(_ file: String, formats: Set<OutputFormat>, issuer: Issuer = .builtInDefault, archival: Bool = false) -> Result<Rendered, DiagnosedFailure> {
        let checked = check(file, issuer: issuer)
        guard let evaluation = checked.evaluation else { return .failure(DiagnosedFailure(checked.diagnostics)) }
        do {
            let model = ReportModel(evaluation, labels: renderer.templates.labels, issuer: issuer)
            let certificateModel = CertificateModel(evaluation, text: renderer.templates.certificate, issuer: issuer)
            let (report, certificate) = try renderer.renderDocuments(
                report: model, images: checked.images, certificate: certificateModel, formats: formats, archival: archival)
            var warnings = checked.warnings
            let here = SourceLocation(file: file, line: 0, column: 0)
            warnings += ((report.laidOut?.warnings ?? []) + (certificate?.warnings ?? [])).map { Diagnostic(.warning, at: here, $0) }
            for overflow in certificate?.overflows ?? [] {
                warnings.append(Diagnostic(.warning, at: here, Self.describe(overflow) + "; the specimen cuts it, and `starcert issue` refuses it"))
            }
            var outputs: [NamedOutput] = []
            if let pdf = report.pdf { outputs.append(NamedOutput(name: "report.pdf", bytes: pdf)) }
            if let html = report.html { outputs.append(NamedOutput(name: "report.html", bytes: Array(html.utf8))) }
            if let pdf = certificate?.pdf { outputs.append(NamedOutput(name: "certificate.pdf", bytes: pdf)) }
            if let html = certificate?.html { outputs.append(NamedOutput(name: "certificate.html", bytes: Array(html.utf8))) }
            return .success(Rendered(evaluation: evaluation, outputs: outputs, warnings: warnings, reportPages: report.laidOut?.pages.count ?? 0))
        } catch {
            return .failure(DiagnosedFailure([Diagnostic(.error, at: SourceLocation(file: file, line: 0, column: 0), "\(error)")]))
        }
    }

    static func describe(_ overflow: TextOverflow) -> String {
        "\(overflow.name) does not fit on the certificate even at \(Self.points(overflow.minimumSize)) pt, the smallest legible size: "
            + "\(overflow.excessCharacters) of its \(overflow.characters) characters are too many"
    }

    static func points(_ size: Double) -> String {
        size == size.rounded() ? String(Int(size)) : String(format: "%.1f", size)
    }

    // MARK: Issuing

    /// What an issue is made under: the profile, its issuer (pictures loaded), the issue day and today,
    /// both in the profile's time zone.
    public struct IssueTerms: Sendable {
        public let profile: IssuerProfile
        public let issuer: Issuer
        public let date: CalendarDate
        public let today: CalendarDate
        /// Signs a finished PDF/A file (the issuer's key lives with the archive, not here).
        public let signPDF: @Sendable (_ pdf: [UInt8], _ reason: String) throws -> [UInt8]

        public init(profile: IssuerProfile, issuer: Issuer, date: CalendarDate, today: CalendarDate,
                    signPDF: @escaping @Sendable (_ pdf: [UInt8], _ reason: String) throws -> [UInt8]) {
            self.profile = profile
            self.issuer = issuer
            self.date = date
            self.today = today
            self.signPDF = signPDF
        }
    }

    /// An evaluation that passed every refusal rule, with its report rendered; the certificate is
    /// made by `certificate(for:…)` once the archive has given it a number.
    public struct PreparedIssue: Sendable {
        public let file: String
        public let evaluation: Evaluation
        public let source: [UInt8]
        /// `report.pdf` (PDF/A-2b, signed) and `report.html`.
        public let report: [NamedOutput]
        /// The report PDF as it was before signing: what the certificate's data names by its hash.
        public let unsignedReportPDF: [UInt8]
        public let warnings: [Diagnostic]
        /// Whether a certificate is made: certified, and one star only when the profile certifies it.
        public let certifies: Bool
        public let terms: IssueTerms

    }

    /// Checks `file` and every rule that keeps a certificate from being signed, then renders the
    /// report with `history` (earlier evaluations of the organization, from the archive). Nothing
    /// is numbered, signed or archived here; a failure lists every reason.
    public func prepareIssue(_ file: String, terms: IssueTerms, history: (Assessment) throws -> [PreviousEvaluation]) -> Result<PreparedIssue, DiagnosedFailure> {
        let checked = check(file, issuer: terms.issuer)
        let here = SourceLocation(file: file, line: 0, column: 0)
        var problems = terms.profile.issuanceProblems.map { Diagnostic(.error, at: $0.location, $0.message) }
        problems += checked.errors
        // A self-assessment's placeholders are only warnings for `check`; nothing is archived with them.
        problems += checked.placeholders.filter { placeholder in !problems.contains { $0.location == placeholder.location } }
        if !CalendarDate.supportedYears.contains(terms.date.year) {
            problems.append(Diagnostic(.error, at: here, "the issue date \(terms.date) is outside the years StarCert accepts; expected a date from \(CalendarDate.supportedYears.lowerBound) to \(CalendarDate.supportedYears.upperBound)"))
        }
        if terms.date > terms.today {
            problems.append(Diagnostic(.error, at: here, "the issue date \(terms.date) is after today (\(terms.today) in \(terms.profile.timeZone)); expected today or an earlier day"))
        }
        guard let evaluation = checked.evaluation else { return .failure(DiagnosedFailure(Self.sorted(problems))) }
        let audit = evaluation.assessment.audit
        if audit.end > terms.today {
            problems.append(Diagnostic(.error, at: here, "the audit ends on \(audit.end), after today (\(terms.today) in \(terms.profile.timeZone)); expected an audit that has taken place"))
        }
        if terms.date < audit.end {
            problems.append(Diagnostic(.error, at: here, "the issue date \(terms.date) is before the audit's last day \(audit.end); expected the audit's last day or later"))
        }
        let certifies = evaluation.decision == .certified && ((evaluation.starLevel?.stars ?? 0) > 1 || terms.profile.certifyOneStar)
        if certifies {
            // The widest number of this year's series, the longest address and signature: if the texts fit
            // beside these, they fit on the real certificate.
            let widest = terms.profile.widestNumber(year: terms.date.year)
            if let model = CertificateModel(evaluation, text: renderer.templates.certificate, issuer: terms.issuer,
                                            validityYears: terms.profile.validityYears, number: widest, issueDate: terms.date,
                                            verificationURL: terms.profile.verificationBaseURL + "?n=" + widest) {
                for overflow in renderer.layoutCertificate(model).overflows {
                    let field = CertificateField(rawValue: overflow.name)
                    let where_ = field.map { field in
                        field.isIssuer ? terms.profile.locations[field.key] ?? SourceLocation(file: terms.profile.file, line: 0, column: 0)
                            : evaluation.assessment.organization.locations[field.key] ?? here
                    } ?? here
                    problems.append(Diagnostic(.error, at: where_, Self.describe(overflow) + "; expected a shorter text (a signed certificate never cuts it)"))
                }
            }
        }
        guard problems.isEmpty else { return .failure(DiagnosedFailure(Self.sorted(problems))) }
        do {
            let previous = try history(evaluation.assessment)
            let model = ReportModel(evaluation, labels: renderer.templates.labels, issuer: terms.issuer, previous: previous)
            let report = try renderer.renderReport(model, images: checked.images, formats: [.pdf, .html], archival: true)
            guard let pdf = report.pdf, let html = report.html else { throw ReportError.unshowableCharacters([]) }
            let signed = try terms.signPDF(pdf, "\(model.title) — \(evaluation.assessment.organization.name)")
            let warnings = checked.warnings + (report.laidOut?.warnings ?? []).map { Diagnostic(.warning, at: here, $0) }
            return .success(PreparedIssue(
                file: file, evaluation: evaluation, source: checked.source,
                report: [NamedOutput(name: "report.pdf", bytes: signed), NamedOutput(name: "report.html", bytes: Array(html.utf8))],
                unsignedReportPDF: pdf, warnings: warnings, certifies: certifies, terms: terms))
        } catch {
            return .failure(DiagnosedFailure([Diagnostic(.error, at: here, "\(error)")]))
        }
    }

    /// The certificate of `prepared` with its number, QR address and signed data (inside the
    /// archive's issuing transaction). Throws rather than return a certificate that cuts a text.
    public func certificate(for prepared: PreparedIssue, number: String, verificationURL: String, signedPayload: String) throws -> [NamedOutput] {
        let terms = prepared.terms
        guard let model = CertificateModel(
            prepared.evaluation, text: renderer.templates.certificate, issuer: terms.issuer, validityYears: terms.profile.validityYears,
            number: number, issueDate: terms.date, verificationURL: verificationURL, signedPayload: signedPayload)
        else { throw IssueRefusal(message: "evaluation \(prepared.file) gets no certificate (\(prepared.evaluation.decision.rawValue))") }
        let rendered = try renderer.renderCertificate(model, formats: [.pdf, .html], archival: true)
        if let overflow = rendered.laidOut?.overflows.first { throw IssueRefusal(message: Self.describe(overflow)) }
        guard let pdf = rendered.pdf, let html = rendered.html else { throw IssueRefusal(message: "the certificate could not be rendered") }
        let signed = try terms.signPDF(pdf, model.wording.documentTitle)
        return [NamedOutput(name: "certificate.pdf", bytes: signed), NamedOutput(name: "certificate.html", bytes: Array(html.utf8))]
    }

    static func sorted(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        diagnostics.enumerated().sorted { ($0.element.location.file, $0.element.location, $0.offset) < ($1.element.location.file, $1.element.location, $1.offset) }.map(\.element)
    }
}

/// Why a certificate was not made, found after numbering began (the archive rolls back).
public struct IssueRefusal: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
}

extension CertificateField {
    /// Whether the text comes from the issuer profile rather than the assessment.
    var isIssuer: Bool { [.issuerName, .issuerEnglishName, .approvalNumber, .number].contains(self) }
}
