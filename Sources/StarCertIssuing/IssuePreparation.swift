import Foundation
import StarCertArchive
import StarCertCore
import StarCertDocuments

/// What an issue is made under: the profile, its issuer (pictures loaded), the issue day and today,
/// both in the profile's time zone.
public struct IssueTerms: Sendable {
    public let profile: IssuerProfile
    public let issuer: Issuer
    public let date: CalendarDate
    public let today: CalendarDate

    public init(profile: IssuerProfile, issuer: Issuer, date: CalendarDate, today: CalendarDate) {
        self.profile = profile
        self.issuer = issuer
        self.date = date
        self.today = today
    }
}

/// An evaluation that passed every refusal rule. Without a certificate its report is rendered
/// and signed here; with one, report and certificate are made once the archive has given the
/// certificate its number, which the report prints.
public struct PreparedIssue: Sendable {
    public let file: String
    public let evaluation: Evaluation
    public let source: [UInt8]
    /// The organization's earlier evaluations and the checked input with its photos, for drawing the report.
    let previous: [PreviousEvaluation]
    let checked: DocumentPipeline.Checked
    /// `report.pdf` (PDF/A-2b, signed) and `report.html` when no certificate is made; empty otherwise.
    public let report: [NamedOutput]
    public let warnings: [Diagnostic]
    /// Whether a certificate is made: certified, and one star only when the profile certifies it
    /// (for a surveillance: only when the star level changes).
    public let certifies: Bool
    /// What the decision does in the certificate's cycle.
    let cycle: CyclePlan
}

/// Where an evaluation stands in a certificate's cycle, found before the issuing transaction.
struct CyclePlan: Sendable {
    /// nil for a self-assessment, which is in no cycle.
    var activity: Archive.Activity?
    /// The certificate a surveillance or recertification continues.
    var continues: String?
    /// What a surveillance does: maintained, changed, or as decided (suspended, withdrawn); nil
    /// for initial and recertification decisions, which grant when a certificate is made.
    var outcome: Archive.Outcome?
    /// The last valid day of a certificate made now.
    var expires: CalendarDate
    /// The certificate number the report prints when no new one is made (a surveillance's).
    var reportsCertificate: String?
    /// Who reviewed and who decided, for the report's record (nil when `issue` decided).
    var reviewer: String?
    var decider: String?
    /// The decider's reason (a surveillance that suspends or withdraws).
    var reason: String = ""
}

/// An issued report: its files, the PDF before signing (what a certificate names by its hash),
/// and what laying it out warned about.
struct IssuedReport {
    let files: [NamedOutput]
    let unsignedPDF: [UInt8]
    let warnings: [Diagnostic]
}

extension Issuance {
    /// The profile's timestamp service, when it names one.
    var timestamps: TimestampService? {
        get throws(IssueRefusal) {
            guard let address = terms.profile.timestampURL else { return nil }
            guard let url = URL(string: address) else {
                throw IssueRefusal(message: "the issuer profile's timestamp_url `\(address)` cannot be used as an address; expected an http or https address")
            }
            return TimestampService(url: url)
        }
    }

    /// Checks `file` and every rule that keeps a certificate from being signed, then renders the
    /// report with the organization's earlier evaluations from the archive and signs it. Nothing is
    /// numbered or archived here; a failure lists every reason.
    func prepare(_ file: String, replacing: Int64?, decision: Decision?) -> Result<PreparedIssue, DiagnosedFailure> {
        let decided = decision?.outcome
        let renderer = pipeline.renderer
        let checked = pipeline.check(file, issuer: terms.issuer)
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
        guard let evaluation = checked.evaluation else { return .failure(DiagnosedFailure(DocumentPipeline.sorted(problems))) }
        let audit = evaluation.assessment.audit
        if audit.end > terms.today {
            problems.append(Diagnostic(.error, at: here, "the audit ends on \(audit.end), after today (\(terms.today) in \(terms.profile.timeZone)); expected an audit that has taken place"))
        }
        if terms.date < audit.end {
            problems.append(Diagnostic(.error, at: here, "the issue date \(terms.date) is before the audit's last day \(audit.end); expected the audit's last day or later"))
        }
        let resultCertifies = evaluation.decision == .certified && ((evaluation.starLevel?.stars ?? 0) > 1 || terms.profile.certifyOneStar)
        var plan = CyclePlan(activity: nil, continues: nil, outcome: nil, expires: CertificateModel.expiry(from: terms.date, years: terms.profile.validityYears),
                             reviewer: decision?.reviewer, decider: decision?.decider.actor, reason: decision?.reason ?? "")
        if let replacing, let problem = correctionPlan(&plan, replacing: replacing) { problems.append(Diagnostic(.error, at: here, problem)) }
        problems += cyclePlan(&plan, evaluation: evaluation, resultCertifies: resultCertifies, decided: decided, at: here)
        let certifies = resultCertifies && (plan.activity != .surveillance || plan.outcome == .changed)
        if certifies {
            // A signature must stay verifiable for the certificate's whole life: the issuer's
            // certificate may not end before it does.
            let expires = plan.expires
            let keyEnds = SignerCertificates.day(identity.validUntil)
            if keyEnds < expires.description {
                problems.append(Diagnostic(.error, at: here, "the issuer's signing certificate is valid until \(keyEnds), before the certificate would expire (\(expires)); expected a signing certificate that outlives it — renew it (`starcert keys init` in a new folder, or `starcert keys import`)"))
            }
        }
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
                    problems.append(Diagnostic(.error, at: where_, DocumentPipeline.describe(overflow) + "; expected a shorter text (a signed certificate never cuts it)"))
                }
            }
        }
        guard problems.isEmpty else { return .failure(DiagnosedFailure(DocumentPipeline.sorted(problems))) }
        do {
            let previous = try history(of: evaluation.assessment, replacing: replacing)
            var prepared = PreparedIssue(file: file, evaluation: evaluation, source: checked.source, previous: previous, checked: checked,
                                         report: [], warnings: checked.warnings, certifies: certifies, cycle: plan)
            if !certifies {
                let report = try report(of: prepared, certificateNumber: plan.reportsCertificate)
                prepared = PreparedIssue(file: file, evaluation: evaluation, source: checked.source, previous: previous, checked: checked,
                                         report: report.files, warnings: checked.warnings + report.warnings, certifies: false, cycle: plan)
            }
            return .success(prepared)
        } catch {
            return .failure(DiagnosedFailure([Diagnostic(.error, at: here, "\(error)")]))
        }
    }

    /// Fills in `plan` from the assessment's kind and the certificate it continues; returns why the
    /// decision cannot be made. A surveillance names a certificate of this archive and keeps it
    /// (same star level), changes it (another star level: a new certificate to the same expiry), or
    /// suspends or withdraws it as decided; a result without a certificate cannot keep it. A
    /// recertification may name the certificate it continues (replaced by the new one); without
    /// one it begins a cycle as an initial certification does.
    func cyclePlan(_ plan: inout CyclePlan, evaluation: Evaluation, resultCertifies: Bool, decided: Archive.Outcome?, at here: SourceLocation) -> [Diagnostic] {
        let assessment = evaluation.assessment
        let number = assessment.certificateNumber
        switch assessment.kind {
        case .selfAssessment:
            return number == nil ? [] : [Diagnostic(.warning, at: here, "a self-assessment continues no certificate; `certificate` \(TerminalText.quoted(number!)) is not used")]
        case .initial:
            plan.activity = .initial
            if let number { return [Diagnostic(.error, at: here, "an initial evaluation names no certificate, but this one names \(TerminalText.quoted(number)); expected kind: surveillance or recertification for an evaluation that continues a certificate")] }
        case .recertification:
            plan.activity = .recertification
            plan.continues = number
        case .surveillance:
            plan.activity = .surveillance
            guard let number else {
                return [Diagnostic(.error, at: here, "a surveillance names the certificate it surveils; expected `certificate: NUMBER` in the assessment (证书编号 in the workbook)")]
            }
            plan.continues = number
            plan.reportsCertificate = number
            let programme: Archive.Programme?
            do { programme = try archive.existing?.programme(number, rules: terms.profile.programme) } catch {
                return [Diagnostic(.error, at: here, "\(error)")]
            }
            guard let programme else {
                return [Diagnostic(.error, at: here, "there is no certificate \(TerminalText.quoted(number)) in \(archive.path); expected the number of the certificate this surveillance continues")]
            }
            plan.expires = programme.expires
            if assessment.organization.name != programme.organization || assessment.organization.scope != programme.scope {
                return [Diagnostic(.error, at: assessment.organization.locations["name"] ?? here, "the organization's name or scope differs from certificate \(number)'s (\(TerminalText.quoted(programme.organization)); \(TerminalText.quoted(programme.scope))); a surveillance keeps the certificate as it is — expected its name and scope, or a new evaluation for a change")]
            }
            if let decided {
                plan.outcome = decided
            } else if !resultCertifies {
                return [Diagnostic(.error, at: here, "the surveillance's result (\(evaluation.decision.rawValue)\(evaluation.starLevel.map { ", \($0.stars) stars" } ?? "")) gets no certificate, so it cannot keep certificate \(number); expected a decision to suspend or withdraw it (`starcert decide ID --suspend` or `--withdraw` with --reason)")]
            } else if evaluation.starLevel?.stars == programme.starLevel {
                plan.outcome = .maintained
            } else {
                plan.outcome = .changed
                plan.reportsCertificate = nil
            }
        }
        if decided != nil, assessment.kind != .surveillance {
            return [Diagnostic(.error, at: here, "only a surveillance is decided by suspending or withdrawing the certificate; expected --grant or --refuse")]
        }
        return []
    }

    /// A correction keeps the certificate's expiry and never lifts a suspension; returns why it
    /// cannot be made.
    func correctionPlan(_ plan: inout CyclePlan, replacing: Int64) -> String? {
        guard let archive = archive.existing, let number = try? archive.evaluation(replacing).certificateNumber,
              let programme = try? archive.programme(number, rules: terms.profile.programme) else { return nil }
        if programme.status == .suspended {
            return "certificate \(number) of evaluation \(replacing) is suspended since \(programme.statusSince); a correction would lift the suspension — expected a surveillance decided on it first"
        }
        plan.expires = programme.expires
        return nil
    }

    /// The signed report of `prepared`, naming the certificate `certificateNumber` when it has one.
    func report(of prepared: PreparedIssue, certificateNumber: String?) throws -> IssuedReport {
        let renderer = pipeline.renderer
        let evaluation = prepared.evaluation
        let model = ReportModel(evaluation, labels: renderer.templates.labels, issuer: terms.issuer, previous: prepared.previous,
                                issue: ReportModel.Issue(certificateNumber: certificateNumber, reviewer: prepared.cycle.reviewer, decider: prepared.cycle.decider,
                                                         surveillanceDecision: prepared.cycle.activity == .surveillance
                                                            ? prepared.cycle.outcome.flatMap { $0 == .changed ? nil : ($0.rawValue, prepared.cycle.reason) } : nil))
        let report = try renderer.renderReport(model, images: prepared.checked.images, formats: [.pdf, .html], archival: true)
        guard let pdf = report.pdf, let html = report.html else { throw ReportError.unshowableCharacters([]) }
        let signed = try PDFSigning.sign(pdf, with: identity, timestamps: try timestamps, reason: "\(model.title) — \(evaluation.assessment.organization.name)")
        let here = SourceLocation(file: prepared.file, line: 0, column: 0)
        return IssuedReport(files: [NamedOutput(name: "report.pdf", bytes: signed), NamedOutput(name: "report.html", bytes: Array(html.utf8))],
                            unsignedPDF: pdf, warnings: (report.laidOut?.warnings ?? []).map { Diagnostic(.warning, at: here, $0) })
    }

    /// The certificate of `prepared` with its number, QR address and signed data (inside the
    /// archive's issuing transaction). Throws rather than return a certificate that cuts a text.
    func certificate(for prepared: PreparedIssue, number: String, verificationURL: String, signedPayload: String) throws -> [NamedOutput] {
        guard let model = CertificateModel(
            prepared.evaluation, text: pipeline.renderer.templates.certificate, issuer: terms.issuer, validityYears: terms.profile.validityYears,
            number: number, issueDate: terms.date, verificationURL: verificationURL, signedPayload: signedPayload)
        else { throw IssueRefusal(message: "evaluation \(prepared.file) gets no certificate (\(prepared.evaluation.decision.rawValue))") }
        let rendered = try pipeline.renderer.renderCertificate(model, formats: [.pdf, .html], archival: true)
        if let overflow = rendered.laidOut?.overflows.first { throw IssueRefusal(message: DocumentPipeline.describe(overflow)) }
        guard let pdf = rendered.pdf, let html = rendered.html else { throw IssueRefusal(message: "the certificate could not be rendered") }
        let signed: [UInt8]
        do {
            signed = try PDFSigning.sign(pdf, with: identity, timestamps: try timestamps, reason: model.wording.documentTitle)
        } catch let failure as TimestampService.Failure {
            throw IssueRefusal(message: failure.description)
        }
        return [NamedOutput(name: "certificate.pdf", bytes: signed), NamedOutput(name: "certificate.html", bytes: Array(html.utf8))]
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
