import Foundation

/// Writes files through temporary files in the same folder and renames, so a reader never sees
/// a partial file and a failure leaves nothing new behind.
enum AtomicFile {
    static func write(_ data: Data, to path: String, overwrite: Bool) throws {
        if !overwrite, FileManager.default.fileExists(atPath: path) {
            throw Failure(message: "\(path) already exists; pass --force to replace it")
        }
        try write([(path, data)])
    }

    /// Writes every file to a temporary name first; only when all are written are they renamed
    /// into place.
    static func write(_ files: [(path: String, data: Data)]) throws {
        var temporaries: [(temporary: String, path: String)] = []
        defer { for entry in temporaries { try? FileManager.default.removeItem(atPath: entry.temporary) } }
        for (path, data) in files {
            let url = URL(fileURLWithPath: path)
            let folder = url.deletingLastPathComponent()
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw Failure(message: "cannot write \(path): the folder \(folder.path) does not exist")
            }
            let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp").path
            guard FileManager.default.createFile(atPath: temporary, contents: data) else {
                throw Failure(message: "cannot write \(path): the folder \(folder.path) is not writable")
            }
            temporaries.append((temporary, path))
        }
        for entry in temporaries {
            if rename(entry.temporary, entry.path) != 0 {
                throw Failure(message: "cannot write \(entry.path): \(String(cString: strerror(errno)))")
            }
        }
        temporaries.removeAll()
    }
}
