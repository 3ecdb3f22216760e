import Foundation
import StarCertArchive

/// The archive an issue run records into: opened at once when it exists; made when the first
/// evaluation is ready to be recorded, so that a run that refuses everything leaves nothing behind.
public final class ArchiveHandle: @unchecked Sendable {
    public let path: String
    private let lock = NSLock()
    private var opened: Archive?
    private let notice: @Sendable (String) -> Void

    public init(path: String, notice: @escaping @Sendable (String) -> Void) throws(ArchiveError) {
        self.path = path
        self.notice = notice
        if FileManager.default.fileExists(atPath: path) || (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) != nil {
            opened = try Archive(path: path, access: .readWrite)
        }
    }

    /// The archive when it exists already.
    public var existing: Archive? {
        lock.lock()
        defer { lock.unlock() }
        return opened
    }

    /// The archive, made now when it does not exist yet.
    public func forWriting() throws(ArchiveError) -> Archive {
        lock.lock()
        defer { lock.unlock() }
        if let opened { return opened }
        let made = try Archive.openOrCreate(at: path)
        if made.created { notice("created a new archive at \(path)") }
        opened = made.archive
        return made.archive
    }
}
