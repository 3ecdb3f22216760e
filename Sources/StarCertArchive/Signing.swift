import Crypto
import Foundation
import StarCertCore

/// A signing key or public key that cannot be used, with its file.
public struct KeyError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let problem: String
    public var description: String { file.isEmpty ? problem : "\(file): \(problem)" }
}

/// The issuer's Ed25519 key pair: `issuer.key` (private, mode 0600) and `issuer.pub`, both base64.
public struct SigningKeys: Sendable {
    public let privateKey: Curve25519.Signing.PrivateKey

    public var publicKeyBase64: String { privateKey.publicKey.rawRepresentation.base64EncodedString() }

    /// Creates a new key pair in `folder`; refuses to replace an existing key.
    @discardableResult
    public static func create(in folder: URL) throws -> SigningKeys {
        let privateFile = folder.appendingPathComponent("issuer.key")
        let publicFile = folder.appendingPathComponent("issuer.pub")
        for file in [privateFile, publicFile] where FileManager.default.fileExists(atPath: file.path) {
            throw KeyError(file: file.path, problem: "it already exists; StarCert never replaces a signing key (move it away first if you really mean to)")
        }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let key = Curve25519.Signing.PrivateKey()
        // Create the private key file with mode 0600 before any byte is written to it.
        let descriptor = open(privateFile.path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw KeyError(file: privateFile.path, problem: "it cannot be created: \(String(cString: strerror(errno)))") }
        let encoded = Array((key.rawRepresentation.base64EncodedString() + "\n").utf8)
        let written = encoded.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        guard written == encoded.count else {
            unlink(privateFile.path)
            throw KeyError(file: privateFile.path, problem: "it could not be written whole")
        }
        try Data((key.publicKey.rawRepresentation.base64EncodedString() + "\n").utf8).write(to: publicFile, options: .withoutOverwriting)
        return SigningKeys(privateKey: key)
    }

    /// The key pair in `folder`, refused when the private key is readable by others (as ssh
    /// refuses) or does not match the published `issuer.pub`.
    public static func load(from folder: URL) throws(KeyError) -> SigningKeys {
        let file = folder.appendingPathComponent("issuer.key")
        let publicFile = folder.appendingPathComponent("issuer.pub")
        var status = stat()
        guard stat(file.path, &status) == 0 else {
            throw KeyError(file: file.path, problem: "there is no signing key here; create one with `starcert keys init`")
        }
        if status.st_mode & 0o077 != 0 {
            throw KeyError(file: file.path, problem: "the private key can be read by others (mode \(String(status.st_mode & 0o777, radix: 8))); expected mode 600 — run `chmod 600 \(file.path)`")
        }
        let text: String
        switch InputFile.read(file.path, limit: InputFile.Limit.key) {
        case let .success(bytes): text = String(decoding: bytes, as: UTF8.self)
        case let .failure(problem): throw KeyError(file: file.path, problem: "it cannot be used: \(problem)")
        }
        guard let raw = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)),
              let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        else { throw KeyError(file: file.path, problem: "it is not an Ed25519 private key written by StarCert") }
        let published: String
        switch InputFile.read(publicFile.path, limit: InputFile.Limit.key) {
        case let .success(bytes): published = String(decoding: bytes, as: UTF8.self)
        case let .failure(problem): throw KeyError(file: publicFile.path, problem: "the published public key cannot be read (\(problem)); expected it beside issuer.key")
        }
        guard let publicKey = try? Self.publicKey(base64: published), publicKey.rawRepresentation == key.publicKey.rawRepresentation else {
            throw KeyError(file: file.path, problem: "the private key does not match the published public key \(publicFile.path); expected the pair `starcert keys init` made")
        }
        return SigningKeys(privateKey: key)
    }

    /// The public key in `file` (an `issuer.pub`).
    public static func publicKey(file: String) throws(KeyError) -> Curve25519.Signing.PublicKey {
        switch InputFile.read(file, limit: InputFile.Limit.key) {
        case let .success(bytes):
            do { return try publicKey(base64: String(decoding: bytes, as: UTF8.self)) } catch { throw KeyError(file: file, problem: error.problem) }
        case let .failure(problem):
            throw KeyError(file: file, problem: "the public key cannot be read: \(problem)")
        }
    }

    public static func publicKey(base64: String) throws(KeyError) -> Curve25519.Signing.PublicKey {
        guard let raw = Data(base64Encoded: base64.trimmingCharacters(in: .whitespacesAndNewlines)),
              let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
        else { throw KeyError(file: "", problem: "not an Ed25519 public key") }
        return key
    }

    /// Ed25519 signature of `data`, base64url without padding (86 characters).
    public func sign(_ data: String) throws -> String {
        Base64URL.encode(try privateKey.signature(for: Data(data.utf8)))
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
        (["starcert-certificate-v1"] + zip(Self.fields, values).map { "\($0)=\(Self.escape($1))" }).joined(separator: "\n")
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
        let lines = text.components(separatedBy: "\n")
        guard lines.first == "starcert-certificate-v1", lines.count == Self.fields.count + 1 else { return nil }
        var values: [String] = []
        for (field, line) in zip(Self.fields, lines.dropFirst()) {
            guard line.hasPrefix(field + "=") else { return nil }
            values.append(Self.unescape(String(line.dropFirst(field.count + 1))))
        }
        guard let stars = Int(values[5]) else { return nil }
        self.init(number: values[0], organization: values[1], creditCode: values[2], scope: values[3], standard: values[4],
                  starLevel: stars, total: values[6], issued: values[7], expires: values[8], reportSHA256: values[9])
    }

    /// Field names whose values differ between two certificates.
    public func differences(from other: CanonicalCertificate) -> [String] {
        zip(Self.fields, zip(values, other.values)).filter { $0.1.0 != $0.1.1 }.map(\.0)
    }

    public func verify(signature: String, publicKey: Curve25519.Signing.PublicKey) -> Bool {
        guard let raw = Base64URL.decode(signature) else { return false }
        return publicKey.isValidSignature(raw, for: Data(text.utf8))
    }

    static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }

    static func unescape(_ value: String) -> String {
        var out = ""
        var escaping = false
        for character in value {
            if escaping { out.append(character == "n" ? "\n" : character); escaping = false } else if character == "\\" { escaping = true } else { out.append(character) }
        }
        return out
    }
}

enum Base64URL {
    static func encode(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}

func sha256Hex(_ bytes: some DataProtocol) -> String {
    SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
}
