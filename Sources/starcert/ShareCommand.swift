import ArgumentParser
import Foundation
import StarCertArchive
import StarCertCore
import StarCertServer

struct ShareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "share", abstract: "Hand an evaluation's documents to the client through a private link.",
        subcommands: [Create.self, Revoke.self], defaultSubcommand: Create.self)

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create",
            abstract: "Print a private link (/s/TOKEN) to an evaluation's report and certificate; the token is shown once, only its hash is kept.")
        @Argument(help: "The evaluation id (see `starcert archive list`).") var evaluation: Int64
        @Option(help: "Days until the link stops working.") var expires: Int = 30
        @Option(help: "The issuer profile: the link uses the host of its verification address.") var issuer: String = "issuer.yaml"
        @OptionGroup var archiveOptions: ArchiveOptions

        func run() throws {
            let (link, id, expiry) = try running {
                let profile = try IssuerProfile.load(file: issuer).get()
                let created = try archiveOptions.open(.readWrite).createShare(evaluation: evaluation, days: expires)
                return (profile.sharedLinkAddress(token: created.token), created.id, created.expiresAt)
            }
            Console.out(link)
            Console.err("link \(id) to evaluation \(evaluation), valid until \(expiry); revoke it with `starcert share revoke \(id)`")
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a link: from now on it opens nothing.")
        @Argument(help: "The link's id (printed when it was made; `starcert archive show` lists them).") var link: Int64
        @OptionGroup var archiveOptions: ArchiveOptions

        func run() throws {
            try running { try archiveOptions.open(.readWrite).revokeShare(link) }
            Console.out("link \(link) revoked")
        }
    }
}
