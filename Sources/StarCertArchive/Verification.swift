import Crypto
import Foundation
import StarCertCore
import Typesetting
import X509

/// Checks a certificate — a PDF, the text of its QR code, or its number — against the issuer's
/// certificate and, when given, the archive.
public struct Verification: Sendable {
    public let archive: Archive?
    /// Certificates trusted as the issuer's (its own `issuer.crt`, or its CA's root). Without any,
    /// the signer certificate archived with the certificate is trusted.
    public let trustRoots: [Certificate]

    public init(archive: Archive?, trustRoots: [Certificate]) {
        self.archive = archive
        self.trustRoots = trustRoots
    }

    /// The certificates in a PEM file (an `issuer.crt`, a CA root).
    public static func certificates(file: String) throws(KeyError) -> [Certificate] {
        try SigningIdentity.readChain(file)
    }

    /// What was found, as typed facts a front end words; `authentic` only when nothing failed.
    public struct Result: Sendable {
        public enum Finding: Sendable, Equatable {
            /// The PDF signature holds; `signer` names the certificate's subject.
            case signatureValid(signer: String, signingTime: String?)
            case untouched
            /// Why the document cannot be taken as the issuer's.
            case failed(String)
        }

        public var authentic: Bool { !findings.contains { if case .failed = $0 { return true } else { return false } } }
        public var number: String?
        /// What the certificate attests, from its signed data (for the reader to compare with the page).
        public var signedFields: CanonicalCertificate?
        public var status: Archive.Status?
        public var statusReason: String?
        /// The certificate that superseded this one.
        public var successor: String?
        public var findings: [Finding] = []

        mutating func reject(_ reason: String) { findings.append(.failed(reason)) }

        mutating func takeStatus(of record: Archive.CertificateRecord, on today: String) {
            let current = record.status(on: today)
            status = current.status
            statusReason = current.reason
            successor = record.successor
        }
    }

    public func verify(_ input: String, today: String) async throws -> Result {
        if FileManager.default.fileExists(atPath: input) {
            switch InputFile.read(input, limit: InputFile.Limit.document) {
            case let .success(bytes): return try await verify(pdf: bytes, name: input, today: today)
            case let .failure(problem): throw ArchiveError.refused("cannot read \(input): \(problem)")
            }
        }
        if let components = URLComponents(string: input), let items = components.queryItems,
           let number = items.first(where: { $0.name == "n" })?.value, let signature = items.first(where: { $0.name == "sig" })?.value {
            return try verifyArchived(number: number, claimedSignature: signature, today: today)
        }
        return try verifyArchived(number: input.trimmingCharacters(in: .whitespaces), claimedSignature: nil, today: today)
    }

    private func verifyArchived(number: String, claimedSignature: String?, today: String) throws -> Result {
        guard let archive else { throw ArchiveError.refused("checking a number or a QR code needs the archive (--archive)") }
        let record = try archive.certificate(number)
        var result = Result(number: number, signedFields: record.canonical)
        if !record.canonical.verify(signature: record.signature, signer: try SignerRecord(record.publicKey)) {
            result.reject("the archived data does not match its signature")
        }
        if let claimedSignature, claimedSignature != record.signature {
            result.reject("the QR code's signature is not the one issued with certificate \(number)")
        }
        result.takeStatus(of: record, on: today)
        return result
    }

    /// Checks a certificate or report PDF given as bytes (`name` names it in findings).
    public func verify(pdf bytes: [UInt8], name: String, today: String) async throws -> Result {
        var result = Result()
        // The certificate's own signed data travels in the PDF's metadata (inside the signed bytes).
        var canonical: CanonicalCertificate?
        var payloadSignature: String?
        if let payload = Self.signedPayload(in: bytes) {
            let parts = payload.split(separator: ".", maxSplits: 1).map(String.init)
            if parts.count == 2, let data = Base64URL.decode(parts[0]), let text = String(data: data, encoding: .utf8),
               let parsed = CanonicalCertificate(text: text) {
                canonical = parsed
                payloadSignature = parts[1]
            } else {
                result.reject("the certificate data in \(name) is damaged")
            }
        }
        result.number = canonical?.number
        result.signedFields = canonical
        let record = try canonical.flatMap { canonical in try archive.map { try? $0.certificate(canonical.number) } ?? nil }
        var roots = trustRoots
        if roots.isEmpty, let record, case let .certificate(certificate) = try SignerRecord(record.publicKey) { roots = [certificate] }
        let check = await PDFSigning.check(bytes, trustRoots: roots)
        switch check.outcome {
        case .unsigned:
            result.reject("\(name) carries no PDF signature (a specimen, or not a document StarCert issued)")
        case let .invalid(reason):
            result.reject(reason)
        case let .valid(signer, signingTime):
            result.findings.append(.signatureValid(signer: "\(signer.subject)", signingTime: signingTime))
            if let canonical, let payloadSignature, !canonical.verify(signature: payloadSignature, signer: .certificate(signer)) {
                result.reject("the certificate data was not signed by the PDF's signer")
            }
        }
        if check.coversWholeFile {
            result.findings.append(.untouched)
        } else if case .unsigned = check.outcome {
        } else {
            result.reject("the file was changed after it was signed (bytes were added after the signature)")
        }
        if let archive, let canonical {
            guard let record else {
                result.reject("certificate \(canonical.number) is not in the archive \(archive.path)")
                return result
            }
            for field in canonical.differences(from: record.canonical) {
                result.reject("\(field) differs from the issued certificate")
            }
            if let issued = record.certificatePDFHash, issued != sha256Hex(bytes) {
                result.reject("the PDF file differs from the one issued")
            }
            result.takeStatus(of: record, on: today)
        }
        return result
    }

    /// The `starcert-signed:` token of the PDF's Keywords entry (in the first revision's Info).
    static func signedPayload(in pdf: [UInt8]) -> String? {
        let marker = Array("/Keywords".utf8)
        var found: String?
        var start = 0
        // The last Keywords entry is the newest document information.
        while let range = pdf[start...].firstRange(of: marker) {
            start = range.upperBound
            var index = start
            while index < pdf.count, pdf[index] == 0x20 || pdf[index] == 0x0A || pdf[index] == 0x0D { index += 1 }
            guard index < pdf.count else { break }
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
            if let keywords, let range = keywords.range(of: "starcert-signed:") {
                found = String(keywords[range.upperBound...].prefix { !$0.isWhitespace && $0 != "," })
            }
        }
        return found
    }
}
