import Foundation

/// Where StarCert finds what it reads at run time: the standard definitions, the templates (labels
/// and HTML) and the font configuration. One mechanism, tried in this order:
///
/// 1. `STARCERT_HOME`: a folder holding `Standards/`, `Templates/` and `Fonts/` (or a checkout).
/// 2. An installed copy: `PREFIX/share/starcert/` beside `PREFIX/bin/starcert` (what
///    `Scripts/install PREFIX` lays out).
/// 3. The checkout the binary was built in: the nearest folder above the binary with
///    `Package.swift` and `Templates/` (a development build in `.build/`).
/// 4. The checkout these sources are in (tests and tools built from it).
public struct Resources: Sendable, Equatable {
    public let standards: URL
    public let templates: URL
    public let fonts: URL

    public init(standards: URL, templates: URL, fonts: URL) {
        self.standards = standards
        self.templates = templates
        self.fonts = fonts
    }

    /// An installed layout, or `STARCERT_HOME`: the three folders side by side.
    public init(home: URL) {
        self.init(standards: home.appendingPathComponent("Standards"), templates: home.appendingPathComponent("Templates"),
                  fonts: home.appendingPathComponent("Fonts"))
    }

    /// A source checkout.
    public init(checkout: URL) {
        self.init(standards: checkout.appendingPathComponent("Sources/StarCertCore/Standards"),
                  templates: checkout.appendingPathComponent("Templates"), fonts: checkout.appendingPathComponent("Fonts"))
    }

    var isComplete: Bool {
        [standards, templates, fonts].allSatisfy { url in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
        }
    }

    /// The resources by the order above; an error names every place looked at.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Resources {
        var looked: [String] = []
        func accept(_ candidate: Resources, _ description: String) -> Resources? {
            if candidate.isComplete { return candidate }
            looked.append(description)
            return nil
        }
        if let home = environment["STARCERT_HOME"], !home.isEmpty {
            let url = URL(fileURLWithPath: home)
            if let found = accept(Resources(home: url), "STARCERT_HOME=\(home)") ?? accept(Resources(checkout: url), "STARCERT_HOME=\(home) as a checkout") {
                return found
            }
            throw ResourceError.missing(looked: looked)
        }
        let binary = executableFolder()
        if let found = accept(Resources(home: binary.deletingLastPathComponent().appendingPathComponent("share/starcert")),
                              binary.deletingLastPathComponent().appendingPathComponent("share/starcert").path) {
            return found
        }
        var folder = binary
        for _ in 0..<6 {
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path),
               let found = accept(Resources(checkout: folder), folder.path) {
                return found
            }
            folder = folder.deletingLastPathComponent()
        }
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        if let found = accept(Resources(checkout: sources), sources.path) { return found }
        throw ResourceError.missing(looked: looked)
    }

    /// The folder of the running binary, symbolic links resolved.
    static func executableFolder() -> URL {
        let path = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().path
        return URL(fileURLWithPath: path).deletingLastPathComponent()
    }
}

public enum ResourceError: Error, CustomStringConvertible {
    case missing(looked: [String])

    public var description: String {
        switch self {
        case let .missing(looked):
            return "StarCert's standards, templates and fonts were not found (looked in \(looked.joined(separator: "; "))); "
                + "install with Scripts/install PREFIX, or set STARCERT_HOME to a folder holding Standards/, Templates/ and Fonts/"
        }
    }
}
