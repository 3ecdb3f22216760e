import Foundation

/// Reads the files StarCert takes as input — assessments, profiles, standards, pictures, keys —
/// only when they are regular files of a bounded size. FIFOs, devices, sockets and folders are
/// refused without blocking: the file is opened non-blocking and its type checked on the open
/// descriptor, so nothing can be swapped in between the check and the read.
public enum InputFile {
    /// Why a file was not read.
    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case missing
        case notRegular(String)
        case unreadable(String)
        case tooLarge(bytes: Int, limit: Int)

        public var description: String {
            switch self {
            case .missing: return "no such file"
            case let .notRegular(kind): return "it is \(kind), not a regular file"
            case let .unreadable(reason): return "it cannot be read (\(reason))"
            case let .tooLarge(bytes, limit):
                // In bytes when the rounded sizes would read alike (16 MiB against 16 MiB).
                let (size, allowed) = Self.size(bytes) == Self.size(limit) ? ("\(bytes) bytes", "\(limit) bytes") : (Self.size(bytes), Self.size(limit))
                return "it is \(size), more than the \(allowed) allowed"
            }
        }

        static func size(_ bytes: Int) -> String {
            bytes >= 1 << 20 ? "\(bytes >> 20) MiB" : bytes >= 1 << 10 ? "\(bytes >> 10) KiB" : "\(bytes) bytes"
        }
    }

    /// Size limits by kind of input.
    public enum Limit {
        public static let document = 16 << 20
        public static let picture = 50 << 20
        public static let key = 1 << 20
    }

    /// The whole file at `path`, at most `limit` bytes.
    public static func read(_ path: String, limit: Int) -> Result<[UInt8], Problem> {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { return .failure(.missing) }
            return .failure(.unreadable(String(cString: strerror(code))))
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return .failure(.unreadable(String(cString: strerror(errno)))) }
        if let kind = kind(of: status.st_mode) { return .failure(.notRegular(kind)) }
        let size = Int(status.st_size)
        guard size <= limit else { return .failure(.tooLarge(bytes: size, limit: limit)) }
        var bytes = [UInt8](repeating: 0, count: size + 1)
        var count = 0
        while count < bytes.count {
            let got = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + count, $0.count - count) }
            if got < 0 {
                if errno == EINTR { continue }
                return .failure(.unreadable(String(cString: strerror(errno))))
            }
            if got == 0 { break }
            count += got
            // The file grew while it was read.
            if count > limit { return .failure(.tooLarge(bytes: count, limit: limit)) }
            if count == bytes.count, count <= limit { bytes += [UInt8](repeating: 0, count: min(limit + 1, count * 2) - count) }
        }
        return .success(Array(bytes.prefix(count)))
    }

    /// Why `path` is not a readable regular file, or nil when it is one (it is not read).
    public static func problem(at path: String) -> Problem? {
        var status = stat()
        guard stat(path, &status) == 0 else {
            return errno == ENOENT || errno == ENOTDIR ? .missing : .unreadable(String(cString: strerror(errno)))
        }
        if let kind = kind(of: status.st_mode) { return .notRegular(kind) }
        guard access(path, R_OK) == 0 else { return .unreadable(String(cString: strerror(errno))) }
        return nil
    }

    /// What a file that is not regular is, for a message; nil for a regular file.
    private static func kind(of mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "a folder"
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFCHR, S_IFBLK: return "a device"
        case S_IFSOCK: return "a socket"
        default: return "not a regular file"
        }
    }
}
