import Crypto
import Foundation
import PDFObjects
import StarCertArchive
import StarCertCore
import SwiftASN1
import X509

/// Signs PDFs as PAdES baseline signatures (B-B): an incremental update adds an invisible signature
/// field whose CMS signature (`ETSI.CAdES.detached`, ECDSA P-256 with SHA-256, signing-certificate-v2,
/// the signer's chain embedded; see `CAdESSignature`) covers every byte of the file but the
/// signature itself. It is a certification signature permitting no change (DocMDP P 1), so a
/// standard reader reports anything added later. The signing time is the dictionary's `/M`.
public enum PDFSigning {
    /// The reserved room for the DER signature: a chain of a few certificates fits.
    static let capacity = 12 * 1024

    /// `pdf` signed by `identity`; with `timestamps`, the signature carries a signature timestamp
    /// (B-T), and no timestamp means no signature (the service's failure is thrown).
    public static func sign(_ pdf: [UInt8], with identity: SigningIdentity, at time: Date = Date(), timestamps: TimestampService? = nil,
                            reason: String) throws -> [UInt8] {
        let name = identity.certificate.subject.lazy.flatMap { $0 }.first { $0.type == .RDNAttributeType.commonName }.flatMap { String($0.value) }
        var field = try PDFSignatureField(pdf, subFilter: "ETSI.CAdES.detached", signingTime: PDFText.date(iso: isoTime(time)),
                                          name: name, reason: reason, certifying: true, capacity: capacity)
        try field.fill(try CAdESSignature.sign(field.signedBytes, identity: identity, timestamps: timestamps))
        return field.bytes
    }

    /// `2026-12-01T07:30:00Z`, to the second.
    static func isoTime(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
