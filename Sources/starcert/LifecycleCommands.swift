import ArgumentParser
import Foundation
import StarCertApp
import StarCertArchive
import StarCertCore

struct DueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "due",
        abstract: "List the surveillances and recertifications due and overdue, per certificate in force.",
        discussion: """
            Surveillance 1 is due at most surveillance_interval_months (12) after the certification \
            decision, each later one as long after the one before; recertification before expiry. A \
            suspended certificate shows the day after which it is withdrawn. Most urgent first.
            """)

    enum Format: String, EnumerableFlag {
        case table, csv, json
        static func help(for value: Self) -> ArgumentHelp? {
            switch value {
            case .table: return "A table (the default)."
            case .csv: return "CSV with a header row."
            case .json: return "JSON, with each certificate's agenda (open minor findings and observations)."
            }
        }
    }

    @Option(help: "Only what is due within this many days (overdue always).") var within: Int?
    @Option(help: "The day to plan from, YYYY-MM-DD (default: today in the profile's time zone).") var date: CalendarDate?
    @Flag var format: Format = .table
    @Option(help: "The issuer profile (its programme and time zone).") var issuer: String = "issuer.yaml"
    @OptionGroup var archiveOptions: ArchiveOptions

    func validate() throws {
        if let within, !(0...3_650).contains(within) { throw ValidationError("--within is a number of days from 0 to 3650") }
    }

    func run() throws {
        let (day, entries) = try running {
            try CertificateLifecycle.due(archivePath: archiveOptions.path, issuerProfile: issuer, date: date, within: within)
        }
        switch format {
        case .table:
            var table = TextTable(columns: [("certificate", .left), ("organization", .left), ("status", .left), ("due", .left), ("by", .left), ("days", .right)])
            for entry in entries {
                let p = entry.programme
                let status = entry.byTheRules.map { "\($0.status.regulatorName) \($0.status.regulatorCode) by the rules from \($0.since) (not applied)" }
                    ?? "\(p.status.regulatorName) \(p.status.regulatorCode)"
                table.add([Console.escapedLine(p.number), Console.escapedLine(p.organization), status, entry.audit,
                           entry.by.description, entry.isOverdue ? "\(-entry.daysLeft) overdue" : String(entry.daysLeft)])
            }
            Console.out("due as of \(day)\(within.map { " within \($0) days" } ?? ""): \(entries.count) certificate\(entries.count == 1 ? "" : "s")")
            if !entries.isEmpty { Console.out(table.render()) }
        case .csv:
            let header = (entries.first?.fields.map(\.0) ?? []).joined(separator: ",")
            let lines = entries.map { $0.fields.map { CertificateLifecycle.DueEntry.numericFields.contains($0.0) ? $0.1 : CSV.field($0.1) }.joined(separator: ",") }
            FileHandle.standardOutput.write(Data((([header] + lines).joined(separator: "\r\n") + "\r\n").utf8))
        case .json:
            let list = JSONValue.array(entries.map(\.json))
            FileHandle.standardOutput.write(Data((JSONValue.object([("date", .string(day.description)), ("due", list)]).serialized() + "\n").utf8))
        }
    }
}

struct LifecycleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lifecycle", abstract: "Apply the certificate lifecycle rules.",
        subcommands: [Apply.self])

    struct Apply: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Suspend, withdraw and expire certificates as the rules say on a day.",
            discussion: """
                A surveillance not decided by its due day suspends the certificate (暂停, 02) from the \
                next day; a suspension past suspension_limit_months (6) withdraws it (撤销, 03); a \
                certificate past its last valid day expires (过期失效, 05). Each change takes effect on \
                the day the rule names, is recorded with the rule, and signed with the issuer's key. \
                Running it again, or from two processes at once, changes nothing more; `serve` applies \
                the same rules at start and daily.
                """)
        @Option(help: "The day, YYYY-MM-DD (default: today in the profile's time zone); not before the archive's last event.") var date: CalendarDate?
        @Option(help: "The issuer profile (its programme and time zone).") var issuer: String = "issuer.yaml"
        @Option(help: "The folder holding issuer.key (it signs each change).") var keys: String = "."
        @OptionGroup var archiveOptions: ArchiveOptions

        func run() throws {
            let (day, changes) = try running {
                try CertificateLifecycle.apply(archivePath: archiveOptions.path, issuerProfile: issuer, keys: URL(fileURLWithPath: keys), date: date)
            }
            for change in changes {
                Console.out("certificate \(Console.escapedLine(change.number)): \(change.to.regulatorName) (\(change.to.rawValue), \(change.to.regulatorCode)) from \(change.effectiveOn) — \(change.rule.rawValue): \(Console.escapedLine(change.reason))")
            }
            Console.out("lifecycle applied on \(day): \(changes.count) change\(changes.count == 1 ? "" : "s")")
        }
    }
}
