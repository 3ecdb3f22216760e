import Foundation

/// A day of the Gregorian calendar, without time or zone.
public struct CalendarDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// The start of this day in the time zone `identifier` as ISO 8601 (`2026-05-12T00:00:00+08:00`),
    /// in UTC when the zone is unknown.
    public func startISO8601(inTimeZone identifier: String) -> String {
        var calendar = Calendar(identifier: .gregorian)
        let zone = TimeZone(identifier: identifier) ?? TimeZone(secondsFromGMT: 0)!
        calendar.timeZone = zone
        let start = calendar.date(from: DateComponents(year: year, month: month, day: day)) ?? Date(timeIntervalSince1970: 0)
        let offset = zone.secondsFromGMT(for: start)
        let minutes = abs(offset) / 60
        let sign = offset < 0 ? "-" : "+"
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(description)T00:00:00\(sign)\(two(minutes / 60)):\(two(minutes % 60))"
    }

    /// The day after this one.
    public var nextDay: CalendarDate {
        if day < Self.daysIn(month: month, year: year) { return CalendarDate(year: year, month: month, day: day + 1)! }
        if month < 12 { return CalendarDate(year: year, month: month + 1, day: 1)! }
        return CalendarDate(year: year + 1, month: 1, day: 1) ?? self
    }

    /// The same day `months` months later (earlier when negative); a day the target month lacks
    /// becomes its last day (31 January + 1 month = 28 or 29 February).
    public func adding(months: Int) -> CalendarDate {
        let index = year * 12 + (month - 1) + months
        let targetYear = index / 12, targetMonth = index % 12 + 1
        return CalendarDate(year: targetYear, month: targetMonth, day: min(day, Self.daysIn(month: targetMonth, year: targetYear))) ?? self
    }

    /// Days from 1970-01-01 (negative before it), in the proleptic Gregorian calendar.
    public var daysSince1970: Int {
        // Howard Hinnant's days-from-civil algorithm, in whole numbers.
        let shifted = month <= 2 ? year - 1 : year
        let era = (shifted >= 0 ? shifted : shifted - 399) / 400
        let yearOfEra = shifted - era * 400
        let monthPrime = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * monthPrime + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The day `days` after 1970-01-01; nil outside the years a CalendarDate holds.
    public init?(daysSince1970 days: Int) {
        // Howard Hinnant's days-to-civil algorithm, in whole numbers.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPrime = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthPrime + 2) / 5 + 1
        let month = monthPrime < 10 ? monthPrime + 3 : monthPrime - 9
        self.init(year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month: month, day: day)
    }

    /// The years an assessment, an audit or an issue date may fall in.
    public static let supportedYears = 2000...2099

    /// Any year from 1 to 99,999 can be represented, so date arithmetic on supported dates never fails.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...99_999).contains(year), (1...12).contains(month),
              (1...Self.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`.
    public init?(iso text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2:
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            return leap ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        func padded(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))"
    }

    /// `2026年5月12日`.
    public var chinese: String { "\(year)年\(month)月\(day)日" }

    /// Today's date in the time zone `identifier` (an IANA name such as `Asia/Shanghai`), or nil
    /// when no such zone is known.
    public static func today(inTimeZone identifier: String, now: Date = Date()) -> CalendarDate? {
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day], from: now)
        guard let year = parts.year, let month = parts.month, let day = parts.day else { return nil }
        return CalendarDate(year: year, month: month, day: day)
    }
}
