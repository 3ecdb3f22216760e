import Crypto
import Foundation
import GRDB
import StarCertCore

/// One decision in a certificate's cycle: the initial or recertification decision that issued a
/// certificate, or a surveillance decided on one. Never edited.
public struct CycleStepRow: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "cycle_step"
    public var id: Int64?
    /// The certification cycle: the number of the certificate its initial or recertification
    /// decision issued.
    public var cycle: String
    /// The certificate the decision concerns: the one surveilled or recertified, or the one an
    /// initial decision issued.
    public var certificate: String
    public var activity: Archive.Activity
    /// The surveillance's number in its cycle (1, 2, …); 0 for initial and recertification.
    public var sequence: Int
    public var outcome: Archive.Outcome
    /// The decision's day (YYYY-MM-DD).
    public var decidedOn: String
    public var evaluationID: Int64
    public var submissionID: Int64?
    /// The certificate the decision issued, if any.
    public var newCertificate: String?
    /// `single-step` (decided by `issue`) or `separate` (reviewed and decided by people outside
    /// the audit team).
    public var path: String
    public var reviewer: String?
    public var decider: String?
    /// Open minor findings and observations for the next surveillance's agenda, as JSON (a list of
    /// `{item, severity, text}`).
    public var agenda: String
    public var at: String

    public enum CodingKeys: String, CodingKey {
        case id, cycle, certificate, activity, sequence, outcome, path, reviewer, decider, agenda, at
        case decidedOn = "decided_on", evaluationID = "evaluation_id", submissionID = "submission_id", newCertificate = "new_certificate"
    }

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let cycle = Column(CodingKeys.cycle)
        public static let newCertificate = Column(CodingKeys.newCertificate)
        public static let certificate = Column(CodingKeys.certificate)
    }

    var isPassingSurveillance: Bool { activity == .surveillance && (outcome == .maintained || outcome == .changed) }
}

/// A major finding closed before a grant: the corrective action's evidence and who verified it.
public struct FindingClosureRow: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "finding_closure"
    public var submissionID: Int64
    public var item: String
    /// The finding's place among the item's findings, from 1.
    public var finding: Int
    public var text: String
    public var evidence: String
    public var closedBy: String
    public var at: String

    public enum CodingKeys: String, CodingKey {
        case item, finding, text, evidence, at
        case submissionID = "submission_id", closedBy = "closed_by"
    }

    public enum Columns {
        public static let submissionID = Column(CodingKeys.submissionID)
    }
}

extension Archive {
    /// The audit activity of a decision (the regulator's activity codes 01–03).
    public enum Activity: String, Sendable, Codable, CaseIterable, DatabaseValueConvertible {
        case initial, surveillance, recertification

        /// 01 initial, 02 recertification, 03 surveillance.
        public var regulatorCode: String {
            switch self {
            case .initial: return "01"
            case .recertification: return "02"
            case .surveillance: return "03"
            }
        }
    }

    /// What a decision did to the certificate it concerns.
    public enum Outcome: String, Sendable, Codable, CaseIterable, DatabaseValueConvertible {
        /// A certificate was issued (initial, recertification).
        case granted
        /// The certificate continues (surveillance).
        case maintained
        /// A new certificate at the new star level replaces the old for the remaining validity.
        case changed
        case suspended
        case withdrawn
    }

    /// The rules `applyLifecycle` follows, each named in the changes it makes.
    public enum LifecycleRule: String, Sendable, CaseIterable {
        /// A surveillance was not decided by its due day: suspended from the day after.
        case surveillanceOverdue = "surveillance-overdue"
        /// A suspension ran past its limit without a passing surveillance: withdrawn.
        case suspensionLimit = "suspension-limit"
        /// The certificate's last valid day passed: expired.
        case expiry
    }

    /// The audit a certificate needs next, and the last day it may be decided.
    public struct DueAudit: Sendable, Equatable {
        public let activity: Activity
        /// The surveillance's number in the cycle; 0 for recertification.
        public let sequence: Int
        public let by: CalendarDate
    }

    /// A certificate in force (valid or suspended) and its surveillance programme.
    public struct Programme: Sendable {
        public let number: String
        public let organization: String
        public let creditCode: String
        /// The scope the certificate prints.
        public let scope: String
        public let starLevel: Int
        public let evaluationID: Int64
        public let issued: CalendarDate
        public let expires: CalendarDate
        public let status: Status
        public let statusSince: CalendarDate
        public let cycle: String
        /// The day of the decision that began the cycle (initial or recertification).
        public let cycleStart: CalendarDate
        /// The passing surveillances of the cycle, in order.
        public let surveillances: [CycleStepRow]
        public let next: DueAudit
        /// While suspended: the last day before the certificate is withdrawn.
        public let suspensionEnds: CalendarDate?
        /// The latest day anything was decided or took effect on this certificate.
        public let lastEventOn: CalendarDate
        /// How the cycle's first certificate was decided (`single-step` or `separate`).
        public let path: String
        /// What the latest decision left for the next audit (open minor findings, observations) as
        /// stored: a JSON list of `{item, severity, text}`.
        public let agenda: String

        /// The programme as it stands once suspended from `day`.
        func suspended(from day: CalendarDate, rules: SurveillanceProgramme) -> Programme {
            Programme(
                number: number, organization: organization, creditCode: creditCode, scope: scope, starLevel: starLevel, evaluationID: evaluationID,
                issued: issued, expires: expires, status: .suspended, statusSince: day, cycle: cycle, cycleStart: cycleStart, surveillances: surveillances,
                next: next, suspensionEnds: day.adding(months: rules.suspensionLimitMonths), lastEventOn: day, path: path, agenda: agenda)
        }

        /// The agenda's entries.
        public var agendaItems: [(item: String, severity: String, text: String)] {
            guard let list = try? JSONSerialization.jsonObject(with: Data(agenda.utf8)) as? [[String: String]] else { return [] }
            return list.map { ($0["item"] ?? "", $0["severity"] ?? "", $0["text"] ?? "") }
        }
    }

    /// One status change `applyLifecycle` made.
    public struct LifecycleChange: Sendable, Equatable {
        public let number: String
        public let organization: String
        public let from: Status
        public let to: Status
        public let effectiveOn: CalendarDate
        public let rule: LifecycleRule
        public let reason: String
    }

    /// A decision being recorded with the evaluation it concerns (inside the issuing transaction).
    public struct PlannedStep: Sendable {
        public var activity: Activity
        /// The certificate a surveillance or recertification continues.
        public var continues: String?
        /// Set for a surveillance that suspends or withdraws; nil lets the result decide (granted,
        /// maintained or changed).
        public var outcome: Outcome?
        public var reason: String
        public var decidedOn: CalendarDate
        public var path: String
        /// The submission decided, with the decider's signature for the journal.
        public var submissionID: Int64?
        public var decider: EventSigner?
        public var reviewer: String?
        /// Open minor findings and observations (`{item, severity, text}`) for the next surveillance.
        public var agenda: [JSONValue] = []
        /// The last day of the audit decided on.
        public var auditEnd: CalendarDate?

        public init(activity: Activity, continues: String?, outcome: Outcome?, reason: String, decidedOn: CalendarDate, path: String,
                    submissionID: Int64? = nil, decider: EventSigner? = nil, reviewer: String? = nil) {
            self.activity = activity
            self.continues = continues
            self.outcome = outcome
            self.reason = reason
            self.decidedOn = decidedOn
            self.path = path
            self.submissionID = submissionID
            self.decider = decider
            self.reviewer = reviewer
        }
    }

    // MARK: Reading the programme

    /// The cycle certificate `number` belongs to and the day it began: a certificate issued by an
    /// initial or recertification decision begins one; a star-level change and a correction keep
    /// the cycle of the certificate they replace; a certificate recorded before schema 7 begins
    /// its own on its issue day.
    static func cycle(of number: String, _ db: Database) throws -> (cycle: String, start: String, path: String) {
        var current = number
        var seen: Set<String> = []
        while seen.insert(current).inserted {
            if let step = try CycleStepRow.filter(CycleStepRow.Columns.newCertificate == current).fetchOne(db) {
                if step.activity != .surveillance { return (step.cycle, step.decidedOn, step.path) }
                let root = try CycleStepRow.filter(CycleStepRow.Columns.newCertificate == step.cycle && CycleStepRow.Columns.cycle == step.cycle).fetchOne(db)
                if let root { return (step.cycle, root.decidedOn, root.path) }
                let issued = try String.fetchOne(db, CertificateRow.select(Column("issued_on")).filter(key: step.cycle)) ?? step.decidedOn
                return (step.cycle, try legacyStart(issued, db), "single-step")
            }
            guard let evaluation = try Int64.fetchOne(db, CertificateRow.select(CertificateRow.Columns.evaluationID).filter(key: current)),
                  let replaced = try Int64.fetchOne(db, EvaluationRow.select(EvaluationRow.Columns.replaces).filter(key: evaluation)),
                  let earlier = try String.fetchOne(db, EvaluationRow.select(EvaluationRow.Columns.certificateNumber).filter(key: replaced))
            else { break }
            current = earlier
        }
        let issued = try String.fetchOne(db, CertificateRow.select(Column("issued_on")).filter(key: current)) ?? ""
        return (current, try legacyStart(issued, db), "single-step")
    }

    /// Where the programme of a certificate issued before schema 7 starts: its issue day, but not
    /// before the day the archive was upgraded — its surveillances could not be recorded before,
    /// so the rules never suspend it for what the earlier version could not keep.
    static func legacyStart(_ issued: String, _ db: Database) throws -> String {
        guard let mark = try Int.fetchOne(db, sql: "SELECT value FROM archive_mark WHERE name = 'lifecycle_baseline'"),
              let baseline = CalendarDate(year: mark / 10_000, month: mark / 100 % 100, day: mark % 100) else { return issued }
        return max(issued, baseline.description)
    }

    package static func programme(_ number: String, rules: SurveillanceProgramme, _ db: Database) throws -> Programme? {
        guard let certificate = try CertificateRow.fetchOne(db, key: number),
              let evaluation = try EvaluationRow.fetchOne(db, key: certificate.evaluationID),
              let issued = CalendarDate(iso: certificate.issuedOn), let expires = CalendarDate(iso: certificate.expiresOn)
        else { return nil }
        let history = try StatusRow.filter(StatusRow.Columns.number == number).order(StatusRow.Columns.id).fetchAll(db)
        let status = history.last?.status ?? .valid
        // A suspension runs from its first day, however often it is confirmed.
        let run = history.reversed().prefix { $0.status == status }
        let since = run.last.flatMap { CalendarDate(iso: $0.day(in: rules.zone)) } ?? issued
        let (cycle, startText, path) = try Self.cycle(of: number, db)
        let start = CalendarDate(iso: startText) ?? issued
        let steps = try CycleStepRow.filter(CycleStepRow.Columns.cycle == cycle).order(CycleStepRow.Columns.id).fetchAll(db)
        let passing = steps.filter(\.isPassingSurveillance)
        var next = DueAudit(activity: .recertification, sequence: 0, by: expires)
        if passing.count < rules.perCycle {
            let from = passing.last.flatMap { CalendarDate(iso: $0.decidedOn) } ?? start
            let by = from.adding(months: rules.intervalMonths)
            if by < expires { next = DueAudit(activity: .surveillance, sequence: passing.count + 1, by: by) }
        }
        let changes = history.compactMap { CalendarDate(iso: $0.day(in: rules.zone)) }
        let decided = steps.filter { $0.certificate == number || $0.newCertificate == number }.compactMap { CalendarDate(iso: $0.decidedOn) }
        let last = (changes + decided + [issued]).max() ?? issued
        return Programme(
            number: number, organization: evaluation.organization, creditCode: evaluation.creditCode,
            scope: CanonicalCertificate(text: certificate.canonical)?.scope ?? "", starLevel: evaluation.starLevel ?? 0,
            evaluationID: certificate.evaluationID, issued: issued, expires: expires, status: status, statusSince: since, cycle: cycle,
            cycleStart: start, surveillances: passing, next: next,
            suspensionEnds: status == .suspended ? since.adding(months: rules.suspensionLimitMonths) : nil, lastEventOn: last, path: path,
            agenda: steps.last(where: { $0.outcome != .suspended && $0.outcome != .withdrawn })?.agenda ?? "[]")
    }

    /// The programme of certificate `number`, whatever its status (nil when there is no such certificate).
    public func programme(_ number: String, rules: SurveillanceProgramme) throws(ArchiveError) -> Programme? {
        try typed { try read { db in try Self.programme(number, rules: rules, db) } }
    }

    /// Every certificate in force (valid or suspended, not superseded), by number.
    public func programmes(rules: SurveillanceProgramme) throws(ArchiveError) -> [Programme] {
        let path = self.path
        return try typed { try read { db in
            guard try db.tableExists("cycle_step") else {
                throw ArchiveError.refused("\(path) was written by an earlier StarCert (its schema has no surveillance programme yet); any command that writes to it upgrades it, e.g. `starcert lifecycle apply`")
            }
            return try Self.programmesInForce(rules: rules, db)
        } }
    }

    static func programmesInForce(rules: SurveillanceProgramme, _ db: Database) throws -> [Programme] {
        try String.fetchAll(db, sql: """
            SELECT c.number FROM certificate c
            LEFT JOIN certificate_status s ON s.id = (SELECT MAX(l.id) FROM certificate_status l WHERE l.number = c.number)
            WHERE s.status IS NULL OR s.status IN ('valid', 'suspended')
            ORDER BY c.number
            """).compactMap { try programme($0, rules: rules, db) }
    }

    /// The latest day any status change took effect or any decision was made in the archive.
    static func lastEventDay(rules: SurveillanceProgramme, _ db: Database) throws -> CalendarDate? {
        let statuses = try StatusRow.fetchAll(db).compactMap { CalendarDate(iso: $0.day(in: rules.zone)) }
        let decided = try String.fetchAll(db, sql: "SELECT decided_on FROM cycle_step").compactMap(CalendarDate.init(iso:))
        return (statuses + decided).max()
    }

    /// The certificate a surveillance evaluation kept, suspended or withdrew (its report names it).
    public func surveilledCertificate(of evaluationID: Int64) throws(ArchiveError) -> String? {
        try typed { try read { db in
            guard try db.tableExists("cycle_step") else { return nil }
            return try String.fetchOne(db, sql: "SELECT certificate FROM cycle_step WHERE evaluation_id = ? AND new_certificate IS NULL", arguments: [evaluationID])
        } }
    }

    /// The certificate that replaced `number`: by a correction, a recertification or a change of
    /// star level.
    static func successor(of number: String, _ db: Database) throws -> String? {
        if let corrected = try String.fetchOne(db, sql: "SELECT e2.certificate_number FROM certificate c JOIN evaluation e2 ON e2.replaces = c.evaluation_id WHERE c.number = ?",
                                               arguments: [number]) {
            return corrected
        }
        guard try db.tableExists("cycle_step") else { return nil }
        return try String.fetchOne(db, sql: "SELECT new_certificate FROM cycle_step WHERE certificate = ? AND new_certificate IS NOT NULL AND new_certificate != ? ORDER BY id DESC LIMIT 1",
                                   arguments: [number, number])
    }

    // MARK: Applying the rules

    /// Applies the lifecycle rules on `date`, in one transaction: a surveillance not decided by its
    /// due day suspends the certificate from the next day; a suspension past its limit withdraws
    /// it; a certificate past its last valid day expires. Every change is recorded with the day it
    /// took effect and the rule that made it, and journaled. Running it again, or from two
    /// processes at once, changes nothing more. A date before the archive's last event is refused.
    public func applyLifecycle(on date: CalendarDate, rules: SurveillanceProgramme, signer: EventSigner) throws(ArchiveError) -> [LifecycleChange] {
        try typed { try write { db in
            if let last = try Self.lastEventDay(rules: rules, db), date < last {
                throw ArchiveError.refused("the archive's last recorded event took effect on \(last); the lifecycle cannot be applied on an earlier day (\(date)); expected \(last) or later")
            }
            var changes: [LifecycleChange] = []
            for programme in try Self.programmesInForce(rules: rules, db) {
                changes += try Self.applyRules(to: programme, on: date, rules: rules, signer: signer, db)
            }
            return changes
        } }
    }

    /// Applies the rules to one certificate up to `date`, recording each change.
    package static func applyRules(to start: Programme, on date: CalendarDate, rules: SurveillanceProgramme, signer: EventSigner, _ db: Database) throws -> [LifecycleChange] {
        var changes: [LifecycleChange] = []
        var current = start
        while let change = lifecycleChange(current, on: date, rules: rules) {
            try recordStatus(change.to, of: current.number, reason: change.reason, effectiveOn: change.effectiveOn, rule: change.rule.rawValue, signer: signer, db)
            changes.append(change)
            guard change.to == .suspended, let next = try programme(current.number, rules: rules, db) else { break }
            current = next
        }
        return changes
    }

    /// The status the rules give `programme` on `date` when they have not been applied yet, or
    /// nil when they change nothing (what `due` shows before `lifecycle apply` runs).
    public static func statusByTheRules(_ programme: Programme, on date: CalendarDate, rules: SurveillanceProgramme) -> (status: Status, since: CalendarDate)? {
        var current = programme
        var result: (Status, CalendarDate)?
        while let change = lifecycleChange(current, on: date, rules: rules) {
            result = (change.to, change.effectiveOn)
            guard change.to == .suspended else { break }
            current = current.suspended(from: change.effectiveOn, rules: rules)
        }
        return result
    }

    /// The change the rules make to `programme` on `date`, if any.
    static func lifecycleChange(_ programme: Programme, on date: CalendarDate, rules: SurveillanceProgramme) -> LifecycleChange? {
        func change(_ to: Status, on day: CalendarDate, _ rule: LifecycleRule, _ reason: String) -> LifecycleChange {
            LifecycleChange(number: programme.number, organization: programme.organization, from: programme.status, to: to, effectiveOn: day, rule: rule, reason: reason)
        }
        let expiry = change(.expired, on: programme.expires.nextDay, .expiry, "valid until \(programme.expires); no recertification was decided before")
        switch programme.status {
        case .valid:
            // A missed surveillance suspends before the expiry could (its due day is before it).
            let next = programme.next
            if next.activity != .surveillance, date > programme.expires { return expiry }
            if next.activity == .surveillance, date > next.by {
                // Not before the day the certificate became valid again (a restore by hand).
                return change(.suspended, on: max(next.by.nextDay, programme.statusSince), .surveillanceOverdue,
                              "surveillance \(next.sequence) was due by \(next.by) and was not decided")
            }
            if date > programme.expires { return expiry }
        case .suspended:
            guard let ends = programme.suspensionEnds else { return nil }
            if programme.expires < ends {
                if date > programme.expires { return expiry }
            } else if date > ends {
                return change(.withdrawn, on: ends.nextDay, .suspensionLimit,
                              "suspended since \(programme.statusSince); no passing surveillance within \(rules.suspensionLimitMonths) months")
            }
        default:
            break
        }
        return nil
    }

    /// Appends a status change and its journal entry.
    static func recordStatus(_ status: Status, of number: String, reason: String, effectiveOn: CalendarDate, rule: String?, decision: Int64? = nil,
                             signer: EventSigner, _ db: Database) throws {
        try record(StatusRow(number: number, status: status, reason: reason, at: timestamp(), effectiveOn: effectiveOn.description, rule: rule, decision: decision),
                   signer: signer, db)
    }

    /// Inserts a status change and journals it: every change since schema 7 has its entry, which
    /// `archive verify` holds the table to.
    package static func record(_ row: StatusRow, signer: EventSigner, _ db: Database) throws {
        var row = row
        try row.insert(db)
        row.id = db.lastInsertedRowID
        _ = try appendEvent(db, kind: "status-\(row.status.rawValue)", subject: "certificate:\(row.number)", reason: row.reason,
                            body: statusBody(row), signer: signer, at: row.at)
    }

    /// What the journal says of a status change.
    static func statusBody(_ row: StatusRow) -> JSONValue {
        .object([
            ("row", .integer(Int(row.id ?? 0))), ("number", .string(row.number)), ("status", .string(row.status.rawValue)),
            ("code", .string(row.status.regulatorCode)), ("effective_on", row.effectiveOn.map(JSONValue.string) ?? .null),
            ("rule", row.rule.map(JSONValue.string) ?? .null), ("decision", row.decision.map { .integer(Int($0)) } ?? .null),
        ])
    }

    /// What the journal says of a cycle decision.
    static func stepBody(_ step: CycleStepRow) -> JSONValue {
        .object([
            ("evaluation", .integer(Int(step.evaluationID))), ("cycle", .string(step.cycle)), ("activity", .string(step.activity.rawValue)),
            ("outcome", .string(step.outcome.rawValue)), ("certificate", .string(step.certificate)),
            ("new_certificate", step.newCertificate.map(JSONValue.string) ?? .null), ("sequence", .integer(step.sequence)),
            ("decided_on", .string(step.decidedOn)), ("path", .string(step.path)), ("reviewer", step.reviewer.map(JSONValue.string) ?? .null),
            ("decider", step.decider.map(JSONValue.string) ?? .null), ("submission", step.submissionID.map { .integer(Int($0)) } ?? .null),
            ("agenda_sha256", .string(sha256Hex(Array(step.agenda.utf8)))),
        ])
    }

    // MARK: Recording decisions

    /// Why `step` cannot be recorded for an evaluation of `creditCode`, checked before numbering:
    /// the certificate it continues must exist, be the organization's, be in force (valid or
    /// suspended; not withdrawn, superseded or expired by the decision's day), and its last event
    /// must not be after the decision's day.
    package static func stepProblem(_ step: PlannedStep, creditCode: String, rules: SurveillanceProgramme, issuer: EventSigner, _ db: Database, path: String) throws -> String? {
        // The rules up to the decision's day come first: a decision on a certificate the rules
        // suspended restores it; one they withdrew or expired is not continued.
        if let number = step.continues, let programme = try programme(number, rules: rules, db), programme.lastEventOn <= step.decidedOn {
            _ = try applyRules(to: programme, on: step.decidedOn, rules: rules, signer: issuer, db)
        }
        guard let number = step.continues else {
            // A recertification of a certificate this archive never held begins a cycle here.
            return step.activity == .surveillance ? "a surveillance names the certificate it surveils; expected `certificate: NUMBER` in the assessment" : nil
        }
        guard let programme = try programme(number, rules: rules, db) else {
            return "there is no certificate \(TerminalText.quoted(number)) in \(path); expected the number of the certificate this \(step.activity.rawValue) continues"
        }
        if programme.creditCode != creditCode {
            return "certificate \(number) is of another organization (credit code \(programme.creditCode), this evaluation \(creditCode))"
        }
        switch programme.status {
        case .withdrawn, .expired:
            return "certificate \(number) is \(programme.status.rawValue) (\(programme.status.chinese)) since \(programme.statusSince); a \(step.activity.rawValue) continues only a certificate in force — expected a new initial evaluation"
        case .superseded:
            let successor = try Self.successor(of: number, db)
            return "certificate \(number) was replaced\(successor.map { " by \($0)" } ?? ""); expected the number of the certificate in force"
        case .valid, .suspended:
            break
        }
        if step.decidedOn > programme.expires {
            return "certificate \(number) was valid until \(programme.expires), before the decision's day \(step.decidedOn); an expired certificate is not continued — expected a new initial evaluation"
        }
        if step.decidedOn < programme.lastEventOn {
            return "the decision's day \(step.decidedOn) is before the last event of certificate \(number) (\(programme.lastEventOn)); expected \(programme.lastEventOn) or later"
        }
        let previous = programme.surveillances.last.flatMap { CalendarDate(iso: $0.decidedOn) } ?? programme.cycleStart
        if let end = step.auditEnd, end < previous {
            return "the audit ended on \(end), before the last decision on certificate \(number) (\(previous)); a \(step.activity.rawValue) audits the time since — expected an audit after it"
        }
        if step.activity == .surveillance, programme.next.activity != .surveillance {
            return "certificate \(number) had its \(programme.surveillances.count) surveillance\(programme.surveillances.count == 1 ? "" : "s") of this cycle; expected a recertification (kind: recertification) before \(programme.expires)"
        }
        return nil
    }

    /// Records the decision `step` on evaluation `evaluationID` (inside the issuing transaction):
    /// the cycle step, the status changes it makes, the decision's journal entry signed by the
    /// decider, and the submission granted.
    package static func recordStep(_ step: PlannedStep, evaluationID: Int64, outcome: Outcome?, newCertificate: String?, rules: SurveillanceProgramme,
                           issuer: EventSigner, _ db: Database) throws {
        let at = timestamp()
        let day = step.decidedOn
        var cycle = newCertificate ?? ""
        var sequence = 0
        var concerned = newCertificate ?? ""
        if let outcome, let number = step.continues, let programme = try programme(number, rules: rules, db) {
            concerned = number
            if step.activity == .surveillance {
                cycle = programme.cycle
                sequence = programme.surveillances.count + 1
            }
            switch outcome {
            case .maintained where programme.status == .suspended:
                try recordStatus(.valid, of: number, reason: "restored by surveillance \(sequence) (evaluation \(evaluationID))", effectiveOn: day, rule: nil, decision: evaluationID, signer: issuer, db)
            case .changed:
                try recordStatus(.superseded, of: number, reason: "star level changed by surveillance \(sequence): certificate \(newCertificate ?? "")", effectiveOn: day, rule: nil, decision: evaluationID, signer: issuer, db)
            case .granted:
                try recordStatus(.superseded, of: number, reason: "recertified: certificate \(newCertificate ?? "")", effectiveOn: day, rule: nil, decision: evaluationID, signer: issuer, db)
            case .suspended, .withdrawn:
                // Recorded even on a certificate the rules suspended: the decision's reason and
                // day are the suspension's from now on.
                try recordStatus(outcome == .suspended ? .suspended : .withdrawn, of: number, reason: step.reason, effectiveOn: day, rule: nil, decision: evaluationID, signer: issuer, db)
            case .maintained:
                break
            }
        }
        var body: JSONValue = .object([
            ("evaluation", .integer(Int(evaluationID))), ("activity", .string(step.activity.rawValue)), ("outcome", .null),
            ("submission", step.submissionID.map { .integer(Int($0)) } ?? .null), ("decided_on", .string(day.description)),
        ])
        if let outcome, !concerned.isEmpty {
            let row = CycleStepRow(
                cycle: cycle, certificate: concerned, activity: step.activity, sequence: sequence, outcome: outcome, decidedOn: day.description,
                evaluationID: evaluationID, submissionID: step.submissionID, newCertificate: newCertificate, path: step.path,
                reviewer: step.reviewer, decider: step.decider?.actor, agenda: JSONValue.array(step.agenda).serialized(), at: at)
            try row.insert(db)
            body = stepBody(row)
        }
        if let submissionID = step.submissionID, let decider = step.decider {
            guard var submission = try SubmissionRow.fetchOne(db, key: submissionID), submission.state == .deciding, submission.decider == decider.actor else {
                throw ArchiveError.refused("evaluation \(submissionID) is no longer being decided by \(TerminalText.quoted(decider.actor))")
            }
            // What was issued is what was submitted, byte for byte.
            let issuedBytes = try Data.fetchOne(db, sql: "SELECT assessment FROM evaluation WHERE id = ?", arguments: [evaluationID]) ?? Data()
            guard sha256Hex(Array(issuedBytes)) == submission.assessmentSHA256 else {
                throw ArchiveError.refused("the file issued for evaluation \(submissionID) is not the file submitted (it changed while the decision was made); submit it as it stands for review again")
            }
            _ = try person(decider.actor, key: decider.key, db)
            submission.state = .granted
            submission.evaluationID = evaluationID
            try submission.update(db)
            _ = try appendEvent(db, kind: "decision-\((outcome ?? .granted).rawValue)", subject: "submission:\(submissionID)", reason: step.reason, body: body, signer: decider, at: at)
        } else if outcome != nil {
            _ = try appendEvent(db, kind: "issued-single-step", subject: "evaluation:\(evaluationID)", reason: step.reason, body: body, signer: issuer, at: at)
        }
    }

    // MARK: Findings

    /// Closes major finding `finding` of `item` in submitted evaluation `id`: the corrective
    /// action's evidence, verified by `name` (an active auditor or reviewer, signing with their key).
    public func closeFinding(_ id: Int64, item: String, finding: Int, text: String, evidence: String, by name: String,
                             key: P256.Signing.PrivateKey) throws(ArchiveError) -> FindingClosureRow {
        let path = self.path
        return try typed { try write { db in
            guard let submission = try SubmissionRow.fetchOne(db, key: id) else { throw ArchiveError.notFound("there is no submitted evaluation \(id) in \(path)") }
            guard [.awaitingReview, .accepted].contains(submission.state) else {
                throw ArchiveError.refused("evaluation \(id) is \(submission.state.rawValue); findings are closed while it awaits review or a decision")
            }
            let person = try Self.person(name, key: key, db)
            guard !person.roleSet.isDisjoint(with: [.auditor, .reviewer]) else {
                throw ArchiveError.refused("\(TerminalText.quoted(person.name)) holds the roles \(person.roles); closing a finding takes an auditor or a reviewer")
            }
            let evidence = try Self.reason(evidence, required: false, what: "the evidence")
            guard !evidence.isEmpty else { throw ArchiveError.refused("a closed finding needs its evidence; expected --evidence with what was corrected and how it was verified") }
            if try FindingClosureRow.filter(FindingClosureRow.Columns.submissionID == id && Column("item") == item && Column("finding") == finding).fetchCount(db) > 0 {
                throw ArchiveError.refused("finding \(finding) of item \(item) in evaluation \(id) was closed already")
            }
            let at = Self.timestamp()
            let row = FindingClosureRow(submissionID: id, item: item, finding: finding, text: text, evidence: evidence, closedBy: person.name, at: at)
            try row.insert(db)
            _ = try Self.appendEvent(db, kind: "finding-closed", subject: "submission:\(id)", reason: evidence, body: .object([
                ("item", .string(item)), ("finding", .integer(finding)), ("text", .string(text)),
            ]), signer: EventSigner(actor: person.name, key: key), at: at)
            return row
        } }
    }

    /// The closed findings of submission `id` that the journal recorded, signed by who closed them.
    public func closedFindings(of id: Int64) throws(ArchiveError) -> [FindingClosureRow] {
        try typed { try read { db in
            let journaled = Set(try EventRow.filter(Column("kind") == "finding-closed" && Column("subject") == "submission:\(id)").fetchAll(db).map { event in
                let fields = event.facts
                return "\(fields["item"] as? String ?? "") \(fields["finding"] as? Int ?? 0) \(event.actor)"
            })
            return try FindingClosureRow.filter(FindingClosureRow.Columns.submissionID == id).fetchAll(db)
                .filter { journaled.contains("\($0.item) \($0.finding) \($0.closedBy)") }
        } }
    }

    /// The active person `name`, signing with the key recorded for them.
    static func person(_ name: String, key: P256.Signing.PrivateKey, _ db: Database) throws -> StaffRow {
        let name = name.precomposedStringWithCanonicalMapping
        guard let person = try StaffRow.filter(StaffRow.Columns.name == name).fetchOne(db) else {
            throw ArchiveError.refused("\(TerminalText.quoted(name)) is not on the staff; `starcert staff list` shows who is")
        }
        if let retired = person.retiredAt { throw ArchiveError.refused("\(TerminalText.quoted(name)) retired on \(retired.prefix(10)) and may act no more") }
        guard key.publicKey.rawRepresentation.base64EncodedString() == person.publicKey else {
            throw ArchiveError.refused("the key given is not \(TerminalText.quoted(name))'s (it is not the key recorded when they were added)")
        }
        return person
    }
}

extension ArchiveSchema {
    /// Schema 7: certificate status changes take effect on a day and name the lifecycle rule that
    /// made them; the decisions of each certificate's cycle; closed findings.
    static func upgradeToVersion7(_ db: Database) throws {
        try db.execute(sql: """
            DROP TRIGGER certificate_status_locked;
            DROP TRIGGER certificate_status_kept;
            DROP INDEX certificate_status_by_number;
            ALTER TABLE certificate_status RENAME TO certificate_status_v6;
            CREATE TABLE certificate_status (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              number TEXT NOT NULL REFERENCES certificate(number),
              status TEXT NOT NULL CHECK (status IN ('valid', 'suspended', 'withdrawn', 'superseded', 'expired')),
              reason TEXT NOT NULL,
              at TEXT NOT NULL,
              effective_on TEXT,
              rule TEXT CHECK (rule IS NULL OR rule IN ('surveillance-overdue', 'suspension-limit', 'expiry')),
              decision INTEGER REFERENCES evaluation(id)
            );
            INSERT INTO certificate_status (id, number, status, reason, at) SELECT id, number, status, reason, at FROM certificate_status_v6;
            DROP TABLE certificate_status_v6;
            CREATE INDEX certificate_status_by_number ON certificate_status(number, id);
            CREATE TABLE cycle_step (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              cycle TEXT NOT NULL,
              certificate TEXT NOT NULL REFERENCES certificate(number),
              activity TEXT NOT NULL CHECK (activity IN ('initial', 'surveillance', 'recertification')),
              sequence INTEGER NOT NULL,
              outcome TEXT NOT NULL CHECK (outcome IN ('granted', 'maintained', 'changed', 'suspended', 'withdrawn')),
              decided_on TEXT NOT NULL,
              evaluation_id INTEGER NOT NULL UNIQUE REFERENCES evaluation(id),
              submission_id INTEGER REFERENCES submission(id),
              new_certificate TEXT UNIQUE REFERENCES certificate(number),
              path TEXT NOT NULL CHECK (path IN ('single-step', 'separate')),
              reviewer TEXT,
              decider TEXT,
              agenda TEXT NOT NULL,
              at TEXT NOT NULL
            );
            CREATE INDEX cycle_step_by_cycle ON cycle_step(cycle, id);
            CREATE INDEX cycle_step_by_certificate ON cycle_step(certificate);
            CREATE TABLE finding_closure (
              submission_id INTEGER NOT NULL REFERENCES submission(id),
              item TEXT NOT NULL,
              finding INTEGER NOT NULL,
              text TEXT NOT NULL,
              evidence TEXT NOT NULL,
              closed_by TEXT NOT NULL,
              at TEXT NOT NULL,
              PRIMARY KEY (submission_id, item, finding)
            );
            CREATE TABLE archive_mark (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
            INSERT INTO archive_mark (name, value) SELECT 'status_rows_before_journal', COALESCE(MAX(id), 0) FROM certificate_status;
            INSERT INTO archive_mark (name, value) SELECT 'lifecycle_baseline', CAST(strftime('%Y%m%d', 'now') AS INTEGER)
              WHERE EXISTS (SELECT 1 FROM certificate);
            """)
        for table in ["certificate_status", "cycle_step", "finding_closure", "archive_mark"] { try lock(table, db) }
        try createRegulatorExports(db)
    }
}
