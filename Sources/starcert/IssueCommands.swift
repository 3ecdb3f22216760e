import ArgumentParser
import Foundation
import StarCertArchive
import StarCertCore
import StarCertReports

/// Options shared by the commands that use the archive.
struct ArchiveOptions: ParsableArguments {
    @Option(help: "The archive file (default: STARCERT_ARCHIVE, else ./starcert-archive.sqlite).")
    var archive: String?

    var path: String { archive ?? Archive.defaultPath() }

    /// The existing archive; commands that only read open it read-only.
    func open(_ access: Archive.Access) throws -> Archive {
        try Archive(path: path, access: access)
    }
}

struct IssuerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issuer", abstract: "Manage the issuer profile (issuer.yaml).", subcommands: [Init.self])

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write an issuer profile to fill in.")

        @Option(name: .shortAndLong, help: "Where to write it.")
        var output: String = "issuer.yaml"

        func run() throws {
            try running {
                if FileManager.default.fileExists(atPath: output) {
                    throw SetupFailure.refused("\(output) already exists; StarCert does not replace an issuer profile")
                }
                try OutputFiles.write([(output, Array(IssuerProfile.template().utf8))])
            }
            Console.err("wrote \(output): replace every （待填写） / (to fill in) text; `starcert issue` refuses the profile until then")
        }
    }
}

struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Manage the issuer's Ed25519 signing key.", subcommands: [Init.self])

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the issuer's key pair: issuer.key (private, mode 0600) and issuer.pub. Never replaces a key.")

        @Option(help: "The folder for the keys.")
        var keys: String = "."

        func run() throws {
            let created = try running { try SigningKeys.create(in: URL(fileURLWithPath: keys)) }
            Console.out("created \(keys)/issuer.key (keep it secret) and \(keys)/issuer.pub; public key \(created.publicKeyBase64)")
        }
    }
}

struct IssueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issue",
        abstract: "Issue evaluations: number, sign and archive them, and write the real certificate.",
        discussion: """
            For each file: validates it, renders the report, and in one archive transaction assigns \
            the next certificate number, signs the certificate data with the issuer's key, renders \
            the certificate and archives everything. Vetoed evaluations and self-assessments are \
            archived without a certificate. Outputs go to DIR/<file name>/. Several files are \
            rendered in parallel (--jobs); they are archived, and numbered, in the order they \
            finish — use --jobs 1 to number them in the order given.
            """)

    @Argument(help: "Assessment files.")
    var files: [String]

    @Option(name: .shortAndLong, help: "The folder to write into.")
    var output: String = "."

    @OptionGroup var archiveOptions: ArchiveOptions

    @Option(help: "The issuer profile.")
    var issuer: String = "issuer.yaml"

    @Option(help: "The folder holding issuer.key and issuer.pub.")
    var keys: String = "."

    @Option(help: "The id of an archived evaluation of the same organization that this one corrects.")
    var replaces: Int64?

    @Option(help: "The issue date, YYYY-MM-DD (default: today in the profile's time zone); not before the audit's last day, not after today.")
    var date: CalendarDate?

    @Option(help: "The language of the report's labels: zh or en.")
    var lang: Labels.Language = .zh

    @Option(help: "How many files to render at once (default: the number of cores); numbering stays gap-free.")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
    }

    func run() throws {
        let job = IssueJob(
            inputs: files, output: URL(fileURLWithPath: output), archive: archiveOptions.path, issuerProfile: issuer,
            keys: URL(fileURLWithPath: keys), replaces: replaces, date: date, language: lang, jobs: jobs)
        let progress = BatchProgress(total: files.count)
        let failures = try running {
            try job.run(notice: { Console.err($0) }, completed: { Console.show($0, progress: progress) })
        }
        progress.end()
        if failures > 0 { throw ExitCode.failure }
    }
}

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a certificate: a PDF, the text of its QR code, or its number.",
        discussion: "Exit status 0 when authentic and valid; 1 otherwise (what differs, or the status, is printed).")

    @Argument(help: "A certificate PDF, its QR code's text, or a certificate number.")
    var certificate: String

    @Option(help: "The archive file (default: STARCERT_ARCHIVE, else ./starcert-archive.sqlite, when it exists).")
    var archive: String?

    @Option(help: "The issuer's public key (issuer.pub), to check a PDF without the archive.")
    var publicKey: String?

    func run() throws {
        let result: Verification.Result = try running {
            let path = archive ?? Archive.defaultPath()
            let opened = archive != nil || FileManager.default.fileExists(atPath: path) ? try Archive(path: path, access: .readOnly) : nil
            let key = try publicKey.map { try SigningKeys.publicKey(file: $0) }
            let today = CalendarDate.today(inTimeZone: "Asia/Shanghai")!.description
            return try Verification(archive: opened, publicKey: key).verify(certificate, today: today)
        }
        let name = result.number.map { "certificate \($0)" } ?? certificate
        if result.authentic {
            let status = result.status.map { "\($0.chinese) (\($0.rawValue))" + (result.statusReason.map { $0.isEmpty ? "" : " — \($0)" } ?? "") } ?? "status unknown without the archive"
            Console.out("\(name): authentic 真实; status 状态: \(status)")
            if let successor = result.successor { Console.out("  superseded by certificate \(successor)") }
        } else {
            Console.out("\(name): NOT AUTHENTIC 非真实")
        }
        for finding in result.findings { Console.out("  \(finding)") }
        if !result.authentic || (result.status != nil && result.status != .valid) { throw ExitCode.failure }
    }
}

struct CertificateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cert", abstract: "Change a certificate's status; every change is recorded with its time.",
        subcommands: [Suspend.self, Withdraw.self, Restore.self])

    struct Change: ParsableArguments {
        @Argument(help: "The certificate number.")
        var number: String

        @Option(help: "Why the status changes (required, one line).")
        var reason: String

        @OptionGroup var archiveOptions: ArchiveOptions

        func apply(_ status: Archive.Status) throws {
            try running { try archiveOptions.open(.readWrite).setStatus(number, to: status, reason: reason) }
            Console.out("certificate \(number): \(status.chinese) (\(status.rawValue)) — \(reason)")
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
