import ArgumentParser
import Foundation
import StarCertCore

struct IssuerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issuer", abstract: "Manage the issuer profile (issuer.yaml).", subcommands: [Init.self])

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write an issuer profile to fill in.")

        @Option(name: .shortAndLong, help: "Where to write it.")
        var output: String = "issuer.yaml"

        func run() throws {
            try running {
                if FileManager.default.fileExists(atPath: output) {
                    throw SetupFailure.refused("\(output) already exists; StarCert does not replace an issuer profile")
                }
                try AtomicFile.write([(output, Array(IssuerProfile.template().utf8))])
            }
            Console.err("wrote \(output): replace every （待填写） / (to fill in) text; `starcert issue` refuses the profile until then")
        }
    }
}
