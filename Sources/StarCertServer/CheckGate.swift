import Hummingbird
import NIOCore

/// Admission for the expensive checks of `/verify`: at most `slots` run at once and at most
/// `queueLimit` wait for one; the rest are told at once to come back (503), before their bodies
/// are read, so that uploads can never hold more than `(slots + queueLimit)` connections open and
/// `slots` bodies in memory.
actor CheckGate {
    let slots: Int
    let queueLimit: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(slots: Int, queueLimit: Int) {
        precondition(slots >= 1 && queueLimit >= 0)
        self.slots = slots
        self.queueLimit = queueLimit
    }

    /// Takes a slot, waiting in line for one when all are taken; false when the line is full too.
    func enter() async -> Bool {
        if running < slots {
            running += 1
            return true
        }
        guard waiting.count < queueLimit else { return false }
        // `leave` hands its slot straight to the first in line.
        await withCheckedContinuation { waiting.append($0) }
        return true
    }

    var waitingCount: Int { waiting.count }

    func leave() {
        if waiting.isEmpty { running -= 1 } else { waiting.removeFirst().resume() }
    }

    /// `work` in a slot, or 503 with `Retry-After` when none can be had.
    nonisolated func admitted<Value: Sendable>(retryAfter seconds: Int, _ work: () async throws -> Value) async throws -> Value {
        guard await enter() else { throw HTTPError(.serviceUnavailable, headers: [.retryAfter: String(seconds)]) }
        do {
            let value = try await work()
            await leave()
            return value
        } catch {
            await leave()
            throw error
        }
    }
}

extension RequestBody {
    /// The body's bytes, refused with 413 beyond `limit` and with 408 when they have not all
    /// arrived within `deadline` (a client that trickles its upload cannot hold a check's slot).
    /// The buffer is reserved at `limit` at once, so it never grows by copying.
    func bytes(upTo limit: Int, within deadline: Duration) async throws -> [UInt8] {
        try await withThrowingTaskGroup(of: [UInt8]?.self) { group in
            group.addTask {
                var bytes: [UInt8] = []
                bytes.reserveCapacity(limit)
                for try await chunk in self {
                    guard bytes.count + chunk.readableBytes <= limit else { throw HTTPError(.contentTooLarge) }
                    bytes.append(contentsOf: chunk.readableBytesView)
                }
                return bytes
            }
            group.addTask {
                try await Task.sleep(for: deadline)
                return nil
            }
            defer { group.cancelAll() }
            let first = try await group.next() ?? nil
            guard let bytes = first else { throw HTTPError(.requestTimeout) }
            return bytes
        }
    }
}
