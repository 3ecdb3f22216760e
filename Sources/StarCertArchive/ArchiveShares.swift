import Crypto
import Foundation
import GRDB
import StarCertCore

/// A row of `share`: a private link to one evaluation's documents, kept by the SHA-256 of its token.
public struct ShareRow: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "share"
    public var id: Int64?
    public var evaluationID: Int64
    public var tokenSHA256: String
    public var createdAt: String
    public var expiresAt: String

    enum CodingKeys: String, CodingKey {
        case id
        case evaluationID = "evaluation_id", tokenSHA256 = "token_sha256", createdAt = "created_at", expiresAt = "expires_at"
    }

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let evaluationID = Column(CodingKeys.evaluationID)
        public static let tokenSHA256 = Column(CodingKeys.tokenSHA256)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A row of `share_revocation`: the link `shareID` no longer opens.
struct ShareRevocationRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "share_revocation"
    var shareID: Int64
    var at: String

    enum CodingKeys: String, CodingKey {
        case at
        case shareID = "share_id"
    }
}

/// A row of `download`: a document fetched whole through a link, when, and by which client address.
public struct DownloadRow: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "download"
    public var id: Int64?
    public var shareID: Int64
    public var document: String
    public var at: String
    /// The client's address (nil for downloads recorded before schema 5).
    public var client: String?

    enum CodingKeys: String, CodingKey {
        case id, document, at, client
        case shareID = "share_id"
    }

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let shareID = Column(CodingKeys.shareID)
    }
}

/// Private links that hand an evaluation's report and certificate to the client.
extension Archive {
    /// A token: 16 random bytes (128 bits), base64url without padding — 22 characters.
    public static let tokenLength = 22

    /// A link as `archive show` lists it.
    public struct ShareSummary: Sendable {
        public let row: ShareRow
        public let revokedAt: String?
        public let downloads: [DownloadRow]
    }

    /// Creates a link to evaluation `id` that opens until `days` days from `now`; returns its id,
    /// the token (shown once; only its hash is kept) and the expiry time.
    public func createShare(evaluation id: Int64, days: Int, now: Date = Date()) throws(ArchiveError) -> (id: Int64, token: String, expiresAt: String) {
        guard (1...3650).contains(days) else { throw .refused("--expires is \(days) days; expected 1 to 3650") }
        var generator = SystemRandomNumberGenerator()
        let token = Base64URL.encode(Data((0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }))
        let expires = Self.timestamp(now.addingTimeInterval(Double(days) * 86_400))
        let path = self.path
        let created: Int64 = try typed {
            try write { db in
                guard try EvaluationRow.fetchOne(db, key: id) != nil else { throw ArchiveError.notFound("there is no evaluation \(id) in \(path)") }
                var row = ShareRow(id: nil, evaluationID: id, tokenSHA256: Self.tokenHash(token), createdAt: Self.timestamp(now), expiresAt: expires)
                try row.insert(db)
                return row.id!
            }
        }
        return (created, token, expires)
    }

    /// Revokes link `id`: from now on it opens nothing.
    public func revokeShare(_ id: Int64, now: Date = Date()) throws(ArchiveError) {
        let path = self.path
        try typed {
            try write { db in
                guard try ShareRow.fetchOne(db, key: id) != nil else { throw ArchiveError.notFound("there is no link \(id) in \(path)") }
                if try ShareRevocationRow.fetchOne(db, key: id) != nil { throw ArchiveError.refused("link \(id) is already revoked") }
                try ShareRevocationRow(shareID: id, at: Self.timestamp(now)).insert(db)
            }
        }
    }

    /// Every link to evaluation `id`, with its revocation and downloads.
    public func shares(of id: Int64) throws(ArchiveError) -> [ShareSummary] {
        try typed {
            try read { db in
                try ShareRow.filter(ShareRow.Columns.evaluationID == id).order(ShareRow.Columns.id).fetchAll(db).map { row in
                    ShareSummary(row: row, revokedAt: try ShareRevocationRow.fetchOne(db, key: row.id)?.at,
                                 downloads: try DownloadRow.filter(DownloadRow.Columns.shareID == row.id).order(DownloadRow.Columns.id).fetchAll(db))
                }
            }
        }
    }

    /// The link `token` opens now, or nil — unknown, expired and revoked links are alike. The
    /// stored hash is compared in constant time.
    public func openShare(token: String, now: Date = Date()) async throws -> ShareRow? {
        guard token.count == Self.tokenLength, token.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        let hash = Self.tokenHash(token)
        let current = Self.timestamp(now)
        return try await reader.read { db -> ShareRow? in
            guard let row = try ShareRow.filter(ShareRow.Columns.tokenSHA256 == hash).fetchOne(db),
                  Self.constantTimeEqual(row.tokenSHA256, hash),
                  row.expiresAt > current,
                  try ShareRevocationRow.fetchOne(db, key: row.id) == nil
            else { return nil }
            return row
        }
    }

    /// Records that `document` was fetched whole through link `shareID` by `client`.
    public func recordDownload(share shareID: Int64, document: String, client: String, now: Date = Date()) async throws {
        let writer = try writable()
        try await writer.write { db in
            try DownloadRow(id: nil, shareID: shareID, document: document, at: Self.timestamp(now), client: client).insert(db)
        }
    }

    static func tokenHash(_ token: String) -> String { sha256Hex(Array(token.utf8)) }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let left = Array(a.utf8)
        let right = Array(b.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    /// A consistent copy of the archive at `destination` (SQLite's online backup), also while
    /// other processes write; the copy is made under a temporary name and renamed into place.
    public func backup(to destination: String) throws(ArchiveError) {
        if FileManager.default.fileExists(atPath: destination) { throw .exists(destination) }
        let url = URL(fileURLWithPath: destination)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).backup").path
        defer { for suffix in ["", "-wal", "-shm", "-journal"] { unlink(temporary + suffix) } }
        do {
            let copy = try DatabaseQueue(path: temporary)
            try reader.backup(to: copy)
            try copy.close()
        } catch let error as DatabaseError where error.resultCode == .SQLITE_FULL {
            // Only the copy is written: a full disk is the destination's.
            throw .diskFull(destination)
        } catch {
            throw ArchiveError(error, path: path)
        }
        guard link(temporary, destination) == 0 else {
            throw .database(destination, "the backup cannot be put in place: \(String(cString: strerror(errno)))")
        }
    }
}
