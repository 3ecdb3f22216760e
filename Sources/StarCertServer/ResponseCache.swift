import Foundation
import NIOCore
import StarCertArchive
import StarCertCore
import Synchronization

/// Bodies of recently served certificate pages and records. An entry is used only while the archive
/// is unchanged (its `ChangeStamp`), on the day it was made, and for at most `maximumAge`: a status
/// change shows at once, and even a change the stamp missed shows within that age. Requests that
/// miss together wait for one read of the archive rather than each making their own.
final class ResponseCache: Sendable {
    private struct Entry {
        let body: ByteBuffer
        let stamp: Archive.ChangeStamp
        let day: String
        let made: ContinuousClock.Instant
    }

    private enum Slot {
        case ready(Entry)
        case loading(Task<ByteBuffer?, any Error>, stamp: Archive.ChangeStamp, day: String)
    }

    private let slots = Mutex<[String: Slot]>([:])
    let capacity: Int
    let maximumAge: Duration

    init(capacity: Int = 512, maximumAge: Duration = .seconds(2)) {
        self.capacity = capacity
        self.maximumAge = maximumAge
    }

    /// The body kept under `key`, or the one `make` returns (kept unless it is nil).
    func body(_ key: String, stamp: Archive.ChangeStamp, day: String,
              make: @escaping @Sendable () async throws -> ByteBuffer?) async throws -> ByteBuffer? {
        let now = ContinuousClock.now
        let (kept, task, started) = slots.withLock { slots -> (ByteBuffer?, Task<ByteBuffer?, any Error>?, Bool) in
            switch slots[key] {
            case let .ready(entry) where entry.stamp == stamp && entry.day == day && now - entry.made < maximumAge:
                return (entry.body, nil, false)
            case let .loading(task, loadingStamp, loadingDay) where loadingStamp == stamp && loadingDay == day:
                return (nil, task, false)
            default:
                // Dropping everything when full is enough: the cache only spares the archive repeated reads.
                if slots.count >= capacity { slots.removeAll(keepingCapacity: true) }
                let task = Task { try await make() }
                slots[key] = .loading(task, stamp: stamp, day: day)
                return (nil, task, true)
            }
        }
        if let kept { return kept }
        guard let task else { return nil }
        let result = await task.result
        if started {
            slots.withLock { slots in
                guard case let .loading(current, _, _) = slots[key], current == task else { return }
                if case let .success(body?) = result {
                    slots[key] = .ready(Entry(body: body, stamp: stamp, day: day, made: now))
                } else {
                    slots[key] = nil
                }
            }
        }
        return try result.get()
    }
}

/// The issuer's date today, worked out (time zone and calendar) at most once a second.
final class TodayClock: Sendable {
    private let latest = Mutex<(second: Int, day: String)>((-1, ""))
    let profile: IssuerProfile

    init(profile: IssuerProfile) {
        self.profile = profile
    }

    var today: String {
        let now = Date()
        let second = Int(now.timeIntervalSince1970)
        if let day = latest.withLock({ $0.second == second ? $0.day : nil }) { return day }
        let day = profile.today(now: now).description
        latest.withLock { $0 = (second, day) }
        return day
    }

    private let latestMinute = Mutex<(minute: Int, text: String)>((-1, ""))

    /// This minute as a visitor reads it (`Site.minute`, in the profile's time zone), formatted
    /// once a minute rather than on every request.
    var minute: String {
        let now = Date()
        let minute = Int(now.timeIntervalSince1970) / 60
        if let text = latestMinute.withLock({ $0.minute == minute ? $0.text : nil }) { return text }
        let text = Site.minute(now, timeZone: profile.zone)
        latestMinute.withLock { $0 = (minute, text) }
        return text
    }
}
