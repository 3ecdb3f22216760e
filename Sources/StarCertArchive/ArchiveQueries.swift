import Foundation
import GRDB
import StarCertCore

/// What the public register shows of certificates, read without blocking (GRDB's async access):
/// never the reports' evidence, findings or photos.
extension Archive {
    /// One certificate as the register lists it.
    public struct Listing: Sendable, Equatable {
        public let number: String
        public let organization: String
        public let creditCode: String
        public let standard: String
        public let starLevel: Int
        public let total: String
        public let issued: String
        public let expires: String
        public let status: Status
        /// When the current status began (the day of the change, or the expiry).
        public let statusSince: String
    }

    /// A certificate's public page: the listing, the scope, the issuer, its history, and whether a
    /// claimed signature (from a QR code) is the one issued.
    public struct PublicCertificate: Sendable {
        public let listing: Listing
        public let scope: String
        public let issuer: String
        public let history: [StatusRow]
        public let successor: String?
        public let canonical: CanonicalCertificate
        /// The signature issued with the certificate (what its QR code carries).
        public let signature: String
        /// Whether the archived data still matches that signature.
        public let archivedDataIntact: Bool
        /// What the certificate prints beyond its signed data (nil when issued before schema 5).
        public let printed: PrintedFacts?
        /// The latest passing surveillance of the certificate's cycle, if any.
        public let lastSurveillance: CycleStepRow?
    }

    /// Certificates with their evaluation and their latest status change (the newest row of
    /// `certificate_status`, as `latestStatus(of:)` reads it one at a time).
    /// What a status change was, read from its place in the history and the status it set — never
    /// from its free-text reason, which is the body's own words.
    public enum StatusEvent: String, Sendable, CaseIterable {
        case issued, restored, suspended, withdrawn, superseded, expired

        /// The event of `change`, the `index`-th change of a certificate's history.
        public init(_ change: StatusRow, index: Int) {
            switch change.status {
            case .valid: self = index == 0 ? .issued : .restored
            case .suspended: self = .suspended
            case .withdrawn: self = .withdrawn
            case .superseded: self = .superseded
            case .expired: self = .expired
            }
        }
    }

    static let listingSQL = """
        SELECT c.number, e.organization, e.credit_code, e.standard, e.star_level, e.total_hundredths, c.issued_on, c.expires_on,
               s.status AS status, s.at AS status_at, s.effective_on AS status_on,
               (SELECT COUNT(*) FROM certificate_status n WHERE n.number = c.number) AS changes
        FROM certificate c JOIN evaluation e ON e.id = c.evaluation_id
        LEFT JOIN certificate_status s ON s.id = (SELECT MAX(l.id) FROM certificate_status l WHERE l.number = c.number)
        """

    /// The certificates valid on a day: arguments `Status.valid`, then the day.
    static let validSQL = "SELECT * FROM (\(listingSQL)) WHERE status = ? AND expires_on >= ?"

    static func listing(_ row: Row, today: String, zone: TimeZone) -> Listing {
        let hundredths: Int = row["total_hundredths"]
        let expires: String = row["expires_on"]
        var status: Status = row["status"] ?? .valid
        // Since the issue day while nothing changed after issuing; else the day of the last change.
        let changes: Int = row["changes"] ?? 1
        var since: String = changes <= 1 ? row["issued_on"] : (row["status_on"] as String?) ?? Archive.day(of: row["status_at"] as String? ?? "", in: zone)
        if status == .valid, today > expires {
            // Valid through the last day printed; expired from the next.
            status = .expired
            since = CalendarDate(iso: expires)?.nextDay.description ?? expires
        }
        return Listing(
            number: row["number"], organization: row["organization"], creditCode: row["credit_code"], standard: row["standard"],
            starLevel: row["star_level"] ?? 0, total: Points(hundredths: hundredths).description,
            issued: row["issued_on"], expires: expires, status: status, statusSince: since)
    }

    /// The public page of certificate `number`, or nil when there is none.
    public func publicCertificate(_ number: String, today: String, zone: TimeZone) async throws -> PublicCertificate? {
        let path = self.path
        return try await reader.read { db -> PublicCertificate? in
            guard let row = try Row.fetchOne(db, sql: Self.listingSQL + " WHERE c.number = ?", arguments: [number]) else { return nil }
            guard let certificate = try CertificateRow.fetchOne(db, key: number) else { return nil }
            let record = try Self.record(certificate, db, path: path)
            let issuer = try String.fetchOne(db, EvaluationRow.select(EvaluationRow.Columns.issuer).filter(key: certificate.evaluationID))
            let intact = (try? SignerRecord(certificate.publicKey)).map { record.canonical.verify(signature: certificate.signature, signer: $0) } ?? false
            let cycle = try Self.cycle(of: number, db).cycle
            let surveillance = try CycleStepRow.filter(CycleStepRow.Columns.cycle == cycle).order(CycleStepRow.Columns.id).fetchAll(db).last(where: \.isPassingSurveillance)
            return PublicCertificate(
                listing: Self.listing(row, today: today, zone: zone), scope: record.canonical.scope, issuer: issuer ?? "",
                history: record.history, successor: record.successor, canonical: record.canonical, signature: certificate.signature,
                archivedDataIntact: intact, printed: PrintedFacts(json: certificate.printed), lastSurveillance: surveillance)
        }
    }

    /// Certificates whose number or credit code is `query` exactly, or whose organization's name
    /// starts with it; page `page` (from 1) of `pageSize`, and how many there are in all.
    public func search(_ query: String, page: Int, pageSize: Int, today: String, zone: TimeZone) async throws -> (listings: [Listing], total: Int) {
        let text = query.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return ([], 0) }
        let prefix = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
        let condition = " WHERE c.number = ? OR e.credit_code = ? OR e.organization LIKE ? ESCAPE '\\'"
        let arguments: StatementArguments = [text, text.uppercased(), prefix]
        let offset = max(0, page - 1) * pageSize
        return try await reader.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM certificate c JOIN evaluation e ON e.id = c.evaluation_id" + condition, arguments: arguments) ?? 0
            let rows = try Row.fetchAll(db, sql: Self.listingSQL + condition + " ORDER BY e.organization, c.issued_on DESC, c.number LIMIT ? OFFSET ?",
                                        arguments: arguments + [pageSize, offset])
            return (rows.map { Self.listing($0, today: today, zone: zone) }, total)
        }
    }

    /// The certificates valid on `today`, page `page` (from 1) of `pageSize`, and how many there are.
    public func register(page: Int, pageSize: Int, today: String, zone: TimeZone) async throws -> (listings: [Listing], total: Int) {
        let offset = max(0, page - 1) * pageSize
        return try await reader.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM (\(Self.validSQL))", arguments: [Status.valid, today]) ?? 0
            let rows = try Row.fetchAll(db, sql: Self.validSQL + " ORDER BY issued_on DESC, number DESC LIMIT ? OFFSET ?",
                                        arguments: [Status.valid, today, pageSize, offset])
            return (rows.map { Self.listing($0, today: today, zone: zone) }, total)
        }
    }

    /// Every certificate valid on `today` (for the register's CSV).
    public func registerAll(today: String, zone: TimeZone) async throws -> [Listing] {
        try await reader.read { db in
            try Row.fetchAll(db, sql: Self.validSQL + " ORDER BY issued_on DESC, number DESC", arguments: [Status.valid, today])
                .map { Self.listing($0, today: today, zone: zone) }
        }
    }

    /// An evaluation's stored documents (for a shared link), and its organization and certificate.
    public func sharedDocuments(of id: Int64) async throws -> (evaluation: EvaluationRow, documents: [DocumentRow])? {
        try await reader.read { db in
            guard let evaluation = try EvaluationRow.fetchOne(db, key: id) else { return nil }
            return (evaluation, try DocumentRow.filter(DocumentRow.Columns.evaluationID == id).order(DocumentRow.Columns.name).fetchAll(db))
        }
    }
}

extension Archive {
    /// The size and modification time of the archive and its write-ahead log: it changes with every
    /// commit, by any process, and costs two `stat` calls rather than a query.
    public struct ChangeStamp: Equatable, Sendable {
        let file: FileState
        let log: FileState

        struct FileState: Equatable, Sendable {
            var size: Int64 = -1
            var seconds: Int = 0
            var nanoseconds: Int = 0
        }
    }

    public func changeStamp() -> ChangeStamp {
        func state(_ path: String) -> ChangeStamp.FileState {
            var info = stat()
            guard stat(path, &info) == 0 else { return .init() }
            return .init(size: Int64(info.st_size), seconds: info.st_mtim.tv_sec, nanoseconds: info.st_mtim.tv_nsec)
        }
        return ChangeStamp(file: state(path), log: state(path + "-wal"))
    }
}
