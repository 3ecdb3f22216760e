import ArgumentParser
import Foundation
import StarCertApp
import StarCertArchive
import StarCertCore
import StarCertTemplates

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

    @Option(help: "The folder holding issuer.key and issuer.crt.")
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
        if let signal = Interruption.received {
            Console.err("starcert: interrupted (signal \(signal)): every file archived above was written; the files named \"not issued\" were not taken up")
            throw ExitCode(128 + signal)
        }
        if failures > 0 { throw ExitCode.failure }
    }
}
