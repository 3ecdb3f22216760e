import ArgumentParser
import StarCertApp
import StarCertCore

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate assessment files and list every problem with its line and column.",
        discussion: """
            Checks everything `report` relies on: the file's syntax and content, its photos, and \
            that the fonts can show every character. Errors and warnings go to standard error as \
            FILE:LINE:COL: error: MESSAGE. Warnings \
            (a percent that is not a multiple of 5, an item without evidence, an item below 60 % \
            without findings, …) do not fail the check. Exit status: 0 when no file has errors, 1 otherwise.
            """
    )

    @Argument(help: "Assessment files (.yaml, .yml or .json).")
    var files: [String]

    func run() throws {
        let pipeline = try running { try DocumentSetup(language: .zh, html: false).pipeline() }
        var failed = false
        for file in files {
            let checked = pipeline.check(file)
            Console.report(checked.diagnostics)
            let errors = checked.errors.count
            let warnings = checked.warnings.count
            if errors > 0 { failed = true }
            Console.out("\(file): " + (errors > 0 ? "\(count(errors, "error")), \(count(warnings, "warning"))" : "ok" + (warnings > 0 ? ", \(count(warnings, "warning"))" : "")))
        }
        if failed { throw ExitCode.failure }
    }

    private func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
}
