import ArgumentParser
import Foundation
import StarCertApp
import StarCertCore

/// Where the commands write: results to standard output, diagnostics to standard error. Every
/// line is printed with control, bidirectional and invisible characters escaped, so text from an
/// input or the archive cannot move the cursor, recolour the terminal or reorder what is shown.
enum Console {
    static func out(_ text: String, terminator: String = "\n") {
        FileHandle.standardOutput.write(Data((TerminalText.escaped(text, keepingLineBreaks: true) + terminator).utf8))
    }

    static func err(_ text: String) {
        FileHandle.standardError.write(Data((TerminalText.escaped(text, keepingLineBreaks: true) + "\n").utf8))
    }

    static func report(_ diagnostics: [Diagnostic]) {
        for diagnostic in diagnostics { err(escapedLine(diagnostic.description)) }
    }

    /// A diagnostic is one line: a line break inside it is escaped too.
    static func escapedLine(_ text: String) -> String { TerminalText.escaped(text) }

    /// Whether standard error is a terminal (for the progress line).
    static let showsProgress = isatty(STDERR_FILENO) == 1

    /// Shows a batch's outcome for one input, and the progress line on a terminal.
    static func show(_ outcome: FileOutcome, progress: BatchProgress) {
        if showsProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        report(outcome.diagnostics)
        if let summary = outcome.summary { out(summary) }
        progress.step()
    }
}

/// The `[done/total] n files/s` line a batch shows on a terminal.
final class BatchProgress: @unchecked Sendable {
    private let total: Int
    private var done = 0
    private let started = Date()

    init(total: Int) {
        self.total = total
    }

    func step() {
        done += 1
        guard Console.showsProgress, total > 1 else { return }
        let rate = Double(done) / max(Date().timeIntervalSince(started), 0.001)
        FileHandle.standardError.write(Data(String(format: "[%d/%d] %.1f files/s", done, total, rate).utf8))
    }

    func end() {
        if Console.showsProgress, total > 1 { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}

/// Runs a command's body: the one place where errors become messages and exit codes. Problems
/// with StarCert's own installation exit 2; every other failure is explained and exits 1.
func running<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let exit as ExitCode {
        throw exit
    } catch let failure as DiagnosedFailure {
        Console.report(failure.diagnostics)
        throw ExitCode.failure
    } catch SetupFailure.diagnostics(let diagnostics) {
        Console.report(diagnostics)
        throw ExitCode.failure
    } catch SetupFailure.installation(let error) {
        Console.err("starcert: error: " + Console.escapedLine("\(error)"))
        throw ExitCode(2)
    } catch {
        Console.err("starcert: error: " + Console.escapedLine("\(error)"))
        throw ExitCode.failure
    }
}

/// The standards every command reads, or a clear error (exit 2) when the shipped definitions are broken or missing.
func loadCatalog() throws -> StandardCatalog {
    try running {
        do {
            return try StandardCatalog.installed()
        } catch let failure as DiagnosedFailure {
            throw SetupFailure.installation(failure)
        } catch {
            throw SetupFailure.installation(error)
        }
    }
}

/// The issuer profile at `path`, or `issuer.yaml` when it exists; nil without either.
func loadProfileIfPresent(_ path: String?) throws -> IssuerProfile? {
    let file = path ?? "issuer.yaml"
    guard path != nil || FileManager.default.fileExists(atPath: file) else { return nil }
    return try IssuerProfile.load(file: file).get()
}

/// Today in the time zone of the issuer profile at `path` (or `issuer.yaml` when it exists), else in
/// the zone a profile has by default.
func profileToday(_ path: String?) throws -> CalendarDate {
    try loadProfileIfPresent(path)?.today() ?? IssuerProfile.today(inTimeZone: IssuerProfile.defaultTimeZone)
}

extension CalendarDate: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(iso: argument)
    }

    public static var defaultCompletionKind: CompletionKind { .default }
}
