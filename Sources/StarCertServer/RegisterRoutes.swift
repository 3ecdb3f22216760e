import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import StarCertArchive
import StarCertCore
import StarCertTemplates

/// Search, the public register and its CSV, and the search API.
extension Site {
    /// Whether a query holds only white space, as the OpenAPI document's `\S` pattern (ECMAScript's
    /// `\s`: tab, line ends, vertical tab, form feed, the byte-order mark and every space separator) counts it.
    static func isBlank(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { scalar in
            (0x09...0x0D).contains(scalar.value) || [0xFEFF, 0x2028, 0x2029].contains(scalar.value) || scalar.properties.generalCategory == .spaceSeparator
        }
    }

    /// The last page a listing may ask for.
    static let lastPage = 100_000

    func page(_ request: Request) -> Int {
        min(max(1, request.uri.queryParameters.get("page", as: Int.self) ?? 1), Self.lastPage)
    }

    func searchPage(_ request: Request) async throws -> Response {
        let text = String((request.uri.queryParameters.get("q") ?? "").prefix(200))
        let page = page(request)
        var values: [String: Any] = ["q": text]
        if !Self.isBlank(text) {
            let (listings, total) = try await archive.search(text, page: page, pageSize: Self.pageSize, today: today, zone: profile.zone)
            values.merge(listValues(listings, total: total, page: page, request: request, path: "/", extra: [("q", text)])) { $1 }
            values["searched"] = true
        }
        return try html("search", values, request: request)
    }

    func registerPage(_ request: Request) async throws -> Response {
        let page = page(request)
        let (listings, total) = try await archive.register(page: page, pageSize: Self.pageSize, today: today, zone: profile.zone)
        let body = try self.page("register", listValues(listings, total: total, page: page, request: request, path: "/register", extra: []), request: request)
        return validated(body, request: request, contentType: "text/html; charset=utf-8")
    }

    func listValues(_ listings: [Archive.Listing], total: Int, page: Int, request: Request, path: String, extra: [(String, String)]) -> [String: Any] {
        let labels = pages.labels(language(request))
        let lang: [(String, String)] = language(request) == .en ? [("lang", "en")] : []
        let pages = max(1, (total + Self.pageSize - 1) / Self.pageSize)
        return [
            "results": listings.map { listing -> [String: Any] in
                ["number": listing.number, "organization": listing.organization, "creditCode": listing.creditCode, "stars": String(repeating: "★", count: listing.starLevel),
                 "starsText": starLevel(listing, labels: labels).text,
                 "score": listing.total, "issued": listing.issued, "expires": listing.expires, "status": labels["status.\(listing.status.rawValue)"],
                 "statusClass": listing.status.rawValue, "link": "/c/" + URLText.percentEncoded(listing.number) + Pages.query(lang)]
            },
            "hasResults": !listings.isEmpty, "total": total, "page": page, "pages": pages,
            "previous": path + Pages.query(extra + lang + [("page", String(page - 1))]), "hasPrevious": page > 1,
            "next": path + Pages.query(extra + lang + [("page", String(page + 1))]), "hasNext": page < pages,
        ]
    }

    func registerCSV(_ request: Request) async throws -> Response {
        let listings = try await archive.registerAll(today: today, zone: profile.zone)
        let header = ["number", "status", "status_code", "organization", "credit_code", "standard", "star_level", "score", "issued", "expires"].joined(separator: ",")
        let rows = listings.map { listing in
            ([CSV.code(listing.number), CSV.field(listing.status.rawValue), CSV.code(listing.status.regulatorCode), CSV.field(listing.organization), CSV.code(listing.creditCode)]
                + [listing.standard, String(listing.starLevel), listing.total, listing.issued, listing.expires].map(CSV.field)).joined(separator: ",")
        }
        // A byte-order mark first, so that spreadsheet programs read the file as UTF-8 by default.
        let text = "\u{FEFF}" + ([header] + rows).joined(separator: "\r\n") + "\r\n"
        var response = validated(ByteBuffer(string: text), request: request, contentType: "text/csv; charset=utf-8")
        response.headers[.contentDisposition] = "attachment; filename=\"register.csv\""
        return response
    }

    func searchJSON(_ request: Request) async throws -> Response {
        let text = request.uri.queryParameters.get("q") ?? ""
        guard !Self.isBlank(text) else { throw HTTPError(.badRequest, message: "q is missing or blank; expected 1 to 200 characters") }
        guard text.unicodeScalars.count <= 200 else { throw HTTPError(.badRequest, message: "q has \(text.unicodeScalars.count) characters; expected at most 200") }
        var page = 1
        if let given = request.uri.queryParameters.get("page") {
            guard let number = Int(given), (1...Self.lastPage).contains(number) else {
                throw HTTPError(.badRequest, message: "page is `\(given)`; expected a whole number 1 to \(Self.lastPage)")
            }
            page = number
        }
        let (listings, total) = try await archive.search(text, page: page, pageSize: Self.pageSize, today: today, zone: profile.zone)
        let value = JSONValue.object([
            ("query", .string(text)), ("page", .integer(page)), ("page_size", .integer(Self.pageSize)), ("total", .integer(total)),
            ("certificates", .array(listings.map { .object(Self.json($0)) })),
        ])
        return validated(ByteBuffer(string: value.serialized() + "\n"), request: request)
    }
}
