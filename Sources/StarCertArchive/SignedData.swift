import Crypto
import Foundation
import StarCertCore
import SwiftASN1
import X509

/// A signing key or certificate that cannot be used, with its file.
public struct KeyError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let problem: String

    package init(file: String, problem: String) {
        self.file = file
        self.problem = problem
    }

    public var description: String { file.isEmpty ? problem : "\(file): \(problem)" }
}

/// Reading and judging the certificates of signers: shared by signing (the identity's own checks)
/// and verification.
package enum SignerCertificates {
    /// The key usages a signer's certificate must allow.
    package static func usageProblem(_ certificate: Certificate) -> String? {
        guard let usage = try? certificate.extensions.keyUsage else {
            return "the certificate has no key usage extension; expected digitalSignature and nonRepudiation"
        }
        guard usage.digitalSignature, usage.nonRepudiation else {
            return "the certificate's key usage does not allow signing documents; expected digitalSignature and nonRepudiation"
        }
        return nil
    }

    package static func day(_ date: Date) -> String {
        CalendarDate.today(inTimeZone: "UTC", now: date)?.description ?? "\(date)"
    }

    package static func readChain(_ path: String) throws(KeyError) -> [Certificate] {
        let text: String
        switch InputFile.read(path, limit: InputFile.Limit.key) {
        case let .success(bytes): text = String(decoding: bytes, as: UTF8.self)
        case let .failure(problem):
            throw KeyError(file: path, problem: "the certificate cannot be read: \(problem); expected the issuer's certificate (PEM) beside issuer.key")
        }
        do {
            let chain = try PEMDocument.parseMultiple(pemString: text).filter { $0.discriminator == "CERTIFICATE" }.map { try Certificate(pemDocument: $0) }
            guard !chain.isEmpty else { throw KeyError(file: path, problem: "it holds no certificate; expected PEM certificates, the issuer's first") }
            return chain
        } catch let error as KeyError {
            throw error
        } catch {
            throw KeyError(file: path, problem: "it is not a PEM certificate chain (\(error))")
        }
    }

}

/// The public half of a signer as recorded with an archived certificate: an X.509 certificate
/// (`x509:` + DER in base64), or the raw Ed25519 key earlier StarCert versions signed with.
public enum SignerRecord: Sendable {
    case certificate(Certificate)
    case ed25519(Curve25519.Signing.PublicKey)

    public init(_ record: String) throws(KeyError) {
        if record.hasPrefix("x509:") {
            guard let der = Data(base64Encoded: String(record.dropFirst(5))), let certificate = try? Certificate(derEncoded: Array(der)) else {
                throw KeyError(file: "", problem: "the recorded signer certificate cannot be read")
            }
            self = .certificate(certificate)
        } else {
            guard let raw = Data(base64Encoded: record.trimmingCharacters(in: .whitespacesAndNewlines)),
                  let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
            else { throw KeyError(file: "", problem: "the recorded signer key cannot be read") }
            self = .ed25519(key)
        }
    }

    /// Whether `signature` (base64url) is this signer's signature of `text`.
    public func isValid(signature: String, for text: String) -> Bool {
        guard let raw = Base64URL.decode(signature) else { return false }
        switch self {
        case let .certificate(certificate):
            guard let key = P256.Signing.PublicKey(certificate.publicKey),
                  let parsed = try? P256.Signing.ECDSASignature(rawRepresentation: raw) else { return false }
            return key.isValidSignature(parsed, for: Data(text.utf8))
        case let .ed25519(key):
            return key.isValidSignature(raw, for: Data(text.utf8))
        }
    }
}

/// What a certificate attests, in a fixed line format; this text is what is signed.
public struct CanonicalCertificate: Equatable, Sendable {
    public var number: String
    public var organization: String
    public var creditCode: String
    public var scope: String
    public var standard: String
    public var starLevel: Int
    public var total: String
    public var issued: String
    public var expires: String
    public var reportSHA256: String

    static let fields = ["number", "organization", "credit_code", "scope", "standard", "star_level", "total", "issued", "expires", "report_sha256"]

    var values: [String] {
        [number, organization, creditCode, scope, standard, String(starLevel), total, issued, expires, reportSHA256]
    }

    /// `starcert-certificate-v1` then one `field=value` line per field; values have line breaks escaped.
    public var text: String {
        SignedFieldText.text(format: "starcert-certificate-v1", zip(Self.fields, values).map { ($0, $1) })
    }

    public init(number: String, organization: String, creditCode: String, scope: String, standard: String, starLevel: Int,
                total: String, issued: String, expires: String, reportSHA256: String) {
        self.number = number
        self.organization = organization
        self.creditCode = creditCode
        self.scope = scope
        self.standard = standard
        self.starLevel = starLevel
        self.total = total
        self.issued = issued
        self.expires = expires
        self.reportSHA256 = reportSHA256
    }

    public init?(text: String) {
        guard let values = SignedFieldText.values(of: text, format: "starcert-certificate-v1", names: Self.fields),
              let stars = Int(values[5])
        else { return nil }
        self.init(number: values[0], organization: values[1], creditCode: values[2], scope: values[3], standard: values[4],
                  starLevel: stars, total: values[6], issued: values[7], expires: values[8], reportSHA256: values[9])
    }

    /// Field names whose values differ between two certificates.
    public func differences(from other: CanonicalCertificate) -> [String] {
        zip(Self.fields, zip(values, other.values)).filter { $0.1.0 != $0.1.1 }.map(\.0)
    }

    public func verify(signature: String, signer: SignerRecord) -> Bool {
        signer.isValid(signature: signature, for: text)
    }
}

package func sha256Hex(_ bytes: some DataProtocol) -> String {
    SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
}
