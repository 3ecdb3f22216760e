import Crypto
import Foundation
import StarCertArchive
import StarCertCore
import SwiftASN1
import X509

/// The issuer's signing identity: an ECDSA P-256 key (`issuer.key`, PKCS#8 PEM, mode 0600) and its
/// X.509 certificate chain (`issuer.crt`, PEM, the issuer's certificate first). The same key signs
/// the PDFs (PAdES) and the data behind each certificate's QR code.
public struct SigningIdentity: Sendable {
    public let privateKey: P256.Signing.PrivateKey
    /// The issuer's certificate, then the certificates of the CA that issued it, if any.
    public let chain: [Certificate]
    public var certificate: Certificate { chain[0] }

    public static let keyFile = "issuer.key"
    public static let certificateFile = "issuer.crt"
    /// How many years a self-signed certificate from `keys init` outlives the validity of the
    /// certificates it signs: a certificate issued in the key's first `marginYears` years ends
    /// before the key's certificate does (`issue` refuses any that would not).
    public static let marginYears = 2

    /// The critical extensions StarCert and its validators understand; a certificate with any other
    /// critical extension must be refused by a validator (RFC 5280, 4.2), so it is refused at import.
    static let understoodCriticalExtensions: Set<ASN1ObjectIdentifier> = [
        .X509ExtensionID.keyUsage, .X509ExtensionID.basicConstraints, .X509ExtensionID.nameConstraints,
        .X509ExtensionID.subjectAlternativeName,
    ]

    init(privateKey: P256.Signing.PrivateKey, chain: [Certificate]) {
        self.privateKey = privateKey
        self.chain = chain
    }

    /// Creates a new key and a self-signed certificate in the issuer's name in `folder`; never
    /// replaces a key or a certificate.
    @discardableResult
    public static func create(in folder: URL, for profile: IssuerProfile, now: Date = Date()) throws(KeyError) -> SigningIdentity {
        let keyFile = folder.appendingPathComponent(keyFile)
        let certificateFile = folder.appendingPathComponent(certificateFile)
        for file in [keyFile, certificateFile] where FileManager.default.fileExists(atPath: file.path) {
            throw KeyError(file: file.path, problem: "it already exists; StarCert never replaces a signing key (move it away first if you really mean to)")
        }
        let key = P256.Signing.PrivateKey()
        let certificate: Certificate
        do {
            let name = try DistinguishedName {
                CountryName("CN")
                OrganizationName(profile.name)
                CommonName(profile.name)
            }
            let publicKey = Certificate.PublicKey(key.publicKey)
            var serial = (0..<16).map { _ in UInt8.random(in: 0...255) }
            serial[0] &= 0x7F
            serial[0] |= 0x01
            let validFrom = now.addingTimeInterval(-3600)
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let years = profile.validityYears + marginYears
            let validUntil = calendar.date(byAdding: .year, value: years, to: validFrom) ?? validFrom.addingTimeInterval(Double(years) * 365 * 86_400)
            certificate = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(bytes: serial), publicKey: publicKey,
                notValidBefore: validFrom, notValidAfter: validUntil,
                issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(KeyUsage(digitalSignature: true, nonRepudiation: true))
                    Critical(BasicConstraints.notCertificateAuthority)
                    SubjectKeyIdentifier(hash: publicKey)
                },
                issuerPrivateKey: Certificate.PrivateKey(key))
        } catch {
            throw KeyError(file: certificateFile.path, problem: "the certificate could not be made: \(error)")
        }
        try save(key, chain: [certificate], keyFile: keyFile, certificateFile: certificateFile)
        return SigningIdentity(privateKey: key, chain: [certificate])
    }

    /// Takes a key and the certificate chain a CA issued for it (PEM files) into `folder`, after
    /// the same checks `load` makes.
    @discardableResult
    public static func importing(key keyPath: String, chain chainPath: String, into folder: URL, now: Date = Date()) throws(KeyError) -> SigningIdentity {
        let key = try readKey(keyPath)
        let chain = try SignerCertificates.readChain(chainPath)
        try check(key, chain, keyPath: keyPath, chainPath: chainPath, now: now)
        let keyFile = folder.appendingPathComponent(keyFile)
        let certificateFile = folder.appendingPathComponent(certificateFile)
        for file in [keyFile, certificateFile] where FileManager.default.fileExists(atPath: file.path) {
            throw KeyError(file: file.path, problem: "it already exists; StarCert never replaces a signing key (move it away first if you really mean to)")
        }
        try save(key, chain: chain, keyFile: keyFile, certificateFile: certificateFile)
        return SigningIdentity(privateKey: key, chain: chain)
    }

    /// The identity in `folder`, refused when the key can be read by others (as ssh refuses), does
    /// not match the certificate, or the certificate is expired, not yet valid, or not for signing.
    public static func load(from folder: URL, now: Date = Date()) throws(KeyError) -> SigningIdentity {
        let keyPath = folder.appendingPathComponent(keyFile).path
        let chainPath = folder.appendingPathComponent(certificateFile).path
        var status = stat()
        guard stat(keyPath, &status) == 0 else {
            throw KeyError(file: keyPath, problem: "there is no signing key here; create one with `starcert keys init` or import one with `starcert keys import`")
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw KeyError(file: keyPath, problem: "it is not a regular file; expected the private key `starcert keys init` wrote")
        }
        if status.st_mode & 0o077 != 0 {
            throw KeyError(file: keyPath, problem: "the private key can be read by others (mode \(String(status.st_mode & 0o777, radix: 8))); expected mode 600 — run `chmod 600 \(keyPath)`")
        }
        let key = try readKey(keyPath)
        let chain = try SignerCertificates.readChain(chainPath)
        try check(key, chain, keyPath: keyPath, chainPath: chainPath, now: now)
        return SigningIdentity(privateKey: key, chain: chain)
    }

    static func check(_ key: P256.Signing.PrivateKey, _ chain: [Certificate], keyPath: String, chainPath: String, now: Date) throws(KeyError) {
        let leaf = chain[0]
        guard P256.Signing.PublicKey(leaf.publicKey)?.rawRepresentation == key.publicKey.rawRepresentation else {
            throw KeyError(file: keyPath, problem: "the private key does not match the certificate \(chainPath); expected the key the certificate was issued for")
        }
        if leaf.notValidAfter < now { throw KeyError(file: chainPath, problem: "the certificate expired on \(SignerCertificates.day(leaf.notValidAfter)); expected a valid certificate (renew it, or import a new one)") }
        if leaf.notValidBefore > now { throw KeyError(file: chainPath, problem: "the certificate is valid only from \(SignerCertificates.day(leaf.notValidBefore))") }
        if let problem = SignerCertificates.usageProblem(leaf) { throw KeyError(file: chainPath, problem: problem) }
        for certificate in chain {
            for unknown in certificate.extensions where unknown.critical && !understoodCriticalExtensions.contains(unknown.oid) {
                throw KeyError(file: chainPath, problem: "the certificate \(certificate.subject) has a critical extension StarCert does not understand (\(unknown.oid)); a validator must refuse it, so StarCert does not sign with it")
            }
        }
        for (certificate, issuer) in zip(chain, chain.dropFirst()) {
            guard certificate.issuer == issuer.subject,
                  issuer.publicKey.isValidSignature(certificate.signature, for: certificate) else {
                throw KeyError(file: chainPath, problem: "the chain is broken: \(certificate.subject) is not issued by the next certificate \(issuer.subject); expected the issuer's certificate first, then its CA's")
            }
            if issuer.notValidAfter < now { throw KeyError(file: chainPath, problem: "the CA certificate \(issuer.subject) expired on \(SignerCertificates.day(issuer.notValidAfter))") }
        }
    }

    /// The ECDSA P-256 private key in the PEM file at `path`.
    public static func readKey(_ path: String) throws(KeyError) -> P256.Signing.PrivateKey {
        let text: String
        switch InputFile.read(path, limit: InputFile.Limit.key) {
        case let .success(bytes): text = String(decoding: bytes, as: UTF8.self)
        case let .failure(problem): throw KeyError(file: path, problem: "the key cannot be used: \(problem)")
        }
        if !text.contains("-----BEGIN"), Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines))?.count == 32 {
            throw KeyError(file: path, problem: "this is an Ed25519 key from an earlier StarCert; PDF signatures need an ECDSA P-256 key and a certificate — run `starcert keys init` in a new folder")
        }
        do {
            return try P256.Signing.PrivateKey(pemRepresentation: text)
        } catch {
            throw KeyError(file: path, problem: "it is not an ECDSA P-256 private key in PEM (PKCS#8 or SEC 1)")
        }
    }

    static func save(_ key: P256.Signing.PrivateKey, chain: [Certificate], keyFile: URL, certificateFile: URL) throws(KeyError) {
        do {
            try FileManager.default.createDirectory(at: keyFile.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw KeyError(file: keyFile.deletingLastPathComponent().path, problem: "the folder cannot be created: \(error.localizedDescription)")
        }
        try writePrivateKey(key, to: keyFile)
        do {
            let pem = try chain.map { try $0.serializeAsPEM().pemString }.joined(separator: "\n") + "\n"
            try AtomicFile.write([(certificateFile.path, Array(pem.utf8))])
        } catch {
            unlink(keyFile.path)
            throw KeyError(file: certificateFile.path, problem: "it could not be written: \(error)")
        }
    }

    /// Writes `key` as PEM to a new file created with mode 0600 before any byte is written to it;
    /// an existing file is never replaced.
    static func writePrivateKey(_ key: P256.Signing.PrivateKey, to keyFile: URL) throws(KeyError) {
        let descriptor = open(keyFile.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw KeyError(file: keyFile.path, problem: "it cannot be created: \(String(cString: strerror(errno)))") }
        let encoded = Array((key.pemRepresentation + "\n").utf8)
        let written = encoded.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written == encoded.count, synced else {
            unlink(keyFile.path)
            throw KeyError(file: keyFile.path, problem: "it could not be written whole")
        }
    }

    /// The ECDSA P-256 signature (SHA-256) of `text` as raw r‖s in base64url without padding
    /// (86 characters): short enough for the QR code.
    public func sign(_ text: String) throws -> String {
        Base64URL.encode(try privateKey.signature(for: Data(text.utf8)).rawRepresentation)
    }

    /// The day the identity's certificates stop being valid: the earliest end in its chain.
    public var validUntil: Date { chain.map(\.notValidAfter).min() ?? certificate.notValidAfter }

    /// How the signer is recorded with each archived certificate: `x509:` and the certificate's DER in base64.
    public var publicRecord: String {
        var serializer = DER.Serializer()
        try? serializer.serialize(certificate)
        return "x509:" + Data(serializer.serializedBytes).base64EncodedString()
    }
}

