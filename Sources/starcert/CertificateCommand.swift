import ArgumentParser
import Foundation
import StarCertApp
import StarCertArchive
import StarCertCore

struct CertificateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cert", abstract: "Change a certificate's status; every change is recorded with its time.",
        subcommands: [Suspend.self, Withdraw.self, Restore.self])

    struct Change: ParsableArguments {
        @Argument(help: "The certificate number.")
        var number: String

        @Option(help: "Why the status changes (required, one line).")
        var reason: String

        @Option(help: "The folder holding issuer.key (it signs the change in the archive's journal).")
        var keys: String = "."

        @Option(help: "The issuer profile (its time zone dates the change).")
        var issuer: String = "issuer.yaml"

        @OptionGroup var archiveOptions: ArchiveOptions

        func apply(_ status: Archive.Status) throws {
            let warning = try running {
                try CertificateLifecycle.setStatus(number, to: status, reason: reason, archivePath: archiveOptions.path, issuerProfile: issuer, keys: URL(fileURLWithPath: keys))
            }
            Console.out("certificate \(number): \(status.chinese) (\(status.rawValue)) — \(reason.trimmingCharacters(in: .whitespacesAndNewlines))")
            if let warning { Console.err("warning: " + warning) }
        }
    }

    struct Suspend: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Suspend a certificate (暂停).")
        @OptionGroup var change: Change
        func run() throws { try change.apply(.suspended) }
    }

    struct Withdraw: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Withdraw a certificate for good (撤销).")
        @OptionGroup var change: Change
        func run() throws { try change.apply(.withdrawn) }
    }

    struct Restore: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Restore a suspended certificate (恢复有效).")
        @OptionGroup var change: Change
        func run() throws { try change.apply(.valid) }
    }
}
