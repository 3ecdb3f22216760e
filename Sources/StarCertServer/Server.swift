import CMalloc
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import StarCertArchive
import StarCertCore
import X509

/// How `starcert serve` runs.
public struct ServerOptions: Sendable {
    public var archive: String
    public var issuerProfile: String
    /// `HOST:PORT` to listen on.
    public var listen: String
    /// Take the client's address from `X-Forwarded-For` (behind a proxy such as nginx).
    public var trustProxy: Bool
    /// A PEM file of roots trusted for timestamp services only: `/verify` judges a signer at the
    /// time of a signature timestamp that chains to one of them.
    public var timestampTrust: String?
    /// How many uploads `/verify` checks at once (as many again wait; more are asked to come back).
    public var verifyJobs: Int
    /// The issuer's key, signing the status changes the lifecycle rules make; nil when the
    /// service cannot apply them.
    public var lifecycleSigner: EventSigner?

    public init(archive: String, issuerProfile: String, listen: String = "127.0.0.1:8080", trustProxy: Bool = false, timestampTrust: String? = nil,
                verifyJobs: Int = 2) {
        self.verifyJobs = verifyJobs
        self.archive = archive
        self.issuerProfile = issuerProfile
        self.listen = listen
        self.trustProxy = trustProxy
        self.timestampTrust = timestampTrust
    }

    /// The host and port of `listen`, or nil when it is not `HOST:PORT`.
    var address: (host: String, port: Int)? {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]), (1...65_535).contains(port) else { return nil }
        let host = String(listen[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return host.isEmpty ? nil : (host, port)
    }
}

/// The public service of a certification body: the page behind every certificate's QR code, the
/// register, search, offline checking of a certificate PDF, a JSON API, and private links that
/// hand documents to clients — all over the archive the command line writes.
public enum StarCertServer {
    /// Checks everything the service needs, or says why it cannot start.
    public static func site(_ options: ServerOptions, logger: Logger) throws(SetupFailure) -> Site {
        try site(options, uploadDeadline: .seconds(60), logger: logger)
    }

    static func site(_ options: ServerOptions, uploadDeadline: Duration, logger: Logger) throws(SetupFailure) -> Site {
        let profile: IssuerProfile
        switch IssuerProfile.load(file: options.issuerProfile) {
        case let .success(loaded): profile = loaded
        case let .failure(failure): throw .diagnostics(failure.diagnostics)
        }
        if !profile.issuanceProblems.isEmpty { throw .diagnostics(profile.issuanceProblems) }
        guard (1...64).contains(options.verifyJobs) else { throw .refused("--verify-jobs is \(options.verifyJobs); expected 1 to 64") }
        let archive: Archive
        do { archive = try Archive(path: options.archive, access: .readWrite) } catch { throw .unusable(error) }
        var timestampRoots: [Certificate] = []
        if let file = options.timestampTrust {
            do { timestampRoots = try Verification.certificates(file: file) } catch { throw .unusable(error) }
        }
        let pages: Pages
        let catalog: StandardCatalog
        let openAPI: [UInt8]
        do {
            let templates = try Resources.locate().templates
            pages = try Pages(templates: templates)
            catalog = try StandardCatalog.installed()
            openAPI = try InputFile.read(templates.appendingPathComponent("server/openapi.json").path, limit: 1 << 20).get()
        } catch {
            throw .installation(error)
        }
        return Site(archive: archive, profile: profile, pages: pages, catalog: catalog, openAPI: openAPI, trustProxy: options.trustProxy,
                    timestampTrustRoots: timestampRoots, verifyJobs: options.verifyJobs,
                    uploadDeadline: uploadDeadline, logger: logger)
    }

    /// The application for `site` (used directly by the tests, without sockets).
    public static func application(_ site: Site, host: String = "127.0.0.1", port: Int = 8080) -> some ApplicationProtocol {
        Application(
            router: site.router(),
            server: .http1(configuration: .init(idleTimeout: .seconds(30))),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "StarCert"),
            logger: site.logger)
    }

    /// Runs until SIGTERM or SIGINT, then finishes the requests in flight and stops.
    public static func run(_ options: ServerOptions) async throws {
        let logger = Logger(label: "starcert.serve") { _ in LineLogHandler() }
        guard let address = options.address else {
            throw SetupFailure.refused("--listen is `\(options.listen)`; expected HOST:PORT, e.g. 127.0.0.1:8080")
        }
        let site = try site(options, logger: logger)
        // Large buffers (uploads to /verify) straight from and back to the system, so that memory
        // freed after a check is returned at once instead of growing the heap (glibc would
        // otherwise raise this threshold to the largest block freed so far).
        mallopt(M_MMAP_THRESHOLD, 256 << 10)
        let application = application(site, host: address.host, port: address.port)
        var services: [any Service] = [application]
        if let signer = options.lifecycleSigner {
            services.append(LifecycleService(site: site, signer: signer))
        } else {
            logger.warning("the lifecycle rules are not applied: no issuer key to sign the status changes (give --keys with issuer.key); run `starcert lifecycle apply` daily instead")
        }
        var configuration = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = .seconds(20)
        logger.info("serving \(options.archive) at http://\(address.host):\(address.port)/ for \(site.profile.name)")
        try await ServiceGroup(configuration: configuration).run()
    }
}

/// Applies the certificate lifecycle rules at start and then daily, just after midnight in the
/// profile's time zone, so that the public pages follow the rules without anyone remembering.
struct LifecycleService: Service {
    let site: Site
    let signer: EventSigner

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                // A blocking write that may wait on other writers: on a thread of its own, never
                // on one the requests are served from.
                await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                    Thread { Self.apply(site, signer: signer); done.resume() }.start()
                }
                try? await Task.sleep(for: .seconds(Self.secondsUntilTomorrow(in: site.profile.zone) + 60))
            }
        }
    }

    /// One application of the rules on today's date, said in the log.
    static func apply(_ site: Site, signer: EventSigner) {
        let today = site.profile.today()
        do {
            let changes = try site.archive.applyLifecycle(on: today, rules: site.profile.programme, signer: signer)
            for change in changes {
                site.logger.info("lifecycle: certificate \(TerminalText.escaped(change.number)) \(change.to.rawValue) (\(change.to.regulatorCode)) from \(change.effectiveOn) — \(change.rule.rawValue)")
            }
            site.logger.info("lifecycle applied on \(today): \(changes.count) change\(changes.count == 1 ? "" : "s")")
        } catch {
            site.logger.error("lifecycle not applied on \(today): \(error)")
        }
    }

    static func secondsUntilTomorrow(in zone: TimeZone, now: Date = Date()) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let tomorrow = calendar.startOfDay(for: calendar.date(byAdding: .day, value: 1, to: now) ?? now.addingTimeInterval(86_400))
        return max(1, Int(tomorrow.timeIntervalSince(now)))
    }
}
