import Foundation
import StarCertArchive
import StarCertCore
import StarCertIssuing

/// The surveillance programme a body works from, and the rules that move certificates' statuses
/// on the days they fall due.
public enum CertificateLifecycle {
    /// One certificate's next audit, as `due` lists it.
    public struct DueEntry: Sendable {
        public let programme: Archive.Programme
        /// Days from the day asked about to the last day the audit may be decided (negative: overdue).
        public let daysLeft: Int
        /// The status the rules give the certificate on the day asked about, when `lifecycle
        /// apply` has not recorded it yet.
        public var byTheRules: (status: Archive.Status, since: CalendarDate)? = nil
        public var isOverdue: Bool { daysLeft < 0 }

        /// What is due, said for a plan: `surveillance 1`, `recertification`, or for a suspended
        /// certificate the passing surveillance that lifts the suspension.
        public var audit: String {
            let next = programme.next
            let name = next.activity == .surveillance ? "surveillance \(next.sequence)" : "recertification"
            return programme.status == .suspended ? "\(name) (lifts the suspension; else withdrawn)" : name
        }

        /// The last day the audit may be decided.
        public var by: CalendarDate {
            programme.status == .suspended ? min(programme.suspensionEnds ?? programme.next.by, programme.expires) : programme.next.by
        }

        /// The entry's fields in order, as `due --csv` and `--json` write them (the agenda as JSON
        /// text: a list of open minor findings and observations).
        public var fields: [(String, String)] {
            let p = programme
            return [
                ("certificate", p.number), ("organization", p.organization), ("credit_code", p.creditCode), ("star_level", String(p.starLevel)),
                ("status", p.status.rawValue), ("status_code", p.status.regulatorCode), ("status_since", p.statusSince.description),
                ("issued", p.issued.description), ("expires", p.expires.description), ("cycle_start", p.cycleStart.description),
                ("surveillances_done", String(p.surveillances.count)), ("last_surveillance", p.surveillances.last?.decidedOn ?? ""),
                ("due", audit), ("activity_code", p.next.activity.regulatorCode), ("due_by", by.description), ("days_left", String(daysLeft)),
                ("overdue", isOverdue ? "yes" : "no"),
                ("status_by_rules", byTheRules.map { "\($0.status.rawValue) \($0.status.regulatorCode) from \($0.since)" } ?? ""), ("decision_path", p.path), ("agenda_items", String(p.agendaItems.count)),
            ]
        }

        /// Fields that hold whole numbers (written as numbers in JSON, and never guarded in CSV).
        public static let numericFields: Set<String> = ["star_level", "surveillances_done", "days_left", "agenda_items"]

        /// The entry as `due --json` writes it: the fields, and the agenda's findings.
        public var json: JSONValue {
            .object(fields.map { key, value in (key, Self.numericFields.contains(key) ? Int(value).map(JSONValue.integer) ?? .string(value) : .string(value)) }
                + [("agenda", .array(programme.agendaItems.map { entry in
                .object([("item", .string(entry.item)), ("severity", .string(entry.severity)), ("text", .string(entry.text))])
            }))])
        }
    }

    /// `due [--within DAYS] [--date D]`: every certificate in force with its next audit, most
    /// urgent first; with `within`, only those due by `date` + `within` days (overdue ones always).
    public static func due(archivePath: String, issuerProfile: String, date: CalendarDate?, within: Int?) throws(SetupFailure) -> (date: CalendarDate, entries: [DueEntry]) {
        let profile = try CertificationDesk.loadProfile(issuerProfile)
        let archive: Archive
        do { archive = try Archive(path: archivePath, access: .readOnly) } catch { throw .unusable(error) }
        let day = date ?? profile.today()
        guard CalendarDate.supportedYears.contains(day.year) else {
            throw .refused("--date \(day) is outside the years StarCert plans for; expected a day from \(CalendarDate.supportedYears.lowerBound) to \(CalendarDate.supportedYears.upperBound)")
        }
        let programmes: [Archive.Programme]
        do { programmes = try archive.programmes(rules: profile.programme) } catch { throw .unusable(error) }
        let entries = programmes.map { programme in
            let entry = DueEntry(programme: programme, daysLeft: 0)
            return DueEntry(programme: programme, daysLeft: days(from: day, to: entry.by),
                            byTheRules: Archive.statusByTheRules(programme, on: day, rules: profile.programme))
        }
        .filter { within == nil || $0.daysLeft <= within! }
        .sorted { ($0.daysLeft, $0.programme.number) < ($1.daysLeft, $1.programme.number) }
        return (day, entries)
    }

    /// `lifecycle apply [--date D]`: suspends, withdraws and expires as the rules say on `date`
    /// (default today in the profile's zone), each change signed with the issuer's key.
    public static func apply(archivePath: String, issuerProfile: String, keys: URL, date: CalendarDate?) throws(SetupFailure) -> (date: CalendarDate, changes: [Archive.LifecycleChange]) {
        let profile = try CertificationDesk.loadProfile(issuerProfile)
        let today = profile.today()
        let day = date ?? today
        if day > today { throw .refused("the day \(day) is after today (\(today) in \(profile.timeZone)); the lifecycle is applied on today or an earlier day") }
        let key = try CertificationDesk.issuerKey(keys)
        let archive = try CertificationDesk.openArchive(archivePath, creating: false)
        do {
            return (day, try archive.applyLifecycle(on: day, rules: profile.programme, signer: EventSigner(actor: EventSigner.issuerActor, key: key)))
        } catch {
            throw .refused("\(error)")
        }
    }

    /// `cert suspend|withdraw|restore NUMBER --reason TEXT`: a status change by hand, journaled
    /// and signed with the issuer's key in `keys`.
    /// Returns a warning when a restored certificate's surveillance is still overdue (the rules
    /// will suspend it again).
    @discardableResult
    public static func setStatus(_ number: String, to status: Archive.Status, reason: String, archivePath: String, issuerProfile: String,
                                 keys: URL) throws(SetupFailure) -> String? {
        let archive = try CertificationDesk.openArchive(archivePath, creating: false)
        let key = try CertificationDesk.issuerKey(keys)
        let profile = try? CertificationDesk.loadProfile(issuerProfile)
        let today = profile?.today() ?? IssuerProfile.today(inTimeZone: IssuerProfile.defaultTimeZone)
        do {
            try archive.setStatus(number, to: status, reason: reason, effectiveOn: today, signer: EventSigner(actor: EventSigner.issuerActor, key: key))
        } catch {
            throw .refused("\(error)")
        }
        guard status == .valid, let rules = profile?.programme, let programme = try? archive.programme(number, rules: rules),
              programme.next.activity == .surveillance, today > programme.next.by else { return nil }
        return "surveillance \(programme.next.sequence) of certificate \(number) was due by \(programme.next.by) and is still not decided: the next `starcert lifecycle apply` suspends it again"
    }

    /// The issuer's key from `keys` for signing lifecycle changes, or nil when the folder holds no
    /// issuer.key (a key that is there but unusable is an error).
    public static func issuerSigner(keys: URL) throws(SetupFailure) -> EventSigner? {
        guard FileManager.default.fileExists(atPath: keys.appendingPathComponent("issuer.key").path) else { return nil }
        return EventSigner(actor: EventSigner.issuerActor, key: try CertificationDesk.issuerKey(keys))
    }

    /// Whole days from `start` to `end` (negative when `end` is earlier).
    static func days(from start: CalendarDate, to end: CalendarDate) -> Int { end.daysSince1970 - start.daysSince1970 }
}
