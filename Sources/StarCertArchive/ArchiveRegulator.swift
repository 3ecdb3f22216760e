import Foundation
import GRDB
import StarCertCore

/// One monthly export to the regulator, as logged: what was written and by whom, and its rows
/// (to show what changed when the month is exported again).
public struct RegulatorExportRow: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "regulator_export"
    public var id: Int64?
    /// `YYYY-MM`.
    public var month: String
    public var format: String
    /// The SHA-256 of each file written, one `NAME SHA256` per line.
    public var files: String
    /// The rows written, as JSON: `{sheet: [[cell, …], …]}` with the headers first.
    public var rows: String
    public var at: String
    public var actor: String

    public init(month: String, format: String, files: String, rows: String, at: String, actor: String) {
        self.month = month
        self.format = format
        self.files = files
        self.rows = rows
        self.at = at
        self.actor = actor
    }

    public enum CodingKeys: String, CodingKey {
        case id, month, format, files, rows, at, actor
    }

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let month = Column(CodingKeys.month)
    }
}

extension Archive {
    /// What the archive holds about a month, for the regulator's report.
    public struct MonthRecords: Sendable {
        /// Decisions of certificates' cycles made in the month.
        public let decisions: [CycleStepRow]
        /// Status changes that took effect in the month, other than those decisions made.
        public let statusChanges: [StatusRow]
        /// Certificates issued in the month without a decision of their cycle (corrections,
        /// certificates from before schema 7).
        public let issuedAlone: [StatusRow]
        /// Every certificate these name, by number, and every evaluation, by id.
        public let certificates: [String: CertificateRow]
        public let evaluations: [Int64: EvaluationRow]
        /// The first issue day of each organization's certificates, by credit code.
        public let firstIssued: [String: String]
        /// Recertification decisions: the organization's credit code and the day.
        public let recertifications: [(creditCode: String, day: String)]
        /// Decisions that restored a suspended certificate, by evaluation.
        public let restoringDecisions: Set<Int64>
        /// Certificates in force now, with their programmes.
        public let programmes: [Programme]
        /// The reasons decisions that suspended or withdrew gave, by evaluation.
        public let decisionReasons: [Int64: String]
        /// Corrections: the evaluation that replaced each one replaced.
        public let replacedBy: [Int64: Int64]

        /// The latest correction of evaluation `id` (itself when never corrected).
        public func latestCorrection(of id: Int64) -> Int64 {
            var current = id
            var seen: Set<Int64> = []
            while let next = replacedBy[current], seen.insert(next).inserted { current = next }
            return current
        }
    }

    /// The records of `month` (`YYYY-MM`): decisions, status changes and issues whose day falls in
    /// it, with the certificates and evaluations they concern.
    public func monthRecords(_ month: String, rules: SurveillanceProgramme) throws(ArchiveError) -> MonthRecords {
        try typed { try read { db in
            let inMonth = { (day: String?) in day.map { $0.hasPrefix(month + "-") } ?? false }
            let decisions = try CycleStepRow.order(CycleStepRow.Columns.id).fetchAll(db).filter { inMonth($0.decidedOn) }
            let statuses = try StatusRow.order(StatusRow.Columns.id).fetchAll(db)
            var first: Set<String> = []
            var changes: [StatusRow] = []
            var alone: [StatusRow] = []
            let decidedCertificates = Set(try String.fetchAll(db, sql: "SELECT new_certificate FROM cycle_step WHERE new_certificate IS NOT NULL"))
            for row in statuses {
                let isFirst = first.insert(row.number).inserted
                guard inMonth(row.day(in: rules.zone)) else { continue }
                if isFirst {
                    if !decidedCertificates.contains(row.number) { alone.append(row) }
                } else if row.decision == nil || row.status == .superseded {
                    changes.append(row)
                }
            }
            var numbers = Set(decisions.flatMap { [$0.certificate] + ($0.newCertificate.map { [$0] } ?? []) })
            numbers.formUnion(changes.map(\.number))
            numbers.formUnion(alone.map(\.number))
            var certificates: [String: CertificateRow] = [:]
            for number in numbers { certificates[number] = try CertificateRow.fetchOne(db, key: number) }
            var ids = Set(decisions.map(\.evaluationID))
            ids.formUnion(certificates.values.map(\.evaluationID))
            var evaluations: [Int64: EvaluationRow] = [:]
            for id in ids { evaluations[id] = try EvaluationRow.fetchOne(db, key: id) }
            for evaluation in evaluations.values {
                if let replaced = evaluation.replaces, evaluations[replaced] == nil { evaluations[replaced] = try EvaluationRow.fetchOne(db, key: replaced) }
            }
            var replacedBy: [Int64: Int64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, replaces FROM evaluation WHERE replaces IS NOT NULL") {
                replacedBy[row["replaces"]] = row["id"]
            }
            for id in replacedBy.values where evaluations[id] == nil { evaluations[id] = try EvaluationRow.fetchOne(db, key: id) }
            var firstIssued: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT e.credit_code, MIN(c.issued_on) AS first FROM certificate c JOIN evaluation e ON e.id = c.evaluation_id GROUP BY e.credit_code") {
                firstIssued[row["credit_code"]] = row["first"]
            }
            let recertifications = try Row.fetchAll(db, sql: "SELECT e.credit_code, s.decided_on FROM cycle_step s JOIN evaluation e ON e.id = s.evaluation_id WHERE s.activity = 'recertification'")
                .map { (creditCode: $0["credit_code"] as String, day: $0["decided_on"] as String) }
            var seen: Set<String> = []
            var restoring: Set<Int64> = []
            for row in statuses {
                if !seen.insert(row.number).inserted, row.status == .valid, let decision = row.decision { restoring.insert(decision) }
            }
            return MonthRecords(decisions: decisions, statusChanges: changes, issuedAlone: alone, certificates: certificates, evaluations: evaluations,
                                firstIssued: firstIssued, recertifications: recertifications, restoringDecisions: restoring,
                                programmes: try Self.programmesInForce(rules: rules, db),
                                decisionReasons: Dictionary(statuses.compactMap { row in row.decision.map { ($0, row.reason) } }, uniquingKeysWith: { _, last in last }),
                                replacedBy: replacedBy)
        } }
    }

    /// Logs an export of `month`.
    public func logRegulatorExport(_ row: RegulatorExportRow) throws(ArchiveError) {
        try typed { try write { db in try row.insert(db) } }
    }

    /// The latest export logged for `month`, if any.
    public func lastRegulatorExport(_ month: String) throws(ArchiveError) -> RegulatorExportRow? {
        try typed { try read { db in
            try RegulatorExportRow.filter(RegulatorExportRow.Columns.month == month).order(RegulatorExportRow.Columns.id.desc).fetchOne(db)
        } }
    }
}

extension ArchiveSchema {
    static func createRegulatorExports(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE regulator_export (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              month TEXT NOT NULL,
              format TEXT NOT NULL,
              files TEXT NOT NULL,
              rows TEXT NOT NULL,
              at TEXT NOT NULL,
              actor TEXT NOT NULL
            );
            CREATE INDEX regulator_export_by_month ON regulator_export(month, id);
            """)
        try lock("regulator_export", db)
    }
}
