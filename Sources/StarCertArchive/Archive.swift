import Foundation
import GRDB

/// The archive of every issued evaluation: an SQLite database (WAL mode, foreign keys on).
///
/// Issued records are locked by triggers: an evaluation, its documents and its certificate can
/// never be changed or deleted; a correction is a new evaluation that names the one it replaces.
/// Certificate status changes are appended, never edited.
public final class Archive: Sendable {
    let queue: DatabaseQueue
    public let path: String

    /// The default location: `STARCERT_ARCHIVE`, else `./starcert-archive.sqlite`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        environment["STARCERT_ARCHIVE"] ?? "starcert-archive.sqlite"
    }

    /// Opens (and when `create`, creates) the archive at `path`, bringing its schema up to date.
    public init(path: String, create: Bool = true) throws {
        self.path = path
        if !create, !FileManager.default.fileExists(atPath: path) {
            throw ArchiveError.archive("no archive at \(path); `starcert issue` creates one (or set --archive / STARCERT_ARCHIVE)")
        }
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(60)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA journal_mode = WAL")
            }
            try queue.read { db in
                if try Self.migrator.hasBeenSuperseded(db) {
                    throw ArchiveError.archive("\(path) was written by a newer StarCert (its schema has migrations this version does not know); use that version")
                }
            }
            try Self.migrator.migrate(queue)
        } catch let error as ArchiveError {
            throw error
        } catch let error as DatabaseError where [.SQLITE_NOTADB, .SQLITE_CORRUPT].contains(error.resultCode) {
            throw ArchiveError.archive("\(path) is not a StarCert archive or is damaged (\(error.message ?? "not a database")); restore it from a backup")
        } catch {
            throw ArchiveError.archive("cannot open the archive \(path): \(error)")
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: evaluations, documents, certificates") { db in
            try db.execute(sql: """
                CREATE TABLE evaluation (
                  id INTEGER PRIMARY KEY AUTOINCREMENT,
                  created_at TEXT NOT NULL,
                  credit_code TEXT NOT NULL,
                  organization TEXT NOT NULL,
                  standard TEXT NOT NULL,
                  kind TEXT NOT NULL,
                  decision TEXT NOT NULL,
                  total_hundredths INTEGER NOT NULL,
                  star_level INTEGER,
                  audit_end TEXT NOT NULL,
                  assessment_name TEXT NOT NULL,
                  assessment BLOB NOT NULL,
                  result_json TEXT NOT NULL,
                  issuer TEXT NOT NULL,
                  replaces INTEGER REFERENCES evaluation(id),
                  certificate_number TEXT UNIQUE
                );
                CREATE INDEX evaluation_by_credit_code ON evaluation(credit_code, audit_end);
                CREATE TABLE document (
                  evaluation_id INTEGER NOT NULL REFERENCES evaluation(id),
                  name TEXT NOT NULL,
                  bytes BLOB NOT NULL,
                  sha256 TEXT NOT NULL,
                  PRIMARY KEY (evaluation_id, name)
                );
                CREATE TABLE number_series (series TEXT PRIMARY KEY, last INTEGER NOT NULL);
                CREATE TABLE certificate (
                  number TEXT PRIMARY KEY,
                  evaluation_id INTEGER NOT NULL UNIQUE REFERENCES evaluation(id),
                  series TEXT NOT NULL,
                  sequence INTEGER NOT NULL,
                  canonical TEXT NOT NULL,
                  signature TEXT NOT NULL,
                  public_key TEXT NOT NULL,
                  issued_on TEXT NOT NULL,
                  expires_on TEXT NOT NULL,
                  UNIQUE (series, sequence)
                );
                CREATE TABLE certificate_status (
                  id INTEGER PRIMARY KEY AUTOINCREMENT,
                  number TEXT NOT NULL REFERENCES certificate(number),
                  status TEXT NOT NULL CHECK (status IN ('valid', 'suspended', 'withdrawn')),
                  reason TEXT NOT NULL,
                  at TEXT NOT NULL
                );
                """)
            for table in ["evaluation", "document", "certificate", "certificate_status"] {
                try db.execute(sql: """
                    CREATE TRIGGER \(table)_locked BEFORE UPDATE ON \(table)
                    BEGIN SELECT RAISE(ABORT, 'issued records are locked; issue a correction instead'); END;
                    CREATE TRIGGER \(table)_kept BEFORE DELETE ON \(table)
                    BEGIN SELECT RAISE(ABORT, 'issued records are never deleted'); END;
                    """)
            }
        }
        return migrator
    }

    // MARK: Issuing

    /// What is recorded for every issued evaluation.
    public struct NewEvaluation: Sendable {
        public var creditCode: String
        public var organization: String
        public var standard: String
        public var kind: String
        public var decision: String
        public var totalHundredths: Int
        public var starLevel: Int?
        public var auditEnd: String
        public var assessmentName: String
        public var assessment: Data
        public var resultJSON: String
        public var issuer: String
        public var replaces: Int64?
        public var documents: [(name: String, bytes: Data)]
    }

    /// A certificate made inside the issuing transaction once its sequence number is known.
    public struct NewCertificate: Sendable {
        public var number: String
        public var series: String
        public var sequence: Int
        public var canonical: CanonicalCertificate
        public var signature: String
        public var publicKey: String
        public var documents: [(name: String, bytes: Data)]
    }

    /// Records `evaluation` and, when `series` is given, a certificate with the next number of that
    /// series, all in one transaction: numbers have no gaps and no duplicates, also across processes,
    /// and a crash leaves the archive as it was or fully updated.
    public func issue(
        _ evaluation: NewEvaluation, series: String?,
        certificate: (_ sequence: Int) throws -> NewCertificate
    ) throws -> (evaluationID: Int64, certificate: NewCertificate?) {
        var outcome: (Int64, NewCertificate?)?
        try queue.inTransaction(.immediate) { db in
            if let replaced = evaluation.replaces,
               try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM evaluation WHERE id = ?", arguments: [replaced]) != 1 {
                throw ArchiveError.notFound("there is no evaluation \(replaced) to replace")
            }
            var issued: NewCertificate?
            if let series {
                let last = try Int.fetchOne(db, sql: "SELECT last FROM number_series WHERE series = ?", arguments: [series]) ?? 0
                issued = try certificate(last + 1)
                try db.execute(sql: "INSERT INTO number_series (series, last) VALUES (?, ?) ON CONFLICT(series) DO UPDATE SET last = excluded.last",
                               arguments: [series, last + 1])
            }
            try db.execute(sql: """
                INSERT INTO evaluation (created_at, credit_code, organization, standard, kind, decision, total_hundredths, star_level,
                  audit_end, assessment_name, assessment, result_json, issuer, replaces, certificate_number)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [
                    Self.timestamp(), evaluation.creditCode, evaluation.organization, evaluation.standard, evaluation.kind,
                    evaluation.decision, evaluation.totalHundredths, evaluation.starLevel, evaluation.auditEnd,
                    evaluation.assessmentName, evaluation.assessment, evaluation.resultJSON, evaluation.issuer,
                    evaluation.replaces, issued?.number,
                ])
            let id = db.lastInsertedRowID
            for (name, bytes) in evaluation.documents + (issued?.documents ?? []) {
                try db.execute(sql: "INSERT INTO document (evaluation_id, name, bytes, sha256) VALUES (?, ?, ?, ?)",
                               arguments: [id, name, bytes, sha256Hex(bytes)])
            }
            if let issued {
                try db.execute(sql: """
                    INSERT INTO certificate (number, evaluation_id, series, sequence, canonical, signature, public_key, issued_on, expires_on)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [issued.number, id, issued.series, issued.sequence, issued.canonical.text, issued.signature,
                                     issued.publicKey, issued.canonical.issued, issued.canonical.expires])
                try db.execute(sql: "INSERT INTO certificate_status (number, status, reason, at) VALUES (?, 'valid', 'issued', ?)",
                               arguments: [issued.number, Self.timestamp()])
            }
            outcome = (id, issued)
            return .commit
        }
        guard let outcome else { throw ArchiveError.archive("the issuing transaction did not complete") }
        return (outcome.0, outcome.1)
    }

    static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }
}
