import Crypto
import Foundation
import SwiftASN1
@_spi(FixedExpiryValidationTime) import X509

/// What a timestamp token says: the digest it covers, when (`genTime`), and the nonce.
public struct TimestampToken: Sendable {
    public let digest: [UInt8]
    public let time: Date
    public let nonce: UInt64?

    /// The parts of a token, found by position as RFC 5652 and RFC 3161 lay them out, so that the
    /// TSTInfo read is the one its signature covers.
    struct Structure {
        /// The DER of the TSTInfo (the encapsulated content).
        let content: [UInt8]
        let signerInfo: ASN1Node
        let certificates: [Certificate]
    }

    static let signedDataType: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 7, 2]
    static let tstInfoType: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 16, 1, 4]

    /// ContentInfo { signedData, [0] SignedData { version, digestAlgorithms, encapContentInfo
    /// { id-ct-TSTInfo, [0] OCTET STRING }, [0] certificates?, [1] crls?, signerInfos { one } } }.
    static func structure(_ token: [UInt8]) -> Structure? {
        guard let root = try? DER.parse(token), children(root).count == 2,
              let type = child(root, 0).flatMap({ try? ASN1ObjectIdentifier(derEncoded: $0) }), type == signedDataType,
              let signedData = child(root, 1).flatMap({ child($0, 0) })
        else { return nil }
        let parts = children(signedData)
        guard parts.count >= 4, children(parts[2]).count == 2,
              let contentType = child(parts[2], 0).flatMap({ try? ASN1ObjectIdentifier(derEncoded: $0) }), contentType == tstInfoType,
              let octets = child(parts[2], 1).flatMap({ child($0, 0) }), case let .primitive(content) = octets.content,
              let signerInfos = parts.last, signerInfos.identifier == .set, children(signerInfos).count == 1
        else { return nil }
        let certificates = parts[3..<(parts.count - 1)].first { $0.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) }
            .map { children($0).compactMap { try? Certificate(derEncoded: Array($0.encodedBytes)) } } ?? []
        return Structure(content: Array(content), signerInfo: children(signerInfos)[0], certificates: certificates)
    }

    /// Reads the TSTInfo inside a token.
    public init?(_ token: [UInt8]) {
        guard let structure = Self.structure(token), let info = try? DER.parse(structure.content) else { return nil }
        let fields = Self.children(info)
        // TSTInfo: version, policy, messageImprint, serialNumber, genTime, then optional fields.
        guard fields.count >= 5, let imprint = try? ASN1OctetString(derEncoded: Self.children(fields[2]).last ?? fields[2]),
              let time = try? GeneralizedTime(derEncoded: fields[4])
        else { return nil }
        digest = Array(imprint.bytes)
        var components = DateComponents()
        components.year = time.year
        components.month = time.month
        components.day = time.day
        components.hour = time.hours
        components.minute = time.minutes
        components.second = time.seconds
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        guard let date = calendar.date(from: components) else { return nil }
        self.time = date
        nonce = fields.dropFirst(5).first { $0.identifier == .integer }.flatMap { try? Int64(derEncoded: $0) }.map { UInt64(bitPattern: $0) }
    }

    static func children(_ node: ASN1Node) -> [ASN1Node] {
        if case let .constructed(nodes) = node.content { return Array(nodes) }
        return []
    }

    static func child(_ node: ASN1Node, _ index: Int) -> ASN1Node? {
        let list = children(node)
        return index < list.count ? list[index] : nil
    }

    /// The subject of the service that signed `token`, when its signature holds and its certificate
    /// (for timestamping) chains to `trustRoots` at `time`; nil otherwise. Checked here because
    /// swift-certificates' CMS check accepts only plain data as signed content, not a TSTInfo.
    static func authority(of token: [UInt8], at time: Date, trustRoots: [Certificate]) async -> String? {
        guard let (signer, certificates) = signer(of: token), !trustRoots.isEmpty else { return nil }
        var verifier = Verifier(rootCertificates: CertificateStore(trustRoots)) { TimestampPolicy(at: time) }
        guard case .validCertificate = await verifier.validate(leaf: signer, intermediates: CertificateStore(certificates)) else { return nil }
        return "\(signer.subject)"
    }

    /// The certificate whose key made the token's signature — over signed attributes whose message
    /// digest is the TSTInfo's — when it is one for timestamping; nil when the token does not hold
    /// together. Whether to trust that certificate is the caller's question.
    public static func signer(of token: [UInt8]) -> (certificate: Certificate, others: [Certificate])? {
        guard let structure = structure(token) else { return nil }
        let tstInfo = structure.content
        let certificates = structure.certificates
        // SignerInfo: version, sid, digestAlgorithm, [0] signedAttrs, signatureAlgorithm, signature.
        let fields = children(structure.signerInfo)
        guard fields.count >= 6, fields[3].identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)
        else { return nil }
        let signedAttributes = fields[3]
        guard let digestOID = child(fields[2], 0).flatMap({ try? ASN1ObjectIdentifier(derEncoded: $0) }),
              let signature = try? ASN1OctetString(derEncoded: fields[5])
        else { return nil }
        // The signed attributes' message digest is the content's.
        let digest: [UInt8]
        let algorithms: [Certificate.SignatureAlgorithm]
        switch digestOID {
        case [2, 16, 840, 1, 101, 3, 4, 2, 1]: (digest, algorithms) = (Array(SHA256.hash(data: Array(tstInfo))), [.ecdsaWithSHA256, .sha256WithRSAEncryption])
        case [2, 16, 840, 1, 101, 3, 4, 2, 2]: (digest, algorithms) = (Array(SHA384.hash(data: Array(tstInfo))), [.ecdsaWithSHA384, .sha384WithRSAEncryption])
        case [2, 16, 840, 1, 101, 3, 4, 2, 3]: (digest, algorithms) = (Array(SHA512.hash(data: Array(tstInfo))), [.ecdsaWithSHA512, .sha512WithRSAEncryption])
        default: return nil
        }
        let signedDigest = children(signedAttributes).lazy.compactMap { attribute -> [UInt8]? in
            let pair = children(attribute)
            guard pair.count == 2, (try? ASN1ObjectIdentifier(derEncoded: pair[0])) == [1, 2, 840, 113549, 1, 9, 4],
                  let octets = children(pair[1]).first.flatMap({ try? ASN1OctetString(derEncoded: $0) }) else { return nil }
            return Array(octets.bytes)
        }.first
        guard signedDigest == digest else { return nil }
        // The signature covers the attributes as a SET OF: the same bytes with the SET tag.
        var signed = Array(signedAttributes.encodedBytes)
        signed[0] = 0x31
        guard let signer = certificates.first(where: { certificate in
            algorithms.contains { certificate.publicKey.isValidSignature(Array(signature.bytes), for: signed, signatureAlgorithm: $0) }
        }) else { return nil }
        guard let usage = try? signer.extensions.extendedKeyUsage, usage.contains(.timeStamping) else { return nil }
        return (signer, certificates)
    }
}
