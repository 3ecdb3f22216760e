import Foundation
import GRDB
import X509
import StarCertCore

/// A row of `evaluation`: one issued (or archived) evaluation.
public struct EvaluationRow: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "evaluation"
    public var id: Int64?
    public var createdAt: String
    public var creditCode: String
    public var organization: String
    public var standard: String
    public var kind: Assessment.Kind
    public var decision: Evaluation.Decision
    public var totalHundredths: Int
    public var starLevel: Int?
    public var auditEnd: String
    public var assessmentName: String
    public var assessment: Data
    public var resultJSON: String
    public var issuer: String
    public var replaces: Int64?
    public var certificateNumber: String?
    /// The signer of the evaluation's documents as recorded (`SignerRecord`); nil before schema 4.
    public var signer: String?


    package init(id: Int64? = nil, createdAt: String, creditCode: String, organization: String, standard: String, kind: Assessment.Kind, decision: Evaluation.Decision, totalHundredths: Int, starLevel: Int?, auditEnd: String, assessmentName: String, assessment: Data, resultJSON: String, issuer: String, replaces: Int64?, certificateNumber: String?, signer: String? = nil) {
        self.id = id
        self.createdAt = createdAt
        self.creditCode = creditCode
        self.organization = organization
        self.standard = standard
        self.kind = kind
        self.decision = decision
        self.totalHundredths = totalHundredths
        self.starLevel = starLevel
        self.auditEnd = auditEnd
        self.assessmentName = assessmentName
        self.assessment = assessment
        self.resultJSON = resultJSON
        self.issuer = issuer
        self.replaces = replaces
        self.certificateNumber = certificateNumber
        self.signer = signer
    }
    enum CodingKeys: String, CodingKey {
        case id, organization, standard, kind, decision, assessment, issuer, replaces
        case createdAt = "created_at", creditCode = "credit_code", totalHundredths = "total_hundredths", starLevel = "star_level"
        case auditEnd = "audit_end", assessmentName = "assessment_name", resultJSON = "result_json", certificateNumber = "certificate_number"
        case signer
    }

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let creditCode = Column(CodingKeys.creditCode)
        public static let auditEnd = Column(CodingKeys.auditEnd)
        public static let replaces = Column(CodingKeys.replaces)
        public static let certificateNumber = Column(CodingKeys.certificateNumber)
        public static let issuer = Column(CodingKeys.issuer)
    }

    /// The total as written: `91.55`.
    public var total: String { Points(hundredths: totalHundredths).description }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A row of `document`: a file written for an evaluation, kept with its SHA-256.
public struct DocumentRow: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "document"
    public var evaluationID: Int64
    public var name: String
    public var bytes: Data
    public var sha256: String


    package init(evaluationID: Int64, name: String, bytes: Data, sha256: String) {
        self.evaluationID = evaluationID
        self.name = name
        self.bytes = bytes
        self.sha256 = sha256
    }
    enum CodingKeys: String, CodingKey {
        case name, bytes, sha256
        case evaluationID = "evaluation_id"
    }

    public enum Columns {
        public static let evaluationID = Column(CodingKeys.evaluationID)
        public static let name = Column(CodingKeys.name)
        public static let sha256 = Column(CodingKeys.sha256)
    }
}

/// A row of `certificate`: its number, place in the series and the signed data.
public struct CertificateRow: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "certificate"
    public var number: String
    public var evaluationID: Int64
    public var series: String
    public var sequence: Int
    public var canonical: String
    public var signature: String
    public var publicKey: String
    public var issuedOn: String
    public var expiresOn: String
    /// `PrintedFacts` as JSON (nil for certificates issued before schema 5).
    public var printed: String?

    package init(number: String, evaluationID: Int64, series: String, sequence: Int, canonical: String, signature: String, publicKey: String,
                 issuedOn: String, expiresOn: String, printed: String? = nil) {
        self.printed = printed
        self.number = number
        self.evaluationID = evaluationID
        self.series = series
        self.sequence = sequence
        self.canonical = canonical
        self.signature = signature
        self.publicKey = publicKey
        self.issuedOn = issuedOn
        self.expiresOn = expiresOn
    }
    enum CodingKeys: String, CodingKey {
        case number, series, sequence, canonical, signature, printed
        case evaluationID = "evaluation_id", publicKey = "public_key", issuedOn = "issued_on", expiresOn = "expires_on"
    }

    public enum Columns {
        public static let number = Column(CodingKeys.number)
        public static let evaluationID = Column(CodingKeys.evaluationID)
        public static let series = Column(CodingKeys.series)
        public static let sequence = Column(CodingKeys.sequence)
    }
}

/// What a certificate prints beyond its signed data, kept with it for its public page.
public struct PrintedFacts: Codable, Sendable, Equatable {
    public var organizationEnglish: String?
    public var address: String
    public var issuer: String
    public var issuerEnglish: String
    public var approvalNumber: String

    public init(organizationEnglish: String?, address: String, issuer: String, issuerEnglish: String, approvalNumber: String) {
        self.organizationEnglish = organizationEnglish
        self.address = address
        self.issuer = issuer
        self.issuerEnglish = issuerEnglish
        self.approvalNumber = approvalNumber
    }

    enum CodingKeys: String, CodingKey {
        case address, issuer
        case organizationEnglish = "organization_en", issuerEnglish = "issuer_en", approvalNumber = "approval_number"
    }

    /// The facts as stored (sorted keys, so the same facts are the same text).
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    public init?(json: String?) {
        guard let json, let decoded = try? JSONDecoder().decode(Self.self, from: Data(json.utf8)) else { return nil }
        self = decoded
    }
}

/// A row of `certificate_status`: one change of a certificate's status, never edited.
public struct StatusRow: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "certificate_status"
    public var id: Int64?
    public var number: String
    public var status: Archive.Status
    /// The body's own words on why (never shown on public pages).
    public var reason: String
    public var at: String
    /// The day the change took effect (YYYY-MM-DD); nil for changes recorded before schema 7,
    /// which took effect on the day of `at`.
    public var effectiveOn: String?
    /// The lifecycle rule that made the change (`Archive.LifecycleRule`), nil when a person did.
    public var rule: String?
    /// The evaluation whose decision made the change (issued, restored, replaced, suspended or
    /// withdrawn by a decision); nil for changes by the rules, by hand, or before schema 7.
    public var decision: Int64?

    package init(id: Int64? = nil, number: String, status: Archive.Status, reason: String, at: String, effectiveOn: String? = nil, rule: String? = nil,
                 decision: Int64? = nil) {
        self.decision = decision
        self.id = id
        self.number = number
        self.status = status
        self.reason = reason
        self.at = at
        self.effectiveOn = effectiveOn
        self.rule = rule
    }

    enum CodingKeys: String, CodingKey {
        case id, number, status, reason, at, rule, decision
        case effectiveOn = "effective_on"
    }

    /// The day the change took effect, for a body counting days in `zone`.
    public func day(in zone: TimeZone) -> String { effectiveOn ?? Archive.day(of: at, in: zone) }

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let number = Column(CodingKeys.number)
    }
}

/// A row of `number_series`: the last number issued in a series.
package struct SeriesRow: Codable, FetchableRecord, PersistableRecord {
    package static let databaseTableName = "number_series"
    package var series: String
    package var last: Int

    package init(series: String, last: Int) {
        self.series = series
        self.last = last
    }

    public enum Columns {
        public static let series = Column(CodingKeys.series)
    }
}

/// Reading the archive: evaluations, certificates, status, history, integrity.
extension Archive {
    /// A certificate's status as the register shows it.
    public enum Status: String, Sendable, CaseIterable, Codable, DatabaseValueConvertible {
        case valid, suspended, withdrawn, superseded, expired

        /// The regulator's status code (CNCA certification information reporting): 01 有效, 02 暂停,
        /// 03 撤销, 04 注销, 05 过期失效. A certificate replaced by a new one is no longer in force:
        /// reported as 04 注销, with the new certificate naming it.
        public var regulatorCode: String {
            switch self {
            case .valid: return "01"
            case .suspended: return "02"
            case .withdrawn: return "03"
            case .superseded: return "04"
            case .expired: return "05"
            }
        }

        /// The regulator's name for the status: 有效, 暂停, 撤销, 注销, 过期失效.
        public var regulatorName: String {
            switch self {
            case .valid: return "有效"
            case .suspended: return "暂停"
            case .withdrawn: return "撤销"
            case .superseded: return "注销"
            case .expired: return "过期失效"
            }
        }

        /// 有效 / 暂停 / 撤销 / 已替换 / 过期.
        public var chinese: String {
            switch self {
            case .valid: return "有效"
            case .suspended: return "暂停"
            case .withdrawn: return "撤销"
            case .superseded: return "已替换"
            case .expired: return "过期"
            }
        }
    }

    public struct CertificateRecord: Sendable {
        public let row: CertificateRow
        public let canonical: CanonicalCertificate
        public let history: [StatusRow]
        public let certificatePDFHash: String?
        /// The certificate that superseded this one, if any.
        public let successor: String?

        public var number: String { row.number }
        public var evaluationID: Int64 { row.evaluationID }
        public var signature: String { row.signature }
        public var publicKey: String { row.publicKey }

        /// The status on `date` (YYYY-MM-DD): the latest change, or expired after the expiry date.
        public func status(on date: String) -> (status: Status, reason: String) {
            let latest = history.last
            let recorded = latest?.status ?? .valid
            if recorded == .valid, date > canonical.expires { return (.expired, "valid until \(canonical.expires)") }
            return (recorded, latest?.reason ?? "")
        }
    }

    /// The newest status change of certificate `number` (the one query every reader of a status uses).
    package static func latestStatus(of number: String, _ db: Database) throws -> StatusRow? {
        try StatusRow.filter(StatusRow.Columns.number == number).order(StatusRow.Columns.id.desc).fetchOne(db)
    }

    public func evaluations() throws(ArchiveError) -> [EvaluationRow] {
        try typed { try read { db in try EvaluationRow.order(EvaluationRow.Columns.id).fetchAll(db) } }
    }

    public func evaluation(_ id: Int64) throws(ArchiveError) -> EvaluationRow {
        guard let found = try typed({ try read { db in try EvaluationRow.fetchOne(db, key: id) } }) else {
            throw .notFound("there is no evaluation \(id) in \(path)")
        }
        return found
    }

    /// Earlier evaluations of the organization with `creditCode`, oldest first.
    /// The organization's evaluations before `auditEnd` that stand: none a correction replaced,
    /// and not `replacing` (the one being corrected now).
    public func history(creditCode: String, before auditEnd: String, replacing: Int64? = nil) throws(ArchiveError) -> [EvaluationRow] {
        try typed {
            try read { db in
                try EvaluationRow
                    .filter(EvaluationRow.Columns.creditCode == creditCode && EvaluationRow.Columns.auditEnd < auditEnd)
                    .filter(sql: "id NOT IN (SELECT replaces FROM evaluation WHERE replaces IS NOT NULL)")
                    .filter(EvaluationRow.Columns.id != (replacing ?? -1))
                    .order(EvaluationRow.Columns.auditEnd, EvaluationRow.Columns.id)
                    .fetchAll(db)
            }
        }
    }

    /// An issued document, found by the SHA-256 of its whole file, with its evaluation.
    public struct IssuedDocument: Sendable {
        public let name: String
        public let evaluation: EvaluationRow
    }

    /// The issued document whose file has this SHA-256, or nil when this archive holds none.
    public func issuedDocument(sha256: String) throws(ArchiveError) -> IssuedDocument? {
        try typed {
            try read { db in
                guard let row = try Row.fetchOne(db, sql: "SELECT evaluation_id, name FROM document WHERE sha256 = ? ORDER BY evaluation_id LIMIT 1",
                                                 arguments: [sha256]),
                      let evaluation = try EvaluationRow.fetchOne(db, key: row["evaluation_id"] as Int64)
                else { return nil }
                return IssuedDocument(name: row["name"], evaluation: evaluation)
            }
        }
    }

    /// The signer certificates this archive recorded with its certificates (the issuer's, over time).
    public func signerCertificates() throws(ArchiveError) -> [Certificate] {
        try typed {
            try read { db in
                // An archive of schema 3, read without upgrading it, has no signer column yet.
                let recorded = try db.columns(in: "evaluation").contains { $0.name == "signer" }
                    ? " UNION SELECT signer FROM evaluation WHERE signer IS NOT NULL" : ""
                return try String.fetchAll(db, sql: "SELECT public_key FROM certificate" + recorded)
                    .map { record throws -> Certificate? in
                        // An Ed25519 key of an earlier StarCert signed no PDF; a damaged record is an error.
                        guard case let .certificate(certificate) = try SignerRecord(record) else { return nil }
                        return certificate
                    }.compactMap { $0 }
            }
        }
    }

    public func documents(of id: Int64) throws(ArchiveError) -> [DocumentRow] {
        try typed { try read { db in try DocumentRow.filter(DocumentRow.Columns.evaluationID == id).order(DocumentRow.Columns.name).fetchAll(db) } }
    }

    public func certificate(_ number: String) throws(ArchiveError) -> CertificateRecord {
        let path = self.path
        return try typed {
            try read { db in
                guard let row = try CertificateRow.fetchOne(db, key: number) else {
                    throw ArchiveError.notFound("there is no certificate \(TerminalText.quoted(number)) in \(path)")
                }
                return try Self.record(row, db, path: path)
            }
        }
    }

    static func record(_ row: CertificateRow, _ db: Database, path: String) throws -> CertificateRecord {
        guard let canonical = CanonicalCertificate(text: row.canonical) else {
            throw ArchiveError.notAnArchive(path, "the archived data of certificate \(row.number) is damaged")
        }
        let history = try StatusRow.filter(StatusRow.Columns.number == row.number).order(StatusRow.Columns.id).fetchAll(db)
        // Single columns: the rows hold the documents and the assessment, which are not needed here.
        let hash = try String.fetchOne(db, DocumentRow.select(DocumentRow.Columns.sha256)
            .filter(DocumentRow.Columns.evaluationID == row.evaluationID && DocumentRow.Columns.name == "certificate.pdf"))
        let successor = try successor(of: row.number, db)
        return CertificateRecord(row: row, canonical: canonical, history: history, certificatePDFHash: hash, successor: successor)
    }

    /// Records a status change (suspend, withdraw, restore) made by hand, with its time and reason,
    /// journaled and signed by `signer`.
    public func setStatus(_ number: String, to status: Status, reason: String, effectiveOn: CalendarDate, signer: EventSigner) throws(ArchiveError) {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw .refused("a status change needs a reason; expected --reason with a few words on why") }
        if let hidden = HiddenCharacter.first(in: reason) {
            throw .refused("the reason holds \(hidden.kind.description) at character \(hidden.offset); expected one line of visible text")
        }
        if !reason.unicodeScalars.contains(where: { !$0.properties.isWhitespace && HiddenCharacter.firstCombiningMark(in: String($0)) == nil }) {
            throw .refused("the reason shows nothing readable; expected a few words on why")
        }
        guard [.valid, .suspended, .withdrawn].contains(status) else {
            throw .refused("\(status.rawValue) follows from dates and corrections; it cannot be set by hand")
        }
        let path = self.path
        try typed { try write { db in
            guard let row = try CertificateRow.fetchOne(db, key: number) else {
                throw ArchiveError.notFound("there is no certificate \(TerminalText.quoted(number)) in \(path)")
            }
            let current = try Self.latestStatus(of: row.number, db)?.status ?? .valid
            if current == .withdrawn { throw ArchiveError.refused("certificate \(number) is withdrawn; a withdrawal is final") }
            if current == .superseded { throw ArchiveError.refused("certificate \(number) was replaced\(try Self.successor(of: number, db).map { " by \($0)" } ?? ""); change the status of the certificate in force instead") }
            if current == .expired || effectiveOn.description > row.expiresOn {
                throw ArchiveError.refused("certificate \(number) expired after \(row.expiresOn); an expired certificate's status does not change")
            }
            if current == status { throw ArchiveError.refused("certificate \(number) is already \(status.rawValue)") }
            try Self.record(StatusRow(number: number, status: status, reason: reason, at: Self.timestamp(), effectiveOn: effectiveOn.description),
                            signer: signer, db)
        } }
    }
}

extension Assessment.Kind: DatabaseValueConvertible {}
extension Evaluation.Decision: DatabaseValueConvertible {}
