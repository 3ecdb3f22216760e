import ArgumentParser
import Foundation
import StarCertApp
import StarCertArchive
import StarCertCore
import StarCertTemplates

struct SubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Submit an evaluation for review: archived as awaiting review, with its draft report.",
        discussion: """
            Checks the assessment (YAML, JSON or workbook) as `report` does; every member of its \
            audit team must be active staff (`starcert staff add`). Writes DIR/<file name>/report-draft.pdf \
            and .html, marked as a draft and unsigned. The file must stay as submitted until the \
            decision: a grant reads it again and refuses it if its bytes changed.
            """)

    @Argument(help: "The assessment file.") var file: String
    @Option(name: .shortAndLong, help: "The folder to write the draft report into.") var output: String = "."
    @Option(help: "The id of a returned evaluation this one replaces.") var replaces: Int64?
    @Option(help: "The issuer profile.") var issuer: String = "issuer.yaml"
    @Option(help: "The folder holding issuer.key (it signs the record).") var keys: String = "."
    @Option(help: "The language of the draft report's labels: zh or en.") var lang: Labels.Language = .zh
    @OptionGroup var archiveOptions: ArchiveOptions

    func run() throws {
        let submitted = try running {
            try CertificationDesk.submit(file: file, archivePath: archiveOptions.path, issuerProfile: issuer, keys: URL(fileURLWithPath: keys),
                                         output: URL(fileURLWithPath: output), replaces: replaces, language: lang)
        }
        Console.report(submitted.warnings)
        Console.out("\(Console.escapedLine(file)): submitted as evaluation \(submitted.submission.id ?? 0), awaiting review; wrote \(Console.escapedLine(submitted.folder))/report-draft.pdf")
    }
}

struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Review a submitted evaluation: accept it for a decision, or return it to the audit team.",
        discussion: "Refused for a person without the reviewer role, a retired one, a member of the evaluation's audit team, or a key that is not theirs.")

    @Argument(help: "The submitted evaluation's id.") var id: Int64
    @Option(help: "The reviewer's name, as on the staff.") var by: String
    @Flag(help: "Accept it for a decision.") var accept = false
    @Flag(name: .customLong("return"), help: "Return it to the audit team (with --reason).") var returnIt = false
    @Option(help: "Why it is returned.") var reason: String?
    @Option(help: "The folder of the staff keys (staff-ID.key).") var keys: String = "."
    @Option(help: "The reviewer's own key, instead of staff-ID.key in --keys.") var key: String?
    @OptionGroup var archiveOptions: ArchiveOptions

    func validate() throws {
        guard accept != returnIt else { throw ValidationError("give one of --accept or --return") }
    }

    func run() throws {
        let reviewed = try running {
            try CertificationDesk.review(id, by: by, accept: accept, reason: reason, archivePath: archiveOptions.path, keys: URL(fileURLWithPath: keys), ownKey: key)
        }
        Console.out("evaluation \(id): \(reviewed.state.rawValue) by \(Console.escapedLine(by))")
    }
}

struct DecideCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decide",
        abstract: "Decide an evaluation accepted in review: grant (number, sign, archive and write as `issue` does) or refuse.",
        discussion: """
            Refused for a person without the decider role, a retired one, a member of the audit team, \
            the evaluation's reviewer (unless the profile says reviewer_may_decide: true), or a key that \
            is not theirs. When two deciders act at once, the first wins and the other is told.
            """)

    @Argument(help: "The submitted evaluation's id.") var id: Int64
    @Option(help: "The decider's name, as on the staff.") var by: String
    @Flag(help: "Grant certification.") var grant = false
    @Flag(help: "Refuse certification (with --reason).") var refuse = false
    @Option(help: "Why it is refused.") var reason: String?
    @Option(name: .shortAndLong, help: "The folder to write into (as for issue).") var output: String = "."
    @Option(help: "The issuer profile.") var issuer: String = "issuer.yaml"
    @Option(help: "The folder holding issuer.key, issuer.crt and the staff keys.") var keys: String = "."
    @Option(help: "The decider's own key, instead of staff-ID.key in --keys.") var key: String?
    @Option(help: "The issue date, YYYY-MM-DD (default: today in the profile's time zone).") var date: CalendarDate?
    @Option(help: "The language of the report's labels: zh or en.") var lang: Labels.Language = .zh
    @OptionGroup var archiveOptions: ArchiveOptions

    func validate() throws {
        guard grant != refuse else { throw ValidationError("give one of --grant or --refuse") }
    }

    func run() throws {
        let decided = try running {
            try CertificationDesk.decide(id, by: by, grant: grant, reason: reason, archivePath: archiveOptions.path, issuerProfile: issuer,
                                         keys: URL(fileURLWithPath: keys), ownKey: key, output: URL(fileURLWithPath: output), date: date, language: lang)
        }
        if let outcome = decided.outcome {
            Console.report(outcome.diagnostics)
            Console.out("evaluation \(id): granted by \(Console.escapedLine(by)) — \(outcome.summary.map(Console.escapedLine) ?? "")")
        } else {
            Console.out("evaluation \(id): refused by \(Console.escapedLine(by))")
        }
    }
}
