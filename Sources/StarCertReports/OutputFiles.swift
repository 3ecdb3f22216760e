import Foundation
import StarCertCore

/// Where the documents of each input go, and writing them so a reader never sees a partial file.
public enum OutputFiles {
    /// One input's output folder.
    public struct Target: Sendable {
        public let input: String
        public let folder: URL
        /// A folder StarCert named inside the output folder (never followed when it is a link).
        public let isSubfolder: Bool

        public init(input: String, folder: URL, isSubfolder: Bool) {
            self.input = input
            self.folder = folder
            self.isSubfolder = isSubfolder
        }
    }

    /// The inputs to process, each once, with its folder: `output` itself for a single input (unless
    /// `alwaysSubfolders`), else `output/NAME` with NAME made from the file name — never `.`, `..`
    /// or hidden, never a path, and distinct for inputs that share a name. `repeats` lists inputs
    /// dropped because they name a file already listed (as given, with the first name given).
    public static func targets(for inputs: [String], in output: URL, alwaysSubfolders: Bool = false)
        -> (targets: [Target], repeats: [(input: String, sameAs: String)])
    {
        var seen: [String: String] = [:]
        var unique: [String] = []
        var repeats: [(String, String)] = []
        for input in inputs {
            let identity = URL(fileURLWithPath: input).resolvingSymlinksInPath().standardizedFileURL.path
            if let first = seen[identity] {
                repeats.append((input, first))
                continue
            }
            seen[identity] = input
            unique.append(input)
        }
        guard unique.count > 1 || alwaysSubfolders else { return (unique.map { Target(input: $0, folder: output, isSubfolder: false) }, repeats) }
        var used: Set<String> = []
        let targets = unique.map { input -> Target in
            let base = folderName(for: input)
            var name = base
            var counter = 2
            while used.contains(name.lowercased()) {
                name = "\(base)-\(counter)"
                counter += 1
            }
            used.insert(name.lowercased())
            return Target(input: input, folder: output.appendingPathComponent(name, isDirectory: true), isSubfolder: true)
        }
        return (targets, repeats)
    }

    /// A safe folder name from an input's file name: its extension dropped, characters that are
    /// path separators, controls or invisible replaced, no leading dot, at most 100 characters.
    static func folderName(for input: String) -> String {
        var name = (input as NSString).lastPathComponent
        if let dot = name.lastIndex(of: "."), dot != name.startIndex { name = String(name[..<dot]) }
        var cleaned = String.UnicodeScalarView()
        for scalar in name.unicodeScalars {
            cleaned.append(scalar == "/" || scalar == "\\" || HiddenCharacter.classify(scalar) != nil ? "_" : scalar)
        }
        name = String(cleaned)
        while name.hasPrefix(".") { name.removeFirst() }
        name = name.trimmingCharacters(in: .whitespaces)
        if name.utf8.count > 100 { name = String(name.prefix(60)) }
        return name.isEmpty ? "input" : name
    }

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

    /// Writes every output into `folder` (created when missing): each to a temporary file first,
    /// synced; only when all are written are they renamed into place. After any failure nothing
    /// new is left behind, not even a temporary file.
    public static func write(_ outputs: [NamedOutput], for target: Target) throws(WriteError) {
        try check(target, names: outputs.map(\.name))
        try makeFolder(target.folder, followingLinks: !target.isSubfolder)
        try write(outputs.map { (target.folder.appendingPathComponent($0.name).path, $0.bytes) })
    }

    /// Checks, without writing anything, that `names` can be written into `target`'s folder — it
    /// is a folder (or can be made in one) that may be written, and nothing but a regular file
    /// stands where a document goes — so that a command can refuse before it does anything it
    /// cannot undo (numbering a certificate).
    public static func check(_ target: Target, names: [String]) throws(WriteError) {
        var folder = target.folder.standardizedFileURL
        var status = stat()
        // A folder StarCert names is never followed when it is a link; the parts above it may be links.
        var followLinks = !target.isSubfolder
        while (followLinks ? stat(folder.path, &status) : lstat(folder.path, &status)) != 0 {
            guard errno == ENOENT, folder.path != "/" else { throw failure(folder.path, errno) }
            folder = folder.deletingLastPathComponent()
            followLinks = true
        }
        guard status.st_mode & S_IFMT == S_IFDIR else {
            throw .failed(folder.path, "it is \(kind(status.st_mode)); expected a folder")
        }
        guard access(folder.path, W_OK) == 0 else {
            throw .failed(folder.path, "the folder cannot be written (\(String(cString: strerror(errno))))")
        }
        try checkDestinations(names.map { target.folder.appendingPathComponent($0).path })
    }

    /// Each path is free or a regular file that may be replaced.
    static func checkDestinations(_ paths: [String]) throws(WriteError) {
        for path in paths {
            var status = stat()
            guard lstat(path, &status) == 0 else { continue }
            guard status.st_mode & S_IFMT == S_IFREG else {
                throw .failed(path, "something other than a file stands there (\(Self.kind(status.st_mode))); expected a file to replace, or nothing")
            }
        }
    }

    static func kind(_ mode: mode_t) -> String {
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

    /// Writes `files` (paths in existing folders) the same way.
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

    static func failure(_ path: String, _ code: Int32) -> WriteError {
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
    static func makeFolder(_ folder: URL, followingLinks: Bool) throws(WriteError) {
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
