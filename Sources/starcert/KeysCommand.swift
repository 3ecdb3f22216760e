import ArgumentParser
import Foundation
import StarCertArchive
import StarCertCore
import StarCertIssuing

struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Manage the issuer's signing key and certificate (ECDSA P-256, X.509).",
        subcommands: [Init.self, Import.self])

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the signing key (issuer.key, mode 0600) and a self-signed certificate in the issuer's name (issuer.crt). Never replaces either.")

        @Option(help: "The folder for the key and the certificate.")
        var keys: String = "."

        @Option(help: "The issuer profile whose name the certificate carries.")
        var issuer: String = "issuer.yaml"

        func run() throws {
            let created = try running {
                let profile = try IssuerProfile.load(file: issuer).get()
                return try SigningIdentity.create(in: URL(fileURLWithPath: keys), for: profile)
            }
            Console.out("created \(keys)/\(SigningIdentity.keyFile) (keep it secret) and \(keys)/\(SigningIdentity.certificateFile) "
                + "(self-signed for \(created.certificate.subject), valid until \(created.certificate.notValidAfter.formatted(.iso8601.year().month().day())))")
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take a key and the certificate chain a CA issued for it (PEM) as the signing identity.")

        @Option(help: "The private key (PEM, ECDSA P-256).")
        var key: String

        @Option(help: "The certificate chain (PEM): the issuer's certificate first, then its CA's.")
        var chain: String

        @Option(help: "The folder to keep them in.")
        var keys: String = "."

        @Option(help: "The issuer profile whose validity_years the chain must outlive (default: issuer.yaml when it exists).")
        var issuer: String?

        func run() throws {
            let (identity, years) = try running {
                let years = try loadProfileIfPresent(issuer)?.validityYears ?? 3
                return (try SigningIdentity.importing(key: key, chain: chain, into: URL(fileURLWithPath: keys)), years)
            }
            Console.out("imported \(identity.chain.count) certificate(s) for \(identity.certificate.subject) into \(keys), valid until \(identity.validUntil.formatted(.iso8601.year().month().day()))")
            let needed = Calendar(identifier: .gregorian).date(byAdding: .year, value: years, to: Date()) ?? Date()
            if identity.validUntil < needed {
                Console.err("starcert: warning: the chain ends on \(identity.validUntil.formatted(.iso8601.year().month().day())), less than one validity period (\(years) years) from now; `starcert issue` refuses certificates that would outlive it")
            }
        }
    }
}
