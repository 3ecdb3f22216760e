import Crypto
import Foundation
import PDFObjects
import SwiftASN1
@_spi(CMS) @_spi(FixedExpiryValidationTime) import X509

/// What checking the last signature of a PDF found, as facts a front end words in its language.
public struct PDFSignatureCheck: Sendable {
    public enum Outcome: Sendable {
        /// The signature is intact, made by `signer`, which chains to a trusted certificate.
        case valid(signer: Certificate, signingTime: String?)
        /// The file carries no signature.
        case unsigned
        /// A signature is there but does not hold.
        case invalid(SignatureProblem)
    }

    public let outcome: Outcome
    /// Whether the signature covers the whole file (nothing was appended after signing).
    public let coversWholeFile: Bool
    /// The parsed signature, when one could be read.
    public let reading: PDFSignatureReading?

    /// Checks the last signature of a PDF, as `PDFSignatureReading.last` read it, against
    /// `trustRoots` (the issuer's certificate, or the root of its CA), with the signer's
    /// certificates judged at `time` (the time of signing).
    public static func check(_ read: Result<PDFSignatureReading?, PDFFileError>, trustRoots: [Certificate], at time: Date) async -> PDFSignatureCheck {
        let reading: PDFSignatureReading?
        switch read {
        case let .success(found): reading = found
        case let .failure(error): return PDFSignatureCheck(outcome: .invalid(.damaged(error)), coversWholeFile: false, reading: nil)
        }
        guard let reading else { return PDFSignatureCheck(outcome: .unsigned, coversWholeFile: false, reading: nil) }
        func result(_ outcome: Outcome) -> PDFSignatureCheck {
            PDFSignatureCheck(outcome: outcome, coversWholeFile: reading.coversWholeFile, reading: reading)
        }
        guard reading.subFilter == "adbe.pkcs7.detached" || reading.subFilter == "ETSI.CAdES.detached" else {
            return result(.invalid(.unsupportedKind(reading.subFilter)))
        }
        guard !trustRoots.isEmpty else { return result(.invalid(.noIssuerCertificate)) }
        // The digest the signer signed, compared with the bytes as they are now: a mismatch means the
        // content changed, whatever else the CMS validation finds.
        let signedDigest = Self.messageDigest(in: reading.contents)
        let signedBytes = reading.signedBytes
        if let signedDigest, signedDigest != Array(SHA256.hash(data: signedBytes)) {
            return result(.invalid(.contentChanged))
        }
        let found = SignerPolicy.Findings()
        let validation = await CMS.isValidSignature(dataBytes: signedBytes, signatureBytes: reading.contents,
                                                    trustRoots: CertificateStore(trustRoots)) {
            SignerPolicy(findings: found, at: time)
        }
        switch validation {
        case let .success(valid):
            return result(.valid(signer: valid.signer, signingTime: reading.signingTime))
        case .failure(.invalidCMSBlock):
            return result(.invalid(signedDigest == nil ? .unreadable : .signatureMismatch))
        case .failure(.unableToValidateSigner):
            return result(.invalid(.untrustedSigner(found.first ?? .notChainedToIssuer)))
        case .failure:
            return result(.invalid(.unreadable))
        }
    }

    static let messageDigestOID: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 4]
    static let signatureTimeStampTokenOID: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 16, 2, 14]

    /// A signature timestamp (PAdES B-T) as found in a CMS signature.
    public struct Timestamp: Sendable {
        /// When the timestamp service saw the signature.
        public let time: Date
        /// The service's certificate subject, when its token holds and chains to a trusted root.
        public let authority: String?
        /// Whether the token covers this signature and its own signature chains to `trustRoots`.
        public var trusted: Bool { authority != nil }
    }

    /// The signature timestamp of `signature` (CMS, DER), checked against `trustRoots`: it must cover
    /// this signature's value and be signed by a timestamp service that chains to a trusted root.
    public static func timestamp(in signature: [UInt8], trustRoots: [Certificate]) async -> Timestamp? {
        guard let root = try? DER.parse(signature), let signedData = TimestampToken.child(root, 1).flatMap({ TimestampToken.child($0, 0) }),
              let signerInfo = TimestampToken.children(signedData).last.flatMap({ TimestampToken.children($0).first })
        else { return nil }
        let fields = TimestampToken.children(signerInfo)
        guard let value = fields.first(where: { $0.identifier == .octetString }).flatMap({ try? ASN1OctetString(derEncoded: $0) }),
              let unsigned = fields.last, unsigned.identifier == ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific)
        else { return nil }
        for attribute in TimestampToken.children(unsigned) {
            let parts = TimestampToken.children(attribute)
            guard parts.count == 2, let oid = try? ASN1ObjectIdentifier(derEncoded: parts[0]), oid == signatureTimeStampTokenOID,
                  let tokenNode = TimestampToken.children(parts[1]).first
            else { continue }
            let token = Array(tokenNode.encodedBytes)
            guard let info = TimestampToken(token) else { return nil }
            guard info.digest == Array(SHA256.hash(data: value.bytes)), !trustRoots.isEmpty else { return Timestamp(time: info.time, authority: nil) }
            return Timestamp(time: info.time, authority: await TimestampToken.authority(of: token, at: info.time, trustRoots: trustRoots))
        }
        return nil
    }

    /// The SHA-256 message digest among the signed attributes of a CMS signature (DER), found by
    /// walking its ASN.1 tree for the attribute `messageDigest` (RFC 5652, 11.2).
    static func messageDigest(in signature: [UInt8]) -> [UInt8]? {
        guard let root = try? DER.parse(signature) else { return nil }
        var found: [UInt8]?
        func visit(_ node: ASN1Node, depth: Int) {
            guard found == nil, depth < 32, case let .constructed(children) = node.content else { return }
            let list = Array(children)
            if node.identifier == .sequence, list.count == 2, list[0].identifier == .objectIdentifier,
               let oid = try? ASN1ObjectIdentifier(derEncoded: list[0]), oid == Self.messageDigestOID,
               case let .constructed(values) = list[1].content, let value = Array(values).first,
               let octets = try? ASN1OctetString(derEncoded: value) {
                found = Array(octets.bytes)
                return
            }
            for child in list { visit(child, depth: depth + 1) }
        }
        visit(root, depth: 0)
        return found
    }
}

/// Why a PDF's signature does not hold.
public enum SignatureProblem: Error, Sendable, Equatable {
    /// The signature's structure in the PDF cannot be read.
    case damaged(PDFFileError)
    /// A kind of signature StarCert does not make (its `/SubFilter`).
    case unsupportedKind(String?)
    /// No issuer certificate to check it against was given or archived.
    case noIssuerCertificate
    /// The signed bytes were changed after signing (their digest differs from the signed one).
    case contentChanged
    /// The signature value does not match the signed attributes and the signer's key.
    case signatureMismatch
    /// The signature cannot be read as CMS.
    case unreadable
    /// The signer's certificate cannot be trusted.
    case untrustedSigner(SignerProblem)
}

/// Why a signer's certificate is not trusted.
public enum SignerProblem: Sendable, Equatable {
    case expired(subject: String, on: String)
    case notYetValid(subject: String, from: String)
    case notForSigningDocuments
    case notChainedToIssuer
}

/// What StarCert accepts of a signer: a certificate for signing documents (digitalSignature and
/// nonRepudiation), valid at the time of signing (a signature made while the certificate was valid
/// stays valid after it expires); a chain through a CA as RFC 5280 has it, or the issuer's own
/// self-signed certificate trusted directly.
struct SignerPolicy: VerifierPolicy {
    let verifyingCriticalExtensions: [ASN1ObjectIdentifier] = [
        .X509ExtensionID.keyUsage, .X509ExtensionID.basicConstraints, .X509ExtensionID.nameConstraints,
        .X509ExtensionID.subjectAlternativeName,
    ]
    var rfc5280: RFC5280Policy
    let time: Date

    /// The problems the policy found, in order (the verifier reports only text).
    final class Findings: @unchecked Sendable {
        private let lock = NSLock()
        private var problems: [SignerProblem] = []

        func add(_ problem: SignerProblem) {
            lock.lock()
            problems.append(problem)
            lock.unlock()
        }

        var first: SignerProblem? {
            lock.lock()
            defer { lock.unlock() }
            return problems.first
        }
    }

    let findings: Findings

    init(findings: Findings = Findings(), at time: Date) {
        self.findings = findings
        self.time = time
        rfc5280 = RFC5280Policy(fixedExpiryValidationTime: time)
    }

    private func fails(_ problem: SignerProblem) -> PolicyEvaluationResult {
        findings.add(problem)
        return .failsToMeetPolicy(reason: "\(problem)")
    }

    mutating func chainMeetsPolicyRequirements(chain: UnverifiedCertificateChain) async -> PolicyEvaluationResult {
        if SignerCertificates.usageProblem(chain.leaf) != nil { return fails(.notForSigningDocuments) }
        for certificate in chain {
            if certificate.notValidAfter < time {
                return fails(.expired(subject: "\(certificate.subject)", on: SignerCertificates.day(certificate.notValidAfter)))
            }
            if certificate.notValidBefore > time {
                return fails(.notYetValid(subject: "\(certificate.subject)", from: SignerCertificates.day(certificate.notValidBefore)))
            }
        }
        if chain.count == 1 { return .meetsPolicy }
        let verdict = await rfc5280.chainMeetsPolicyRequirements(chain: chain)
        if case .failsToMeetPolicy = verdict { findings.add(.notChainedToIssuer) }
        return verdict
    }
}

/// What StarCert accepts of a timestamp service: a chain valid (RFC 5280) at the time it states.
struct TimestampPolicy: VerifierPolicy {
    let verifyingCriticalExtensions: [ASN1ObjectIdentifier] = [
        .X509ExtensionID.keyUsage, .X509ExtensionID.basicConstraints, .X509ExtensionID.extendedKeyUsage,
    ]
    var rfc5280: RFC5280Policy

    init(at time: Date) {
        rfc5280 = RFC5280Policy(fixedExpiryValidationTime: time)
    }

    mutating func chainMeetsPolicyRequirements(chain: UnverifiedCertificateChain) async -> PolicyEvaluationResult {
        await rfc5280.chainMeetsPolicyRequirements(chain: chain)
    }
}
