import ArgumentParser
import Foundation
import StarCertArchive
import StarCertCore

struct ArchiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive", abstract: "Look into the archive of issued evaluations.",
        subcommands: [List.self, Show.self, Export.self, Files.self, Verify.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the archived evaluations.")
        @OptionGroup var archiveOptions: ArchiveOptions

        func run() throws {
            let rows = try reportingErrors { try archiveOptions.open().evaluations() }
            var table = TextTable(columns: [("id", .right), ("audit end", .left), ("organization", .left), ("credit code", .left),
                                            ("total", .right), ("stars", .right), ("decision", .left), ("certificate", .left), ("replaces", .right)])
            for row in rows {
                table.add([String(row.id), row.auditEnd, row.organization, row.creditCode, row.total, row.starLevel.map(String.init) ?? "—",
                           row.decision, row.certificateNumber ?? "—", row.replaces.map(String.init) ?? ""])
            }
            Console.out(table.render())
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one archived evaluation, its documents and its certificate's history.")
        @Argument(help: "The evaluation id.") var id: Int64
        @OptionGroup var archiveOptions: ArchiveOptions

        func run() throws {
            try reportingErrors {
                let archive = try archiveOptions.open()
                let row = try archive.evaluation(id)
                var lines = [
                    "evaluation \(row.id) — \(row.organization) (\(row.creditCode))",
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
                Console.out(lines.joined(separator: "\n"))
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Export the archived evaluations as JSON or CSV.")
        @Option(help: "json or csv.") var format: String = "json"
        @Option(name: .shortAndLong, help: "The file to write (default: standard output).") var output: String?
        @OptionGroup var archiveOptions: ArchiveOptions

        func run() throws {
            try reportingErrors {
                let archive = try archiveOptions.open()
                let today = CalendarDate.today().description
                var records: [[(String, String?)]] = []
                for row in try archive.evaluations() {
                    let status = try row.certificateNumber.map { try archive.certificate($0).status(on: today).status.rawValue }
                    records.append([
                        ("id", String(row.id)), ("archived_at", row.createdAt), ("organization", row.organization), ("credit_code", row.creditCode),
                        ("standard", row.standard), ("kind", row.kind), ("audit_end", row.auditEnd), ("total", row.total),
                        ("star_level", row.starLevel.map(String.init)), ("decision", row.decision), ("certificate", row.certificateNumber),
                        ("status", status), ("replaces", row.replaces.map(String.init)),
                    ])
                }
                let text: String
                switch format {
                case "json":
                    text = JSONValue.array(records.map { record in .object(record.map { ($0.0, $0.1.map(JSONValue.string) ?? .null) }) }).serialized() + "\n"
                case "csv":
                    let header = (records.first ?? []).map(\.0).joined(separator: ",")
                    text = ([header] + records.map { $0.map { CSV.field($0.1 ?? "") }.joined(separator: ",") }).joined(separator: "\r\n") + "\r\n"
                default:
                    throw ArchiveError.archive("unknown export format `\(format)`; expected json or csv")
                }
                if let output {
                    try AtomicFile.write([(output, Data(text.utf8))])
                } else {
                    Console.out(text, terminator: "")
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
            try reportingErrors {
                let archive = try archiveOptions.open()
                let folder = URL(fileURLWithPath: output)
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                let assessment = try archive.assessment(of: id)
                let files = [(assessment.name, assessment.bytes)] + (try archive.documents(of: id)).map { ($0.name, $0.bytes) }
                try AtomicFile.write(files.map { (folder.appendingPathComponent($0.0).path, $0.1) })
                Console.out("wrote \(files.map(\.0).joined(separator: ", ")) to \(output)")
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Re-hash every stored file and report mismatches.")
        @OptionGroup var archiveOptions: ArchiveOptions

        func run() throws {
            let problems = try reportingErrors { try archiveOptions.open().integrityProblems() }
            if problems.isEmpty {
                Console.out("\(archiveOptions.path): every stored file matches its SHA-256")
            } else {
                problems.forEach { Console.out($0) }
                throw ExitCode.failure
            }
        }
    }
}

enum CSV {
    static func field(_ value: String) -> String {
        value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value
    }
}
