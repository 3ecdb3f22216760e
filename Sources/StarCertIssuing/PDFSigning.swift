import Crypto
import Foundation
import PDFObjects
import StarCertArchive
import StarCertCore
import SwiftASN1
@_spi(CMS) import X509

/// Signs PDFs as PAdES: an incremental update adds an invisible signature field whose CMS
/// signature (`adbe.pkcs7.detached`, ECDSA P-256 with SHA-256, signing time, the signer's
/// certificate chain embedded) covers every byte of the file but the signature itself.
public enum PDFSigning {
    /// The reserved room for the DER signature: a chain of a few certificates fits.
    static let capacity = 12 * 1024

    public static func sign(_ pdf: [UInt8], with identity: SigningIdentity, at time: Date = Date(), reason: String) throws -> [UInt8] {
        let name = identity.certificate.subject.lazy.flatMap { $0 }.first { $0.type == .RDNAttributeType.commonName }.flatMap { String($0.value) }
        var field = try PDFSignatureField(pdf, subFilter: "adbe.pkcs7.detached", signingTime: PDFText.date(iso: isoTime(time)),
                                          name: name, reason: reason, capacity: capacity)
        let signature = try CMS.sign(
            field.signedBytes, signatureAlgorithm: .ecdsaWithSHA256, additionalIntermediateCertificates: Array(identity.chain.dropFirst()),
            certificate: identity.certificate, privateKey: Certificate.PrivateKey(identity.privateKey), signingTime: time, detached: true)
        try field.fill(signature)
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
