import Crypto
import Foundation
import StarCertCore

/// Checks a certificate — a PDF, the text of its QR code, or its number — against the issuer's
/// public key and, when given, the archive.
public struct Verification {
    public let archive: Archive?
    /// The issuer's public key; without one, the key stored with the archived certificate is used.
    public let publicKey: Curve25519.Signing.PublicKey?

    public init(archive: Archive?, publicKey: Curve25519.Signing.PublicKey?) {
        self.archive = archive
        self.publicKey = publicKey
    }

    public struct Result {
        public var authentic: Bool
        public var number: String?
        public var status: Archive.Status?
        public var statusReason: String?
        /// The certificate that superseded this one.
        public var successor: String?
        /// What was found, one line each: differences, failed checks, or confirmations.
        public var findings: [String]

        mutating func reject(_ finding: String) {
            authentic = false
            findings.append(finding)
        }

        mutating func takeStatus(of record: Archive.CertificateRecord, on today: String) {
            let current = record.status(on: today)
            status = current.status
            statusReason = current.reason
            successor = record.successor
        }
    }

    public func verify(_ input: String, today: String) throws -> Result {
        if FileManager.default.fileExists(atPath: input) {
            switch InputFile.read(input, limit: InputFile.Limit.document) {
            case let .success(bytes): return try verifyPDF(bytes, name: input, today: today)
            case let .failure(problem): throw ArchiveError.refused("cannot read \(input): \(problem)")
            }
        }
        if let components = URLComponents(string: input), let items = components.queryItems,
           let number = items.first(where: { $0.name == "n" })?.value, let signature = items.first(where: { $0.name == "sig" })?.value {
            return try verifyArchived(number: number, claimedSignature: signature, today: today)
        }
        return try verifyArchived(number: input.trimmingCharacters(in: .whitespaces), claimedSignature: nil, today: today)
    }

    private func key(for record: Archive.CertificateRecord?) throws -> Curve25519.Signing.PublicKey {
        if let publicKey { return publicKey }
        if let record { return try SigningKeys.publicKey(base64: record.publicKey) }
        throw ArchiveError.refused("no public key: pass --public-key FILE (the issuer's issuer.pub) or --archive")
    }

    private func verifyArchived(number: String, claimedSignature: String?, today: String) throws -> Result {
        guard let archive else { throw ArchiveError.refused("checking a number or a QR code needs the archive (--archive)") }
        let record = try archive.certificate(number)
        var result = Result(authentic: true, number: number, findings: [])
        if !record.canonical.verify(signature: record.signature, publicKey: try key(for: record)) {
            result.reject("the archived data does not match its signature")
        }
        if let claimedSignature, claimedSignature != record.signature {
            result.reject("the QR code's signature is not the one issued with certificate \(number)")
        }
        result.takeStatus(of: record, on: today)
        return result
    }

    private func verifyPDF(_ bytes: [UInt8], name: String, today: String) throws -> Result {
        guard let payload = Self.signedPayload(in: bytes) else {
            return Result(authentic: false, findings: ["\(name) carries no StarCert signature (a specimen, or not a StarCert certificate)"])
        }
        let parts = payload.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2, let data = Base64URL.decode(parts[0]), let text = String(data: data, encoding: .utf8),
              let canonical = CanonicalCertificate(text: text)
        else { return Result(authentic: false, findings: ["the signed data in \(name) is damaged"]) }
        let record = try? archive?.certificate(canonical.number)
        var result = Result(authentic: true, number: canonical.number, findings: [])
        if !canonical.verify(signature: parts[1], publicKey: try key(for: record)) {
            result.reject("the certificate's data does not match the issuer's signature")
        }
        if let archive {
            guard let record else {
                result.reject("certificate \(canonical.number) is not in the archive \(archive.path)")
                return result
            }
            for field in canonical.differences(from: record.canonical) {
                result.reject("\(field) differs from the issued certificate")
            }
            let hash = sha256Hex(bytes)
            if let issued = record.certificatePDFHash, issued != hash {
                result.reject("the PDF file differs from the one issued (SHA-256 \(hash) instead of \(issued))")
            }
            result.takeStatus(of: record, on: today)
        }
        return result
    }

    /// The `starcert-signed:` token of the PDF's Keywords entry.
    static func signedPayload(in pdf: [UInt8]) -> String? {
        let marker = Array("/Keywords".utf8)
        guard let start = pdf.firstRange(of: marker)?.upperBound else { return nil }
        var index = start
        while index < pdf.count, pdf[index] == 0x20 || pdf[index] == 0x0A || pdf[index] == 0x0D { index += 1 }
        guard index < pdf.count else { return nil }
        var keywords: String?
        if pdf[index] == UInt8(ascii: "<"), let end = pdf[index...].firstIndex(of: UInt8(ascii: ">")) {
            let hex = String(decoding: pdf[(index + 1)..<end], as: UTF8.self).filter { !$0.isWhitespace }
            var bytes: [UInt8] = []
            var cursor = hex.startIndex
            while cursor < hex.endIndex, let next = hex.index(cursor, offsetBy: 2, limitedBy: hex.endIndex), let byte = UInt8(hex[cursor..<next], radix: 16) {
                bytes.append(byte)
                cursor = next
            }
            if bytes.starts(with: [0xFE, 0xFF]) {
                let units = stride(from: 2, to: bytes.count - 1, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
                keywords = String(decoding: units, as: UTF16.self)
            } else {
                keywords = String(decoding: bytes, as: UTF8.self)
            }
        } else if pdf[index] == UInt8(ascii: "("), let end = pdf[index...].firstIndex(of: UInt8(ascii: ")")) {
            keywords = String(decoding: pdf[(index + 1)..<end], as: UTF8.self)
        }
        guard let keywords, let range = keywords.range(of: "starcert-signed:") else { return nil }
        return String(keywords[range.upperBound...].prefix { !$0.isWhitespace && $0 != "," })
    }
}
