import Crypto
import Foundation
import StarCertArchive
import SwiftASN1
import X509

/// The CMS SignedData of a PAdES baseline signature (ETSI EN 319 142-1, level B-B): detached,
/// SHA-256 with ECDSA P-256, the signer's chain embedded, and exactly the signed attributes the
/// baseline asks for — content-type, message-digest and signing-certificate-v2 — with no
/// signing-time attribute (the time is the signature dictionary's `/M`, or a timestamp).
///
/// Written with swift-asn1 because swift-certificates' CMS API adds a signing-time attribute and
/// cannot add signing-certificate-v2; swift-certificates still checks what this writes.
enum CAdESSignature {
    static let signedData: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 7, 2]
    static let data: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 7, 1]
    static let sha256: ASN1ObjectIdentifier = [2, 16, 840, 1, 101, 3, 4, 2, 1]
    static let ecdsaWithSHA256: ASN1ObjectIdentifier = [1, 2, 840, 10045, 4, 3, 2]
    static let contentType: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 3]
    static let messageDigest: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 4]
    static let signingCertificateV2: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 16, 2, 47]
    static let signatureTimeStampToken: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 16, 2, 14]

    /// The DER of a detached signature of `content` by `identity`; with `timestamps`, the signature
    /// value's timestamp as an unsigned attribute (B-T).
    static func sign(_ content: some DataProtocol, identity: SigningIdentity, timestamps: TimestampService? = nil) throws -> [UInt8] {
        let signer = try der(identity.certificate)
        let (issuer, serial) = try issuerAndSerial(of: signer)
        let attributes = try [
            attribute(contentType) { try $0.serialize(data) },
            attribute(messageDigest) { try $0.serialize(ASN1OctetString(contentBytes: ArraySlice(SHA256.hash(data: content)))) },
            attribute(signingCertificateV2) { coder in
                // SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }; ESSCertIDv2 with
                // the default hash algorithm (SHA-256, left out as DER asks) and the issuer and serial.
                try coder.appendConstructedNode(identifier: .sequence) { coder in
                    try coder.appendConstructedNode(identifier: .sequence) { coder in
                        try coder.appendConstructedNode(identifier: .sequence) { coder in
                            try coder.serialize(ASN1OctetString(contentBytes: ArraySlice(SHA256.hash(data: signer))))
                            coder.appendConstructedNode(identifier: .sequence) { coder in
                                coder.appendConstructedNode(identifier: .sequence) { coder in
                                    coder.appendConstructedNode(identifier: ASN1Identifier(tagWithNumber: 4, tagClass: .contextSpecific)) { coder in
                                        coder.serialize(issuer)
                                    }
                                }
                                coder.serialize(serial)
                            }
                        }
                    }
                }
            },
        ].sorted { $0.lexicographicallyPrecedes($1) }
        // The signature covers the DER of the attributes as a SET OF (RFC 5652, 5.4).
        var set = DER.Serializer()
        set.appendConstructedNode(identifier: .set) { $0.serializeRawBytes(attributes.joined()) }
        let signature = try identity.privateKey.signature(for: Data(set.serializedBytes)).derRepresentation
        var timestamp: [UInt8]?
        if let timestamps {
            let token = try timestamps.token(for: Array(SHA256.hash(data: signature)))
            timestamp = try attribute(signatureTimeStampToken) { $0.serializeRawBytes(token) }
        }
        let certificates = try identity.chain.map(der).sorted { $0.lexicographicallyPrecedes($1) }

        var coder = DER.Serializer()
        try coder.appendConstructedNode(identifier: .sequence) { coder in
            try coder.serialize(signedData)
            try coder.appendConstructedNode(identifier: ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)) { coder in
                try coder.appendConstructedNode(identifier: .sequence) { coder in
                    try coder.serialize(1)
                    try coder.appendConstructedNode(identifier: .set) { try algorithm(sha256, into: &$0) }
                    try coder.appendConstructedNode(identifier: .sequence) { try $0.serialize(data) }
                    coder.appendConstructedNode(identifier: ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)) {
                        $0.serializeRawBytes(certificates.joined())
                    }
                    try coder.appendConstructedNode(identifier: .set) { coder in
                        try coder.appendConstructedNode(identifier: .sequence) { coder in
                            try coder.serialize(1)
                            coder.appendConstructedNode(identifier: .sequence) { coder in
                                coder.serialize(issuer)
                                coder.serialize(serial)
                            }
                            try algorithm(sha256, into: &coder)
                            coder.appendConstructedNode(identifier: ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)) {
                                $0.serializeRawBytes(attributes.joined())
                            }
                            try algorithm(ecdsaWithSHA256, into: &coder)
                            try coder.serialize(ASN1OctetString(contentBytes: ArraySlice(signature)))
                            if let timestamp {
                                coder.appendConstructedNode(identifier: ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific)) {
                                    $0.serializeRawBytes(timestamp)
                                }
                            }
                        }
                    }
                }
            }
        }
        return coder.serializedBytes
    }

    static func der(_ certificate: Certificate) throws -> [UInt8] {
        var coder = DER.Serializer()
        try coder.serialize(certificate)
        return coder.serializedBytes
    }

    /// The issuer name and the serial number of a certificate, as their DER nodes.
    static func issuerAndSerial(of certificate: [UInt8]) throws -> (issuer: ASN1Node, serial: ASN1Node) {
        guard case let .constructed(parts) = try DER.parse(certificate).content, let tbs = parts.first(where: { _ in true }),
              case let .constructed(fields) = tbs.content
        else { throw KeyError(file: "", problem: "the signer's certificate cannot be read") }
        // TBSCertificate: [0] version (optional), serialNumber, signature, issuer, …
        var list = Array(fields)
        if list.first?.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) { list.removeFirst() }
        guard list.count >= 3 else { throw KeyError(file: "", problem: "the signer's certificate cannot be read") }
        return (list[2], list[0])
    }

    static func attribute(_ type: ASN1ObjectIdentifier, _ value: (inout DER.Serializer) throws -> Void) throws -> [UInt8] {
        var coder = DER.Serializer()
        try coder.appendConstructedNode(identifier: .sequence) { coder in
            try coder.serialize(type)
            try coder.appendConstructedNode(identifier: .set) { try value(&$0) }
        }
        return coder.serializedBytes
    }

    static func algorithm(_ identifier: ASN1ObjectIdentifier, into coder: inout DER.Serializer) throws {
        try coder.appendConstructedNode(identifier: .sequence) { try $0.serialize(identifier) }
    }
}
