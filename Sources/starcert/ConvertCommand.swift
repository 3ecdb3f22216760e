import ArgumentParser
import StarCertApp
import StarCertCore

struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert an assessment between YAML, JSON and the .xlsx scoring workbook.",
        discussion: """
            The formats follow the extensions (.yaml/.yml, .json, .xlsx). The input is checked \
            first: an input with errors is not converted. Nothing is lost: converting back gives an \
            assessment that scores and renders identically. Pictures pasted into a workbook are \
            written beside a YAML or JSON output, in a folder named after it.
            """
    )

    @Argument(help: "The assessment to convert.")
    var input: String

    @Option(name: .shortAndLong, help: "The file to write; its extension chooses the format.")
    var output: String

    @Flag(help: "Replace the output file if it exists.")
    var force = false

    func run() throws {
        let converted = try running { try AssessmentConversion.convert(input, to: output, replacing: force) }
        Console.report(converted.warnings)
        Console.err("wrote " + converted.written.map(Console.escapedLine).joined(separator: ", "))
    }
}
