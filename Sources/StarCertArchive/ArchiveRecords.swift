import Foundation
import GRDB

/// Reading the archive: evaluations, certificates, status, history, integrity.
extension Archive {
    public struct EvaluationSummary: Sendable {
        public let id: Int64
        public let createdAt: String
        public let creditCode: String
        public let organization: String
        public let standard: String
        public let kind: String
        public let decision: String
        public let total: String
        public let starLevel: Int?
        public let auditEnd: String
        public let certificateNumber: String?
        public let replaces: Int64?
        public let resultJSON: String
    }

    public enum Status: String, Sendable {
        case valid, suspended, withdrawn, expired

        /// 有效 / 暂停 / 撤销 / 过期.
        public var chinese: String {
            switch self {
            case .valid: return "有效"
            case .suspended: return "暂停"
            case .withdrawn: return "撤销"
            case .expired: return "过期"
            }
        }
    }

    public struct StatusChange: Sendable {
        public let status: String
        public let reason: String
        public let at: String
    }

    public struct CertificateRecord: Sendable {
        public let number: String
        public let evaluationID: Int64
        public let canonical: CanonicalCertificate
        public let signature: String
        public let publicKey: String
        public let history: [StatusChange]
        public let certificatePDFHash: String?

        /// The status on `date` (YYYY-MM-DD): the latest change, or expired after the expiry date.
        public func status(on date: String) -> (status: Status, reason: String) {
            let latest = history.last
            let recorded = Status(rawValue: latest?.status ?? "valid") ?? .valid
            if recorded == .valid, date > canonical.expires { return (.expired, "valid until \(canonical.expires)") }
            return (recorded, latest?.reason ?? "")
        }
    }

    private static func summary(_ row: Row) -> EvaluationSummary {
        let hundredths: Int = row["total_hundredths"]
        return EvaluationSummary(
            id: row["id"], createdAt: row["created_at"], creditCode: row["credit_code"], organization: row["organization"],
            standard: row["standard"], kind: row["kind"], decision: row["decision"],
            total: "\(hundredths / 100).\(String(format: "%02d", hundredths % 100))", starLevel: row["star_level"],
            auditEnd: row["audit_end"], certificateNumber: row["certificate_number"], replaces: row["replaces"], resultJSON: row["result_json"])
    }

    public func evaluations() throws -> [EvaluationSummary] {
        try queue.read { db in try Row.fetchAll(db, sql: "SELECT * FROM evaluation ORDER BY id").map(Self.summary) }
    }

    public func evaluation(_ id: Int64) throws -> EvaluationSummary {
        guard let found = try queue.read({ db in try Row.fetchOne(db, sql: "SELECT * FROM evaluation WHERE id = ?", arguments: [id]) }) else {
            throw ArchiveError.notFound("there is no evaluation \(id) in \(path)")
        }
        return Self.summary(found)
    }

    /// Earlier evaluations of the organization with `creditCode`, oldest first.
    public func history(creditCode: String, before auditEnd: String) throws -> [EvaluationSummary] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM evaluation WHERE credit_code = ? AND audit_end < ? ORDER BY audit_end, id",
                             arguments: [creditCode, auditEnd]).map(Self.summary)
        }
    }

    public func documents(of id: Int64) throws -> [(name: String, bytes: Data, sha256: String)] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT name, bytes, sha256 FROM document WHERE evaluation_id = ? ORDER BY name", arguments: [id])
                .map { ($0["name"], $0["bytes"], $0["sha256"]) }
        }
    }

    public func assessment(of id: Int64) throws -> (name: String, bytes: Data) {
        guard let row = try queue.read({ db in try Row.fetchOne(db, sql: "SELECT assessment_name, assessment FROM evaluation WHERE id = ?", arguments: [id]) }) else {
            throw ArchiveError.notFound("there is no evaluation \(id) in \(path)")
        }
        return (row["assessment_name"], row["assessment"])
    }

    public func certificate(_ number: String) throws -> CertificateRecord {
        try queue.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM certificate WHERE number = ?", arguments: [number]) else {
                throw ArchiveError.notFound("there is no certificate \(number) in \(path)")
            }
            guard let canonical = CanonicalCertificate(text: row["canonical"]) else {
                throw ArchiveError.archive("the archived data of certificate \(number) is damaged")
            }
            let history = try Row.fetchAll(db, sql: "SELECT status, reason, at FROM certificate_status WHERE number = ? ORDER BY id", arguments: [number])
                .map { StatusChange(status: $0["status"], reason: $0["reason"], at: $0["at"]) }
            let hash = try String.fetchOne(db, sql: "SELECT sha256 FROM document WHERE evaluation_id = ? AND name = 'certificate.pdf'", arguments: [row["evaluation_id"] as Int64])
            return CertificateRecord(number: number, evaluationID: row["evaluation_id"], canonical: canonical, signature: row["signature"],
                                     publicKey: row["public_key"], history: history, certificatePDFHash: hash)
        }
    }

    /// Records a status change (suspend, withdraw, restore) with its time and reason.
    public func setStatus(_ number: String, to status: Status, reason: String) throws {
        precondition(status != .expired, "expiry follows from the date")
        let record = try certificate(number)
        let current = record.history.last?.status ?? "valid"
        if current == "withdrawn" { throw ArchiveError.archive("certificate \(number) is withdrawn; a withdrawal is final") }
        if current == status.rawValue { throw ArchiveError.archive("certificate \(number) is already \(status.rawValue)") }
        try queue.write { db in
            try db.execute(sql: "INSERT INTO certificate_status (number, status, reason, at) VALUES (?, ?, ?, ?)",
                           arguments: [number, status.rawValue, reason, Self.timestamp()])
        }
    }

    /// Every stored document whose bytes no longer match their recorded SHA-256.
    public func integrityProblems() throws -> [String] {
        try queue.read { db in
            var problems: [String] = []
            for row in try Row.fetchAll(db, sql: "SELECT evaluation_id, name, bytes, sha256 FROM document ORDER BY evaluation_id, name") {
                let bytes: Data = row["bytes"]
                let recorded: String = row["sha256"]
                if sha256Hex(bytes) != recorded {
                    problems.append("evaluation \(row["evaluation_id"] as Int64): \(row["name"] as String) does not match its SHA-256 \(recorded)")
                }
            }
            let check = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            if check != ["ok"] { problems += check.map { "SQLite: \($0)" } }
            return problems
        }
    }
}
