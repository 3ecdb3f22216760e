import ArgumentParser
import Foundation
import StarCertCore

@main
struct StarCert: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "starcert",
        abstract: "Evaluate after-sales service maturity against Q/BJKB 006-2026 and report the results.",
        discussion: """
            An assessment file (YAML or JSON, format 1) records what was found for every item of the \
            standard. `check` validates it, `score` scores it exactly, `init` writes a blank one, and \
            `standard` shows what the standard asks for.
            """,
        version: "0.1.0",
        subcommands: [CheckCommand.self, ScoreCommand.self, ReportCommand.self, InitCommand.self, ConvertCommand.self, StandardCommand.self, IssuerCommand.self, KeysCommand.self, IssueCommand.self, SubmitCommand.self, ReviewCommand.self, DecideCommand.self, FindingCommand.self, DueCommand.self, LifecycleCommand.self, RegulatorCommand.self, VerifyCommand.self, CertificateCommand.self, ArchiveCommand.self, StaffCommand.self, ShareCommand.self, ServeCommand.self]
    )

    /// Parses, runs, and maps every error to a message and an exit status in one place: help and
    /// version exit 0; a command's failures carry their own status (1, or 2 for a broken
    /// installation); a bad argument is explained and exits 1. Whatever is echoed from the command
    /// line is escaped, like everything else printed.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            let status = exitCode(for: error)
            let message = fullMessage(for: error)
            if status == .success {
                if !message.isEmpty { FileHandle.standardOutput.write(Data((message + "\n").utf8)) }
                Foundation.exit(0)
            }
            if !message.isEmpty { FileHandle.standardError.write(Data((TerminalText.escaped(message, keepingLineBreaks: true) + "\n").utf8)) }
            Foundation.exit(status == .validationFailure ? 1 : status.rawValue)
        }
    }
}
