import ArgumentParser
import StarCertApp
import StarCertCore

struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score an assessment exactly and show items, sections, total, star level and decision.",
        discussion: """
            An item's score is points × percent / 100, kept in hundredths of a point; the star level \
            follows from the exact total. With --json the result is printed as JSON (shape in the README). \
            The file is checked as `check` checks it (photos and the fonts' coverage too): an input with \
            errors prints its diagnostics and exits 1.
            """
    )

    @Argument(help: "The assessment file.")
    var file: String

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() throws {
        let checked = try running { try DocumentSetup(language: .zh, html: false).pipeline() }.check(file)
        Console.report(checked.diagnostics)
        guard let evaluation = checked.evaluation else { throw ExitCode.failure }
        Console.out(json ? evaluation.summaryJSON.serialized() : ScoreTable.render(evaluation))
    }
}
