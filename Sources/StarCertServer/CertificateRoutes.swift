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
            guard let certificate = try await archive.publicCertificate(number, today: today, zone: profile.zone) else { return nil }
            var values = certificateValues(certificate, language: language(request))
            let claimed = parameters.get("sig").map { String($0) }
            if claimed != nil || pathNumber == nil {
                // A QR code: exactly the number and the signature issued with it (and the page's
                // language), nothing else.
                let names = parameters.map { String($0.key) }
                let exact = names.filter { $0 == "n" }.count == 1 && names.filter { $0 == "sig" }.count == 1
                    && names.filter { $0 == "lang" }.count <= 1 && names.allSatisfy { ["n", "sig", "lang"].contains($0) }
                let matches = claimed.map { Self.constantTimeEqual($0, certificate.signature) } ?? false
                let authentic = matches && exact && certificate.archivedDataIntact
                values["qrAuthentic"] = authentic
                values["tampered"] = !authentic
            }
            if !certificate.archivedDataIntact { values["archiveDamaged"] = true }
            return try page("certificate", values, request: request)
        }
        guard let body else { return try unknownNumberPage(number, request: request) }
        return validated(stampingCheckTime(body), request: request, contentType: "text/html; charset=utf-8")
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
        let english = language == .en
        let listing = certificate.listing
        let standard = catalog.standard(listing.standard)
        let (levelName, starsText, maximumStars) = starLevel(listing, labels: labels)
        // Each text in its language: Chinese on the English page and English on the Chinese one are marked.
        func field(_ label: String, _ value: String, chinese: Bool? = nil) -> [String: Any] {
            var entry: [String: Any] = ["label": labels[label], "value": value]
            if chinese == true, english { entry["textLang"] = "zh-CN" }
            if chinese == false, !english { entry["textLang"] = "en" }
            return entry
        }
        var fields = [field("field_number", listing.number), field("field_organization", listing.organization, chinese: true)]
        if let english = certificate.printed?.organizationEnglish { fields.append(field("field_name_en", english, chinese: false)) }
        fields.append(field("field_credit_code", listing.creditCode))
        if let printed = certificate.printed { fields.append(field("field_address", printed.address, chinese: true)) }
        let standardTitle = standard.map { english ? ($0.titleEnglish ?? $0.title) : $0.title } ?? ""
        fields += [
            field("field_scope", certificate.scope, chinese: true),
            field("field_standard", listing.standard + " " + standardTitle, chinese: english && standard?.titleEnglish == nil ? true : nil),
        ]
        var stars = field("field_stars", levelName)
        stars["stars"] = String(repeating: "★", count: listing.starLevel)
        stars["emptyStars"] = String(repeating: "☆", count: max(0, maximumStars - listing.starLevel))
        stars["starsText"] = starsText
        fields += [
            stars, field("field_score", "\(listing.total) / \(standard?.maximum.description ?? "100.00")"),
            field("field_issued", listing.issued), field("field_expires", listing.expires),
        ]
        if let surveillance = certificate.lastSurveillance {
            fields.append(field("field_last_surveillance", labels.format("surveillance_entry", ["day": surveillance.decidedOn, "n": String(surveillance.sequence)])))
        }
        if let printed = certificate.printed {
            fields += [field("field_issuer", printed.issuer, chinese: true), field("field_issuer_en", printed.issuerEnglish, chinese: false),
                       field("field_approval", printed.approvalNumber)]
        } else {
            fields.append(field("field_issuer", certificate.issuer, chinese: true))
        }
        return [
            "number": listing.number, "fields": fields, "hasPrinted": certificate.printed != nil,
            "status": labels["status.\(listing.status.rawValue)"], "statusClass": listing.status.rawValue,
            "statement": labels.format("statement.\(listing.status.rawValue)", [
                "issued": listing.issued, "expires": listing.expires, "since": listing.statusSince, "successor": certificate.successor ?? "",
            ]),
            "history": events(certificate).map { ["at": $0.day, "category": labels["event." + $0.event.rawValue]] },
            "successor": certificate.successor ?? "", "hasSuccessor": certificate.successor != nil,
            "checkedAt": Self.checkedAtPlaceholder,
        ]
    }

    /// Where the time of the check goes in a cached page: as wide as `VerifyRoutes.minute` writes
    /// it, replaced in each response.
    static let checkedAtPlaceholder = "CHECKED-AT-0000-00-00T00:00Z"

    /// `body` with the time of this check in place of `checkedAtPlaceholder`.
    func stampingCheckTime(_ body: ByteBuffer) -> ByteBuffer {
        let placeholder = Array(Self.checkedAtPlaceholder.utf8)
        let now = Array(clock.minute.utf8)
        guard placeholder.count == now.count,
              let offset = body.withUnsafeReadableBytes({ $0.firstRange(of: placeholder)?.lowerBound }) else { return body }
        var stamped = body
        stamped.setBytes(now, at: body.readerIndex + offset)
        return stamped
    }

    /// A certificate's history as both the page and the API list it: each recorded change (the
    /// first dated as the certificate is), then the expiry once it has passed.
    func events(_ certificate: Archive.PublicCertificate) -> [(day: String, at: String, status: Archive.Status, event: Archive.StatusEvent)] {
        let listing = certificate.listing
        var events = certificate.history.enumerated().map { index, change in
            (day: index == 0 ? listing.issued : change.day(in: profile.zone), at: change.at, status: change.status,
             event: Archive.StatusEvent(change, index: index))
        }
        if listing.status == .expired, certificate.history.last?.status != .expired { events.append((listing.statusSince, listing.statusSince, .expired, .expired)) }
        return events
    }

    /// A listing's star level by its standard's name for it, and as a screen reader reads it
    /// ("四星级（4/5 星）", "Four stars (4 of 5 stars)"), with the standard's highest number of stars.
    func starLevel(_ listing: Archive.Listing, labels: Labels) -> (name: String, text: String, maximum: Int) {
        let standard = catalog.standard(listing.standard)
        let level = standard?.starLevels.first { $0.stars == listing.starLevel }
        let name = level.map { labels.isChinese ? $0.name : ($0.nameEnglish ?? $0.name) } ?? ""
        let maximum = standard?.starLevels.count ?? 5
        return (name, labels.format("stars_text", ["level": name, "stars": String(listing.starLevel), "max": String(maximum)]), maximum)
    }

    func certificateJSON(_ request: Request, number: String?) async throws -> Response {
        guard let number, Self.isPlausibleNumber(number) else { throw HTTPError(.notFound) }
        let today = today
        let body = try await cache.body("json " + number, stamp: archive.changeStamp(), day: today) { @Sendable () async throws -> ByteBuffer? in
            try await archive.publicCertificate(number, today: today, zone: profile.zone).map { ByteBuffer(string: json($0).serialized() + "\n") }
        }
        guard let body else { throw HTTPError(.notFound) }
        return validated(body, request: request)
    }

    static func json(_ listing: Archive.Listing) -> [(String, JSONValue)] {
        [
            ("number", .string(listing.number)), ("status", .string(listing.status.rawValue)), ("status_code", .string(listing.status.regulatorCode)),
            ("status_since", .string(listing.statusSince)),
            ("organization", .string(listing.organization)), ("credit_code", .string(listing.creditCode)), ("standard", .string(listing.standard)),
            ("star_level", .integer(listing.starLevel)), ("score", .string(listing.total)), ("issued", .string(listing.issued)),
            ("expires", .string(listing.expires)),
        ]
    }

    func json(_ certificate: Archive.PublicCertificate) -> JSONValue {
        .object(Self.json(certificate.listing) + [
            ("scope", .string(certificate.scope)), ("issuer", .string(certificate.issuer)),
            ("printed", certificate.printed.map { printed in
                .object([
                    ("organization_en", printed.organizationEnglish.map(JSONValue.string) ?? .null), ("address", .string(printed.address)),
                    ("issuer", .string(printed.issuer)), ("issuer_en", .string(printed.issuerEnglish)), ("approval_number", .string(printed.approvalNumber)),
                ])
            } ?? .null),
            ("superseded_by", certificate.successor.map(JSONValue.string) ?? .null),
            ("last_surveillance", certificate.lastSurveillance.map { step in
                .object([("sequence", .integer(step.sequence)), ("decided_on", .string(step.decidedOn))])
            } ?? .null),
            ("history", .array(events(certificate).map { event in
                .object([("at", .string(event.at)), ("status", .string(event.status.rawValue)), ("event", .string(event.event.rawValue))])
            })),
        ])
    }
}
