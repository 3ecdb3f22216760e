import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import StarCertArchive
import StarCertCore
import StarCertReports

/// The routes of the public service and what they show.
public struct Site: Sendable {
    public let archive: Archive
    public let profile: IssuerProfile
    let pages: Pages
    let trustProxy: Bool
    let logger: Logger
    let catalog: StandardCatalog?
    let openAPI: ByteBuffer
    let limiter = RateLimiter(capacity: 30, perSecond: 2)
    let cache = ResponseCache()
    let clock: TodayClock

    static let uploadLimit = 20 << 20
    static let pageSize = 20

    init(archive: Archive, profile: IssuerProfile, pages: Pages, trustProxy: Bool, logger: Logger) {
        self.archive = archive
        self.profile = profile
        clock = TodayClock(profile: profile)
        self.pages = pages
        self.trustProxy = trustProxy
        self.logger = logger
        catalog = try? StandardCatalog.installed()
        let document = (try? Resources.locate().templates.appendingPathComponent("server/openapi.json")).flatMap { try? Data(contentsOf: $0) } ?? Data("{}".utf8)
        openAPI = ByteBuffer(bytes: document)
    }

    /// The path of the profile's verification address: the QR codes lead there (`/c` by default).
    var qrPath: String {
        let path = URLComponents(string: profile.verificationBaseURL)?.path ?? ""
        return path.isEmpty || path == "/" ? "/c" : path
    }

    func router() -> Router<SiteContext> {
        let router = Router(context: SiteContext.self, options: .autoGenerateHeadEndpoints)
        router.add(middleware: SiteMiddleware(site: self))
        router.get("healthz") { _, _ in "ok\n" }
        router.get("c/:number") { request, context in try await self.certificatePage(request, context, number: context.parameters.get("number")) }
        if qrPath != "/c" {
            router.get(RouterPath(qrPath)) { request, context in try await self.certificatePage(request, context, number: nil) }
        }
        router.get("c") { request, context in try await self.certificatePage(request, context, number: nil) }
        router.get("register") { request, _ in try await self.registerPage(request) }
        router.get("register.csv") { _, _ in try await self.registerCSV() }
        router.get("api/v1/openapi.json") { request, _ in self.json(self.openAPI, request: request, cache: "public, max-age=3600") }
        router.get("api/v1/certificates/:number") { request, context in try await self.certificateJSON(request, number: context.parameters.get("number")) }
        let limited = router.group().add(middleware: RateLimitMiddleware(site: self, limiter: limiter))
        limited.get("") { request, _ in try await self.searchPage(request) }
        limited.get("api/v1/certificates") { request, _ in try await self.searchJSON(request) }
        limited.get("verify") { request, _ in self.verifyPage(request, result: nil) }
        limited.post("verify") { request, context in try await self.verifyUpload(request, context) }
        limited.get("s/:token") { request, context in try await self.sharePage(request, token: context.parameters.get("token")) }
        limited.get("s/:token/:document") { _, context in
            try await self.shareDownload(token: context.parameters.get("token"), document: context.parameters.get("document"))
        }
        return router
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
              samePageElsewhere: Bool = true) -> Response {
        html(page(template, values, request: request, samePageElsewhere: samePageElsewhere), status: status, cache: cache)
    }

    func html(_ body: ByteBuffer, status: HTTPResponse.Status = .ok, cache: String) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: cache], body: .init(byteBuffer: body))
    }

    func page(_ template: String, _ values: [String: Any], request: Request, samePageElsewhere: Bool = true) -> ByteBuffer {
        var values = values
        values["issuerName"] = language(request) == .en ? profile.nameEnglish : profile.name
        return ByteBuffer(string: pages.render(template, values, language: language(request), path: samePageElsewhere ? request.uri.path : "/",
                                               query: samePageElsewhere ? query(request) : []))
    }

    /// A JSON (or other) body with an ETag; 304 when the client has it already.
    func json(_ body: ByteBuffer, request: Request, cache: String, contentType: String = "application/json; charset=utf-8") -> Response {
        let tag = "\"" + Self.fingerprint(body) + "\""
        if request.headers[values: .ifNoneMatch].contains(where: { $0.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == tag } }) {
            return Response(status: .notModified, headers: [.eTag: tag, .cacheControl: cache])
        }
        return Response(status: .ok, headers: [.contentType: contentType, .eTag: tag, .cacheControl: cache], body: .init(byteBuffer: body))
    }

    static func fingerprint(_ buffer: ByteBuffer) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        buffer.withUnsafeReadableBytes { bytes in
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        }
        return String(hash, radix: 16)
    }

    func errorPage(_ status: HTTPResponse.Status, request: Request, headers: HTTPFields = [:]) -> Response {
        var response = html("error", ["status": status.code, "notFound": status == .notFound, "tooMany": status == .tooManyRequests,
                                      "tooLarge": status == .contentTooLarge, "badRequest": status == .badRequest],
                            request: request, status: status, samePageElsewhere: false)
        for field in headers { response.headers.append(field) }
        return response
    }

    // MARK: Certificates

    /// The page behind a QR code (`?n=NUMBER&sig=…`) or `/c/NUMBER`.
    func certificatePage(_ request: Request, _ context: SiteContext, number pathNumber: String?) async throws -> Response {
        let parameters = request.uri.queryParameters
        guard let number = pathNumber ?? parameters.get("n").map({ String($0) }), Self.isPlausibleNumber(number) else { throw HTTPError(.notFound) }
        let today = today
        let body = try await cache.body("page " + request.uri.description, stamp: archive.changeStamp(), day: today) { @Sendable () async throws -> ByteBuffer? in
            guard let certificate = try await archive.publicCertificate(number, today: today) else { return nil }
            var values = certificateValues(certificate, language: language(request))
            let claimed = parameters.get("sig").map { String($0) }
            if claimed != nil || pathNumber == nil {
                // A QR code: it carries the number and the signature issued with it, nothing else.
                let foreign = parameters.map { String($0.key) }.filter { !["n", "sig", "lang"].contains($0) }
                let matches = claimed.map { Self.constantTimeEqual($0, certificate.signature) } ?? false
                values["qrChecked"] = true
                values["qrAuthentic"] = matches && foreign.isEmpty && certificate.archivedDataIntact
            }
            if !certificate.archivedDataIntact { values["archiveDamaged"] = true }
            return page("certificate", values, request: request)
        }
        guard let body else { throw HTTPError(.notFound) }
        return html(body, cache: "public, max-age=60")
    }

    func certificateValues(_ certificate: Archive.PublicCertificate, language: Pages.Language) -> [String: Any] {
        let labels = pages.labels(language)
        let listing = certificate.listing
        let standard = catalog?.standard(listing.standard)
        let level = standard?.starLevels.first { $0.stars == listing.starLevel }
        return [
            "number": listing.number, "organization": listing.organization, "creditCode": listing.creditCode, "scope": certificate.scope,
            "standard": listing.standard, "standardTitle": standard.map { language == .en ? ($0.titleEnglish ?? $0.title) : $0.title } ?? "",
            "stars": String(repeating: "★", count: listing.starLevel), "emptyStars": String(repeating: "☆", count: max(0, (standard?.starLevels.count ?? 5) - listing.starLevel)),
            "starLevel": listing.starLevel,
            "levelName": level.map { language == .en ? ($0.nameEnglish ?? $0.name) : $0.name } ?? "",
            "score": listing.total, "maximum": standard?.maximum.description ?? "100.00",
            "issued": listing.issued, "expires": listing.expires, "issuer": certificate.issuer,
            "status": labels["status.\(listing.status.rawValue)"], "statusClass": listing.status.rawValue,
            "statusSince": listing.statusSince, "statusValid": listing.status == .valid,
            "statusCategory": Self.category(certificate.history.last, status: listing.status, labels: labels),
            // The first entry is the issue, dated as the certificate is; later ones on the day they were made.
            "history": certificate.history.enumerated().map { index, change in
                ["at": index == 0 ? listing.issued : String(change.at.prefix(10)), "category": Self.category(change, first: index == 0, labels: labels)]
            } + (listing.status == .expired ? [["at": listing.expires, "category": labels["event.expired"]]] : []),
            "successor": certificate.successor ?? "", "hasSuccessor": certificate.successor != nil,
        ]
    }

    /// What kind of change a status entry was — never its free-text reason, which is the body's own.
    static func category(_ change: StatusRow?, first: Bool = false, status: Archive.Status? = nil, labels: Labels) -> String {
        if status == .expired { return labels["event.expired"] }
        guard let change else { return labels["event.issued"] }
        switch change.status {
        case "valid": return labels[first || change.reason == "issued" ? "event.issued" : "event.restored"]
        case "suspended": return labels["event.suspended"]
        case "withdrawn": return labels["event.withdrawn"]
        case "superseded": return labels["event.superseded"]
        default: return change.status
        }
    }

    func certificateJSON(_ request: Request, number: String?) async throws -> Response {
        guard let number, Self.isPlausibleNumber(number) else { throw HTTPError(.notFound) }
        let today = today
        let body = try await cache.body("json " + number, stamp: archive.changeStamp(), day: today) { @Sendable () async throws -> ByteBuffer? in
            try await archive.publicCertificate(number, today: today).map { ByteBuffer(string: Self.json($0).serialized() + "\n") }
        }
        guard let body else { throw HTTPError(.notFound) }
        return json(body, request: request, cache: "public, max-age=60")
    }

    static func json(_ listing: Archive.Listing) -> [(String, JSONValue)] {
        [
            ("number", .string(listing.number)), ("status", .string(listing.status.rawValue)), ("status_since", .string(listing.statusSince)),
            ("organization", .string(listing.organization)), ("credit_code", .string(listing.creditCode)), ("standard", .string(listing.standard)),
            ("star_level", .integer(listing.starLevel)), ("score", .string(listing.total)), ("issued", .string(listing.issued)),
            ("expires", .string(listing.expires)),
        ]
    }

    static func json(_ certificate: Archive.PublicCertificate) -> JSONValue {
        .object(json(certificate.listing) + [
            ("scope", .string(certificate.scope)), ("issuer", .string(certificate.issuer)),
            ("superseded_by", certificate.successor.map(JSONValue.string) ?? .null),
            ("history", .array(certificate.history.enumerated().map { index, change in
                .object([("at", .string(change.at)), ("status", .string(change.status)),
                         ("event", .string(index == 0 ? "issued" : change.status == "valid" ? "restored" : change.status))])
            })),
        ])
    }

    // MARK: Search and register

    func page(_ request: Request) -> Int {
        min(max(1, request.uri.queryParameters.get("page", as: Int.self) ?? 1), 100_000)
    }

    func searchPage(_ request: Request) async throws -> Response {
        let text = String((request.uri.queryParameters.get("q") ?? "").prefix(200))
        let page = page(request)
        var values: [String: Any] = ["q": text]
        if !text.trimmingCharacters(in: .whitespaces).isEmpty {
            let (listings, total) = try await archive.search(text, page: page, pageSize: Self.pageSize, today: today)
            values.merge(listValues(listings, total: total, page: page, request: request, path: "/", extra: [("q", text)])) { $1 }
            values["searched"] = true
        }
        return html("search", values, request: request)
    }

    func registerPage(_ request: Request) async throws -> Response {
        let page = page(request)
        let (listings, total) = try await archive.register(page: page, pageSize: Self.pageSize, today: today)
        return html("register", listValues(listings, total: total, page: page, request: request, path: "/register", extra: []), request: request,
                    cache: "public, max-age=60")
    }

    func listValues(_ listings: [Archive.Listing], total: Int, page: Int, request: Request, path: String, extra: [(String, String)]) -> [String: Any] {
        let labels = pages.labels(language(request))
        let lang: [(String, String)] = language(request) == .en ? [("lang", "en")] : []
        let pages = max(1, (total + Self.pageSize - 1) / Self.pageSize)
        return [
            "results": listings.map { listing -> [String: Any] in
                ["number": listing.number, "organization": listing.organization, "creditCode": listing.creditCode, "stars": String(repeating: "★", count: listing.starLevel),
                 "score": listing.total, "issued": listing.issued, "expires": listing.expires, "status": labels["status.\(listing.status.rawValue)"],
                 "statusClass": listing.status.rawValue, "link": "/c/" + CertificateModel.percentEncoded(listing.number) + Pages.query(lang)]
            },
            "hasResults": !listings.isEmpty, "total": total, "page": page, "pages": pages,
            "previous": path + Pages.query(extra + lang + [("page", String(page - 1))]), "hasPrevious": page > 1,
            "next": path + Pages.query(extra + lang + [("page", String(page + 1))]), "hasNext": page < pages,
        ]
    }

    func registerCSV() async throws -> Response {
        let listings = try await archive.registerAll(today: today)
        let header = ["number", "status", "organization", "credit_code", "standard", "star_level", "score", "issued", "expires"].joined(separator: ",")
        let rows = listings.map { listing in
            [listing.number, listing.status.rawValue, listing.organization, listing.creditCode, listing.standard, String(listing.starLevel),
             listing.total, listing.issued, listing.expires].map(CSV.field).joined(separator: ",")
        }
        let text = ([header] + rows).joined(separator: "\r\n") + "\r\n"
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .cacheControl: "public, max-age=60",
                                               .contentDisposition: "attachment; filename=\"register.csv\""],
                        body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    func searchJSON(_ request: Request) async throws -> Response {
        let text = String((request.uri.queryParameters.get("q") ?? "").prefix(200))
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { throw HTTPError(.badRequest) }
        let page = page(request)
        let (listings, total) = try await archive.search(text, page: page, pageSize: Self.pageSize, today: today)
        let value = JSONValue.object([
            ("query", .string(text)), ("page", .integer(page)), ("page_size", .integer(Self.pageSize)), ("total", .integer(total)),
            ("certificates", .array(listings.map { .object(Self.json($0)) })),
        ])
        return json(ByteBuffer(string: value.serialized() + "\n"), request: request, cache: "public, max-age=60")
    }

    // MARK: Checking a PDF

    func verifyPage(_ request: Request, result: [String: Any]?, status: HTTPResponse.Status = .ok) -> Response {
        html("verify", result ?? [:], request: request, status: status)
    }

    func verifyUpload(_ request: Request, _ context: SiteContext) async throws -> Response {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > Self.uploadLimit { throw HTTPError(.contentTooLarge) }
        let body = try await request.body.collect(upTo: Self.uploadLimit)
        let bytes = Array(buffer: body)
        let contentType = request.headers[.contentType] ?? ""
        let file: [UInt8]
        if contentType.lowercased().hasPrefix("multipart/form-data") {
            guard let part = Multipart.file(in: bytes, contentType: contentType) else {
                return verifyPage(request, result: ["problem": pages.labels(language(request))["verify.no-file"]], status: .badRequest)
            }
            file = part
        } else {
            file = bytes
        }
        guard file.starts(with: Array("%PDF-".utf8)) else {
            return verifyPage(request, result: ["problem": pages.labels(language(request))["verify.not-pdf"]], status: .badRequest)
        }
        let labels = pages.labels(language(request))
        let result = try await Verification(archive: archive, trustRoots: []).verify(pdf: file, name: labels["verify.the-file"], today: today)
        var values: [String: Any] = ["checked": true, "authentic": result.authentic]
        values["findings"] = result.findings.map { finding -> String in
            switch finding {
            case let .signatureValid(signer, _): return labels["verify.signature-valid"] + " " + signer
            case .untouched: return labels["verify.untouched"]
            case let .failed(reason): return reason
            }
        }
        if let fields = result.signedFields {
            let archived = try await archive.publicCertificate(fields.number, today: today)
            let rows: [(String, String, String?)] = [
                ("field.number", fields.number, archived?.listing.number), ("field.organization", fields.organization, archived?.listing.organization),
                ("field.credit-code", fields.creditCode, archived?.listing.creditCode), ("field.scope", fields.scope, archived?.scope),
                ("field.standard", fields.standard, archived?.listing.standard), ("field.stars", String(fields.starLevel), archived.map { String($0.listing.starLevel) }),
                ("field.score", fields.total, archived?.listing.total), ("field.issued", fields.issued, archived?.listing.issued),
                ("field.expires", fields.expires, archived?.listing.expires),
            ]
            values["fields"] = rows.map { ["label": labels[$0.0], "signed": $0.1, "archived": $0.2 ?? "—", "differs": $0.2 != nil && $0.2 != $0.1] }
            values["hasFields"] = true
            if let archived {
                values["status"] = labels["status.\(archived.listing.status.rawValue)"]
                values["statusClass"] = archived.listing.status.rawValue
                values["link"] = "/c/" + CertificateModel.percentEncoded(archived.listing.number)
            }
        }
        return verifyPage(request, result: values)
    }

    // MARK: Shared links

    func sharePage(_ request: Request, token: String?) async throws -> Response {
        guard let token, let share = try await archive.openShare(token: token),
              let (evaluation, documents) = try await archive.sharedDocuments(of: share.evaluationID)
        else { throw HTTPError(.notFound) }
        let labels = pages.labels(language(request))
        return html("share", [
            "organization": evaluation.organization, "standard": evaluation.standard, "auditEnd": evaluation.auditEnd,
            "certificate": evaluation.certificateNumber ?? "", "hasCertificate": evaluation.certificateNumber != nil,
            "expires": String(share.expiresAt.prefix(10)),
            "documents": documents.map { document -> [String: Any] in
                ["name": document.name, "label": labels["document.\(document.name)"], "size": ByteCountFormatter.string(fromByteCount: Int64(document.bytes.count), countStyle: .file),
                 "link": "/s/\(token)/\(document.name)"]
            },
        ], request: request)
    }

    func shareDownload(token: String?, document name: String?) async throws -> Response {
        guard let token, let name, let share = try await archive.openShare(token: token),
              let (_, documents) = try await archive.sharedDocuments(of: share.evaluationID),
              let document = documents.first(where: { $0.name == name }), let shareID = share.id
        else { throw HTTPError(.notFound) }
        try await archive.recordDownload(share: shareID, document: name)
        let type = name.hasSuffix(".pdf") ? "application/pdf" : "text/html; charset=utf-8"
        return Response(status: .ok, headers: [.contentType: type, .cacheControl: "private, no-store",
                                               .contentDisposition: "attachment; filename=\"\(name)\""],
                        body: .init(byteBuffer: ByteBuffer(bytes: document.bytes)))
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let left = Array(a.utf8)
        let right = Array(b.utf8)
        var difference = UInt8(left.count == right.count ? 0 : 1)
        for index in 0..<min(left.count, right.count) { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}
