import Crypto
import Foundation
import GRDB
import StarCertCore

/// An evaluation on its way from the audit team to a certification decision.
public struct SubmissionRow: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "submission"
    public var id: Int64?
    public var submittedAt: String
    /// The assessment file as submitted (absolute path): a grant reads it again and refuses it
    /// when its bytes are no longer the ones submitted.
    public var file: String
    public var assessmentSHA256: String
    public var assessment: Data
    public var organization: String
    /// The audit team's names, one per line.
    public var team: String
    public var replaces: Int64?
    public var state: Archive.SubmissionState
    public var reviewer: String?
    public var decider: String?
    public var evaluationID: Int64?

    public var teamNames: [String] { team.split(separator: "\n").map(String.init) }

    public enum CodingKeys: String, CodingKey {
        case id, file, assessment, organization, team, replaces, state, reviewer, decider
        case submittedAt = "submitted_at"
        case assessmentSHA256 = "assessment_sha256"
        case evaluationID = "evaluation_id"
    }

    public enum Columns {
        public static let id = Column(CodingKeys.id)
    }
}

extension Archive {
    /// Where a submitted evaluation stands.
    public enum SubmissionState: String, Sendable, Codable, DatabaseValueConvertible {
        case awaitingReview = "awaiting-review"
        case returned
        case accepted
        /// A decider has taken it; the certificate is being issued.
        case deciding
        case granted
        case refused
    }

    /// Archives a submitted evaluation as awaiting review. Every team member must be on the staff
    /// and active; a resubmission names a returned evaluation it replaces.
    public func submit(file: String, bytes: [UInt8], organization: String, team: [String], replaces: Int64?, signer: EventSigner) throws(ArchiveError) -> SubmissionRow {
        let path = self.path
        return try typed { try write { db in
            let staff = try StaffRow.fetchAll(db)
            let unknown = team.filter { name in !staff.contains { $0.name == name && $0.retiredAt == nil } }
            if !unknown.isEmpty {
                throw ArchiveError.refused("the audit team names \(unknown.map { TerminalText.quoted($0) }.joined(separator: ", ")), who \(unknown.count == 1 ? "is" : "are") not active staff of \(path); expected every member added with `starcert staff add NAME --roles auditor` (`starcert staff list` shows who is)")
            }
            if let replaces {
                guard let earlier = try SubmissionRow.fetchOne(db, key: replaces) else {
                    throw ArchiveError.notFound("there is no submitted evaluation \(replaces) to replace")
                }
                guard earlier.state == .returned else {
                    throw ArchiveError.refused("evaluation \(replaces) is \(earlier.state.rawValue), not returned; only a returned evaluation is replaced by a new submission")
                }
                if try SubmissionRow.filter(Column(SubmissionRow.CodingKeys.replaces) == replaces).fetchCount(db) > 0 {
                    throw ArchiveError.refused("evaluation \(replaces) was replaced already")
                }
            }
            // The same file again, while an earlier submission of it is open or was returned: a
            // second path to a certificate, unless it says which returned one it replaces.
            let hash = sha256Hex(bytes)
            if replaces == nil, let open = try SubmissionRow.fetchAll(db).first(where: {
                $0.assessmentSHA256 == hash && [.awaitingReview, .accepted, .deciding, .returned].contains($0.state)
            }) {
                throw ArchiveError.refused("this file was submitted already as evaluation \(open.id ?? 0) (\(open.state.rawValue)); expected --replaces \(open.id ?? 0) for a returned one, or a decision on the open one")
            }
            let at = Self.timestamp()
            var row = SubmissionRow(submittedAt: at, file: file, assessmentSHA256: sha256Hex(bytes), assessment: Data(bytes), organization: organization,
                                    team: team.joined(separator: "\n"), replaces: replaces, state: .awaitingReview)
            try row.insert(db)
            row.id = db.lastInsertedRowID
            _ = try Self.appendEvent(db, kind: "submitted", subject: "submission:\(row.id!)", reason: "", body: .object([
                ("file", .string(file)), ("assessment_sha256", .string(row.assessmentSHA256)), ("organization", .string(organization)),
                ("team", .array(team.map(JSONValue.string))), ("replaces", replaces.map { .integer(Int($0)) } ?? .null),
            ]), signer: signer, at: at)
            return row
        } }
    }

    public func submission(_ id: Int64) throws(ArchiveError) -> SubmissionRow {
        let path = self.path
        return try typed { try read { db in
            guard let row = try SubmissionRow.fetchOne(db, key: id) else { throw ArchiveError.notFound("there is no submitted evaluation \(id) in \(path)") }
            return row
        } }
    }

    /// The person `name` as they may act in `role` on `row`, signing with `key`: active, holding
    /// the role, not on the audit team, and signing with the key recorded for them.
    static func actor(_ name: String, role: Role, on row: SubmissionRow, key: P256.Signing.PrivateKey, _ db: Database) throws -> StaffRow {
        let person = try Self.person(name, key: key, db)
        let name = person.name
        guard person.roleSet.contains(role) else {
            throw ArchiveError.refused("\(TerminalText.quoted(name)) holds the roles \(person.roles), not \(role.rawValue)")
        }
        if row.teamNames.contains(name) {
            throw ArchiveError.refused("\(TerminalText.quoted(name)) was on the audit team of evaluation \(row.id ?? 0); its \(role == .reviewer ? "review" : "decision") must be made by someone who was not")
        }
        return person
    }

    static func reason(_ text: String?, required: Bool, what: String = "the reason") throws -> String {
        let reason = (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if required, reason.isEmpty { throw ArchiveError.refused("a return, a refusal, a suspension or a withdrawal needs a reason; expected --reason with a few words on why") }
        if let hidden = HiddenCharacter.first(in: reason) {
            throw ArchiveError.refused("\(what) holds \(hidden.kind.description) at character \(hidden.offset); expected visible text")
        }
        return reason
    }

    /// The review of a submitted evaluation: accepted for a decision, or returned to the team.
    public func review(_ id: Int64, by name: String, key: P256.Signing.PrivateKey, accept: Bool, reason: String?) throws(ArchiveError) -> SubmissionRow {
        let path = self.path
        return try typed { try write { db in
            guard var row = try SubmissionRow.fetchOne(db, key: id) else { throw ArchiveError.notFound("there is no submitted evaluation \(id) in \(path)") }
            guard row.state == .awaitingReview else {
                throw ArchiveError.refused("evaluation \(id) is \(row.state.rawValue)\(row.reviewer.map { " (reviewed by \(TerminalText.quoted($0)))" } ?? ""); only an evaluation awaiting review is reviewed")
            }
            let name = try Self.actor(name, role: .reviewer, on: row, key: key, db).name
            let why = try Self.reason(reason, required: !accept)
            row.state = accept ? .accepted : .returned
            row.reviewer = name
            try row.update(db)
            _ = try Self.appendEvent(db, kind: accept ? "review-accepted" : "review-returned", subject: "submission:\(id)", reason: why,
                                     body: .object([("assessment_sha256", .string(row.assessmentSHA256))]), signer: EventSigner(actor: name, key: key), at: Self.timestamp())
            return row
        } }
    }

    /// What a decider decides.
    public enum Verdict: String, Sendable, CaseIterable {
        /// Certify (initial, recertification), or keep the certificate (surveillance).
        case grant
        /// No certificate (initial, recertification).
        case refuse
        /// A surveillance suspends the certificate.
        case suspend
        /// A surveillance withdraws the certificate.
        case withdraw
    }

    /// Takes an accepted evaluation for a decision by `name`: the first decider wins, a second is
    /// told; the same decider may take up a decision of theirs that was interrupted. A refusal is
    /// recorded at once; any other verdict stays `deciding` until the issuing transaction records
    /// it, or `releaseDecision` gives it back.
    public func decide(_ id: Int64, by name: String, key: P256.Signing.PrivateKey, verdict: Verdict, reason: String?, reviewerMayDecide: Bool) throws(ArchiveError) -> SubmissionRow {
        let path = self.path
        let grant = verdict == .grant
        return try typed { try write { db in
            guard var row = try SubmissionRow.fetchOne(db, key: id) else { throw ArchiveError.notFound("there is no submitted evaluation \(id) in \(path)") }
            // A decision interrupted (the process stopped before the certificate was issued) is
            // taken up by its decider, or by another when that decider has retired.
            let taker = row.decider.flatMap { decider in try? StaffRow.filter(StaffRow.Columns.name == decider).fetchOne(db) }
            let resumed = row.state == .deciding && verdict != .refuse
                && (row.decider == name.precomposedStringWithCanonicalMapping || taker?.retiredAt != nil)
            guard row.state == .accepted || resumed else {
                let by = row.decider.map { " by \(TerminalText.quoted($0))" } ?? ""
                if row.state == .deciding, let decider = row.decider {
                    throw ArchiveError.refused("evaluation \(id) is being decided by \(TerminalText.quoted(decider)) (or that decision was interrupted); \(TerminalText.quoted(decider)) takes it up again with `starcert decide \(id) --by \(decider)`")
                }
                throw ArchiveError.refused("evaluation \(id) is \(row.state.rawValue)\(by); only an evaluation accepted in review is decided")
            }
            let name = try Self.actor(name, role: .decider, on: row, key: key, db).name
            // The review the row claims must be the journal's, signed by the reviewer.
            guard let journaled = try Self.journaledSubmission(id, db), journaled.state == .accepted, journaled.reviewer == row.reviewer else {
                throw ArchiveError.refused("evaluation \(id) is recorded as accepted, but the journal holds no signed review accepting it; run `starcert archive verify` — the archive was changed by hand")
            }
            if !reviewerMayDecide, row.reviewer == name {
                throw ArchiveError.refused("\(TerminalText.quoted(name)) reviewed evaluation \(id) and may not decide it too (the issuer profile's reviewer_may_decide is false)")
            }
            let why = try Self.reason(reason, required: !grant)
            row.state = verdict == .refuse ? .refused : .deciding
            row.decider = name
            try row.update(db)
            if verdict == .refuse {
                _ = try Self.appendEvent(db, kind: "decision-refused", subject: "submission:\(id)", reason: why,
                                         body: .object([("assessment_sha256", .string(row.assessmentSHA256))]), signer: EventSigner(actor: name, key: key), at: Self.timestamp())
            }
            return row
        } }
    }

    /// Gives a decision back (the grant could not be issued): the evaluation is accepted again.
    public func releaseDecision(_ id: Int64) throws(ArchiveError) {
        try typed { try write { db in
            guard var row = try SubmissionRow.fetchOne(db, key: id), row.state == .deciding else { return }
            row.state = .accepted
            row.decider = nil
            try row.update(db)
        } }
    }
}

extension Archive {
    /// A submission as its journal entries tell it.
    struct JournaledSubmission {
        var state: SubmissionState
        var reviewer: String?
        var decider: String?
        var evaluation: Int64?
        var assessmentSHA256: String
    }

    /// Every submission's state, replayed from the journal's signed entries.
    static func journaledSubmissions(_ events: [EventRow]) -> [Int64: JournaledSubmission] {
        var states: [Int64: JournaledSubmission] = [:]
        for event in events where event.subject.hasPrefix("submission:") {
            guard let id = Int64(event.subject.dropFirst("submission:".count)) else { continue }
            let fields = event.facts
            switch event.kind {
            case "submitted":
                states[id] = JournaledSubmission(state: .awaitingReview, assessmentSHA256: fields["assessment_sha256"] as? String ?? "")
            case "review-accepted", "review-returned":
                states[id]?.state = event.kind == "review-accepted" ? .accepted : .returned
                states[id]?.reviewer = event.actor
            case "decision-refused":
                states[id]?.state = .refused
                states[id]?.decider = event.actor
            case let kind where kind.hasPrefix("decision-"):
                states[id]?.state = .granted
                states[id]?.decider = event.actor
                states[id]?.evaluation = (fields["evaluation"] as? Int).map(Int64.init)
            default:
                break
            }
        }
        return states
    }

    /// The submission `id` as the journal has it, in `db`.
    static func journaledSubmission(_ id: Int64, _ db: Database) throws -> JournaledSubmission? {
        journaledSubmissions(try EventRow.filter(Column("subject") == "submission:\(id)").order(EventRow.Columns.id).fetchAll(db))[id]
    }
}

extension ArchiveSchema {
    static func createSubmissions(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE submission (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              submitted_at TEXT NOT NULL,
              file TEXT NOT NULL,
              assessment_sha256 TEXT NOT NULL,
              assessment BLOB NOT NULL,
              organization TEXT NOT NULL,
              team TEXT NOT NULL,
              replaces INTEGER REFERENCES submission(id),
              state TEXT NOT NULL CHECK (state IN ('awaiting-review', 'returned', 'accepted', 'deciding', 'granted', 'refused')),
              reviewer TEXT,
              decider TEXT,
              evaluation_id INTEGER REFERENCES evaluation(id)
            );
            CREATE TRIGGER submission_kept BEFORE DELETE ON submission
            BEGIN SELECT RAISE(ABORT, 'submitted evaluations are never deleted'); END;
            CREATE TRIGGER submission_locked BEFORE UPDATE ON submission
            WHEN NEW.submitted_at IS NOT OLD.submitted_at OR NEW.file IS NOT OLD.file OR NEW.assessment_sha256 IS NOT OLD.assessment_sha256
              OR NEW.assessment IS NOT OLD.assessment OR NEW.organization IS NOT OLD.organization OR NEW.team IS NOT OLD.team
              OR NEW.replaces IS NOT OLD.replaces OR OLD.state IN ('granted', 'refused', 'returned')
            BEGIN SELECT RAISE(ABORT, 'a submitted evaluation only moves on through review and decision'); END;
            """)
    }
}
