import Crypto
import Foundation
import StarCertArchive
import StarCertCore
import StarCertDocuments
import StarCertIssuing
import StarCertTemplates

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
    /// refused), the decision recorded with the evaluation it issued.
    public static func decide(_ id: Int64, by name: String, grant: Bool, reason: String?, archivePath: String, issuerProfile: String, keys: URL,
                              ownKey: String?, output: URL, date: CalendarDate?, language: Labels.Language) throws(SetupFailure) -> (submission: SubmissionRow, outcome: FileOutcome?) {
        let profile = try loadProfile(issuerProfile)
        let archive = try openArchive(archivePath, creating: false)
        let key = try staffKey(name, archive: archive, keys: keys, ownKey: ownKey)
        let taken: SubmissionRow
        do {
            taken = try archive.decide(id, by: name, key: key, grant: grant, reason: reason, reviewerMayDecide: profile.reviewerMayDecide)
        } catch {
            throw .refused("\(error)")
        }
        guard grant else { return (taken, nil) }
        func giveBack(_ failure: SetupFailure) -> SetupFailure {
            try? archive.releaseDecision(id)
            return failure
        }
        guard case let .success(bytes) = InputFile.read(taken.file, limit: InputFile.Limit.document), sha256Hex(bytes) == taken.assessmentSHA256 else {
            throw giveBack(.refused("\(taken.file) is no longer the file submitted as evaluation \(id) (moved or changed); submit the file as it stands for review again"))
        }
        var job = IssueJob(inputs: [taken.file], output: output, archive: archivePath, issuerProfile: issuerProfile, keys: keys, replaces: nil,
                           date: date, language: language, jobs: 1)
        job.decidedThroughReview = true
        let outcomes = OutcomeBox()
        let failures: Int
        do {
            failures = try job.run(notice: { _ in }, completed: { outcomes.set($0) })
        } catch {
            throw giveBack(error)
        }
        guard failures == 0, let outcome = outcomes.value, let evaluationID = outcome.evaluationID else {
            throw giveBack(.diagnostics(outcomes.value?.diagnostics ?? []))
        }
        do {
            try archive.recordGrant(id, evaluationID: evaluationID, certificateNumber: outcome.certificateNumber, key: key)
        } catch {
            throw .refused("\(error). Evaluation \(evaluationID) was issued; its decision could not be recorded")
        }
        var granted = taken
        granted.state = .granted
        granted.evaluationID = evaluationID
        return (granted, outcome)
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
