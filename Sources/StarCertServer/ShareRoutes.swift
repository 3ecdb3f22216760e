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
        return try html("share", [
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
}
