import Foundation

/// Finds the folders StarCert reads at run time from its checkout (`Fonts/`, `Templates/`).
enum Assets {
    /// The folder named by `environmentKey`, else `name` in the checkout the binary was built in
    /// (searched upward from the binary, then from this source file).
    static func folder(_ name: String, environmentKey: String, environment: [String: String]) -> URL? {
        if let path = environment[environmentKey] { return URL(fileURLWithPath: path) }
        var candidates: [URL] = []
        var folder = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(folder.appendingPathComponent(name))
            folder = folder.deletingLastPathComponent()
        }
        candidates.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(name))
        return candidates.first { FileManager.default.fileExists(atPath: $0.path) }
    }
}
