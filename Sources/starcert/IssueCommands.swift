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
        commandName: "keys", abstract: "Manage the issuer's signing key and certificate (ECDSA P-256, X.509).",
        subcommands: [Init.self, Import.self])

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the signing key (issuer.key, mode 0600) and a self-signed certificate in the issuer's name (issuer.crt). Never replaces either.")

        @Option(help: "The folder for the key and the certificate.")
        var keys: String = "."

        @Option(help: "The issuer profile whose name the certificate carries.")
        var issuer: String = "issuer.yaml"

        func run() throws {
            let created = try running {
                let profile = try IssuerProfile.load(file: issuer).get()
                return try SigningIdentity.create(in: URL(fileURLWithPath: keys), for: profile)
            }
            Console.out("created \(keys)/\(SigningIdentity.keyFile) (keep it secret) and \(keys)/\(SigningIdentity.certificateFile) "
                + "(self-signed for \(created.certificate.subject), valid until \(created.certificate.notValidAfter.formatted(.iso8601.year().month().day())))")
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take a key and the certificate chain a CA issued for it (PEM) as the signing identity.")

        @Option(help: "The private key (PEM, ECDSA P-256).")
        var key: String

        @Option(help: "The certificate chain (PEM): the issuer's certificate first, then its CA's.")
        var chain: String

        @Option(help: "The folder to keep them in.")
        var keys: String = "."

        func run() throws {
            let identity = try running { try SigningIdentity.importing(key: key, chain: chain, into: URL(fileURLWithPath: keys)) }
            Console.out("imported \(identity.chain.count) certificate(s) for \(identity.certificate.subject) into \(keys)")
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

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a certificate: a PDF, the text of its QR code, or its number.",
        discussion: """
            A PDF is checked offline: its signature against the issuer's certificate (--issuer-cert, or \
            the root of its CA with --trust; with the archive, the certificate archived with it), whether \
            it is untouched since signing, and the certificate data it carries, which is printed to \
            compare with the page. With the archive, the status too. Exit status 0 when authentic and \
            valid; 1 otherwise, with the reason.
            """)

    @Argument(help: "A certificate or report PDF, a certificate's QR code text, or its number.")
    var certificate: String

    @Option(help: "The archive file (default: STARCERT_ARCHIVE, else ./starcert-archive.sqlite, when it exists).")
    var archive: String?

    @Option(help: "The issuer's certificate (issuer.crt) to check a PDF's signature against.")
    var issuerCert: String?

    @Option(help: "A root certificate (PEM) trusted to have issued the issuer's certificate.")
    var trust: String?

    func run() async throws {
        let archive = self.archive
        let issuerCert = self.issuerCert
        let trust = self.trust
        let verification: Verification = try running {
            let path = archive ?? Archive.defaultPath()
            let opened = archive != nil || FileManager.default.fileExists(atPath: path) ? try Archive(path: path, access: .readOnly) : nil
            let roots = try [issuerCert, trust].compactMap { $0 }.flatMap { try Verification.certificates(file: $0) }
            return Verification(archive: opened, trustRoots: roots)
        }
        let today = CalendarDate.today(inTimeZone: "Asia/Shanghai")!.description
        let result: Verification.Result
        do {
            result = try await verification.verify(certificate, today: today)
        } catch {
            result = try running { throw error }
        }
        Console.out(VerificationText.lines(result, input: certificate).joined(separator: "\n"))
        if !result.authentic || (result.status != nil && result.status != .valid) { throw ExitCode.failure }
    }
}

/// How a verification result reads on the terminal.
enum VerificationText {
    static func lines(_ result: Verification.Result, input: String) -> [String] {
        let name = result.number.map { "certificate \($0)" } ?? input
        var lines: [String] = []
        if result.authentic {
            let status = result.status.map { "\($0.chinese) (\($0.rawValue))" + (result.statusReason.map { $0.isEmpty ? "" : " — \($0)" } ?? "") } ?? "status unknown without the archive"
            lines.append("\(name): authentic 真实; status 状态: \(status)")
            if let successor = result.successor { lines.append("  superseded by certificate \(successor)") }
        } else {
            lines.append("\(name): NOT AUTHENTIC 非真实")
        }
        for finding in result.findings {
            switch finding {
            case let .signatureValid(signer, time): lines.append("  signed by \(signer)" + (time.map { " at \($0)" } ?? "") + "; the signature holds")
            case .untouched: lines.append("  untouched since signing")
            case let .failed(reason): lines.append("  \(reason)")
            }
        }
        if let fields = result.signedFields {
            lines.append("  signed data 签名数据 (compare with the page):")
            lines += [("number 证书编号", fields.number), ("organization 组织", fields.organization), ("credit code 统一社会信用代码", fields.creditCode),
                      ("scope 范围", fields.scope), ("standard 标准", fields.standard), ("star level 星级", String(fields.starLevel)),
                      ("score 得分", fields.total), ("issued 发证日期", fields.issued), ("valid until 有效期至", fields.expires)]
                .map { "    \($0.0): \($0.1)" }
        }
        return lines
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
            Console.out("certificate \(number): \(status.chinese) (\(status.rawValue)) — \(reason.trimmingCharacters(in: .whitespacesAndNewlines))")
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
