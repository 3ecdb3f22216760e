import ArgumentParser
import Foundation
import StarCertArchive
import StarCertCore
import StarCertReports

/// Options shared by the commands that read the archive.
struct ArchiveOptions: ParsableArguments {
    @Option(help: "The archive file (default: STARCERT_ARCHIVE, else ./starcert-archive.sqlite).")
    var archive: String?

    var path: String { archive ?? Archive.defaultPath() }

    func open(create: Bool = false) throws -> Archive {
        do {
            return try Archive(path: path, create: create)
        } catch {
            Console.err("starcert: error: \(error)")
            throw ExitCode.failure
        }
    }
}

/// Runs `body`, printing any error as one line and exiting 1.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let exit as ExitCode {
        throw exit
    } catch let failure as DiagnosedFailure {
        Console.report(failure.diagnostics)
        throw ExitCode.failure
    } catch {
        Console.err("starcert: error: \(error)")
        throw ExitCode.failure
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
            try reportingErrors {
                do {
                    try AtomicFile.write(Data(IssuerProfile.template().utf8), to: output, overwrite: false)
                } catch let failure as Failure {
                    throw ArchiveError.archive(failure.message)
                }
            }
            Console.err("wrote \(output): fill in the body's name, address, approval number and verification address")
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
            let created = try reportingErrors { try SigningKeys.create(in: URL(fileURLWithPath: keys)) }
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

    @Option(help: "The folder holding issuer.key.")
    var keys: String = "."

    @Option(help: "The id of an archived evaluation this one corrects.")
    var replaces: Int64?

    @Option(help: "The issue date, YYYY-MM-DD (default: today).")
    var date: String?

    @Option(help: "The language of the report's labels: zh or en.")
    var lang: Labels.Language = .zh

    @Option(help: "How many files to render at once (default: the number of cores); numbering stays gap-free.")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    func run() throws {
        let (profile, signing, archive, fonts, templates, catalog) = try reportingErrors {
            (try IssuerProfile.load(file: issuer).get(), try SigningKeys.load(from: URL(fileURLWithPath: keys)),
             try Archive(path: archiveOptions.path), try FontSetup.locate(), try DocumentTemplates.load(lang), try loadCatalog())
        }
        let html = try reportingErrors { try HTMLDocuments(templates: templates) }
        let day: CalendarDate = try reportingErrors {
            guard let date else { return CalendarDate.today() }
            guard let parsed = CalendarDate(iso: date) else { throw ArchiveError.archive("--date \(date) is not a date written YYYY-MM-DD") }
            return parsed
        }
        let folders = ReportCommand.outputFolders(for: files, in: URL(fileURLWithPath: output), alwaysSubfolders: true)
        let replaces = self.replaces
        let failures = Batch.run(files, jobs: jobs, makeWorker: {
            Issuance(profile: profile, keys: signing, archive: archive, renderer: try ReportRenderer(fonts: fonts, templates: templates, html: html), catalog: catalog)
        }) { issuance, file in
            Self.issue(file, with: issuance, on: day, replaces: replaces, into: folders[file]!)
        }
        if failures > 0 { throw ExitCode.failure }
    }

    static func issue(_ file: String, with issuance: Issuance, on day: CalendarDate, replaces: Int64?, into folder: URL) -> Batch.Outcome {
        var outcome = Batch.Outcome()
        do {
            let issued = try issuance.issue(file: file, on: day, replaces: replaces)
            outcome.err += issued.warnings.map(\.description)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try AtomicFile.write(issued.files.map { (folder.appendingPathComponent($0.name).path, $0.bytes) })
            let certificate = issued.certificateNumber.map { "certificate \($0)" } ?? "no certificate (\(issued.decision.rawValue))"
            outcome.out.append("\(file): archived as evaluation \(issued.evaluationID), \(certificate); wrote \(folder.relativePath)/")
        } catch let failure as DiagnosedFailure {
            outcome.err += failure.diagnostics.map(\.description)
            outcome.failed = true
        } catch let failure as Failure {
            outcome.err.append("\(file): error: \(failure.message)")
            outcome.failed = true
        } catch {
            outcome.err.append("\(file): error: \(error)")
            outcome.failed = true
        }
        return outcome
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
        let result: Verification.Result = try reportingErrors {
            let path = archive ?? Archive.defaultPath()
            let opened = FileManager.default.fileExists(atPath: path) ? try Archive(path: path, create: false) : nil
            let key = try publicKey.map { file -> String in
                guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { throw ArchiveError.keys("cannot read \(file)") }
                return text
            }.map(SigningKeys.publicKey(base64:))
            return try Verification(archive: opened, publicKey: key).verify(certificate, today: CalendarDate.today().description)
        }
        let name = result.number.map { "certificate \($0)" } ?? certificate
        if result.authentic {
            let status = result.status.map { "\($0.chinese) (\($0.rawValue))" + (result.statusReason.map { $0.isEmpty ? "" : " — \($0)" } ?? "") } ?? "status unknown without the archive"
            Console.out("\(name): authentic 真实; status 状态: \(status)")
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

        @Option(help: "Why the status changes.")
        var reason: String

        @OptionGroup var archiveOptions: ArchiveOptions

        func apply(_ status: Archive.Status) throws {
            try reportingErrors { try archiveOptions.open().setStatus(number, to: status, reason: reason) }
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
