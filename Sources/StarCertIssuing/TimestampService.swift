import Crypto
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import StarCertArchive
import SwiftASN1

/// An RFC 3161 timestamp service: it signs the time at which it saw a digest. Asked for the digest
/// of a signature's value, its token becomes the signature's timestamp (PAdES B-T), which proves
/// the signature existed at that time to anyone who trusts the service.
public struct TimestampService: Sendable {
    public let url: URL
    /// How long `issue` waits for an answer before it refuses.
    public var timeout: TimeInterval = 15

    public init(url: URL) {
        self.url = url
    }

    /// Why no timestamp was had: `issue` refuses, and nothing is numbered.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let url: String
        public let reason: String
        public var description: String {
            "the timestamp service \(url) \(reason); expected a timestamp for every signature (the issuer profile's `timestamp_url`), so nothing was issued"
        }
    }

    static let sha256: ASN1ObjectIdentifier = [2, 16, 840, 1, 101, 3, 4, 2, 1]

    /// The timestamp token (a CMS ContentInfo, DER) for `digest`, a SHA-256 digest.
    public func token(for digest: [UInt8]) throws(Failure) -> [UInt8] {
        let nonce = UInt64.random(in: 1...UInt64(Int64.max))
        let request: [UInt8]
        do {
            request = try Self.request(digest: digest, nonce: nonce)
        } catch {
            throw Failure(url: url.absoluteString, reason: "could not be asked (\(error))")
        }
        let answer = try post(request)
        return try Self.token(in: answer, digest: digest, nonce: nonce, url: url.absoluteString)
    }

    /// TimeStampReq (RFC 3161, 2.4.1): version 1, the message imprint, a nonce, and the service's
    /// certificate asked for.
    static func request(digest: [UInt8], nonce: UInt64) throws -> [UInt8] {
        var coder = DER.Serializer()
        try coder.appendConstructedNode(identifier: .sequence) { coder in
            try coder.serialize(1)
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                try coder.appendConstructedNode(identifier: .sequence) { try $0.serialize(sha256) }
                try coder.serialize(ASN1OctetString(contentBytes: ArraySlice(digest)))
            }
            try coder.serialize(Int64(bitPattern: nonce))
            try coder.serialize(true)
        }
        return coder.serializedBytes
    }

    func post(_ body: [UInt8]) throws(Failure) -> [UInt8] {
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.setValue("application/timestamp-query", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(body)
        let box = AnswerBox()
        let done = DispatchSemaphore(value: 0)
        let task = URLSession.shared.dataTask(with: request) { data, response, error in
            box.set(data: data, status: (response as? HTTPURLResponse)?.statusCode, error: error)
            done.signal()
        }
        task.resume()
        if done.wait(timeout: .now() + timeout + 1) == .timedOut {
            task.cancel()
            throw Failure(url: url.absoluteString, reason: "did not answer within \(Int(timeout)) seconds")
        }
        let answer = box.get()
        if let error = answer.error { throw Failure(url: url.absoluteString, reason: "could not be reached (\(error.localizedDescription))") }
        guard answer.status == 200, let data = answer.data else {
            throw Failure(url: url.absoluteString, reason: "answered HTTP \(answer.status.map(String.init) ?? "nothing")")
        }
        return Array(data)
    }

    /// The token of a TimeStampResp, checked: granted, for `digest`, with our `nonce`.
    static func token(in response: [UInt8], digest: [UInt8], nonce: UInt64, url: String) throws(Failure) -> [UInt8] {
        func fail(_ reason: String) -> Failure { Failure(url: url, reason: reason) }
        guard let root = try? DER.parse(response), case let .constructed(parts) = root.content else {
            throw fail("answered something that is not a timestamp response")
        }
        let list = Array(parts)
        guard list.count >= 2, case let .constructed(statusParts) = list[0].content, let status = statusParts.first(where: { _ in true }),
              let code = try? Int(derEncoded: status)
        else { throw fail("granted no timestamp") }
        guard code == 0 || code == 1 else { throw fail("refused the request (status \(code))") }
        let token = Array(list[1].encodedBytes)
        guard let info = TimestampToken(token) else { throw fail("answered a token that cannot be read") }
        guard info.digest == digest else { throw fail("timestamped another digest than the one asked for") }
        guard info.nonce == nonce else { throw fail("answered without the request's nonce") }
        // Signed over what it says, by a certificate for timestamping (whether readers trust that
        // service is theirs to decide: `verify --timestamp-trust`).
        guard TimestampToken.signer(of: token) != nil else { throw fail("answered a token whose signature does not hold") }
        return token
    }
}

/// The answer of a request, handed from URLSession's thread.
private final class AnswerBox: @unchecked Sendable {
    private let lock = NSLock()
    private var data: Data?
    private var status: Int?
    private var error: (any Error)?

    func set(data: Data?, status: Int?, error: (any Error)?) {
        lock.lock()
        (self.data, self.status, self.error) = (data, status, error)
        lock.unlock()
    }

    func get() -> (data: Data?, status: Int?, error: (any Error)?) {
        lock.lock()
        defer { lock.unlock() }
        return (data, status, error)
    }
}
