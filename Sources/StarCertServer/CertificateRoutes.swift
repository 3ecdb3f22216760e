import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import StarCertArchive
import StarCertCore
import StarCertTemplates

/// The certificate pages behind the QR codes and their JSON records.
extension Site {
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
            return try page("certificate", values, request: request)
        }
        guard let body else { return try unknownNumberPage(number, request: request) }
        return validated(body, request: request, contentType: "text/html; charset=utf-8")
    }

    /// A number written as this body writes them that it never issued: the document showing it may
    /// be forged — said as such (404), with how to reach the body.
    func unknownNumberPage(_ number: String, request: Request) throws -> Response {
        let labels = pages.labels(language(request))
        let english = language(request) == .en
        return try html("unknown", [
            "statement": labels.format("unknown.statement", ["number": number]),
            "report": labels.format("unknown.report", [
                "issuer": english ? profile.nameEnglish : profile.name, "address": profile.address, "approval": profile.approvalNumber,
            ]),
        ], request: request, status: .notFound, cache: "no-cache")
    }

    func certificateValues(_ certificate: Archive.PublicCertificate, language: Pages.Language) -> [String: Any] {
        let labels = pages.labels(language)
        let listing = certificate.listing
        let standard = catalog.standard(listing.standard)
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
            "statusCategory": Self.category(certificate.history, status: listing.status, labels: labels),
            // The first entry is the issue, dated as the certificate is; later ones on the day they were made.
            "history": certificate.history.enumerated().map { index, change in
                ["at": index == 0 ? listing.issued : String(change.at.prefix(10)),
                 "category": labels["event." + Archive.StatusEvent(change, index: index).rawValue]]
            } + (listing.status == .expired ? [["at": listing.statusSince, "category": labels["event.expired"]]] : []),
            "successor": certificate.successor ?? "", "hasSuccessor": certificate.successor != nil,
        ]
    }

    /// The label of the event that began the current status.
    static func category(_ history: [StatusRow], status: Archive.Status, labels: Labels) -> String {
        if status == .expired { return labels["event.expired"] }
        guard let last = history.last else { return labels["event.issued"] }
        return labels["event." + Archive.StatusEvent(last, index: history.count - 1).rawValue]
    }

    func certificateJSON(_ request: Request, number: String?) async throws -> Response {
        guard let number, Self.isPlausibleNumber(number) else { throw HTTPError(.notFound) }
        let today = today
        let body = try await cache.body("json " + number, stamp: archive.changeStamp(), day: today) { @Sendable () async throws -> ByteBuffer? in
            try await archive.publicCertificate(number, today: today).map { ByteBuffer(string: Self.json($0).serialized() + "\n") }
        }
        guard let body else { throw HTTPError(.notFound) }
        return validated(body, request: request)
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
                .object([("at", .string(change.at)), ("status", .string(change.status.rawValue)),
                         ("event", .string(Archive.StatusEvent(change, index: index).rawValue))])
            })),
        ])
    }
}
