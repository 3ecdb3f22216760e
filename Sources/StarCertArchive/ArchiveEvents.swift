import Crypto
import Foundation
import GRDB
import StarCertCore

/// A person of the body: the roles they hold and the public half of their signing key.
public struct StaffRow: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "staff"
    public var id: Int64?
    public var name: String
    /// Comma-separated `Archive.Role` values.
    public var roles: String
    /// The P-256 public key (raw, base64) that signs what this person does.
    public var publicKey: String
    public var addedAt: String
    public var retiredAt: String?

    public var roleSet: Set<Archive.Role> { Set(roles.split(separator: ",").compactMap { Archive.Role(rawValue: String($0)) }) }

    public enum CodingKeys: String, CodingKey {
        case id, name, roles
        case publicKey = "public_key"
        case addedAt = "added_at"
        case retiredAt = "retired_at"
    }

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let name = Column(CodingKeys.name)
    }
}

/// One entry of the archive's journal: who did what, when and why, signed by them, hashing the
/// entry before it, so that no entry can be changed, removed or slipped in unnoticed.
public struct EventRow: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "event"
    public var id: Int64?
    public var at: String
    public var kind: String
    /// What the event is about, e.g. `staff:3`, `evaluation:12`.
    public var subject: String
    /// A staff member's name, or `issuer`.
    public var actor: String
    public var reason: String
    /// The event's facts as canonical JSON.
    public var body: String
    public var signerKey: String
    public var previousHash: String
    public var hash: String
    public var signature: String

    public enum CodingKeys: String, CodingKey {
        case id, at, kind, subject, actor, reason, body, hash, signature
        case signerKey = "signer_key"
        case previousHash = "previous_hash"
    }

    public enum Columns {
        public static let id = Column(CodingKeys.id)
    }

    /// What the hash covers: every field but the hash and the signature, after the previous hash.
    var hashedText: String {
        [previousHash, String(id ?? 0), at, kind, subject, actor, reason, body, signerKey].map { JSONValue.string($0).serialized() }.joined(separator: "\n")
    }

    static let chainStart = String(repeating: "0", count: 64)

    /// The event's facts: its body (canonical JSON written by `appendEvent`) as a dictionary.
    var facts: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]) ?? [:]
    }
}

/// Who signs an event: the issuer (the body) or a staff member, with their private key.
public struct EventSigner: Sendable {
    public let actor: String
    public let key: P256.Signing.PrivateKey

    public init(actor: String, key: P256.Signing.PrivateKey) {
        self.actor = actor
        self.key = key
    }

    public static let issuerActor = "issuer"
}

extension Archive {
    /// What a staff member may do.
    public enum Role: String, Sendable, CaseIterable, Codable {
        case auditor
        case reviewer
        case decider
    }

    /// Appends one event to the journal in `db` (inside the caller's transaction).
    static func appendEvent(_ db: Database, kind: String, subject: String, reason: String, body: JSONValue, signer: EventSigner, at: String) throws -> EventRow {
        let last = try EventRow.order(EventRow.Columns.id.desc).fetchOne(db)
        let id = (last?.id ?? 0) + 1
        var event = EventRow(id: id, at: at, kind: kind, subject: subject, actor: signer.actor, reason: reason, body: body.serialized(),
                             signerKey: signer.key.publicKey.rawRepresentation.base64EncodedString(),
                             previousHash: last?.hash ?? EventRow.chainStart, hash: "", signature: "")
        event.hash = sha256Hex(Array(event.hashedText.utf8))
        event.signature = try signer.key.signature(for: Data(event.hash.utf8)).derRepresentation.base64EncodedString()
        try event.insert(db)
        return event
    }

    /// Adds a person with `roles` and the public half of their key, recorded in the journal and
    /// signed by the issuer.
    public func addStaff(name: String, roles: Set<Role>, publicKey: P256.Signing.PublicKey, signer: EventSigner) throws(ArchiveError) -> StaffRow {
        // Names are kept composed (NFC), so that two spellings of one name are one person.
        let name = name.trimmingCharacters(in: .whitespaces).precomposedStringWithCanonicalMapping
        guard !name.isEmpty, HiddenCharacter.first(in: name, allowingLineBreaks: false) == nil, name.count <= 100 else {
            throw .refused("a person's name must be one line of visible text (at most 100 characters)")
        }
        guard !roles.isEmpty else { throw .refused("\(name) needs at least one role; expected --roles with auditor, reviewer or decider") }
        let path = self.path
        return try typed { try write { db in
            if let existing = try StaffRow.filter(StaffRow.Columns.name == name).fetchOne(db) {
                throw ArchiveError.refused("\(TerminalText.quoted(name)) is already on the staff (id \(existing.id ?? 0)\(existing.retiredAt == nil ? "" : ", retired")) in \(path); names identify people, so expected a name not yet used")
            }
            let key = publicKey.rawRepresentation.base64EncodedString()
            if let holder = try StaffRow.filter(Column(StaffRow.CodingKeys.publicKey) == key).fetchOne(db) {
                throw ArchiveError.refused("this key is already recorded for \(TerminalText.quoted(holder.name)); expected a key of \(TerminalText.quoted(name))'s own, so that what each person signs is theirs alone")
            }
            let at = Self.timestamp()
            let ordered = Role.allCases.filter(roles.contains).map(\.rawValue).joined(separator: ",")
            var row = StaffRow(name: name, roles: ordered, publicKey: key, addedAt: at, retiredAt: nil)
            try row.insert(db)
            row.id = db.lastInsertedRowID
            _ = try Self.appendEvent(db, kind: "staff-added", subject: "staff:\(row.id!)", reason: "",
                                     body: .object([("name", .string(name)), ("roles", .string(ordered)), ("public_key", .string(key))]),
                                     signer: signer, at: at)
            return row
        } }
    }

    /// Retires a person: they keep their place in the record but may act no more.
    public func retireStaff(name: String, reason: String, signer: EventSigner) throws(ArchiveError) -> StaffRow {
        let path = self.path
        let name = name.precomposedStringWithCanonicalMapping
        return try typed { try write { db in
            let reason = try Self.reason(reason, required: false)
            guard var row = try StaffRow.filter(StaffRow.Columns.name == name).fetchOne(db) else {
                throw ArchiveError.notFound("there is no \(TerminalText.quoted(name)) on the staff of \(path); `starcert staff list` shows who is")
            }
            if let retired = row.retiredAt { throw ArchiveError.refused("\(TerminalText.quoted(name)) retired on \(retired.prefix(10)) already") }
            let at = Self.timestamp()
            row.retiredAt = at
            try row.update(db)
            _ = try Self.appendEvent(db, kind: "staff-retired", subject: "staff:\(row.id!)", reason: reason, body: .object([("name", .string(name))]),
                                     signer: signer, at: at)
            return row
        } }
    }

    public func staff() throws(ArchiveError) -> [StaffRow] {
        try typed { try read { db in try StaffRow.order(StaffRow.Columns.id).fetchAll(db) } }
    }

    public func events() throws(ArchiveError) -> [EventRow] {
        try typed { try read { db in try db.tableExists("event") ? EventRow.order(EventRow.Columns.id).fetchAll(db) : [] } }
    }

    /// Everything wrong with the journal: an entry whose hash does not cover its fields, a broken
    /// link to the entry before (one removed or slipped in), a signature that does not verify, a
    /// signer who may not sign it (a person signs with the key their own `staff-added` entry
    /// recorded; the issuer with the key that signed the journal's first issuer entry), and staff
    /// rows that differ from what the journal says about them.
    static func journalProblems(_ db: Database) throws -> [String] {
        var problems: [String] = []
        var previous = EventRow.chainStart
        var issuerKey: String?
        var staffKeys: [String: String] = [:]
        var staffFacts: [Int64: (name: String, roles: String, key: String, retired: Bool)] = [:]
        var expectedID: Int64 = 1
        for event in try EventRow.order(EventRow.Columns.id).fetchAll(db) {
            let name = "journal entry \(event.id ?? 0) (\(TerminalText.quoted(event.kind)) by \(TerminalText.quoted(event.actor)))"
            if event.id != expectedID { problems.append("\(name): entries before it are missing (expected entry \(expectedID))") }
            expectedID = (event.id ?? expectedID) + 1
            if event.previousHash != previous { problems.append("\(name): it does not follow the entry before it (an entry was removed, changed or slipped in)") }
            previous = event.hash
            if sha256Hex(Array(event.hashedText.utf8)) != event.hash { problems.append("\(name): its fields were changed after it was written") }
            guard let keyData = Data(base64Encoded: event.signerKey), let key = try? P256.Signing.PublicKey(rawRepresentation: keyData),
                  let signatureData = Data(base64Encoded: event.signature), let signature = try? P256.Signing.ECDSASignature(derRepresentation: signatureData),
                  key.isValidSignature(signature, for: Data(event.hash.utf8)) else {
                problems.append("\(name): its signature does not verify")
                continue
            }
            if event.actor == EventSigner.issuerActor {
                if issuerKey == nil { issuerKey = event.signerKey }
                if issuerKey != event.signerKey { problems.append("\(name): it is signed by a key that is not the issuer's") }
            } else if staffKeys[event.actor] != event.signerKey {
                problems.append("\(name): it is not signed with the key recorded for \(TerminalText.quoted(event.actor))")
            }
            // Who may sign what: the issuer records people, submissions, issues and status changes;
            // reviews, decisions and closed findings are signed by a person holding a role for
            // them and not retired at the time.
            let roles: [Role]? = event.kind.hasPrefix("review-") ? [.reviewer] : event.kind.hasPrefix("decision-") ? [.decider]
                : event.kind == "finding-closed" ? [.auditor, .reviewer] : nil
            if let roles {
                let person = staffFacts.values.first { $0.name == event.actor }
                if person == nil || person!.retired || !roles.contains(where: { person!.roles.split(separator: ",").contains(Substring($0.rawValue)) }) {
                    problems.append("\(name): \(TerminalText.quoted(event.actor)) could not sign it (not an active \(roles.map(\.rawValue).joined(separator: " or ")) at the time)")
                }
            } else if event.actor != EventSigner.issuerActor {
                problems.append("\(name): only the issuer signs a \(TerminalText.quoted(event.kind)) entry")
            }
            let facts = event.facts
            if event.kind == "staff-added", let id = Int64(event.subject.dropFirst("staff:".count)),
               let name = facts["name"] as? String, let roles = facts["roles"] as? String, let key = facts["public_key"] as? String {
                staffKeys[name] = key
                staffFacts[id] = (name, roles, key, false)
            } else if event.kind == "staff-retired", let id = Int64(event.subject.dropFirst("staff:".count)) {
                staffFacts[id]?.retired = true
            }
        }
        problems += try cycleProblems(db)
        for row in try StaffRow.order(StaffRow.Columns.id).fetchAll(db) {
            guard let facts = staffFacts[row.id ?? 0] else {
                problems.append("staff \(row.id ?? 0) \(TerminalText.quoted(row.name)): the journal never recorded this person")
                continue
            }
            if facts.name != row.name || facts.roles != row.roles || facts.key != row.publicKey || facts.retired != (row.retiredAt != nil) {
                problems.append("staff \(row.id ?? 0) \(TerminalText.quoted(row.name)): the row differs from what the journal recorded")
            }
        }
        return problems
    }

    /// The tables the journal speaks for, held to it: every status change since schema 7, every
    /// cycle decision, every submission's state, reviewer and decider, and every closed finding
    /// must be what its journal entry says — no row slipped in, changed or removed by hand.
    static func cycleProblems(_ db: Database) throws -> [String] {
        guard try db.tableExists("cycle_step") else { return [] }
        var problems: [String] = []
        let events = try EventRow.order(EventRow.Columns.id).fetchAll(db)
        // Status changes.
        let boundary = try Int64.fetchOne(db, sql: "SELECT value FROM archive_mark WHERE name = 'status_rows_before_journal'") ?? 0
        var statusEvents: [Int64: EventRow] = [:]
        for event in events where event.kind.hasPrefix("status-") {
            if let row = event.facts["row"] as? Int { statusEvents[Int64(row)] = event }
        }
        let statusRows = try StatusRow.order(StatusRow.Columns.id).fetchAll(db)
        // Before the journal, a change had none of the facts schema 7 added.
        for row in statusRows where (row.id ?? 0) <= boundary && (row.effectiveOn != nil || row.rule != nil || row.decision != nil) {
            problems.append("certificate \(TerminalText.quoted(row.number)): the change to \(row.status.rawValue) (row \(row.id ?? 0)) is not in the journal")
        }
        if let firstJournaled = statusEvents.keys.min(), firstJournaled <= boundary {
            problems.append("the mark of the status changes made before the journal (\(boundary)) was changed by hand")
        }
        for row in statusRows where (row.id ?? 0) > boundary {
            let name = "certificate \(TerminalText.quoted(row.number)): the change to \(row.status.rawValue) (row \(row.id ?? 0))"
            guard let event = statusEvents.removeValue(forKey: row.id ?? 0) else {
                problems.append("\(name) is not in the journal")
                continue
            }
            if event.body != Archive.statusBody(row).serialized() || event.reason != row.reason {
                problems.append("\(name) differs from what journal entry \(event.id ?? 0) recorded")
            }
        }
        for (row, event) in statusEvents.sorted(by: { $0.key < $1.key }) {
            problems.append("journal entry \(event.id ?? 0) records a status change (row \(row)) that is no longer in the archive")
        }
        // Cycle decisions.
        var stepEvents: [Int64: EventRow] = [:]
        for event in events where event.kind.hasPrefix("decision-") || event.kind == "issued-single-step" {
            let fields = event.facts
            if fields["cycle"] != nil, let evaluation = fields["evaluation"] as? Int { stepEvents[Int64(evaluation)] = event }
        }
        for step in try CycleStepRow.order(CycleStepRow.Columns.id).fetchAll(db) {
            let name = "the \(step.activity.rawValue) decision on certificate \(TerminalText.quoted(step.certificate)) (evaluation \(step.evaluationID))"
            guard let event = stepEvents.removeValue(forKey: step.evaluationID) else {
                problems.append("\(name) is not in the journal")
                continue
            }
            if event.body != Archive.stepBody(step).serialized() { problems.append("\(name) differs from what journal entry \(event.id ?? 0) recorded") }
        }
        for (evaluation, event) in stepEvents.sorted(by: { $0.key < $1.key }) {
            problems.append("journal entry \(event.id ?? 0) records a decision on evaluation \(evaluation) that is no longer in the archive")
        }
        // Submissions, replayed from the journal.
        let states = Archive.journaledSubmissions(events)
        for row in try SubmissionRow.order(SubmissionRow.Columns.id).fetchAll(db) {
            let name = "submitted evaluation \(row.id ?? 0)"
            guard let journaled = states[row.id ?? 0] else {
                problems.append("\(name) is not in the journal")
                continue
            }
            let state = row.state == .deciding ? Archive.SubmissionState.accepted : row.state
            if state != journaled.state || row.reviewer != journaled.reviewer || (row.state != .deciding && row.decider != journaled.decider)
                || row.assessmentSHA256 != journaled.assessmentSHA256 || (row.state == .granted && row.evaluationID != journaled.evaluation) {
                problems.append("\(name) is \(row.state.rawValue)\(row.reviewer.map { " (reviewer \(TerminalText.quoted($0)))" } ?? ""), but the journal says \(journaled.state.rawValue)\(journaled.reviewer.map { " (reviewer \(TerminalText.quoted($0)))" } ?? "")")
            }
        }
        // Closed findings.
        var closures = Set(try FindingClosureRow.fetchAll(db).map { "\($0.submissionID) \($0.item) \($0.finding) \($0.closedBy) \($0.evidence)" })
        for event in events where event.kind == "finding-closed" {
            let fields = event.facts
            let key = "\(event.subject.dropFirst("submission:".count)) \(fields["item"] as? String ?? "") \(fields["finding"] as? Int ?? 0) \(event.actor) \(event.reason)"
            if closures.remove(key) == nil { problems.append("journal entry \(event.id ?? 0) records a closed finding that the archive no longer holds as recorded") }
        }
        for key in closures.sorted() { problems.append("a closed finding (\(TerminalText.quoted(key))) is not in the journal") }
        return problems
    }

}

extension ArchiveSchema {
    /// Schema 6: the body's staff and the signed, hash-chained journal.
    static func upgradeToVersion6(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE staff (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              name TEXT NOT NULL UNIQUE,
              roles TEXT NOT NULL,
              public_key TEXT NOT NULL,
              added_at TEXT NOT NULL,
              retired_at TEXT
            );
            CREATE TRIGGER staff_kept BEFORE DELETE ON staff
            BEGIN SELECT RAISE(ABORT, 'staff are retired, never deleted'); END;
            CREATE TRIGGER staff_locked BEFORE UPDATE ON staff
            WHEN NEW.name IS NOT OLD.name OR NEW.roles IS NOT OLD.roles OR NEW.public_key IS NOT OLD.public_key
              OR NEW.added_at IS NOT OLD.added_at OR OLD.retired_at IS NOT NULL
            BEGIN SELECT RAISE(ABORT, 'a person is only ever retired; add them again under a new name for new roles'); END;
            CREATE TABLE event (
              id INTEGER PRIMARY KEY,
              at TEXT NOT NULL,
              kind TEXT NOT NULL,
              subject TEXT NOT NULL,
              actor TEXT NOT NULL,
              reason TEXT NOT NULL,
              body TEXT NOT NULL,
              signer_key TEXT NOT NULL,
              previous_hash TEXT NOT NULL,
              hash TEXT NOT NULL UNIQUE,
              signature TEXT NOT NULL
            );
            """)
        try lock("event", db)
        try createSubmissions(db)
    }
}
