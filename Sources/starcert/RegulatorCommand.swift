import ArgumentParser
import Foundation
import StarCertApp
import StarCertCore

extension RegulatorExport.Format: ExpressibleByArgument {}

struct RegulatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cnca", abstract: "The monthly certification data for the regulator (CNCA).",
        subcommands: [Export.self])

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export a month's certificates, audits and planned audits as the regulator's workbook (or CSV).",
            discussion: """
                The sheets, headers, their order and the code tables come from Templates/cnca/monthly-report.yaml \
                (--definition for another). Every value is checked first: a missing required value, a code \
                not in its table, an invalid credit code refuses the export, naming the row and the field, \
                and nothing is written. Each export is logged in the archive; exporting a month again lists \
                the rows added, changed and removed since the last export of that month.
                """)
        @Option(help: "The month, YYYY-MM.") var month: String
        @Option(name: .shortAndLong, help: "The workbook to write (.xlsx); with --format csv, the prefix of one CSV per sheet.") var output: String?
        @Option(help: "xlsx or csv (one file per sheet, UTF-8 with a byte-order mark).") var format: RegulatorExport.Format = .xlsx
        @Flag(help: "Only check; write nothing.") var check = false
        @Flag(help: "Write missing required values as empty cells, each listed as a warning (invalid values are refused all the same).") var allowMissing = false
        @Option(help: "Who exports (recorded in the archive's log; default: the system user).") var by: String?
        @Option(help: "A definition file instead of the installed one.") var definition: String?
        @Option(help: "The issuer profile (the body's name and approval number).") var issuer: String = "issuer.yaml"
        @OptionGroup var archiveOptions: ArchiveOptions

        func validate() throws {
            if !check, output == nil { throw ValidationError("give -o FILE (or --check)") }
        }

        func run() throws {
            let outcome = try running {
                try RegulatorExport.run(RegulatorExport.Request(
                    month: month, output: output ?? "", format: format, checkOnly: check, allowMissing: allowMissing, archivePath: archiveOptions.path,
                    issuerProfile: issuer, by: by, definition: definition))
            }
            for warning in outcome.warnings { Console.err("warning: " + Console.escapedLine(warning)) }
            if let previous = outcome.previousExport {
                Console.out(outcome.changes.isEmpty ? "no change since the export of \(previous)" : "since the export of \(previous):")
                for change in outcome.changes { Console.out("  " + Console.escapedLine(change)) }
            }
            let counts = outcome.rows.map { "\($0.sheet) \($0.count)" }.joined(separator: ", ")
            if check {
                Console.out("\(month): checked, nothing written — rows: \(counts)")
            } else {
                Console.out("\(month): wrote \(outcome.files.map(Console.escapedLine).joined(separator: ", ")) — rows: \(counts)")
            }
        }
    }
}
