import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import StarCertArchive
import StarCertCore
import StarCertTemplates
import X509

/// The routes of the public service and what they show.
public struct Site: Sendable {
    public let archive: Archive
    public let profile: IssuerProfile
    let pages: Pages
    let trustProxy: Bool
    /// Roots trusted for timestamp services only (`serve --timestamp-trust`).
    let timestampTrustRoots: [Certificate]
    let logger: Logger
    let catalog: StandardCatalog
    let openAPI: ByteBuffer
    let limiter = RateLimiter(capacity: 30, perSecond: 2)
    let cache = ResponseCache()
    let clock: TodayClock
    /// Admission to `/verify`'s checks (`serve --verify-jobs`).
    let verifyGate: CheckGate
    /// How long an upload to `/verify` may take to arrive.
    let uploadDeadline: Duration

    static let uploadLimit = 20 << 20
    static let pageSize = 20

    init(archive: Archive, profile: IssuerProfile, pages: Pages, catalog: StandardCatalog, openAPI: [UInt8], trustProxy: Bool,
         timestampTrustRoots: [Certificate] = [], verifyJobs: Int = 2, uploadDeadline: Duration = .seconds(60), logger: Logger) {
        verifyGate = CheckGate(slots: verifyJobs, queueLimit: 2 * verifyJobs)
        self.uploadDeadline = uploadDeadline
        self.timestampTrustRoots = timestampTrustRoots
        self.archive = archive
        self.profile = profile
        clock = TodayClock(profile: profile)
        self.pages = pages
        self.catalog = catalog
        self.openAPI = ByteBuffer(bytes: openAPI)
        self.trustProxy = trustProxy
        self.logger = logger
    }

    /// The path of the profile's verification address: the QR codes lead there (`/c` by default).
    var qrPath: String {
        let path = URLComponents(string: profile.verificationBaseURL)?.path ?? ""
        return path.isEmpty || path == "/" ? "/c" : path
    }

    func router() -> Router<SiteContext> {
        let router = Router(context: SiteContext.self, options: .autoGenerateHeadEndpoints)
        router.add(middleware: ContentSecurityMiddleware(contentSecurityPolicy: contentSecurityPolicy))
        router.add(middleware: SiteMiddleware(site: self))
        router.get("healthz") { _, _ in "ok\n" }
        router.get("c/:number") { request, context in try await self.certificatePage(request, context, number: context.parameters.get("number")) }
        if qrPath != "/c" {
            router.get(RouterPath(qrPath)) { request, context in try await self.certificatePage(request, context, number: nil) }
        }
        router.get("c") { request, context in try await self.certificatePage(request, context, number: nil) }
        router.get("register") { request, _ in try await self.registerPage(request) }
        router.get("register.csv") { request, _ in try await self.registerCSV(request) }
        router.get("api/v1/openapi.json") { request, _ in self.json(self.openAPI, request: request, cache: "public, max-age=3600") }
        router.get("api/v1/certificates/:number") { request, context in try await self.certificateJSON(request, number: context.parameters.get("number")) }
        let limited = router.group().add(middleware: RateLimitMiddleware(site: self, limiter: limiter))
        limited.get("") { request, _ in try await self.searchPage(request) }
        limited.get("api/v1/certificates") { request, _ in try await self.searchJSON(request) }
        limited.get("verify") { request, _ in try self.verifyPage(request, result: nil) }
        limited.post("verify") { request, context in try await self.verifyUpload(request, context) }
        limited.get("s/:token") { request, context in try await self.sharePage(request, token: context.parameters.get("token")) }
        limited.get("s/:token/:document") { request, context in
            try await self.shareDownload(request, context, token: context.parameters.get("token"), document: context.parameters.get("document"))
        }
        return router
    }

    /// Every route's path and the methods it answers (GET routes answer HEAD too), for `405` with
    /// `Allow` when a known address is asked with another method. Kept beside `router()`, which
    /// registers the same paths; `everyRouteAnswersTheMethodsItIsListedWith` checks they agree.
    var routes: [(path: String, methods: [HTTPRequest.Method])] {
        let get: [HTTPRequest.Method] = [.get, .head]
        var routes: [(String, [HTTPRequest.Method])] = [
            ("healthz", get), ("c/:number", get), ("c", get), ("register", get), ("register.csv", get), ("api/v1/openapi.json", get),
            ("api/v1/certificates/:number", get), ("", get), ("api/v1/certificates", get), ("verify", get + [.post]), ("s/:token", get),
            ("s/:token/:document", get),
        ]
        if qrPath != "/c" { routes.append((String(qrPath.dropFirst()), get)) }
        return routes
    }

    /// The methods the route at `path` answers, or nil when no route has that path.
    func methods(at path: String) -> [HTTPRequest.Method]? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        return routes.first { route in
            let pattern = route.path.split(separator: "/", omittingEmptySubsequences: true)
            return pattern.count == segments.count && zip(pattern, segments).allSatisfy { $0.hasPrefix(":") || $0 == $1 }
        }?.methods
    }

    // MARK: Requests

    /// The client's address: the connection's peer, or with `--trust-proxy` the last address the
    /// proxy appended to `X-Forwarded-For`.
    func clientAddress(_ request: Request, _ context: SiteContext) -> String {
        if trustProxy, let forwarded = request.headers[HTTPField.Name("X-Forwarded-For")!],
           let last = forwarded.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !last.isEmpty {
            return last
        }
        return context.remoteAddress?.ipAddress ?? "local"
    }

    func language(_ request: Request) -> Pages.Language {
        request.uri.queryParameters.get("lang") == "en" ? .en : .zh
    }

    func query(_ request: Request) -> [(String, String)] {
        request.uri.queryParameters.map { (String($0.key), String($0.value)) }
    }

    var today: String { clock.today }

    /// A certificate number as StarCert makes them: letters, digits, `-`, `_` and `.`, up to 64.
    static func isPlausibleNumber(_ number: String) -> Bool {
        let bytes = number.utf8
        return !bytes.isEmpty && bytes.count <= 64 && bytes.first != UInt8(ascii: ".") && bytes.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
        }
    }

    /// A page; `samePageElsewhere` is false for error pages, whose language link leads home, so
    /// that every unknown address gets the same page.
    func html(_ template: String, _ values: [String: Any], request: Request, status: HTTPResponse.Status = .ok, cache: String = "no-store",
              samePageElsewhere: Bool = true) throws -> Response {
        html(try page(template, values, request: request, samePageElsewhere: samePageElsewhere), status: status, cache: cache)
    }

    func html(_ body: ByteBuffer, status: HTTPResponse.Status = .ok, cache: String) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: cache], body: .init(byteBuffer: body))
    }

    func page(_ template: String, _ values: [String: Any], request: Request, samePageElsewhere: Bool = true) throws -> ByteBuffer {
        var values = values
        values["issuerName"] = language(request) == .en ? profile.nameEnglish : profile.name
        return ByteBuffer(string: try pages.render(template, values, language: language(request), path: samePageElsewhere ? request.uri.path : "/",
                                               query: samePageElsewhere ? query(request) : []))
    }

    /// A JSON (or other) body with an ETag; 304 when the client has it already.
    func json(_ body: ByteBuffer, request: Request, cache: String, contentType: String = "application/json; charset=utf-8") -> Response {
        let tag = "\"" + Self.fingerprint(body) + "\""
        if Self.matches(request.headers[values: .ifNoneMatch], tag: tag) {
            return Response(status: .notModified, headers: [.eTag: tag, .cacheControl: cache])
        }
        return Response(status: .ok, headers: [.contentType: contentType, .eTag: tag, .cacheControl: cache], body: .init(byteBuffer: body))
    }

    /// A status a scan must see as it is now: shared caches and browsers may keep it only to ask
    /// again with its ETag (`no-cache`), never serve it unasked.
    func validated(_ body: ByteBuffer, request: Request, contentType: String = "application/json; charset=utf-8") -> Response {
        json(body, request: request, cache: "no-cache", contentType: contentType)
    }

    /// Whether `If-None-Match` values name `tag` by the weak comparison HTTP specifies for it
    /// (RFC 9110, 13.1.2): `W/` prefixes ignored, `*` matching any.
    static func matches(_ values: [String], tag: String) -> Bool {
        func opaque(_ text: Substring) -> Substring {
            let trimmed = text.drop { $0 == " " || $0 == "\t" }
            return trimmed.hasPrefix("W/") ? trimmed.dropFirst(2) : trimmed
        }
        let wanted = opaque(Substring(tag))
        return values.contains { value in
            value.split(separator: ",").contains { candidate in
                let entry = opaque(candidate).prefix { $0 != " " && $0 != "\t" }
                return entry == "*" || entry == wanted
            }
        }
    }

    static func fingerprint(_ buffer: ByteBuffer) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        buffer.withUnsafeReadableBytes { bytes in
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        }
        return String(hash, radix: 16)
    }

    func errorPage(_ status: HTTPResponse.Status, request: Request, headers: HTTPFields = [:]) throws -> Response {
        let kind = Self.errorKinds[status.code] ?? "other"
        let words = pages.labels(language(request))
        let help = words.has("error.\(kind)-help") ? "error.\(kind)-help" : "error.help"
        var response = try html("error", ["status": status.code, "title": words["error.\(kind)"], "help": words[help]],
                                request: request, status: status, samePageElsewhere: false)
        for field in headers { response.headers.append(field) }
        return response
    }

    /// The label (`error.KIND`) of each error status the site answers with.
    static let errorKinds: [Int: String] = [
        400: "bad-request", 404: "not-found", 405: "method", 408: "timeout", 410: "gone", 413: "too-large", 429: "too-many", 503: "busy",
    ]

    /// An error as the API answers it (RFC 9457 `application/problem+json`), never a page.
    static func problem(_ status: HTTPResponse.Status, detail: String?, headers: HTTPFields = [:]) -> Response {
        var members: [(String, JSONValue)] = [("type", .string("about:blank")), ("title", .string(status.reasonPhrase)), ("status", .integer(status.code))]
        if let detail { members.append(("detail", .string(detail))) }
        var fields: HTTPFields = [.contentType: "application/problem+json", .cacheControl: "no-store"]
        fields.append(contentsOf: headers)
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: JSONValue.object(members).serialized() + "\n")))
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let left = Array(a.utf8)
        let right = Array(b.utf8)
        var difference = UInt8(left.count == right.count ? 0 : 1)
        for index in 0..<min(left.count, right.count) { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}
