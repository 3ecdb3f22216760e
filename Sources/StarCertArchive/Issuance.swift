import Foundation
import StarCertCore
import StarCertReports

/// Issues evaluations: validates, renders, numbers, signs and archives them in one transaction.
public struct Issuance {
    public let profile: IssuerProfile
    public let keys: SigningKeys
    public let archive: Archive
    public let renderer: ReportRenderer
    public let catalog: StandardCatalog

    public init(profile: IssuerProfile, keys: SigningKeys, archive: Archive, renderer: ReportRenderer, catalog: StandardCatalog) {
        self.profile = profile
        self.keys = keys
        self.archive = archive
        self.renderer = renderer
        self.catalog = catalog
    }

    public struct Outcome {
        public let evaluationID: Int64
        public let decision: Evaluation.Decision
        public let certificateNumber: String?
        /// The documents to write, by file name.
        public let files: [(name: String, bytes: Data)]
        public let warnings: [Diagnostic]
    }

    /// An archived evaluation as the history of a new report needs it (from its stored result JSON).
    static func previousEvaluation(_ summary: Archive.EvaluationSummary) -> PreviousEvaluation? {
        guard let auditEnd = CalendarDate(iso: summary.auditEnd), let total = Points(decimal: summary.total),
              let object = try? JSONSerialization.jsonObject(with: Data(summary.resultJSON.utf8)) as? [String: Any],
              let sections = object["sections"] as? [[String: Any]]
        else { return nil }
        var scores: [String: Points] = [:]
        for section in sections {
            if let id = section["id"] as? String, let score = (section["score"] as? String).flatMap(Points.init(decimal:)) { scores[id] = score }
        }
        return PreviousEvaluation(auditEnd: auditEnd, total: total, stars: summary.starLevel, decision: summary.decision, sectionScores: scores)
    }

    /// Issues the assessment at `file` on `date`. Throws `DiagnosedFailure` for an input with errors
    /// (nothing is archived then).
    public func issue(file: String, on date: CalendarDate, replaces: Int64? = nil) throws -> Outcome {
        let parsed = AssessmentParser(catalog: catalog).parse(fileAt: file)
        guard let assessment = parsed.assessment, let standard = parsed.standard else { throw DiagnosedFailure(parsed.diagnostics) }
        let evaluation = Evaluation(assessment: assessment, standard: standard)
        let issuer = try profile.issuer()
        let previous = try archive.history(creditCode: assessment.organization.creditCode.value, before: assessment.audit.end.description)
            .compactMap(Self.previousEvaluation)
        let report = try renderer.renderReport(evaluation, formats: [.pdf, .html], issuer: issuer, previous: previous)
        guard let reportPDF = report.pdf, let reportHTML = report.html else { throw ArchiveError.archive("the report could not be rendered") }
        let reportHash = sha256Hex(reportPDF)
        let organization = assessment.organization
        let certified = evaluation.decision == .certified && ((evaluation.starLevel?.stars ?? 0) > 1 || profile.certifyOneStar)
        let record = Archive.NewEvaluation(
            creditCode: organization.creditCode.value, organization: organization.name, standard: standard.id,
            kind: assessment.kind.rawValue, decision: evaluation.decision.rawValue, totalHundredths: evaluation.total.hundredths,
            starLevel: evaluation.starLevel?.stars, auditEnd: assessment.audit.end.description,
            assessmentName: (file as NSString).lastPathComponent, assessment: FileManager.default.contents(atPath: file) ?? Data(),
            resultJSON: evaluation.summaryJSON.serialized(), issuer: profile.name, replaces: replaces,
            documents: [("report.pdf", Data(reportPDF)), ("report.html", Data(reportHTML.utf8))])
        let series = profile.series(year: date.year)
        let (id, certificate) = try archive.issue(record, series: certified ? series : nil) { sequence in
            let number = profile.number(year: date.year, sequence: sequence)
            let canonical = CanonicalCertificate(
                number: number, organization: organization.name, creditCode: organization.creditCode.value, scope: organization.scope,
                standard: standard.id, starLevel: evaluation.starLevel?.stars ?? 0, total: evaluation.total.description,
                issued: date.description, expires: CertificateModel.expiry(from: date, years: profile.validityYears).description,
                reportSHA256: reportHash)
            let signature = try keys.sign(canonical.text)
            let url = "\(profile.verificationBaseURL)?n=\(CertificateModel.percentEncoded(number))&sig=\(signature)"
            guard let model = CertificateModel(
                evaluation, text: renderer.templates.certificate, issuer: issuer, validityYears: profile.validityYears,
                number: number, issueDate: date, verificationURL: url,
                signedPayload: Base64URL.encode(Data(canonical.text.utf8)) + "." + signature)
            else { throw ArchiveError.archive("a certificate could not be made for this evaluation") }
            let rendered = try renderer.renderCertificate(model, formats: [.pdf, .html])
            guard let pdf = rendered.pdf, let html = rendered.html else { throw ArchiveError.archive("the certificate could not be rendered") }
            return Archive.NewCertificate(
                number: number, series: series, sequence: sequence, canonical: canonical, signature: signature,
                publicKey: keys.publicKeyBase64, documents: [("certificate.pdf", Data(pdf)), ("certificate.html", Data(html.utf8))])
        }
        var files = record.documents
        files += certificate?.documents ?? []
        let warnings = parsed.warnings + report.warnings.map { Diagnostic(.warning, at: SourceLocation(file: file, line: 0, column: 0), $0) }
        return Outcome(evaluationID: id, decision: evaluation.decision, certificateNumber: certificate?.number, files: files, warnings: warnings)
    }
}
