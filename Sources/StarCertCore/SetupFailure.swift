/// What stops a whole command before any input is processed.
public enum SetupFailure: Error, Sendable, CustomStringConvertible {
    /// A file the command was given (a profile, say) has problems, each positioned.
    case diagnostics([Diagnostic])
    /// The command refuses to run; the message says why and what is expected.
    case refused(String)
    /// A file the command was given (a key, an archive, a picture) cannot be used.
    case unusable(any Error)
    /// StarCert's own files (standards, templates, fonts) are missing or broken.
    case installation(any Error)

    public var description: String {
        switch self {
        case let .diagnostics(list): return list.map(\.description).joined(separator: "\n")
        case let .refused(message): return message
        case let .unusable(error), let .installation(error): return "\(error)"
        }
    }
}
