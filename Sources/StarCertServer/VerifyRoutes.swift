import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import StarCertArchive
import StarCertCore
import StarCertTemplates

/// `/verify`: a stranger uploads a PDF and learns whether this body issued it.
extension Site {
    func verifyPage(_ request: Request, result: [String: Any]?, status: HTTPResponse.Status = .ok) throws -> Response {
        try html("verify", result ?? [:], request: request, status: status)
    }

    func verifyUpload(_ request: Request, _ context: SiteContext) async throws -> Response {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > Self.uploadLimit { throw HTTPError(.contentTooLarge) }
        return try await verifyGate.admitted(retryAfter: 5) {
            guard let file = try await uploadedFile(request) else {
                return try verifyPage(request, result: ["problem": pages.labels(language(request))["verify.no-file"]], status: .badRequest)
            }
            guard file.starts(with: Array("%PDF-".utf8)) else {
                return try verifyPage(request, result: ["problem": pages.labels(language(request))["verify.not-pdf"]], status: .badRequest)
            }
            return try await verifyPage(request, checking: file)
        }
    }

    /// The uploaded file: the whole body, or the file part of a form; nil for a form without one.
    /// Read into one buffer reserved at the limit up front (untouched pages cost no memory), and
    /// a form's file cut out of it in place: the upload is held in memory once.
    func uploadedFile(_ request: Request) async throws -> [UInt8]? {
        var bytes = try await request.body.bytes(upTo: Self.uploadLimit, within: uploadDeadline)
        let contentType = request.headers[.contentType] ?? ""
        guard contentType.lowercased().hasPrefix("multipart/form-data") else { return bytes }
        guard let range = Multipart.file(in: bytes, contentType: contentType) else { return nil }
        bytes.removeSubrange(range.upperBound...)
        bytes.removeSubrange(..<range.lowerBound)
        return bytes
    }

    func verifyPage(_ request: Request, checking file: [UInt8]) async throws -> Response {
        let labels = pages.labels(language(request))
        let result = try await Verification(archive: archive, trustRoots: [], timestampTrustRoots: timestampTrustRoots).verify(pdf: file, today: today)
        var values: [String: Any] = ["checked": true, "authentic": result.authentic]
        values["findings"] = result.findings.map { Self.words($0, labels) }
        if let judged = result.signatureJudgedAt { values["judgedAt"] = Self.words(judged, labels, timeZone: profile.zone) }
        if let time = result.untrustedTimestamp {
            values["untrustedTimestamp"] = labels.format("verify.timestamp-unused", ["time": Self.minute(time, timeZone: profile.zone)])
        }
        if let fields = result.signedFields {
            let archived = try await archive.publicCertificate(fields.number, today: today, zone: profile.zone)
            let rows: [(String, String, String?)] = [
                ("field.number", fields.number, archived?.listing.number), ("field.organization", fields.organization, archived?.listing.organization),
                ("field.credit-code", fields.creditCode, archived?.listing.creditCode), ("field.scope", fields.scope, archived?.scope),
                ("field.standard", fields.standard, archived?.listing.standard), ("field.stars", String(fields.starLevel), archived.map { String($0.listing.starLevel) }),
                ("field.score", fields.total, archived?.listing.total), ("field.issued", fields.issued, archived?.listing.issued),
                ("field.expires", fields.expires, archived?.listing.expires),
            ]
            values["fields"] = rows.map { ["label": labels[$0.0], "signed": $0.1, "archived": $0.2 ?? "—", "differs": $0.2 != nil && $0.2 != $0.1] }
            values["hasFields"] = true
            if let archived { values["link"] = "/c/" + URLText.percentEncoded(archived.listing.number) }
        }
        if let facts = result.reportFacts {
            let rows: [(String, String)] = [
                ("field.report-no", facts.reportNumber), ("field.organization", facts.organization), ("field.credit-code", facts.creditCode),
                ("field.standard", facts.standard), ("field.decision", labels["decision.\(facts.decision.rawValue)"]),
                ("field.stars", facts.starLevel == 0 ? "—" : String(facts.starLevel)), ("field.score", facts.total),
                ("field.audit-end", facts.auditEnd), ("field.number", facts.certificateNumber.isEmpty ? labels["verify.no-certificate"] : facts.certificateNumber),
            ]
            values["reportFacts"] = rows.map { ["label": labels[$0.0], "signed": $0.1] }
            values["hasReportFacts"] = true
        }
        // The status of a certificate, or of a report's certificate, whichever was checked.
        if let status = result.status {
            values["status"] = labels["status.\(status.rawValue)"]
            values["statusClass"] = status.rawValue
            if values["link"] == nil, let number = result.findings.lazy.compactMap({ finding -> String? in
                if case let .issuedDocument(_, _, _, _, certificate) = finding { return certificate }
                return nil
            }).first {
                values["link"] = "/c/" + URLText.percentEncoded(number)
            }
        }
        return try verifyPage(request, result: values)
    }

    /// When and by what the signer's certificate was judged, in the page's language.
    static func words(_ judged: (time: Date, source: Verification.SigningTimeSource), _ labels: Labels, timeZone: TimeZone) -> String {
        let time = minute(judged.time, timeZone: timeZone)
        switch judged.source {
        case let .timestamp(authority): return labels.format("verify.judged.timestamp", ["time": time, "authority": authority])
        case .archive: return labels.format("verify.judged.archive", ["time": time])
        case .claimedBySigner: return labels.format("verify.judged.claimed", ["time": time])
        case .now: return labels.format("verify.judged.now", ["time": time])
        }
    }

    /// `2026-06-10 14:03 (UTC+08:00)`: a moment as a visitor of this body reads it.
    static func minute(_ time: Date, timeZone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        let offset = timeZone.secondsFromGMT(for: time)
        let sign = offset < 0 ? "-" : "+"
        let hours = abs(offset) / 3600, minutes = abs(offset) % 3600 / 60
        return formatter.string(from: time) + " (UTC" + sign + String(format: "%02d:%02d", hours, minutes) + ")"
    }

    /// The label names of the signed fields (`CanonicalCertificate.fields`).
    static let fieldLabels = [
        "number": "field.number", "organization": "field.organization", "credit_code": "field.credit-code", "scope": "field.scope",
        "standard": "field.standard", "star_level": "field.stars", "total": "field.score", "issued": "field.issued",
        "expires": "field.expires", "report_sha256": "field.report-hash",
    ]

    /// The label names of a signed report's facts that are compared with the archive.
    static let reportFieldLabels = [
        "organization": "field.organization", "credit_code": "field.credit-code", "decision": "field.decision", "total": "field.score",
        "certificate": "field.number",
    ]

    /// A finding in the page's language: what a visitor can act on, never a program's internals.
    static func words(_ finding: Verification.Result.Finding, _ labels: Labels) -> String {
        switch finding {
        case let .signatureValid(signer, _): return labels["verify.signature-valid"] + " " + signer
        case .untouched: return labels["verify.untouched"]
        case .unsigned: return labels["verify.unsigned"]
        case let .signature(problem):
            switch problem {
            case .damaged: return labels["verify.signature-damaged"]
            case .unsupportedKind: return labels["verify.signature-kind"]
            case .noIssuerCertificate: return labels["verify.no-issuer-certificate"]
            case .contentChanged: return labels["verify.content-changed"]
            case .signatureMismatch: return labels["verify.signature-mismatch"]
            case .unreadable: return labels["verify.signature-unreadable"]
            case let .untrustedSigner(.expired(subject, day)): return labels.format("verify.signer-expired", ["day": day, "subject": subject])
            case let .untrustedSigner(.notYetValid(subject, day)): return labels.format("verify.signer-not-yet-valid", ["day": day, "subject": subject])
            case .untrustedSigner(.notForSigningDocuments): return labels["verify.signer-usage"]
            case .untrustedSigner(.notChainedToIssuer): return labels["verify.signer-untrusted"]
            }
        case .changedAfterSigning: return labels["verify.changed-after-signing"]
        case .certificateDataDamaged: return labels["verify.data-damaged"]
        case .certificateDataNotBySigner: return labels["verify.data-not-by-signer"]
        case let .notInArchive(number): return labels.format("verify.not-in-archive", ["number": number])
        case let .differsFromIssued(field): return labels.format("verify.differs", ["field": fieldLabels[field].map { labels[$0] } ?? field])
        case .fileDiffersFromIssued: return labels["verify.file-differs"]
        case .archivedDataAltered: return labels["verify.archive-altered"]
        case let .qrSignatureMismatch(number): return labels.format("verify.qr-mismatch", ["number": number])
        case .qrTextNotAsIssued: return labels["verify.qr-not-as-issued"]
        case let .issuedDocument(name, _, organization, decision, certificate):
            return labels.format("verify.issued-document", [
                "document": labels["document.\(name)"], "organization": organization, "decision": labels["decision.\(decision.rawValue)"],
                "certificate": certificate ?? labels["verify.no-certificate"],
            ])
        case .documentNotInArchive: return labels["verify.document-not-in-archive"]
        case .reportDataDamaged: return labels["verify.report-data-damaged"]
        case let .reportDiffersFromIssued(field): return labels.format("verify.report-differs", ["field": reportFieldLabels[field].map { labels[$0] } ?? field])
        }
    }
}
