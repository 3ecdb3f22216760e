import Foundation

/// Writes a file through a temporary file in the same folder and a rename, so a reader never
/// sees a partial file and a failed write leaves nothing behind.
enum AtomicFile {
    static func write(_ data: Data, to path: String, overwrite: Bool) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw Failure(message: "cannot write \(path): the folder \(folder.path) does not exist")
        }
        if !overwrite, FileManager.default.fileExists(atPath: path) {
            throw Failure(message: "\(path) already exists; pass --force to replace it")
        }
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: data) else {
            throw Failure(message: "cannot write \(path): the folder \(folder.path) is not writable")
        }
        if rename(temporary.path, path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw Failure(message: "cannot write \(path): \(reason)")
        }
    }
}
