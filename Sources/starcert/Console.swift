import ArgumentParser
import Foundation
import StarCertCore

/// Where the commands write: results to standard output, diagnostics to standard error.
enum Console {
    static func out(_ text: String, terminator: String = "\n") {
        FileHandle.standardOutput.write(Data((text + terminator).utf8))
    }

    static func err(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    static func report(_ diagnostics: [Diagnostic]) {
        for diagnostic in diagnostics { err(diagnostic.description) }
    }
}

/// A failure that has already been explained on standard error.
struct Failure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// The standards every command reads, or a clear error when the shipped definitions are broken or missing.
func loadCatalog() throws -> StandardCatalog {
    do {
        return try StandardCatalog.installed()
    } catch let failure as DiagnosedFailure {
        Console.report(failure.diagnostics)
        throw ExitCode(2)
    } catch {
        Console.err("starcert: error: \(error)")
        throw ExitCode(2)
    }
}
