import ArgumentParser
import Foundation
import StarCertCore

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a blank assessment: every item with its points and requirements as comments.",
        discussion: """
            The workbook a company fills in to assess itself: fill in every percent, replace the \
            placeholders, and `starcert check` passes. Without -o it is printed.
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
        let text = AssessmentTemplate.yaml(for: chosen, date: IssuerProfile.today(inTimeZone: TimeZone.current.identifier))
        guard let output else {
            Console.out(text, terminator: "")
            return
        }
        try running {
            if !force, FileManager.default.fileExists(atPath: output) {
                throw SetupFailure.refused("\(output) already exists; pass --force to replace it")
            }
            try AtomicFile.write([(output, Array(text.utf8))])
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


