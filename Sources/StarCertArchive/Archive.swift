import Foundation
import GRDB
import StarCertCore

/// The archive of every issued evaluation: an SQLite database in WAL mode, marked as StarCert's by
/// its application id.
///
/// Issued records are locked by triggers: an evaluation, its documents and its certificate can
/// never be changed or deleted; a correction is a new evaluation that names the one it replaces.
/// Certificate status changes are appended, never edited.
///
/// A new archive is made whole in a temporary file and linked into place, so processes that
/// create the same archive at once all end up opening one complete archive; opening and upgrading
/// wait on a busy archive instead of failing. A file that is not a StarCert archive is refused
/// before anything could write to it.
public final class Archive: Sendable {
    public let path: String
    /// Reads (every access mode).
    let reader: any DatabaseReader
    /// Writes; nil when opened read-only.
    let writer: (any DatabaseWriter)?

    /// `PRAGMA application_id` of a StarCert archive ("STAR").
    static let applicationID: Int32 = 0x5354_4152
    /// `PRAGMA user_version` of the schema this version writes.
    static let schemaVersion = 7
    /// The migration identifier earlier StarCert versions recorded (GRDB's migrator) for schema 1.
    static let legacyMigration = "v1: evaluations, documents, certificates"
    /// How long a process waits on an archive another process is writing.
    static let busyTimeout: TimeInterval = 60

    public enum Access: Sendable {
        /// Commands that only read: the file is never written, and a user who may only read it can.
        case readOnly
        case readWrite
    }

    /// The default location: `STARCERT_ARCHIVE`, else `./starcert-archive.sqlite`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        environment["STARCERT_ARCHIVE"] ?? "starcert-archive.sqlite"
    }

    /// Opens the existing archive at `path`, bringing its schema up to date when writable.
    public init(path: String, access: Access) throws(ArchiveError) {
        self.path = path
        try Self.identify(path)
        do {
            switch access {
            case .readOnly:
                let queue = try Self.openReadOnly(path)
                reader = queue
                writer = nil
                try queue.read { db in try Self.checkSchema(db, path: path) }
            case .readWrite:
                var configuration = Self.configuration()
                configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
                let pool = try DatabasePool(path: path, configuration: configuration)
                try pool.writeWithoutTransaction { db in
                    // GRDB sets NORMAL for WAL; an archive of signed records wants every commit on disk.
                    try db.execute(sql: "PRAGMA synchronous = FULL")
                    try Self.migrate(db, path: path)
                }
                reader = pool
                writer = pool
            }
        } catch {
            throw ArchiveError(error, path: path)
        }
    }

    /// Opens the archive at `path`, creating it when nothing is there. `created` says which.
    public static func openOrCreate(at path: String) throws(ArchiveError) -> (archive: Archive, created: Bool) {
        let created = try createIfMissing(path)
        return (try Archive(path: path, access: .readWrite), created)
    }

    /// Creates a new archive at `path` (`starcert archive init`); refuses when anything is there.
    public static func create(at path: String) throws(ArchiveError) -> Archive {
        guard try createIfMissing(path) else { throw .exists(path) }
        return try Archive(path: path, access: .readWrite)
    }

    static func configuration() -> Configuration {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(busyTimeout)
        configuration.label = "StarCert archive"
        return configuration
    }

    // MARK: Identity

    /// Refuses anything that is not a StarCert archive, reading only: an empty file, another
    /// SQLite database, a folder, a FIFO, anything else.
    static func identify(_ path: String) throws(ArchiveError) {
        var status = stat()
        guard stat(path, &status) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { throw .missing(path) }
            throw .notAnArchive(path, String(cString: strerror(errno)))
        }
        guard status.st_mode & S_IFMT == S_IFREG else { throw .notAnArchive(path, "it is not a regular file") }
        guard status.st_size > 0 else { throw .notAnArchive(path, "it is an empty file") }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .notAnArchive(path, "it cannot be read (\(String(cString: strerror(errno))))") }
        let header = Array((try? handle.read(upToCount: 100)) ?? Data())
        try? handle.close()
        guard header.count == 100, header.starts(with: Array("SQLite format 3\0".utf8)) else {
            throw .notAnArchive(path, "it is not an SQLite database")
        }
        let identifier = header[68..<72].reduce(Int32(0)) { $0 << 8 | Int32($1) }
        if identifier == applicationID { return }
        // The header may not show yet what a write-ahead log holds, and schema 1 archives had no
        // application id: ask SQLite, reading only.
        let recognised: Bool
        do {
            let queue = try openReadOnly(path)
            recognised = try queue.read { db in
                if try Int32.fetchOne(db, sql: "PRAGMA application_id") == applicationID { return true }
                guard try db.tableExists("grdb_migrations") else { return false }
                return try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations").contains(legacyMigration)
            }
        } catch {
            throw .notAnArchive(path, "it cannot be read as an SQLite database (\(error))")
        }
        if !recognised { throw .notAnArchive(path, "it is an SQLite database of another program") }
    }

    /// A read-only connection. When SQLite cannot share the write-ahead log (a user who may only
    /// read the archive, in a folder they cannot write, while no writer has it open), the file is
    /// read as it stands, which is then complete.
    static func openReadOnly(_ path: String) throws -> DatabaseQueue {
        var configuration = configuration()
        configuration.readonly = true
        // With no write-ahead log beside it, no writer has the archive open and the file is complete:
        // it is read as it stands, so that reading never creates -wal or -shm files (which would
        // belong to the reader and keep the archive's owner from writing).
        if !FileManager.default.fileExists(atPath: path + "-wal") {
            let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
            let escaped = absolute.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "?#%"))) ?? absolute
            return try DatabaseQueue(path: "file:\(escaped)?immutable=1", configuration: configuration)
        }
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        try queue.read { db in _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
        return queue
    }

    // MARK: Creation and schema

    /// Creates a complete archive at `path` when nothing is there: built under a temporary name in
    /// the same folder and linked into place, which fails if another process got there first.
    /// Returns whether this call created it.
    static func createIfMissing(_ path: String) throws(ArchiveError) -> Bool {
        if FileManager.default.fileExists(atPath: path) { return false }
        // A journal without its database belongs to another file; SQLite would apply it to ours.
        for suffix in ["-wal", "-shm", "-journal"] {
            var status = stat()
            if lstat(path + suffix, &status) == 0 {
                throw .notAnArchive(path, "\(path + suffix) is there without the database it belongs to; move it away before a new archive is made here")
            }
        }
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .database(path, "the folder \(folder.path) does not exist")
        }
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).new").path
        defer {
            for suffix in ["", "-wal", "-shm", "-journal"] { unlink(temporary + suffix) }
        }
        do {
            var configuration = configuration()
            configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            let queue = try DatabaseQueue(path: temporary, configuration: configuration)
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA journal_mode = WAL")
                try migrate(db, path: path)
            }
            try queue.close()
        } catch {
            throw ArchiveError(error, path: path)
        }
        if link(temporary, path) != 0 {
            if errno == EEXIST { return false }
            throw .database(path, "cannot create the archive: \(String(cString: strerror(errno)))")
        }
        let descriptor = open(folder.path, O_RDONLY)
        if descriptor >= 0 {
            fsync(descriptor)
            close(descriptor)
        }
        return true
    }

    static func checkSchema(_ db: Database, path: String) throws {
        let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
        if version > schemaVersion { throw ArchiveError.newerSchema(path) }
    }

    /// Brings the schema up to `schemaVersion` in one immediate transaction: a process that finds
    /// another one upgrading waits, then sees the work done.
    static func migrate(_ db: Database, path: String) throws {
        let current = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
        if current == schemaVersion, try Int32.fetchOne(db, sql: "PRAGMA application_id") == applicationID { return }
        try db.inTransaction(.immediate) {
            var version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
            if version > schemaVersion { throw ArchiveError.newerSchema(path) }
            if version == 0, try db.tableExists("grdb_migrations"),
               try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations").contains(legacyMigration) {
                version = 1
            }
            if version < 1 { try ArchiveSchema.createVersion1(db) }
            if version < 2 { try ArchiveSchema.upgradeToVersion2(db) }
            if version < 3 { try ArchiveSchema.upgradeToVersion3(db) }
            if version < 4 { try ArchiveSchema.upgradeToVersion4(db) }
            if version < 5 { try ArchiveSchema.upgradeToVersion5(db) }
            if version < 6 { try ArchiveSchema.upgradeToVersion6(db) }
            if version < 7 { try ArchiveSchema.upgradeToVersion7(db) }
            try db.execute(sql: "PRAGMA application_id = \(applicationID)")
            try db.execute(sql: "PRAGMA user_version = \(schemaVersion)")
            return .commit
        }
    }

    // MARK: Access

    /// The writer, or a clear error for an archive opened read-only.
    func writable() throws(ArchiveError) -> any DatabaseWriter {
        guard let writer else { throw .readOnly(path) }
        return writer
    }

    /// Runs `body` reading; database errors become `ArchiveError`, others pass unchanged.
    package func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try reader.read(body) } catch let error as DatabaseError { throw ArchiveError(error, path: path) }
    }

    /// Runs `body` in an immediate write transaction; database errors become `ArchiveError`, others
    /// (a refusal from `body`) pass unchanged and roll the transaction back.
    package func write<T>(_ body: (Database) throws -> T) throws -> T {
        let writer = try writable()
        do {
            var result: T?
            try writer.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
            }
            return result!
        } catch let error as DatabaseError {
            throw ArchiveError(error, path: path)
        }
    }

    /// Runs `body`, turning every error into an `ArchiveError`.
    func typed<T>(_ body: () throws -> T) throws(ArchiveError) -> T {
        do { return try body() } catch { throw ArchiveError(error, path: path) }
    }

    package static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }

    /// The moment a time this archive wrote (`timestamp()`) stands for.
    public static func moment(of timestamp: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let time = formatter.date(from: timestamp) { return time }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: timestamp)
    }

    /// The day (YYYY-MM-DD) a time this archive wrote falls on in `zone`: the day a status change
    /// happened for the body that made it.
    public static func day(of timestamp: String, in zone: TimeZone) -> String {
        guard let moment = moment(of: timestamp) else { return String(timestamp.prefix(10)) }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day], from: moment)
        return CalendarDate(year: parts.year ?? 0, month: parts.month ?? 1, day: parts.day ?? 1)?.description ?? String(timestamp.prefix(10))
    }
}

/// The tables, indexes and triggers, by schema version.
enum ArchiveSchema {
    static func createVersion1(_ db: Database) throws {
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
        for table in ["evaluation", "document", "certificate", "certificate_status"] { try lock(table, db) }
    }

    /// Schema 2: a certificate can be superseded by the one of a correction, an evaluation is
    /// replaced at most once.
    static func upgradeToVersion2(_ db: Database) throws {
        try db.execute(sql: """
            DROP TRIGGER certificate_status_locked;
            DROP TRIGGER certificate_status_kept;
            ALTER TABLE certificate_status RENAME TO certificate_status_v1;
            CREATE TABLE certificate_status (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              number TEXT NOT NULL REFERENCES certificate(number),
              status TEXT NOT NULL CHECK (status IN ('valid', 'suspended', 'withdrawn', 'superseded')),
              reason TEXT NOT NULL,
              at TEXT NOT NULL
            );
            INSERT INTO certificate_status (id, number, status, reason, at) SELECT id, number, status, reason, at FROM certificate_status_v1;
            DROP TABLE certificate_status_v1;
            CREATE INDEX certificate_status_by_number ON certificate_status(number, id);
            CREATE UNIQUE INDEX evaluation_replaced_once ON evaluation(replaces) WHERE replaces IS NOT NULL;
            """)
        try lock("certificate_status", db)
    }

    /// Schema 3: private links that hand an evaluation's documents to a client, and every download.
    /// A link is revoked by a row of its own; nothing is edited or deleted.
    /// Version 4: documents found by the SHA-256 of their file, and the signer of each evaluation's
    /// documents (`verify` and `/verify` of a report, with or without a certificate).
    static func upgradeToVersion4(_ db: Database) throws {
        try db.execute(sql: """
            CREATE INDEX document_by_sha256 ON document(sha256);
            ALTER TABLE evaluation ADD COLUMN signer TEXT;
            """)
    }

    /// Version 5: what each certificate prints beyond its signed data (the organization's English
    /// name and address, the issuer's names and approval number), for its public page; and the
    /// client address of each download through a shared link.
    static func upgradeToVersion5(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE certificate ADD COLUMN printed TEXT;
            ALTER TABLE download ADD COLUMN client TEXT;
            """)
    }

    static func upgradeToVersion3(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE share (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              evaluation_id INTEGER NOT NULL REFERENCES evaluation(id),
              token_sha256 TEXT NOT NULL UNIQUE,
              created_at TEXT NOT NULL,
              expires_at TEXT NOT NULL
            );
            CREATE TABLE share_revocation (
              share_id INTEGER PRIMARY KEY REFERENCES share(id),
              at TEXT NOT NULL
            );
            CREATE TABLE download (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              share_id INTEGER NOT NULL REFERENCES share(id),
              document TEXT NOT NULL,
              at TEXT NOT NULL
            );
            CREATE INDEX download_by_share ON download(share_id, id);
            CREATE INDEX evaluation_by_organization ON evaluation(organization);
            """)
        for table in ["share", "share_revocation", "download"] { try lock(table, db) }
    }

    static func lock(_ table: String, _ db: Database) throws {
        try db.execute(sql: """
            CREATE TRIGGER \(table)_locked BEFORE UPDATE ON \(table)
            BEGIN SELECT RAISE(ABORT, 'issued records are locked; issue a correction instead'); END;
            CREATE TRIGGER \(table)_kept BEFORE DELETE ON \(table)
            BEGIN SELECT RAISE(ABORT, 'issued records are never deleted'); END;
            """)
    }
}

/// Why the archive could not be used or changed.
public enum ArchiveError: Error, CustomStringConvertible, Sendable {
    case missing(String)
    case exists(String)
    case notAnArchive(String, String)
    case newerSchema(String)
    case readOnly(String)
    case diskFull(String)
    case notFound(String)
    case refused(String)
    case database(String, String)

    public var description: String {
        switch self {
        case let .missing(path):
            return "there is no archive at \(path); create one with `starcert archive init \(path)` (`starcert issue` creates it when the path does not exist)"
        case let .exists(path):
            return "\(path) already exists; `archive init` only creates new archives"
        case let .notAnArchive(path, reason):
            return "\(path) is not a StarCert archive (\(reason)); it was not changed — name the right file with --archive or STARCERT_ARCHIVE"
        case let .newerSchema(path):
            return "\(path) was written by a newer StarCert (its schema is newer than this version knows); use that version"
        case let .readOnly(path):
            return "\(path) was opened for reading only"
        case let .diskFull(path):
            return "the disk holding \(path) is full; nothing was recorded — free some space and run the command again"
        case let .notFound(message), let .refused(message):
            return message
        case let .database(path, message):
            return "the archive \(path) could not be used: \(message)"
        }
    }

    /// Maps any error met while using the archive at `path`.
    package init(_ error: any Error, path: String) {
        if let error = error as? ArchiveError {
            self = error
        } else if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_FULL: self = .diskFull(path)
            case .SQLITE_NOTADB, .SQLITE_CORRUPT: self = .notAnArchive(path, "it is damaged: \(error.message ?? "not a database"); restore it from a backup")
            case .SQLITE_READONLY: self = .database(path, "it cannot be written (\(error.message ?? "read-only")); check the file's and its folder's permissions")
            case .SQLITE_CANTOPEN: self = .database(path, "it cannot be opened (\(error.message ?? "cannot open")); check the file's and its folder's permissions")
            default: self = .database(path, error.message ?? "\(error)")
            }
        } else {
            self = .database(path, "\(error)")
        }
    }
}
