import Crypto
import Foundation
import StarCertArchive
import StarCertCore
import StarCertDocuments
import StarCertIssuing
import StarCertTemplates
import StarCertWorkbook

/// The certification desk (ISO/IEC 17065 7.5, 7.6): an evaluation is submitted with a draft report,
/// reviewed and then decided by people who were not on its audit team, each step signed by them
/// in the archive's journal; a grant issues the certificate exactly as `issue` does.
public enum CertificationDesk {
    /// `submit`: checks the assessment, archives it as awaiting review (every team member must be
    /// active staff) and writes its draft report (`report-draft.pdf` and `.html`, marked as a draft,
    /// unsigned) into `output/<file name>/`.
    public static func submit(file: String, archivePath: String, issuerProfile: String, keys: URL, output: URL, replaces: Int64?,
                              language: Labels.Language) throws(SetupFailure) -> (submission: SubmissionRow, folder: String, warnings: [Diagnostic]) {
        let profile = try loadProfile(issuerProfile)
        let issuer: Issuer
        do { issuer = try profile.issuer() } catch { throw .unusable(error) }
        let signer = EventSigner(actor: EventSigner.issuerActor, key: try issuerKey(keys))
        let pipeline: DocumentPipeline
        do {
            pipeline = try DocumentSetup(language: language, html: true).pipeline()
        } catch let failure as SetupFailure {
            throw failure
        } catch {
            throw .installation(error)
        }
        let checked = pipeline.check(file, issuer: issuer)
        guard let evaluation = checked.evaluation else { throw .diagnostics(checked.diagnostics) }
        let rendered: DocumentPipeline.Rendered
        switch pipeline.render(file, formats: [.pdf, .html], issuer: issuer, draft: true) {
        case let .success(value): rendered = value
        case let .failure(failure): throw .diagnostics(failure.diagnostics)
        }
        guard case let .success(again) = InputFile.read(file, limit: InputFile.Limit.document), again == checked.source else {
            throw .refused("\(file) changed while it was submitted; submit it again")
        }
        let (targets, _) = OutputFiles.targets(for: [file], in: output, alwaysSubfolders: true)
        let target = targets[0]
        let files = rendered.outputs.map { NamedOutput(name: $0.name.replacingOccurrences(of: "report.", with: "report-draft."), bytes: $0.bytes) }
        do { try OutputFiles.check(target, names: files.map(\.name)) } catch { throw .unusable(error) }
        let archive = try openArchive(archivePath, creating: true)
        try checkContinued(evaluation.assessment, archive: archive, profile: profile)
        let absolute = URL(fileURLWithPath: file).standardizedFileURL.path
        let submission: SubmissionRow
        do {
            submission = try archive.submit(file: absolute, bytes: checked.source, organization: evaluation.assessment.organization.name,
                                            team: evaluation.assessment.audit.team.map(\.name), replaces: replaces, signer: signer)
        } catch {
            throw .refused("\(error)")
        }
        do {
            try OutputFiles.write(files, for: target)
        } catch {
            throw .refused("\(error). Evaluation \(submission.id ?? 0) was submitted and awaits review; its draft report was not written")
        }
        return (submission, target.folder.relativePath, checked.warnings + rendered.warnings)
    }

    /// Refuses at once a surveillance or recertification whose certificate is not this
    /// organization's certificate in force (the decision checks again).
    static func checkContinued(_ assessment: Assessment, archive: Archive, profile: IssuerProfile) throws(SetupFailure) {
        guard [.surveillance, .recertification].contains(assessment.kind) else { return }
        guard let number = assessment.certificateNumber else {
            if assessment.kind == .recertification { return }
            throw .refused("a surveillance names the certificate it surveils; expected `certificate: NUMBER` in the assessment (证书编号 in the workbook)")
        }
        let programme: Archive.Programme?
        do { programme = try archive.programme(number, rules: profile.programme) } catch { throw .unusable(error) }
        guard let programme else { throw .refused("there is no certificate \(TerminalText.quoted(number)) in \(archive.path); expected the number of the certificate this \(assessment.kind.rawValue) continues") }
        if programme.creditCode != assessment.organization.creditCode.value {
            throw .refused("certificate \(number) is of another organization (credit code \(programme.creditCode), this evaluation \(assessment.organization.creditCode.value))")
        }
        guard programme.status == .valid || programme.status == .suspended else {
            throw .refused("certificate \(number) is \(programme.status.rawValue) (\(programme.status.chinese)) since \(programme.statusSince); a \(assessment.kind.rawValue) continues only a certificate in force — expected a new initial evaluation")
        }
    }

    /// `review ID --by NAME`: accepted for a decision, or returned to the team with a reason.
    public static func review(_ id: Int64, by name: String, accept: Bool, reason: String?, archivePath: String, keys: URL, ownKey: String?) throws(SetupFailure) -> SubmissionRow {
        let archive = try openArchive(archivePath, creating: false)
        let key = try staffKey(name, archive: archive, keys: keys, ownKey: ownKey)
        do {
            return try archive.review(id, by: name, key: key, accept: accept, reason: reason)
        } catch {
            throw .refused("\(error)")
        }
    }

    /// `decide ID --by NAME`: refused with a reason, or granted — numbered, signed, archived and
    /// written as `issue` writes it, from the file as it was submitted (a file changed since is
    /// refused), the decision recorded with the evaluation it issued. A surveillance is granted
    /// (the certificate kept, or replaced at a new star level), or suspends or withdraws the
    /// certificate; a grant needs every major finding closed.
    public static func decide(_ id: Int64, by name: String, verdict: Archive.Verdict, reason: String?, archivePath: String, issuerProfile: String, keys: URL,
                              ownKey: String?, output: URL, date: CalendarDate?, language: Labels.Language) throws(SetupFailure) -> (submission: SubmissionRow, outcome: FileOutcome?) {
        let profile = try loadProfile(issuerProfile)
        let archive = try openArchive(archivePath, creating: false)
        let key = try staffKey(name, archive: archive, keys: keys, ownKey: ownKey)
        let submitted: SubmissionRow
        do { submitted = try archive.submission(id) } catch { throw .refused("\(error)") }
        // A refusal needs no file: one changed since submission is refused all the same.
        if submitted.state == .accepted || submitted.state == .deciding,
           let assessment = verdict == .refuse ? try? submittedAssessment(submitted) : try submittedAssessment(submitted) {
            switch (assessment.kind, verdict) {
            case (.surveillance, .refuse):
                throw .refused("evaluation \(id) is a surveillance of certificate \(assessment.certificateNumber ?? "?"); it is decided by --grant (the certificate kept, or replaced at the new star level), --suspend or --withdraw, with --reason")
            case (.initial, .suspend), (.initial, .withdraw), (.recertification, .suspend), (.recertification, .withdraw), (.selfAssessment, .suspend), (.selfAssessment, .withdraw):
                throw .refused("evaluation \(id) is \(assessment.kind.rawValue == "initial" ? "an initial evaluation" : "a \(assessment.kind.rawValue)"); only a surveillance suspends or withdraws a certificate — expected --grant or --refuse")
            default:
                break
            }
            if verdict == .grant {
                let open = try openMajorFindings(of: submitted, assessment: assessment, archive: archive)
                if !open.isEmpty {
                    throw .refused("evaluation \(id) has \(open.count) major finding\(open.count == 1 ? "" : "s") not closed: "
                        + open.map { "item \($0.item) #\($0.index) “\(TerminalText.quoted(String($0.text.prefix(60))))”" }.joined(separator: "; ")
                        + "; expected `starcert finding close \(id) ITEM --by NAME --evidence TEXT` for each before a grant")
                }
            }
        }
        let taken: SubmissionRow
        do {
            taken = try archive.decide(id, by: name, key: key, verdict: verdict, reason: reason, reviewerMayDecide: profile.reviewerMayDecide)
        } catch {
            throw .refused("\(error)")
        }
        guard verdict != .refuse else { return (taken, nil) }
        func giveBack(_ failure: SetupFailure) -> SetupFailure {
            try? archive.releaseDecision(id)
            return failure
        }
        guard case let .success(bytes) = InputFile.read(taken.file, limit: InputFile.Limit.document), sha256Hex(bytes) == taken.assessmentSHA256 else {
            throw giveBack(.refused("\(taken.file) is no longer the file submitted as evaluation \(id) (moved or changed); submit the file as it stands for review again"))
        }
        var job = IssueJob(inputs: [taken.file], output: output, archive: archivePath, issuerProfile: issuerProfile, keys: keys, replaces: nil,
                           date: date, language: language, jobs: 1)
        let outcome: Archive.Outcome? = verdict == .suspend ? .suspended : verdict == .withdraw ? .withdrawn : nil
        job.decision = Issuance.Decision(submissionID: id, decider: EventSigner(actor: taken.decider ?? name, key: key), reviewer: taken.reviewer,
                                         outcome: outcome, reason: (reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines))
        let outcomes = OutcomeBox()
        let failures: Int
        do {
            failures = try job.run(notice: { _ in }, completed: { outcomes.set($0) })
        } catch {
            throw giveBack(error)
        }
        guard failures == 0, let done = outcomes.value, let evaluationID = done.evaluationID else {
            throw giveBack(.diagnostics(outcomes.value?.diagnostics ?? []))
        }
        var granted = taken
        granted.state = .granted
        granted.evaluationID = evaluationID
        return (granted, done)
    }

    /// `finding close ID ITEM --by NAME --evidence TEXT`: records the corrective action of a major
    /// finding of item `item` (the `finding`-th of its findings, or its only major one) and its
    /// verification by `name`.
    public static func closeFinding(_ id: Int64, item: String, finding: Int?, evidence: String, by name: String, archivePath: String, keys: URL,
                                    ownKey: String?) throws(SetupFailure) -> FindingClosureRow {
        let archive = try openArchive(archivePath, creating: false)
        let key = try staffKey(name, archive: archive, keys: keys, ownKey: ownKey)
        let submitted: SubmissionRow
        do { submitted = try archive.submission(id) } catch { throw .refused("\(error)") }
        let assessment = try submittedAssessment(submitted)
        guard let record = assessment.itemRecords.first(where: { $0.itemID == item }) else {
            throw .refused("evaluation \(id) has no item \(TerminalText.quoted(item)); expected an item id of the standard, such as 4.2.1")
        }
        let majors = record.findings.enumerated().filter { $0.element.severity == .major }.map { (index: $0.offset + 1, text: $0.element.text) }
        let chosen: (index: Int, text: String)
        if let finding {
            guard let match = majors.first(where: { $0.index == finding }) else {
                throw .refused("finding \(finding) of item \(item) is not a major finding of evaluation \(id); its major findings are \(majors.isEmpty ? "none" : majors.map { "#\($0.index)" }.joined(separator: ", "))")
            }
            chosen = match
        } else {
            guard let only = majors.first else {
                throw .refused("item \(item) of evaluation \(id) has no major finding; only major findings are closed before a decision (minor findings and observations go into the next surveillance's agenda)")
            }
            guard majors.count == 1 else {
                throw .refused("item \(item) of evaluation \(id) has \(majors.count) major findings (\(majors.map { "#\($0.index)" }.joined(separator: ", "))); expected --finding N for the one closed")
            }
            chosen = only
        }
        do {
            return try archive.closeFinding(id, item: item, finding: chosen.index, text: chosen.text, evidence: evidence, by: name, key: key)
        } catch {
            throw .refused("\(error)")
        }
    }

    /// The assessment of a submission as submitted: its file read again and checked against the
    /// submitted bytes.
    static func submittedAssessment(_ row: SubmissionRow) throws(SetupFailure) -> Assessment {
        let catalog: StandardCatalog
        do { catalog = try StandardCatalog.installed() } catch { throw .installation(error) }
        let parsed = AssessmentFiles.parse(fileAt: row.file, catalog: catalog)
        guard sha256Hex(parsed.source) == row.assessmentSHA256 else {
            throw .refused("\(row.file) is no longer the file submitted as evaluation \(row.id ?? 0) (moved or changed); submit the file as it stands for review again")
        }
        guard let assessment = parsed.assessment else { throw .diagnostics(parsed.diagnostics) }
        return assessment
    }

    /// The major findings of a submission not closed yet.
    static func openMajorFindings(of row: SubmissionRow, assessment: Assessment, archive: Archive) throws(SetupFailure) -> [(item: String, index: Int, text: String)] {
        let closed: [FindingClosureRow]
        do { closed = try archive.closedFindings(of: row.id ?? 0) } catch { throw .unusable(error) }
        return assessment.itemRecords.flatMap { record in
            record.findings.enumerated().compactMap { index, finding in
                finding.severity == .major && !closed.contains { $0.item == record.itemID && $0.finding == index + 1 }
                    ? (record.itemID, index + 1, finding.text) : nil
            }
        }
    }

    static func loadProfile(_ path: String) throws(SetupFailure) -> IssuerProfile {
        switch IssuerProfile.load(file: path) {
        case let .success(profile): return profile
        case let .failure(failure): throw .diagnostics(failure.diagnostics)
        }
    }

    static func issuerKey(_ keys: URL) throws(SetupFailure) -> P256.Signing.PrivateKey {
        do { return try SigningIdentity.load(from: keys).privateKey } catch { throw .unusable(error) }
    }

    static func openArchive(_ path: String, creating: Bool) throws(SetupFailure) -> Archive {
        do {
            return creating ? try Archive.openOrCreate(at: path).archive : try Archive(path: path, access: .readWrite)
        } catch {
            throw .unusable(error)
        }
    }

    /// The person's key: `ownKey`, else `staff-ID.key` in `keys`.
    static func staffKey(_ name: String, archive: Archive, keys: URL, ownKey: String?) throws(SetupFailure) -> P256.Signing.PrivateKey {
        let path: String
        if let ownKey {
            path = ownKey
        } else {
            let staff: [StaffRow]
            do { staff = try archive.staff() } catch { throw .unusable(error) }
            guard let person = staff.first(where: { $0.name == name }) else {
                throw .refused("\(TerminalText.quoted(name)) is not on the staff; `starcert staff list` shows who is")
            }
            path = keys.appendingPathComponent(Staffing.keyFile(staffID: person.id ?? 0)).path
        }
        do { return try SigningIdentity.readKey(path) } catch { throw .unusable(error) }
    }
}

/// The one outcome of a single-file job, handed over from its worker.
private final class OutcomeBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: FileOutcome?
    var value: FileOutcome? { lock.withLock { stored } }
    func set(_ outcome: FileOutcome) { lock.withLock { stored = outcome } }
}
