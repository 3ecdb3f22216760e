import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import StarCertArchive
import StarCertCore
import StarCertTemplates

/// Search, the public register and its CSV, and the search API.
extension Site {
    func page(_ request: Request) -> Int {
        min(max(1, request.uri.queryParameters.get("page", as: Int.self) ?? 1), 100_000)
    }

    func searchPage(_ request: Request) async throws -> Response {
        let text = String((request.uri.queryParameters.get("q") ?? "").prefix(200))
        let page = page(request)
        var values: [String: Any] = ["q": text]
        if !text.trimmingCharacters(in: .whitespaces).isEmpty {
            let (listings, total) = try await archive.search(text, page: page, pageSize: Self.pageSize, today: today, zone: profile.zone)
            values.merge(listValues(listings, total: total, page: page, request: request, path: "/", extra: [("q", text)])) { $1 }
            values["searched"] = true
        }
        return try html("search", values, request: request)
    }

    func registerPage(_ request: Request) async throws -> Response {
        let page = page(request)
        let (listings, total) = try await archive.register(page: page, pageSize: Self.pageSize, today: today, zone: profile.zone)
        return try html("register", listValues(listings, total: total, page: page, request: request, path: "/register", extra: []), request: request,
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
                 "statusClass": listing.status.rawValue, "link": "/c/" + URLText.percentEncoded(listing.number) + Pages.query(lang)]
            },
            "hasResults": !listings.isEmpty, "total": total, "page": page, "pages": pages,
            "previous": path + Pages.query(extra + lang + [("page", String(page - 1))]), "hasPrevious": page > 1,
            "next": path + Pages.query(extra + lang + [("page", String(page + 1))]), "hasNext": page < pages,
        ]
    }

    func registerCSV() async throws -> Response {
        let listings = try await archive.registerAll(today: today, zone: profile.zone)
        let header = ["number", "status", "organization", "credit_code", "standard", "star_level", "score", "issued", "expires"].joined(separator: ",")
        let rows = listings.map { listing in
            ([CSV.code(listing.number)] + [listing.status.rawValue, listing.organization].map(CSV.field) + [CSV.code(listing.creditCode)]
                + [listing.standard, String(listing.starLevel), listing.total, listing.issued, listing.expires].map(CSV.field)).joined(separator: ",")
        }
        // A byte-order mark first, so that spreadsheet programs read the file as UTF-8 by default.
        let text = "\u{FEFF}" + ([header] + rows).joined(separator: "\r\n") + "\r\n"
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .cacheControl: "public, max-age=60",
                                               .contentDisposition: "attachment; filename=\"register.csv\""],
                        body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    func searchJSON(_ request: Request) async throws -> Response {
        let text = String((request.uri.queryParameters.get("q") ?? "").prefix(200))
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { throw HTTPError(.badRequest) }
        let page = page(request)
        let (listings, total) = try await archive.search(text, page: page, pageSize: Self.pageSize, today: today, zone: profile.zone)
        let value = JSONValue.object([
            ("query", .string(text)), ("page", .integer(page)), ("page_size", .integer(Self.pageSize)), ("total", .integer(total)),
            ("certificates", .array(listings.map { .object(Self.json($0)) })),
        ])
        return validated(ByteBuffer(string: value.serialized() + "\n"), request: request)
    }
}
