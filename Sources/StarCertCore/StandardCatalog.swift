import Foundation

/// The standards StarCert can evaluate against: the definitions shipped with StarCert, plus any
/// definition files in the folders named by `STARCERT_STANDARDS` (separated by `:`).
///
/// A new standard, or a later version of one, is added by dropping its definition file into
/// `Sources/StarCertCore/Standards/` (shipped) or into such a folder (local); no code changes.
public struct StandardCatalog: Sendable {
    public let standards: [Standard]

    public init(standards: [Standard]) {
        self.standards = standards
    }

    /// The shipped standards (see `Resources`) and those in `STARCERT_STANDARDS`.
    public static func installed(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> StandardCatalog {
        var folders = [try Resources.locate(environment: environment).standards]
        if let extra = environment["STARCERT_STANDARDS"] {
            folders += extra.split(separator: ":").map { URL(fileURLWithPath: String($0)) }
        }
        return try load(folders: folders)
    }

    /// Loads every `*.yaml` definition in `folders`. Two definitions with one id are an error.
    public static func load(folders: [URL]) throws -> StandardCatalog {
        var standards: [Standard] = []
        var origins: [String: String] = [:]
        var problems: [Diagnostic] = []
        for folder in folders {
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }.sorted()
            } catch {
                throw CatalogError.unreadableFolder(folder.path)
            }
            for name in names {
                let url = folder.appendingPathComponent(name)
                let bytes: [UInt8]
                switch InputFile.read(url.path, limit: InputFile.Limit.document) {
                case let .success(read): bytes = read
                case let .failure(problem):
                    problems.append(Diagnostic(.error, at: SourceLocation(file: url.path, line: 0, column: 0), "cannot read the standard definition: \(problem)"))
                    continue
                }
                switch StandardDefinition.load(bytes, file: url.path) {
                case let .success(standard):
                    if let first = origins[standard.id] {
                        problems.append(Diagnostic(.error, at: SourceLocation(file: url.path, line: 1, column: 1),
                            "standard \(standard.id) is already defined in \(first); expected one definition per id"))
                    } else {
                        origins[standard.id] = url.path
                        standards.append(standard)
                    }
                case let .failure(failure):
                    problems += failure.diagnostics
                }
            }
        }
        if problems.contains(where: { $0.severity == .error }) { throw DiagnosedFailure(problems) }
        return StandardCatalog(standards: standards)
    }

    public func standard(_ id: String) -> Standard? {
        standards.first { $0.id == id }
    }

    /// The standard `init` and `standard` use when none is named: the most recently effective one.
    public var defaultStandard: Standard? {
        func recency(_ standard: Standard) -> (CalendarDate, String) {
            (standard.effective ?? standard.published ?? CalendarDate(year: 1, month: 1, day: 1)!, standard.id)
        }
        return standards.max { recency($0) < recency($1) }
    }
}

public enum CatalogError: Error, CustomStringConvertible {
    case unreadableFolder(String)

    public var description: String {
        switch self {
        case let .unreadableFolder(path):
            return "cannot read the standard definitions at \(path); expected a readable folder of .yaml files"
        }
    }
}
