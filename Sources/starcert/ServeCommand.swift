import ArgumentParser
import Foundation
import StarCertApp
import StarCertArchive
import StarCertServer

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the page behind every certificate's QR code, the public register and shared links.",
        discussion: """
            Answers at the profile's verification address (its path, e.g. /c?n=NUMBER&sig=…) and at \\
            /c/NUMBER; / searches, /register lists the valid certificates (and /register.csv), /verify \\
            checks an uploaded certificate PDF, /api/v1/… answers in JSON (/api/v1/openapi.json), \\
            /s/TOKEN hands out documents (`starcert share`). Runs until SIGTERM or SIGINT, then \\
            finishes the requests in flight. Put nginx in front for TLS (see the README).
            """)

    @OptionGroup var archiveOptions: ArchiveOptions

    @Option(help: "The issuer profile (its verification address and name).")
    var issuer: String = "issuer.yaml"

    @Option(help: "HOST:PORT to listen on.")
    var listen: String = "127.0.0.1:8080"

    @Flag(help: "Take the client's address from X-Forwarded-For (only behind a proxy that sets it).")
    var trustProxy = false

    @Option(help: "A root certificate (PEM) trusted for timestamp services only: /verify judges a signer at the time of a signature timestamp that chains to it.")
    var timestampTrust: String?

    @Option(help: "How many uploads /verify checks at once (1 to 64; default: half the cores, 1 or 2); as many again wait, more are asked to come back. Each holds up to 20 MiB.")
    var verifyJobs = ProcessInfo.processInfo.activeProcessorCount >= 4 ? 2 : 1

    @Option(help: "The folder holding issuer.key: with it, the lifecycle rules are applied at start and daily (`starcert lifecycle apply`), each change signed.")
    var keys: String = "."

    func run() async throws {
        var options = ServerOptions(archive: archiveOptions.path, issuerProfile: issuer, listen: listen, trustProxy: trustProxy, timestampTrust: timestampTrust,
                                    verifyJobs: verifyJobs)
        options.lifecycleSigner = try running { try CertificateLifecycle.issuerSigner(keys: URL(fileURLWithPath: keys)) }
        do {
            try await StarCertServer.run(options)
        } catch {
            try running { throw error }
        }
    }
}
