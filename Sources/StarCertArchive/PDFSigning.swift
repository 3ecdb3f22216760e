import Crypto
import Foundation
import StarCertCore
import SwiftASN1
import Typesetting
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

    /// What checking a PDF's signature found.
    public enum Outcome: Sendable {
        /// The signature is intact, made by `signer`, which chains to a trusted certificate.
        case valid(signer: Certificate, signingTime: String?)
        /// The file carries no signature.
        case unsigned
        /// A signature is there but does not hold: the reason says why.
        case invalid(String)
    }

    /// Checks the last signature of `pdf` against `trustRoots` (the issuer's certificate, or the
    /// root of its CA), at the current time; also whether bytes were added after it.
    public static func check(_ pdf: [UInt8], trustRoots: [Certificate]) async -> (outcome: Outcome, coversWholeFile: Bool, unsignedRevision: [UInt8]?) {
        let reading: PDFSignatureReading?
        do {
            reading = try PDFSignatureReading.last(in: pdf)
        } catch {
            return (.invalid("its signature is damaged: \(error)"), false, nil)
        }
        guard let reading else { return (.unsigned, false, nil) }
        guard reading.subFilter == "adbe.pkcs7.detached" || reading.subFilter == "ETSI.CAdES.detached" else {
            return (.invalid("its signature is of a kind StarCert does not make (\(reading.subFilter ?? "none"))"), reading.coversWholeFile, reading.unsignedRevision)
        }
        guard !trustRoots.isEmpty else {
            return (.invalid("no issuer certificate to check it against; pass --issuer-cert (the issuer's issuer.crt) or --trust (its CA's root)"),
                    reading.coversWholeFile, reading.unsignedRevision)
        }
        let result = await CMS.isValidSignature(dataBytes: reading.signedBytes, signatureBytes: reading.contents,
                                                trustRoots: CertificateStore(trustRoots)) {
            SignerPolicy()
        }
        switch result {
        case let .success(valid):
            return (.valid(signer: valid.signer, signingTime: reading.signingTime), reading.coversWholeFile, reading.unsignedRevision)
        case let .failure(.invalidCMSBlock(block)):
            return (.invalid(block.reason == "Message digest mismatch" || block.reason.contains("signature")
                             ? "the signed bytes were changed (\(block.reason))" : "its signature cannot be read (\(block.reason))"),
                    reading.coversWholeFile, reading.unsignedRevision)
        case let .failure(.unableToValidateSigner(failure)):
            let reasons = failure.policyFailures.map { "\($0.policyFailureReason)" }
            let reason = reasons.isEmpty ? "the signer's certificate does not lead to a trusted issuer certificate" : reasons.joined(separator: "; ")
            return (.invalid("the signer cannot be trusted: \(reason)"), reading.coversWholeFile, reading.unsignedRevision)
        case let .failure(other):
            return (.invalid("the signature does not hold (\(other))"), reading.coversWholeFile, reading.unsignedRevision)
        }
    }
}

/// What StarCert accepts of a signer: a certificate for signing documents (digitalSignature and
/// nonRepudiation), valid now; a chain through a CA as RFC 5280 has it, or the issuer's own
/// self-signed certificate trusted directly.
struct SignerPolicy: VerifierPolicy {
    let verifyingCriticalExtensions: [ASN1ObjectIdentifier] = [
        .X509ExtensionID.keyUsage, .X509ExtensionID.basicConstraints, .X509ExtensionID.nameConstraints,
        .X509ExtensionID.subjectAlternativeName,
    ]
    var rfc5280 = RFC5280Policy()

    mutating func chainMeetsPolicyRequirements(chain: UnverifiedCertificateChain) async -> PolicyEvaluationResult {
        if let problem = SigningIdentity.usageProblem(chain.leaf) { return .failsToMeetPolicy(reason: problem) }
        let now = Date()
        for certificate in chain {
            if certificate.notValidAfter < now {
                return .failsToMeetPolicy(reason: "the certificate \(certificate.subject) expired on \(SigningIdentity.day(certificate.notValidAfter))")
            }
            if certificate.notValidBefore > now {
                return .failsToMeetPolicy(reason: "the certificate \(certificate.subject) is valid only from \(SigningIdentity.day(certificate.notValidBefore))")
            }
        }
        if chain.count == 1 { return .meetsPolicy }
        return await rfc5280.chainMeetsPolicyRequirements(chain: chain)
    }
}
