import ArgumentParser
import StarCertCore

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate assessment files and list every problem with its line and column.",
        discussion: """
            Errors and warnings go to standard error as FILE:LINE:COL: error: MESSAGE. Warnings \
            (a percent that is not a multiple of 5, an item without evidence, an item below 60 % \
            without findings, …) do not fail the check. Exit status: 0 when no file has errors, 1 otherwise.
            """
    )

    @Argument(help: "Assessment files (.yaml, .yml or .json).")
    var files: [String]

    func run() throws {
        let parser = AssessmentParser(catalog: try loadCatalog())
        var failed = false
        for file in files {
            let parsed = parser.parse(fileAt: file)
            Console.report(parsed.diagnostics)
            let errors = parsed.errors.count
            let warnings = parsed.warnings.count
            if errors > 0 { failed = true }
            Console.out("\(file): " + (errors > 0 ? "\(count(errors, "error")), \(count(warnings, "warning"))" : "ok" + (warnings > 0 ? ", \(count(warnings, "warning"))" : "")))
        }
        if failed { throw ExitCode.failure }
    }

    private func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
}
