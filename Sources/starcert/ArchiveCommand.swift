import ArgumentParser
import Foundation
import StarCertApp
import StarCertArchive
import StarCertCore
import StarCertWorkbook
import StarCertDocuments

struct ArchiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive", abstract: "Create the archive of issued evaluations, and look into it.",
        subcommands: [Init.self, List.self, Show.self, Export.self, Files.self, Verify.self, Backup.self])

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a new, empty archive (never over an existing file).")
        @Argument(help: "Where to create it (default: STARCERT_ARCHIVE, else ./starcert-archive.sqlite).") var path: String?

        func run() throws {
            let path = self.path ?? Archive.defaultPath()
            _ = try running { try Archive.create(at: path) }
            Console.out("created a new archive at \(path)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the archived evaluations.")
        @OptionGroup var archiveOptions: ArchiveOptions

        func run() throws {
            let rows = try running { try archiveOptions.open(.readOnly).evaluations() }
            var table = TextTable(columns: [("id", .right), ("audit end", .left), ("organization", .left), ("credit code", .left),
                                            ("total", .right), ("stars", .right), ("decision", .left), ("certificate", .left), ("replaces", .right)])
            for row in rows {
                table.add([String(row.id ?? 0), row.auditEnd, TerminalText.escaped(row.organization), row.creditCode, row.total,
                           row.starLevel.map(String.init) ?? "—", row.decision.rawValue, row.certificateNumber ?? "—", row.replaces.map(String.init) ?? ""])
            }
            Console.out(table.render())
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one archived evaluation, its documents and its certificate's history.")
        @Argument(help: "The evaluation id.") var id: Int64
        @OptionGroup var archiveOptions: ArchiveOptions

        func run() throws {
            try running {
                let archive = try archiveOptions.open(.readOnly)
                let row = try archive.evaluation(id)
                var lines = [
                    "evaluation \(id) — \(row.organization) (\(row.creditCode))",
                    "standard \(row.standard), \(row.kind), audit ended \(row.auditEnd), archived \(row.createdAt)",
                    "total \(row.total), star level \(row.starLevel.map(String.init) ?? "none"), decision \(row.decision)",
                ]
                if let replaced = row.replaces { lines.append("corrects evaluation \(replaced)") }
                for document in try archive.documents(of: id) {
                    lines.append("  \(document.name)  \(document.bytes.count) bytes  sha256 \(document.sha256)")
                }
                if let number = row.certificateNumber {
                    let record = try archive.certificate(number)
                    lines.append("certificate \(number): issued \(record.canonical.issued), valid until \(record.canonical.expires)")
                    for change in record.history { lines.append("  \(change.at)  \(change.status)  \(change.reason)") }
                }
                for share in try archive.shares(of: id) {
                    let state = share.revokedAt.map { "revoked \($0)" } ?? "valid until \(share.row.expiresAt)"
                    lines.append("link \(share.row.id ?? 0): made \(share.row.createdAt), \(state), \(share.downloads.count) download(s)")
                    for download in share.downloads {
                        lines.append("  \(download.at)  \(download.document)" + (download.client.map { "  from \(TerminalText.escaped($0))" } ?? ""))
                    }
                }
                Console.out(lines.map { TerminalText.escaped($0) }.joined(separator: "\n"))
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export the archived evaluations as JSON or CSV.",
            discussion: "CSV cells that a spreadsheet would run as a formula (starting with = + - @, a tab or a return) are prefixed with an apostrophe.")
        @Option(help: "json or csv.") var format: ExportFormat = .json
        @Option(name: .shortAndLong, help: "The file to write (default: standard output).") var output: String?
        @OptionGroup var archiveOptions: ArchiveOptions
        @Option(help: "The issuer profile whose time zone dates the statuses (default: issuer.yaml when it exists).") var issuer: String?

        enum ExportFormat: String, ExpressibleByArgument, CaseIterable { case json, csv }

        func run() throws {
            try running {
                let archive = try archiveOptions.open(.readOnly)
                let today = try profileToday(issuer).description
                var records: [[(String, String?)]] = []
                for row in try archive.evaluations() {
                    let status = try row.certificateNumber.map { try archive.certificate($0).status(on: today).status }
                    records.append([
                        ("id", row.id.map(String.init)), ("archived_at", row.createdAt), ("organization", row.organization), ("credit_code", row.creditCode),
                        ("standard", row.standard), ("kind", row.kind.rawValue), ("audit_end", row.auditEnd), ("total", row.total),
                        ("star_level", row.starLevel.map(String.init)), ("decision", row.decision.rawValue), ("certificate", row.certificateNumber),
                        ("status", status?.rawValue), ("status_code", status?.regulatorCode), ("replaces", row.replaces.map(String.init)),
                    ])
                }
                let text: String
                switch format {
                case .json:
                    text = JSONValue.array(records.map { record in .object(record.map { ($0.0, $0.1.map(JSONValue.string) ?? .null) }) }).serialized() + "\n"
                case .csv:
                    let header = (records.first ?? []).map(\.0).joined(separator: ",")
                    text = ([header] + records.map { $0.map { CSV.field($0.1 ?? "") }.joined(separator: ",") }).joined(separator: "\r\n") + "\r\n"
                }
                if let output {
                    try AtomicFile.write([(output, Array(text.utf8))])
                } else if isatty(STDOUT_FILENO) == 1 {
                    Console.out(text, terminator: "")
                } else {
                    FileHandle.standardOutput.write(Data(text.utf8))
                }
            }
        }
    }

    struct Files: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write an archived evaluation's assessment file and documents to a folder.")
        @Argument(help: "The evaluation id.") var id: Int64
        @Option(name: .shortAndLong, help: "The folder to write into.") var output: String
        @OptionGroup var archiveOptions: ArchiveOptions

        func run() throws {
            try running {
                let archive = try archiveOptions.open(.readOnly)
                let row = try archive.evaluation(id)
                let stored = (row.assessmentName as NSString).lastPathComponent
                let name = [".", "..", ""].contains(stored) || stored.hasPrefix(".") ? "assessment.yaml" : stored
                // The assessment in its other dress too (workbook ⇄ YAML), when it needs no pictures beside it.
                let companion = AssessmentFiles.companion(of: Array(row.assessment), name: name, catalog: try loadCatalog())
                    .flatMap { $0.count == 1 ? NamedOutput(name: $0[0].path, bytes: $0[0].bytes) : nil }
                let documents = (try archive.documents(of: id)).map { NamedOutput(name: $0.name, bytes: Array($0.bytes)) }
                // The assessment never takes a document's place (an assessment named report.pdf).
                let taken = Set(documents.map(\.name))
                let assessmentName = taken.contains(name) ? "assessment-" + name : name
                let files = [NamedOutput(name: assessmentName, bytes: Array(row.assessment))]
                    + (companion.map { taken.contains($0.name) || $0.name == assessmentName ? [] : [$0] } ?? []) + documents
                try OutputFiles.write(files, for: OutputFiles.Target(input: "", folder: URL(fileURLWithPath: output), isSubfolder: false))
                Console.out("wrote \(files.map(\.name).joined(separator: ", ")) to \(output)")
            }
        }
    }

    struct Backup: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a consistent copy of the archive (SQLite's online backup), also while it is in use.")
        @Argument(help: "The file to write; it must not exist.") var destination: String
        @OptionGroup var archiveOptions: ArchiveOptions

        func run() throws {
            try running { try archiveOptions.open(.readOnly).backup(to: destination) }
            Console.out("backed up \(archiveOptions.path) to \(destination)")
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the archive: stored files against their SHA-256, certificates against their signed data, number series without gaps.")
        @OptionGroup var archiveOptions: ArchiveOptions

        func run() throws {
            let problems = try running { try Archive.integrityProblems(at: archiveOptions.path) }
            if problems.isEmpty {
                Console.out("\(archiveOptions.path): every stored file matches its SHA-256, every certificate its signed data, every number series is complete, every journal entry its signature and the entry before it")
                if let head = try running({ try archiveOptions.open(.readOnly).events().last }) {
                    // Entries cut from the end leave a consistent chain: the head, kept elsewhere, shows it.
                    Console.out("journal head: entry \(head.id ?? 0), hash \(head.hash) (compare it with a copy kept outside the archive to know that no entries were cut from the end)")
                }
            } else {
                problems.forEach { Console.out($0) }
                throw ExitCode.failure
            }
        }
    }
}

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
