import Foundation

/// Writing files so that a reader never sees a partial one: each to a temporary file first, synced,
/// then renamed into place.
public enum AtomicFile {
    /// Why writing failed.
    public enum WriteError: Error, Sendable, CustomStringConvertible {
        case diskFull(String)
        case failed(String, String)

        public var description: String {
            switch self {
            case let .diskFull(path): return "cannot write \(path): the disk is full"
            case let .failed(path, reason): return "cannot write \(path): \(reason)"
            }
        }
    }

    /// Each path is free or a regular file that may be replaced.
    public static func checkDestinations(_ paths: [String]) throws(WriteError) {
        for path in paths {
            var status = stat()
            guard lstat(path, &status) == 0 else { continue }
            guard status.st_mode & S_IFMT == S_IFREG else {
                throw .failed(path, "something other than a file stands there (\(Self.kind(status.st_mode))); expected a file to replace, or nothing")
            }
        }
    }

    public static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: return "a folder"
        case S_IFLNK: return "a symbolic link"
        case S_IFIFO: return "a FIFO"
        case S_IFCHR, S_IFBLK: return "a device"
        case S_IFSOCK: return "a socket"
        case S_IFREG: return "a file"
        default: return "not a regular file"
        }
    }

    /// Writes `files` (paths in existing folders): every file to a temporary file first, synced; only
    /// when all are written are they renamed into place. After any failure nothing new is left
    /// behind, not even a temporary file.
    public static func write(_ files: [(path: String, bytes: [UInt8])]) throws(WriteError) {
        try checkDestinations(files.map(\.path))
        var temporaries: [(temporary: String, path: String)] = []
        defer { for entry in temporaries { unlink(entry.temporary) } }
        for (path, bytes) in files {
            let url = URL(fileURLWithPath: path)
            let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp").path
            let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw failure(path, errno) }
            temporaries.append((temporary, path))
            var written = 0
            while written < bytes.count {
                let count = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress! + written, $0.count - written) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else {
                    let code = errno
                    close(descriptor)
                    throw failure(path, code)
                }
                written += count
            }
            if fsync(descriptor) != 0 {
                let code = errno
                close(descriptor)
                throw failure(path, code)
            }
            close(descriptor)
        }
        for entry in temporaries where rename(entry.temporary, entry.path) != 0 {
            throw failure(entry.path, errno)
        }
        temporaries.removeAll()
    }

    package static func failure(_ path: String, _ code: Int32) -> WriteError {
        let folder = (path as NSString).deletingLastPathComponent
        switch code {
        case ENOSPC, EDQUOT: return .diskFull(path)
        case ENOENT: return .failed(path, "the folder \(folder.isEmpty ? "." : folder) does not exist")
        case ENOTDIR: return .failed(path, "\(folder) is not a folder")
        default: return .failed(path, String(cString: strerror(code)))
        }
    }

    /// Creates `folder` and its parents; a file in its place is refused, and so is a symbolic link
    /// unless `followingLinks` (the folder the user named), so nothing is written outside it.
    public static func makeFolder(_ folder: URL, followingLinks: Bool) throws(WriteError) {
        var status = stat()
        if (followingLinks ? stat(folder.path, &status) : lstat(folder.path, &status)) == 0 {
            guard status.st_mode & S_IFMT == S_IFDIR else {
                throw .failed(folder.path, "it is \(Self.kind(status.st_mode == S_IFREG ? S_IFREG : status.st_mode)); expected a folder")
            }
            return
        }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            let code = ((error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError)?.code ?? Int(EIO)
            if code == Int(ENOSPC) { throw .diskFull(folder.path) }
            throw .failed(folder.path, "the output folder cannot be created (\(String(cString: strerror(Int32(code)))))")
        }
    }
}
