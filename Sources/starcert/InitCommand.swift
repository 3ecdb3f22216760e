import ArgumentParser
import Foundation
import StarCertCore
import StarCertWorkbook

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a blank assessment: YAML with every item as comments, or the .xlsx scoring workbook.",
        discussion: """
            The format follows the output's extension: `-o 评分表.xlsx` writes the scoring workbook \
            auditors fill in (locked form, lists, live subtotals); `.yaml` (or no -o, printed) the \
            YAML file with every item's points and requirements as comments. Fill in every percent \
            and the facts, and `starcert check` passes.
            """
    )

    @Option(help: "The standard to assess against (default: the most recent one shipped).")
    var standard: String?

    @Option(name: .shortAndLong, help: "Write the workbook to this file instead of printing it.")
    var output: String?

    @Flag(help: "Replace the output file if it exists.")
    var force = false

    func run() throws {
        let catalog = try loadCatalog()
        let chosen = try resolveStandard(standard, in: catalog)
        let today = IssuerProfile.today(inTimeZone: TimeZone.current.identifier)
        guard let output else {
            Console.out(AssessmentTemplate.yaml(for: chosen, date: today), terminator: "")
            return
        }
        try running {
            guard let format = AssessmentFormat(path: output) ?? ((output as NSString).pathExtension.isEmpty ? .yaml : nil) else {
                throw SetupFailure.refused(AssessmentFormat.refusal(for: output))
            }
            if !force, FileManager.default.fileExists(atPath: output) {
                throw SetupFailure.refused("\(output) already exists; pass --force to replace it")
            }
            try AtomicFile.write([(output, try AssessmentFiles.blank(for: chosen, format: format, date: today))])
        }
        Console.err("wrote \(output): fill in every percent, then run `starcert check \(output)`")
    }
}

/// The named standard, or the catalog's default; an unknown id is a clear error listing the known ones.
func resolveStandard(_ id: String?, in catalog: StandardCatalog) throws -> Standard {
    if let id {
        if let found = catalog.standard(id) { return found }
        Console.err("starcert: error: unknown standard `\(id)`; expected one of: \(catalog.standards.map(\.id).joined(separator: ", "))")
        throw ExitCode.failure
    }
    guard let standard = catalog.defaultStandard else {
        Console.err("starcert: error: no standard definitions are installed")
        throw ExitCode(2)
    }
    return standard
}


