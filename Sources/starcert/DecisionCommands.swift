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

extension Archive.Verdict: EnumerableFlag {
    public static func help(for value: Self) -> ArgumentHelp? {
        switch value {
        case .grant: return "Grant: certify (initial, recertification), or keep the certificate — at a new star level a new certificate replaces it (surveillance)."
        case .refuse: return "Refuse certification (initial, recertification; with --reason)."
        case .suspend: return "Suspend the surveilled certificate (surveillance; with --reason)."
        case .withdraw: return "Withdraw the surveilled certificate (surveillance; with --reason)."
        }
    }
}

struct DecideCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decide",
        abstract: "Decide an evaluation accepted in review: grant (number, sign, archive and write as `issue` does), refuse, or — for a surveillance — suspend or withdraw.",
        discussion: """
            Refused for a person without the decider role, a retired one, a member of the audit team, \
            the evaluation's reviewer (unless the profile says reviewer_may_decide: true), or a key that \
            is not theirs; a grant is refused while a major finding is open (`starcert finding close`). \
            When two deciders act at once, the first wins and the other is told. A surveillance \
            (kind: surveillance, certificate: NUMBER) granted at the certificate's star level keeps \
            it; at another level a new certificate replaces it until the same expiry. A recertification \
            granted issues a new certificate for the full validity, replacing the one it names.
            """)

    @Argument(help: "The submitted evaluation's id.") var id: Int64
    @Option(help: "The decider's name, as on the staff.") var by: String
    @Flag var verdict: Archive.Verdict
    @Option(help: "Why it is refused, suspended or withdrawn.") var reason: String?
    @Option(name: .shortAndLong, help: "The folder to write into (as for issue).") var output: String = "."
    @Option(help: "The issuer profile.") var issuer: String = "issuer.yaml"
    @Option(help: "The folder holding issuer.key, issuer.crt and the staff keys.") var keys: String = "."
    @Option(help: "The decider's own key, instead of staff-ID.key in --keys.") var key: String?
    @Option(help: "The decision's day, YYYY-MM-DD (default: today in the profile's time zone).") var date: CalendarDate?
    @Option(help: "The language of the report's labels: zh or en.") var lang: Labels.Language = .zh
    @OptionGroup var archiveOptions: ArchiveOptions

    func run() throws {
        let decided = try running {
            try CertificationDesk.decide(id, by: by, verdict: verdict, reason: reason, archivePath: archiveOptions.path, issuerProfile: issuer,
                                         keys: URL(fileURLWithPath: keys), ownKey: key, output: URL(fileURLWithPath: output), date: date, language: lang)
        }
        if let outcome = decided.outcome {
            Console.report(outcome.diagnostics)
            Console.out("evaluation \(id): decided (\(verdict.rawValue)) by \(Console.escapedLine(by)) — \(outcome.summary.map(Console.escapedLine) ?? "")")
        } else {
            Console.out("evaluation \(id): refused by \(Console.escapedLine(by))")
        }
    }
}

struct FindingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "finding", abstract: "Close a submitted evaluation's major findings before its decision.",
        subcommands: [Close.self])

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a major finding's corrective action and its verification.",
            discussion: "By an active auditor or reviewer, signing with their key. Minor findings and observations are not closed here: they go into the next surveillance's agenda (`starcert due --json`).")
        @Argument(help: "The submitted evaluation's id.") var id: Int64
        @Argument(help: "The item id, e.g. 4.2.1.") var item: String
        @Option(help: "Which of the item's findings (from 1), when it has several major ones.") var finding: Int?
        @Option(help: "The person who verified the correction, as on the staff.") var by: String
        @Option(help: "What was corrected and how it was verified.") var evidence: String
        @Option(help: "The folder of the staff keys (staff-ID.key).") var keys: String = "."
        @Option(help: "The person's own key, instead of staff-ID.key in --keys.") var key: String?
        @OptionGroup var archiveOptions: ArchiveOptions

        func run() throws {
            let closed = try running {
                try CertificationDesk.closeFinding(id, item: item, finding: finding, evidence: evidence, by: by, archivePath: archiveOptions.path,
                                                   keys: URL(fileURLWithPath: keys), ownKey: key)
            }
            Console.out("evaluation \(id): finding \(closed.finding) of item \(Console.escapedLine(closed.item)) closed by \(Console.escapedLine(closed.closedBy))")
        }
    }
}
