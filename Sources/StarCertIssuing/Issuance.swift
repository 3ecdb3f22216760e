import Foundation
import GRDB
import StarCertArchive
import StarCertCore
import StarCertDocuments

/// Issues evaluations: the document pipeline checks and refuses, then one archive transaction
/// numbers, signs and records, and the certificate is drawn with its number inside it.
public struct Issuance {
    public let terms: IssueTerms
    public let identity: SigningIdentity
    public let archive: ArchiveHandle
    public let pipeline: DocumentPipeline

    public init(terms: IssueTerms, identity: SigningIdentity, archive: ArchiveHandle, pipeline: DocumentPipeline) {
        self.terms = terms
        self.identity = identity
        self.archive = archive
        self.pipeline = pipeline
    }

    public struct Outcome: Sendable {
        public let evaluationID: Int64
        public let decision: Evaluation.Decision
        public let certificateNumber: String?
        /// What the decision did to the certificate a surveillance or recertification continues.
        public var continued: (number: String, outcome: Archive.Outcome)?
        /// The documents to write, by file name.
        public let files: [NamedOutput]
        public let warnings: [Diagnostic]
    }

    /// Why nothing was issued: the input or the profile was refused (positioned diagnostics), or
    /// the archive could not record it.
    public enum Failure: Error, Sendable {
        case refused([Diagnostic])
        case archive(ArchiveError)
    }

    /// An archived evaluation as the history of a new report needs it (from its stored result JSON).
    static func previousEvaluation(_ row: EvaluationRow) -> PreviousEvaluation? {
        guard let auditEnd = CalendarDate(iso: row.auditEnd), let total = Points(decimal: row.total),
              let object = try? JSONSerialization.jsonObject(with: Data(row.resultJSON.utf8)) as? [String: Any],
              let sections = object["sections"] as? [[String: Any]]
        else { return nil }
        var scores: [String: Points] = [:]
        for section in sections {
            if let id = section["id"] as? String, let score = (section["score"] as? String).flatMap(Points.init(decimal:)) { scores[id] = score }
        }
        return PreviousEvaluation(auditEnd: auditEnd, total: total, stars: row.starLevel, decision: row.decision, sectionScores: scores)
    }

    /// The organization's archived evaluations before this one's audit, for the report's history.
    func history(of assessment: Assessment, replacing: Int64?) throws -> [PreviousEvaluation] {
        try archive.existing?.history(creditCode: assessment.organization.creditCode.value, before: assessment.audit.end.description, replacing: replacing)
            .compactMap(Self.previousEvaluation) ?? []
    }

    /// A decision made by people outside the audit team (`decide`), recorded with what it issues.
    public struct Decision: Sendable {
        public var submissionID: Int64
        public var decider: EventSigner
        public var reviewer: String?
        /// A surveillance's decision to suspend or withdraw the certificate; nil for a grant.
        public var outcome: Archive.Outcome?
        public var reason: String

        public init(submissionID: Int64, decider: EventSigner, reviewer: String?, outcome: Archive.Outcome?, reason: String) {
            self.submissionID = submissionID
            self.decider = decider
            self.reviewer = reviewer
            self.outcome = outcome
            self.reason = reason
        }
    }

    /// Issues the assessment at `file`, correcting evaluation `replaces` when given; `decision`
    /// is the decision of people outside the audit team (nil: `issue` decides in one step).
    public func issue(file: String, replaces: Int64? = nil, decision: Decision? = nil) -> Result<Outcome, Failure> {
        let here = SourceLocation(file: file, line: 0, column: 0)
        let prepared: PreparedIssue
        switch prepare(file, replacing: replaces, decision: decision) {
        case let .success(ready): prepared = ready
        case let .failure(failure): return .failure(.refused(failure.diagnostics))
        }
        let evaluation = prepared.evaluation
        let organization = evaluation.assessment.organization
        if let replaces {
            let problem = archive.existing.map { $0.replacementProblem(replaces, creditCode: organization.creditCode.value) }
                ?? "--replaces \(replaces): there is no evaluation \(replaces); the archive \(archive.path) does not exist yet"
            if let problem { return .failure(.refused([Diagnostic(.error, at: here, problem)])) }
        }
        let profile = terms.profile
        let date = terms.date
        let record = EvaluationRow(
            id: nil, createdAt: Archive.timestamp(), creditCode: organization.creditCode.value, organization: organization.name,
            standard: evaluation.standard.id, kind: evaluation.assessment.kind, decision: evaluation.decision,
            totalHundredths: evaluation.total.hundredths, starLevel: evaluation.starLevel?.stars, auditEnd: evaluation.assessment.audit.end.description,
            assessmentName: (file as NSString).lastPathComponent, assessment: Data(prepared.source), resultJSON: evaluation.summaryJSON.serialized(),
            issuer: profile.name, replaces: replaces, certificateNumber: nil, signer: identity.publicRecord)
        let identity = self.identity
        let plan = prepared.cycle
        // A correction keeps the cycle of the evaluation it corrects: no decision of its own.
        var step = (decision != nil || plan.activity != nil) && replaces == nil ? Archive.PlannedStep(
            activity: plan.activity ?? .initial, continues: plan.continues, outcome: plan.outcome, reason: decision?.reason ?? "", decidedOn: date,
            path: decision == nil ? IssuerProfile.DecisionProcess.singleStep.rawValue : IssuerProfile.DecisionProcess.separate.rawValue,
            submissionID: decision?.submissionID, decider: decision?.decider, reviewer: decision?.reviewer) : nil
        if var planned = step {
            planned.auditEnd = evaluation.assessment.audit.end
            planned.agenda = evaluation.assessment.itemRecords.flatMap { record in
                record.findings.filter { $0.severity != .major }.map { finding -> JSONValue in
                    .object([("item", .string(record.itemID)), ("severity", .string((finding.severity ?? .minor).rawValue)), ("text", .string(finding.text))])
                }
            }
            step = planned
        }
        let recording = Archive.Recording(step: step, rules: profile.programme, issuer: EventSigner(actor: EventSigner.issuerActor, key: identity.privateKey), date: date)
        do {
            let (id, certificate) = try archive.forWriting().issue(record, documents: prepared.report, series: prepared.certifies ? profile.series(year: date.year) : nil,
                                                                  recording: recording) { sequence in
                let number = profile.number(year: date.year, sequence: sequence)
                // The report prints the certificate's number; the certificate names the report by
                // the hash of its PDF before signing (the file's first revision).
                let report: IssuedReport
                do {
                    report = try self.report(of: prepared, certificateNumber: number)
                } catch {
                    throw IssueRefusal(message: "\(error)")
                }
                let canonical = CanonicalCertificate(
                    number: number, organization: organization.name, creditCode: organization.creditCode.value, scope: organization.scope,
                    standard: evaluation.standard.id, starLevel: evaluation.starLevel?.stars ?? 0, total: evaluation.total.description,
                    issued: date.description, expires: plan.expires.description,
                    reportSHA256: sha256Hex(report.unsignedPDF))
                let signature = try identity.sign(canonical.text)
                let url = "\(profile.verificationBaseURL)?n=\(URLText.percentEncoded(number))&sig=\(signature)"
                let documents = try self.certificate(
                    for: prepared, number: number, verificationURL: url,
                    signedPayload: Base64URL.encode(Data(canonical.text.utf8)) + "." + signature)
                let printed = PrintedFacts(organizationEnglish: organization.nameEnglish, address: organization.address, issuer: profile.name,
                                           issuerEnglish: profile.nameEnglish, approvalNumber: profile.approvalNumber)
                return Archive.NewCertificate(canonical: canonical, signature: signature, publicKey: identity.publicRecord, printed: printed,
                                              documents: report.files + documents, warnings: report.warnings)
            }
            var warnings = prepared.warnings + (certificate?.warnings ?? [])
            if let certificate, plan.continues == nil, replaces == nil,
               let others = try? archive.existing?.programmes(rules: profile.programme).filter({
                   $0.creditCode == organization.creditCode.value && $0.number != certificate.canonical.number
               }), !others.isEmpty {
                warnings.append(Diagnostic(.warning, at: here, "\(organization.name) already held certificate \(others.map(\.number).joined(separator: ", ")) in force; \(certificate.canonical.number) was issued beside it — a surveillance or recertification names the certificate it continues (`certificate:`)"))
            }
            let outcome = plan.outcome ?? (certificate == nil ? nil : .granted)
            return .success(Outcome(evaluationID: id, decision: evaluation.decision, certificateNumber: certificate?.canonical.number,
                                    continued: plan.continues.flatMap { number in outcome.map { (number, $0) } },
                                    files: prepared.report + (certificate?.documents ?? []), warnings: warnings))
        } catch let error as IssueRefusal {
            return .failure(.refused([Diagnostic(.error, at: here, error.message)]))
        } catch {
            return .failure(.archive(ArchiveError(error, path: archive.path)))
        }
    }
}

extension Archive {
    /// A certificate made inside the issuing transaction once its sequence number is known.
    public struct NewCertificate: Sendable {
        public var canonical: CanonicalCertificate
        public var signature: String
        public var publicKey: String
        public var printed: PrintedFacts
        /// The report and the certificate, as written.
        public var documents: [NamedOutput]
        /// What laying out the report warned about.
        public var warnings: [Diagnostic]
    }

    /// Why evaluation `id` cannot be replaced by an evaluation of `creditCode`, or nil when it can.
    func replacementProblem(_ id: Int64, creditCode: String) -> String? {
        do {
            return try read { db in try Self.replacementProblem(id, creditCode: creditCode, db, path: path) }
        } catch {
            return "\(error)"
        }
    }

    /// Why evaluation `id` cannot be corrected on `recording.date` in its certificate's cycle: a
    /// surveillance or recertification is not corrected (a new decision is made); a certificate
    /// is corrected only while it is the one in force — valid on the day, after the rules up to it
    /// are applied (so a correction never lifts a suspension nor revives a replaced or expired
    /// certificate).
    static func correctionProblem(_ id: Int64, recording: Recording, _ db: Database) throws -> String? {
        let activity = try String.fetchOne(db, sql: "SELECT activity FROM cycle_step WHERE evaluation_id = ?", arguments: [id])
        let kind = try String.fetchOne(db, sql: "SELECT kind FROM evaluation WHERE id = ?", arguments: [id])
        if let made = activity ?? kind, ["surveillance", "recertification"].contains(made) {
            return "--replaces \(id): evaluation \(id) is a \(made) decision; it is not corrected — expected a new \(made) submitted and decided"
        }
        guard let number = try String.fetchOne(db, sql: "SELECT certificate_number FROM evaluation WHERE id = ?", arguments: [id]),
              let programme = try Self.programme(number, rules: recording.rules, db) else { return nil }
        var current = programme
        if programme.lastEventOn <= recording.date {
            _ = try Self.applyRules(to: programme, on: recording.date, rules: recording.rules, signer: recording.issuer, db)
            current = try Self.programme(number, rules: recording.rules, db) ?? programme
        }
        if current.status != .valid || recording.date > current.expires {
            let status = recording.date > current.expires ? Status.expired : current.status
            return "--replaces \(id): certificate \(number) is \(status.rawValue) (\(status.chinese)) on \(recording.date); only the certificate in force is corrected — expected a surveillance decided on it, or a new evaluation"
        }
        return nil
    }

    static func replacementProblem(_ id: Int64, creditCode: String, _ db: Database, path: String) throws -> String? {
        guard let replaced = try EvaluationRow.fetchOne(db, key: id) else {
            return "--replaces \(id): there is no evaluation \(id) in \(path); expected the id `starcert archive list` shows"
        }
        if replaced.creditCode != creditCode {
            return "--replaces \(id): evaluation \(id) is of another organization (credit code \(replaced.creditCode), this one \(creditCode)); expected a correction of the same organization"
        }
        if let number = replaced.certificateNumber,
           try Self.latestStatus(of: number, db)?.status == .withdrawn {
            return "--replaces \(id): certificate \(number) of evaluation \(id) was withdrawn, and a withdrawal is final; expected a new evaluation, issued without --replaces"
        }
        if let successor = try EvaluationRow.filter(EvaluationRow.Columns.replaces == id).fetchOne(db) {
            return "--replaces \(id): evaluation \(id) was already replaced by evaluation \(successor.id ?? 0); expected the latest evaluation (\(successor.id ?? 0))"
        }
        return nil
    }

    /// The decision recorded with an issued evaluation, and who signs what the archive journals.
    public struct Recording: Sendable {
        public var step: PlannedStep?
        public var rules: SurveillanceProgramme
        public var issuer: EventSigner
        /// The issue day.
        public var date: CalendarDate

        public init(step: PlannedStep?, rules: SurveillanceProgramme, issuer: EventSigner, date: CalendarDate) {
            self.step = step
            self.rules = rules
            self.issuer = issuer
            self.date = date
        }
    }

    /// Records `evaluation` and its documents and, when `series` is given, a certificate with the
    /// next number of that series, all in one transaction: numbers have no gaps and no duplicates,
    /// also across processes, and a crash leaves the archive as it was or fully updated. A replaced
    /// evaluation's certificate becomes superseded in the same transaction.
    func issue(
        _ evaluation: EvaluationRow, documents: [NamedOutput], series: String?, recording: Recording,
        certificate: (_ sequence: Int) throws -> NewCertificate
    ) throws -> (evaluationID: Int64, certificate: NewCertificate?) {
        let path = self.path
        return try write { db in
            if let replaced = evaluation.replaces,
               let problem = try Self.replacementProblem(replaced, creditCode: evaluation.creditCode, db, path: path)
                ?? Self.correctionProblem(replaced, recording: recording, db) {
                throw ArchiveError.refused(problem)
            }
            if let step = recording.step, let problem = try Self.stepProblem(step, creditCode: evaluation.creditCode, rules: recording.rules, issuer: recording.issuer, db, path: path) {
                throw ArchiveError.refused(problem)
            }
            var issued: NewCertificate?
            var sequence = 0
            if let series {
                // One series however its pattern is spelt (letter case, padding of the sequence).
                let identity = Archive.seriesIdentity(series)
                let spellings = try SeriesRow.fetchAll(db).filter { Archive.seriesIdentity($0.series) == identity }
                sequence = (spellings.map(\.last).max() ?? 0) + 1
                issued = try certificate(sequence)
                try SeriesRow(series: series, last: sequence).upsert(db)
            }
            if let number = issued?.canonical.number,
               try CertificateRow.filter(sql: "upper(number) = upper(?)", arguments: [number]).fetchCount(db) > 0 {
                throw ArchiveError.refused("certificate number \(number) was issued already, in another series (a number pattern written differently, such as {seq:06} and {seq:6}); expected a pattern that makes new numbers")
            }
            var row = evaluation
            row.certificateNumber = issued?.canonical.number
            try row.insert(db)
            let id = row.id!
            for document in documents + (issued?.documents ?? []) {
                try DocumentRow(evaluationID: id, name: document.name, bytes: Data(document.bytes), sha256: sha256Hex(document.bytes)).insert(db)
            }
            if let issued, let series {
                try CertificateRow(
                    number: issued.canonical.number, evaluationID: id, series: series, sequence: sequence, canonical: issued.canonical.text,
                    signature: issued.signature, publicKey: issued.publicKey, issuedOn: issued.canonical.issued, expiresOn: issued.canonical.expires,
                    printed: issued.printed.json
                ).insert(db)
                try Self.record(StatusRow(number: issued.canonical.number, status: .valid, reason: "issued", at: Self.timestamp(), effectiveOn: issued.canonical.issued,
                                          decision: id), signer: recording.issuer, db)
            }
            if let replaced = evaluation.replaces, let old = try EvaluationRow.fetchOne(db, key: replaced), let number = old.certificateNumber {
                if try Self.latestStatus(of: number, db)?.status != .withdrawn {
                    let successor = issued.map { "certificate \($0.canonical.number) (evaluation \(id))" } ?? "evaluation \(id), which has no certificate"
                    try Self.record(StatusRow(number: number, status: .superseded, reason: "replaced by \(successor)", at: Self.timestamp(),
                                              effectiveOn: issued?.canonical.issued ?? recording.step?.decidedOn.description, decision: id), signer: recording.issuer, db)
                }
            }
            if let step = recording.step {
                let outcome = step.outcome ?? (issued == nil ? nil : .granted)
                try Self.recordStep(step, evaluationID: id, outcome: outcome, newCertificate: issued?.canonical.number, rules: recording.rules,
                                    issuer: recording.issuer, db)
            }
            return (id, issued)
        }
    }
}
