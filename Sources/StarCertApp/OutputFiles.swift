import Foundation
import StarCertCore
import StarCertDocuments

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

    /// Removes from `target`'s folder the files among `names` that `written` did not replace (a
    /// certificate left from an earlier issue beside a vetoed correction's report): regular files
    /// only, never through a link.
    public static func removeStale(_ names: [String], besides written: [NamedOutput], in target: Target) {
        let kept = Set(written.map(\.name))
        for name in names where !kept.contains(name) {
            let path = target.folder.appendingPathComponent(name).path
            var status = stat()
            if lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG { unlink(path) }
        }
    }

    /// Writes every output into `folder` (created when missing): each to a temporary file first,
    /// synced; only when all are written are they renamed into place. After any failure nothing
    /// new is left behind, not even a temporary file.
    public static func write(_ outputs: [NamedOutput], for target: Target) throws(AtomicFile.WriteError) {
        try check(target, names: outputs.map(\.name))
        try AtomicFile.makeFolder(target.folder, followingLinks: !target.isSubfolder)
        try AtomicFile.write(outputs.map { (target.folder.appendingPathComponent($0.name).path, $0.bytes) })
    }

    /// Checks, without writing anything, that `names` can be written into `target`'s folder — it
    /// is a folder (or can be made in one) that may be written, and nothing but a regular file
    /// stands where a document goes — so that a command can refuse before it does anything it
    /// cannot undo (numbering a certificate).
    public static func check(_ target: Target, names: [String]) throws(AtomicFile.WriteError) {
        var folder = target.folder.standardizedFileURL
        var status = stat()
        // A folder StarCert names is never followed when it is a link; the parts above it may be links.
        var followLinks = !target.isSubfolder
        while (followLinks ? stat(folder.path, &status) : lstat(folder.path, &status)) != 0 {
            guard errno == ENOENT, folder.path != "/" else { throw AtomicFile.failure(folder.path, errno) }
            folder = folder.deletingLastPathComponent()
            followLinks = true
        }
        guard status.st_mode & S_IFMT == S_IFDIR else {
            throw .failed(folder.path, "it is \(AtomicFile.kind(status.st_mode)); expected a folder")
        }
        guard access(folder.path, W_OK) == 0 else {
            throw .failed(folder.path, "the folder cannot be written (\(String(cString: strerror(errno))))")
        }
        try AtomicFile.checkDestinations(names.map { target.folder.appendingPathComponent($0).path })
    }
}
