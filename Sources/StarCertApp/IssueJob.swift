import Foundation
import StarCertArchive
import StarCertCore
import StarCertDocuments
import StarCertIssuing
import StarCertTemplates

/// `starcert issue`: checks the profile and keys, opens (or creates) the archive, then issues each
/// input — refusals before numbering — and writes its documents once they are archived.
public struct IssueJob: Sendable {
    public var inputs: [String]
    public var output: URL
    public var archive: String
    public var issuerProfile: String
    public var keys: URL
    public var replaces: Int64?
    /// The issue day; nil for today in the profile's time zone.
    public var date: CalendarDate?
    public var language: Labels.Language
    public var jobs: Int
    /// Set by `decide`: the evaluation was reviewed and decided by people outside the audit team,
    /// so a profile with `decision: separate` lets it be issued, and the decision is recorded with it.
    public var decision: Issuance.Decision?

    public init(inputs: [String], output: URL, archive: String, issuerProfile: String, keys: URL, replaces: Int64?,
                date: CalendarDate?, language: Labels.Language, jobs: Int) {
        self.inputs = inputs
        self.output = output
        self.archive = archive
        self.issuerProfile = issuerProfile
        self.keys = keys
        self.replaces = replaces
        self.date = date
        self.language = language
        self.jobs = jobs
    }

    /// Issues every input; `notice` gets what concerns the whole run (a new archive),
    /// `completed` each input's outcome. Returns how many inputs failed.
    public func run(notice: @escaping @Sendable (String) -> Void, completed: @escaping @Sendable (FileOutcome) -> Void) throws(SetupFailure) -> Int {
        if replaces != nil, inputs.count > 1 {
            throw .refused("--replaces corrects one evaluation; expected a single assessment file with it")
        }
        let profile: IssuerProfile
        switch IssuerProfile.load(file: issuerProfile) {
        case let .success(loaded): profile = loaded
        case let .failure(failure): throw .diagnostics(failure.diagnostics)
        }
        let issuer: Issuer
        do { issuer = try profile.issuer() } catch { throw .unusable(error) }
        // A profile still to fill in is refused field by field first (below).
        if profile.decisionProcess == .separate, decision == nil, profile.issuanceProblems.isEmpty {
            throw .refused("\(issuerProfile) sets `decision: separate`: evaluations are reviewed and decided by people outside the audit team — "
                + "`starcert submit FILE`, then `starcert review ID --by NAME --accept` and `starcert decide ID --by NAME --grant` (`decision: single-step` keeps `issue` for in-house use)")
        }
        let identity: SigningIdentity
        do { identity = try SigningIdentity.load(from: keys) } catch { throw .unusable(error) }
        let setup = try DocumentSetup(language: language, html: true)
        do { _ = try ColorProfile.sRGB() } catch { throw .installation(error) }
        let today = profile.today()
        let terms = IssueTerms(profile: profile, issuer: issuer, date: date ?? today, today: today)
        let archive: ArchiveHandle
        do { archive = try ArchiveHandle(path: self.archive, notice: notice) } catch { throw .unusable(error) }
        let (targets, repeats) = OutputFiles.targets(for: inputs, in: output, alwaysSubfolders: true)
        for (input, first) in repeats { notice("\(input) is the same file as \(first); issued once") }
        let replaces = self.replaces
        let decision = self.decision
        let failures = Counter()
        Interruption.finishInputsInHand()
        Batch.run(targets.count, jobs: jobs, stops: { Interruption.received != nil }, makeWorker: {
            Issuance(terms: terms, identity: identity, archive: archive, pipeline: try setup.pipeline())
        }, work: { issuance, index in
            Self.issue(targets[index], with: issuance, replaces: replaces, decision: decision)
        }, failure: { index, error in
            FileOutcome(input: targets[index].input, failure: "\(error)")
        }, completed: { outcome in
            if outcome.failed { failures.increment() }
            completed(outcome)
        })
        Interruption.restoreDefaults()
        return failures.value
    }

    /// Every document `issue` writes into an evaluation's folder.
    static let documentNames = ["report.pdf", "report.html", "certificate.pdf", "certificate.html"]

    static func issue(_ target: OutputFiles.Target, with issuance: Issuance, replaces: Int64?, decision: Issuance.Decision?) -> FileOutcome {
        var outcome = FileOutcome(input: target.input)
        let here = SourceLocation(file: target.input, line: 0, column: 0)
        // Where the documents go is checked before anything is numbered.
        do {
            try OutputFiles.check(target, names: documentNames)
        } catch {
            outcome.diagnostics = [Diagnostic(.error, at: here, "\(error); nothing was issued")]
            outcome.failed = true
            return outcome
        }
        switch issuance.issue(file: target.input, replaces: replaces, decision: decision) {
        case let .failure(.refused(diagnostics)):
            outcome.diagnostics = diagnostics
            outcome.failed = true
        case let .failure(.archive(error)):
            outcome.diagnostics = [Diagnostic(.error, at: here, "\(error)")]
            outcome.failed = true
        case let .success(issued):
            outcome.diagnostics = issued.warnings
            outcome.evaluationID = issued.evaluationID
            outcome.certificateNumber = issued.certificateNumber
            var certificate = issued.certificateNumber.map { "certificate \($0)" } ?? "no certificate (\(issued.decision.rawValue))"
            switch issued.continued {
            case let (number, .maintained)?: certificate = "certificate \(number) maintained"
            case let (number, .changed)?: certificate += " at the new star level, replacing \(number)"
            case let (number, .granted)?: certificate += ", replacing \(number)"
            case let (number, .suspended)?: certificate = "certificate \(number) suspended"
            case let (number, .withdrawn)?: certificate = "certificate \(number) withdrawn"
            case nil: break
            }
            do {
                try OutputFiles.write(issued.files, for: target)
                OutputFiles.removeStale(documentNames, besides: issued.files, in: target)
                outcome.summary = "\(target.input): archived as evaluation \(issued.evaluationID), \(certificate); wrote \(target.folder.relativePath)/"
            } catch {
                outcome.diagnostics.append(Diagnostic(.error, at: here, """
                    \(error). The evaluation was issued and archived (evaluation \(issued.evaluationID), \(certificate)); \
                    write its files out with `starcert archive files \(issued.evaluationID) -o DIR` once there is room
                    """))
                outcome.failed = true
            }
        }
        return outcome
    }
}
