import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import StarCertArchive
import StarCertCore
import StarCertTemplates

/// Shared links: private pages that hand an evaluation's documents to a client.
extension Site {
    func sharePage(_ request: Request, token: String?) async throws -> Response {
        guard let token, let share = try await archive.openShare(token: token),
              let (evaluation, documents) = try await archive.sharedDocuments(of: share.evaluationID)
        else { throw HTTPError(.notFound) }
        let labels = pages.labels(language(request))
        let english = language(request) == .en
        var values: [String: Any] = [
            "organization": evaluation.organization, "standard": evaluation.standard, "auditEnd": evaluation.auditEnd,
            "expires": String(share.expiresAt.prefix(10)),
        ]
        var withheld: Set<String> = []
        if let number = evaluation.certificateNumber,
           let certificate = try await archive.publicCertificate(number, today: today, zone: profile.zone) {
            let listing = certificate.listing
            values["hasCertificate"] = true
            values["certificate"] = number
            values["link"] = "/c/" + URLText.percentEncoded(number) + (english ? "?lang=en" : "")
            values["status"] = labels["status.\(listing.status.rawValue)"]
            values["statusClass"] = listing.status.rawValue
            values["statement"] = labels.format("statement.\(listing.status.rawValue)", [
                "issued": listing.issued, "expires": listing.expires, "since": listing.statusSince, "successor": certificate.successor ?? "",
            ])
            withheld = Self.withheldDocuments(listing.status)
            if !withheld.isEmpty { values["withheldNote"] = labels["share_withheld"] }
        }
        values["documents"] = documents.filter { !withheld.contains($0.name) }.map { document -> [String: Any] in
            ["name": document.name, "label": labels["document.\(document.name)"],
             "size": ByteCountFormatter.string(fromByteCount: Int64(document.bytes.count), countStyle: .file), "link": "/s/\(token)/\(document.name)"]
        }
        return try html("share", values, request: request)
    }

    /// The documents a link no longer hands out: the certificate files of a withdrawn or superseded
    /// certificate, which must not circulate as if they were valid (the report stays available).
    static func withheldDocuments(_ status: Archive.Status) -> Set<String> {
        status == .withdrawn || status == .superseded ? ["certificate.pdf", "certificate.html"] : []
    }

    /// A document, whole: `Range` is ignored (`Accept-Ranges: none`), so every answer is complete,
    /// and each GET that sends one is recorded with the client's address; HEAD is not recorded.
    func shareDownload(_ request: Request, _ context: SiteContext, token: String?, document name: String?) async throws -> Response {
        guard let token, let name, let share = try await archive.openShare(token: token),
              let (evaluation, documents) = try await archive.sharedDocuments(of: share.evaluationID),
              let document = documents.first(where: { $0.name == name }), let shareID = share.id
        else { throw HTTPError(.notFound) }
        if let number = evaluation.certificateNumber,
           let status = try await archive.publicCertificate(number, today: today, zone: profile.zone)?.listing.status,
           Self.withheldDocuments(status).contains(name) {
            throw HTTPError(.gone)
        }
        if request.method == .get {
            try await archive.recordDownload(share: shareID, document: name, client: clientAddress(request, context))
        }
        let type = name.hasSuffix(".pdf") ? "application/pdf" : "text/html; charset=utf-8"
        return Response(status: .ok, headers: [.contentType: type, .cacheControl: "private, no-store", .acceptRanges: "none",
                                               .contentDisposition: "attachment; filename=\"\(name)\""],
                        body: .init(byteBuffer: ByteBuffer(bytes: document.bytes)))
    }
}
