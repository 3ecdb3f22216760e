import Foundation

/// Runs the built `starcert` executable the way a user would and captures what it prints.
public enum StarCertExecutable {
    public struct Result: Sendable {
        public let status: Int32
        /// Standard output as bytes.
        public let output: Data
        public let stdout: String
        public let stderr: String
    }

    /// The `starcert` binary next to the test bundle in the build's products folder.
    public static func url() throws -> URL {
        var candidates: [URL] = []
        let testBinary = URL(fileURLWithPath: CommandLine.arguments.first ?? "")
        for start in [Bundle.main.bundleURL, testBinary.deletingLastPathComponent()] {
            var folder = start
            for _ in 0..<4 {
                candidates.append(folder.appendingPathComponent("starcert"))
                folder = folder.deletingLastPathComponent()
            }
        }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw FixtureError("the starcert executable was not found near \(Bundle.main.bundleURL.path); build it first")
        }
        return found
    }

    /// Runs `starcert` with `arguments` in `folder` (default: the package root).
    public static func run(_ arguments: [String], in folder: URL? = nil, environment: [String: String]? = nil) throws -> Result {
        try ExternalProgram.run(try url(), arguments, in: folder, environment: environment)
    }
}

/// Runs a program and captures its output.
public enum ExternalProgram {
    /// Runs the program at `url`, or the one named `name` on the usual paths.
    public static func run(_ name: String, _ arguments: [String]) throws -> StarCertExecutable.Result {
        let found = ["/usr/bin", "/usr/local/bin", "/bin"].map { URL(fileURLWithPath: $0).appendingPathComponent(name) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
        guard let found else { throw FixtureError("\(name) is not installed; run Scripts/setup") }
        return try run(found, arguments)
    }

    public static func run(_ url: URL, _ arguments: [String], in folder: URL? = nil, environment: [String: String]? = nil) throws -> StarCertExecutable.Result {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        process.currentDirectoryURL = folder ?? Fixtures.packageRoot
        if let environment { process.environment = environment }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Drain standard error on another thread so neither pipe can fill up and block the child.
        nonisolated(unsafe) var errData = Data()
        let drained = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            drained.signal()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        drained.wait()
        process.waitUntilExit()
        return StarCertExecutable.Result(
            status: process.terminationStatus,
            output: outData,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }
}
