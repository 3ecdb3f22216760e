import ArgumentParser
import StarCertCore

struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score an assessment exactly and show items, sections, total, star level and decision.",
        discussion: """
            An item's score is points × percent / 100, kept in hundredths of a point; the star level \
            follows from the exact total. With --json the result is printed as JSON (shape in the README). \
            An input with errors prints its diagnostics and exits 1.
            """
    )

    @Argument(help: "The assessment file.")
    var file: String

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() throws {
        let parsed = AssessmentParser(catalog: try loadCatalog()).parse(fileAt: file)
        Console.report(parsed.diagnostics)
        guard let assessment = parsed.assessment, let standard = parsed.standard else { throw ExitCode.failure }
        let evaluation = Evaluation(assessment: assessment, standard: standard)
        Console.out(json ? evaluation.summaryJSON.serialized() : ScoreTable.render(evaluation))
    }
}
