import Foundation
import StarCertCore
import StarCertWorkbook
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

/// The one way from an assessment file to documents, shared by `check`, `score`, `report` and
/// `issue`: read → validate (the file, its pictures, the fonts' coverage) → evaluate → build the
/// models → render → named outputs plus warnings. What issuing adds (refusals, numbering, signing)
/// is StarCertIssuing's, on top of `check` and the renderer.
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
        let parsed = AssessmentFiles.parse(fileAt: file, catalog: catalog)
        var diagnostics = parsed.diagnostics
        var images: [String: ImageData] = [:]
        var evaluation: Evaluation?
        if let assessment = parsed.assessment, let standard = parsed.standard {
            for record in assessment.itemRecords {
                for (index, photo) in record.photos.enumerated() where images[photo.resolvedPath] == nil {
                    do {
                        images[photo.resolvedPath] = try Picture.load(photo, for: "photo \(index + 1) of item \(record.itemID)")
                    } catch {
                        let expected = error.problem.contains("; expected") ? "" : "; expected a readable JPEG or PNG picture"
                        diagnostics.append(Diagnostic(.error, at: photo.location, "photo \(index + 1) of item \(record.itemID) `\(TerminalText.quoted(photo.file))` cannot be used: \(error.problem)\(expected)"))
                    }
                }
            }
            let scored = Evaluation(assessment: assessment, standard: standard)
            let model = ReportModel(scored, labels: renderer.templates.labels, issuer: issuer)
            let glyphs = renderer.checkGlyphs(model.userTexts + Self.texts(of: issuer))
            // Said where each text is written: its line, or its sheet and cell (the item's row).
            let byPlace = Dictionary(grouping: glyphs.missing) { Self.location(of: $0.field, in: assessment) ?? SourceLocation(file: file, line: 0, column: 0) }
            for (place, missing) in byPlace {
                diagnostics.append(Diagnostic(.error, at: place, ReportError.unshowableCharacters(missing).description))
            }
            diagnostics += glyphs.warnings.map { Diagnostic(.warning, at: SourceLocation(file: file, line: 0, column: 0), $0) }
            if !diagnostics.contains(where: { $0.severity == .error }) { evaluation = scored }
        }
        diagnostics.sort { $0.location < $1.location }
        return Checked(file: file, evaluation: evaluation, diagnostics: diagnostics, placeholders: parsed.placeholders,
                       source: parsed.source, images: images)
    }

    /// Where the text `field` of a report's user texts (`organization.name`, `items.4.2.1.evidence[2]`)
    /// is written in the assessment, as far as the assessment records it.
    static func location(of field: String, in assessment: Assessment) -> SourceLocation? {
        if field.hasPrefix("organization.") { return assessment.organization.locations[String(field.dropFirst("organization.".count))] }
        // The longest id that fits (`4.1.2` before a `4.1`, were there one).
        if let record = assessment.itemRecords.filter({ field.hasPrefix("items.\($0.itemID).") }).max(by: { $0.itemID.count < $1.itemID.count }) {
            return record.location
        }
        return assessment.vetoJudgements.filter { field.hasPrefix("veto.\($0.itemID).") }.max { $0.itemID.count < $1.itemID.count }?.location
    }

    package static func texts(of issuer: Issuer) -> [(field: String, text: String)] {
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
    /// A `draft` (a submitted evaluation) is marked as one and has no specimen certificate.
    public func render(_ file: String, formats: Set<OutputFormat>, issuer: Issuer = .builtInDefault, archival: Bool = false, draft: Bool = false) -> Result<Rendered, DiagnosedFailure> {
        let checked = check(file, issuer: issuer)
        guard let evaluation = checked.evaluation else { return .failure(DiagnosedFailure(checked.diagnostics)) }
        do {
            var model = ReportModel(evaluation, labels: renderer.templates.labels, issuer: issuer)
            if draft { model.markAsDraft() }
            let certificateModel = draft ? nil : CertificateModel(evaluation, text: renderer.templates.certificate, issuer: issuer)
            let (report, certificate) = try renderer.renderDocuments(
                report: model, images: checked.images, certificate: certificateModel, formats: formats, archival: archival)
            var warnings = checked.warnings
            let here = SourceLocation(file: file, line: 0, column: 0)
            warnings += ((report.laidOut?.warnings ?? []) + (certificate?.warnings ?? [])).map { Diagnostic(.warning, at: here, $0) }
            // A specimen that would show a text cut is not written: the report is.
            let overflows = certificate?.overflows ?? []
            for overflow in overflows {
                warnings.append(Diagnostic(.warning, at: here, Self.describe(overflow) + "; no specimen certificate is written, and `starcert issue` refuses it"))
            }
            var outputs: [NamedOutput] = []
            if let pdf = report.pdf { outputs.append(NamedOutput(name: "report.pdf", bytes: pdf)) }
            if let html = report.html { outputs.append(NamedOutput(name: "report.html", bytes: Array(html.utf8))) }
            if overflows.isEmpty, let pdf = certificate?.pdf { outputs.append(NamedOutput(name: "certificate.pdf", bytes: pdf)) }
            if overflows.isEmpty, let html = certificate?.html { outputs.append(NamedOutput(name: "certificate.html", bytes: Array(html.utf8))) }
            return .success(Rendered(evaluation: evaluation, outputs: outputs, warnings: warnings, reportPages: report.laidOut?.pages.count ?? 0))
        } catch {
            return .failure(DiagnosedFailure([Diagnostic(.error, at: SourceLocation(file: file, line: 0, column: 0), "\(error)")]))
        }
    }

    package static func describe(_ overflow: TextOverflow) -> String {
        "\(overflow.name) does not fit on the certificate even at \(Self.points(overflow.minimumSize)) pt, the smallest legible size: "
            + "\(overflow.excessCharacters) of its \(overflow.characters) characters are too many"
    }

    static func points(_ size: Double) -> String {
        size == size.rounded() ? String(Int(size)) : String(format: "%.1f", size)
    }

    package static func sorted(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        diagnostics.enumerated().sorted { ($0.element.location.file, $0.element.location, $0.offset) < ($1.element.location.file, $1.element.location, $1.offset) }.map(\.element)
    }
}

