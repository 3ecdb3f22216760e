import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The request context: the connection's peer address, for rate limits and the log.
public struct SiteContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// Uploads larger than this are refused with 413 (a certificate PDF is far smaller).
    public var maxUploadSize: Int { Site.uploadLimit }
}

/// The content security policy of every response (Hummingbird's `ContentSecurityMiddleware`, which
/// also sets `X-Content-Type-Options: nosniff`): no scripts, no outside loads, no framing.
let contentSecurityPolicy: ContentSecurityPolicy = [
    .defaultSrc(.none), .styleSrc(.unsafeInline), .imgSrc(.scheme(.init(rawValue: "data:"))), .formAction(.self), .frameAncestors(.none), .baseURI(.none),
]

/// What every response gets besides the content security policy: headers that forbid framing
/// and referrers; errors rendered as the site's own page saying nothing internal (every unknown,
/// expired or malformed address gets the same 404); and one log line per request, tokens redacted.
struct SiteMiddleware: RouterMiddleware {
    typealias Context = SiteContext
    let site: Site

    func handle(_ request: Request, context: SiteContext, next: (Request, SiteContext) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var response: Response
        if let allowed = site.methods(at: request.uri.path), !allowed.contains(request.method) {
            let allow: HTTPFields = [.allow: allowed.map(\.rawValue).joined(separator: ", ")]
            response = request.method == .options
                ? Response(status: .noContent, headers: allow) : failure(.methodNotAllowed, request: request, context: context, headers: allow)
        } else {
            do {
                response = try await next(request, context)
            } catch let error as any HTTPResponseError {
                let httpError = error as? HTTPError
                response = failure(error.status, request: request, context: context, headers: httpError?.headers ?? [:], detail: httpError?.body)
            } catch {
                context.logger.error("internal error: \(error)")
                response = failure(.internalServerError, request: request, context: context)
            }
        }
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        let elapsed = ContinuousClock.now - start
        let tenths = elapsed.components.seconds * 10_000 + elapsed.components.attoseconds / 100_000_000_000_000
        site.logger.info("\(request.method.rawValue) \(Self.redacted(request.uri.path)) \(response.status.code) \(tenths / 10).\(tenths % 10)ms client=\(site.clientAddress(request, context))")
        return response
    }

    /// An error as the API answers it (problem JSON) or as a page: the site's error page, or plain
    /// text when even that cannot be rendered. `detail` is said only to API clients.
    func failure(_ status: HTTPResponse.Status, request: Request, context: SiteContext, headers: HTTPFields = [:], detail: String? = nil) -> Response {
        if request.uri.path.hasPrefix("/api/") { return Site.problem(status, detail: detail, headers: headers) }
        do {
            return try site.errorPage(status, request: request, headers: headers)
        } catch {
            context.logger.error("the error page could not be rendered: \(error)")
            var fields: HTTPFields = [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"]
            fields.append(contentsOf: headers)
            return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: "\(status.code) \(status.reasonPhrase)\n")))
        }
    }

    /// The path with a shared link's token replaced: tokens never reach the log.
    static func redacted(_ path: String) -> String {
        guard path.hasPrefix("/s/") else { return path }
        let rest = path.dropFirst(3)
        let document = rest.firstIndex(of: "/").map { String(rest[$0...]) } ?? ""
        return "/s/[token]" + document
    }
}

/// Token buckets per client address: `capacity` requests at once, refilled at `perSecond`.
actor RateLimiter {
    private var buckets: [String: (tokens: Double, updated: ContinuousClock.Instant)] = [:]
    let capacity: Double
    let perSecond: Double

    init(capacity: Double, perSecond: Double) {
        self.capacity = capacity
        self.perSecond = perSecond
    }

    /// Whether `client` may make a request now (one token taken when it may), else how many
    /// seconds until it may (rounded up).
    func wait(_ client: String) -> Int? {
        let now = ContinuousClock.now
        if buckets.count > 100_000 { buckets = buckets.filter { now - $0.value.updated < .seconds(600) } }
        var bucket = buckets[client] ?? (capacity, now)
        let elapsed = now - bucket.updated
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        bucket.tokens = min(capacity, bucket.tokens + seconds * perSecond)
        bucket.updated = now
        guard bucket.tokens >= 1 else {
            buckets[client] = bucket
            return max(1, Int(((1 - bucket.tokens) / perSecond).rounded(.up)))
        }
        bucket.tokens -= 1
        buckets[client] = bucket
        return nil
    }
}

extension RateLimiter {
    /// The bucket a client address counts against: an IPv4 address alone, an IPv6 address by its
    /// /64 prefix (one subscriber's whole network), an IPv4-mapped IPv6 address as its IPv4 address.
    nonisolated static func bucket(of address: String) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        let plain = address.split(separator: "%").first.map(String.init) ?? address
        guard plain.contains(":"), inet_pton(AF_INET6, plain, &bytes) == 1 else { return address }
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
            return bytes[12..<16].map(String.init).joined(separator: ".")
        }
        return "v6:" + bytes[0..<8].map { String(format: "%02x", $0) }.joined() + "::/64"
    }
}

/// Refuses with 429 (and the true Retry-After) a client that asks too often.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = SiteContext
    let site: Site
    let limiter: RateLimiter

    func handle(_ request: Request, context: SiteContext, next: (Request, SiteContext) async throws -> Response) async throws -> Response {
        if let wait = await limiter.wait(RateLimiter.bucket(of: site.clientAddress(request, context))) {
            throw HTTPError(.tooManyRequests, headers: [.retryAfter: String(wait)])
        }
        return try await next(request, context)
    }
}
