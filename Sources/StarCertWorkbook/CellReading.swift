import Foundation
import Spreadsheet
import StarCertCore

/// The one rule by which a workbook's cells become the values of an assessment (see
/// docs/workbook.md). Numbers are read from the decimal text the program stored, taken to 15
/// significant digits as spreadsheet programs show them, and never pass through floating point.
/// Whatever could be read two ways is an error that says how to write it, never a guess.
package enum CellReading {
    /// A decimal read exactly: `digits × 10^exponent`, digits without leading zeros.
    struct Decimal: Equatable {
        var negative: Bool
        var digits: [UInt8]
        var exponent: Int

        /// Parses what a cell's `<v>` holds (`80`, `0.8`, `4.6E+4`, `0.57999999999999996`).
        init?(_ text: String) {
            var mantissa: [UInt8] = []
            var exponent = 0
            var negative = false
            var scalars = Substring(text)
            if scalars.first == "-" || scalars.first == "+" {
                negative = scalars.first == "-"
                scalars = scalars.dropFirst()
            }
            var afterPoint = false
            var exponentText: Substring = ""
            for (offset, character) in zip(scalars.indices, scalars) {
                if let digit = character.asciiValue, (48...57).contains(digit) {
                    mantissa.append(digit - 48)
                    if afterPoint { exponent -= 1 }
                } else if character == ".", !afterPoint {
                    afterPoint = true
                } else if character == "e" || character == "E" {
                    exponentText = scalars[scalars.index(after: offset)...]
                    break
                } else {
                    return nil
                }
            }
            guard !mantissa.isEmpty else { return nil }
            if !exponentText.isEmpty {
                guard let shift = Int(exponentText), (-400...400).contains(shift) else { return nil }
                exponent += shift
            }
            // Leading zeros dropped in one step (a hostile cell may hold millions).
            mantissa.removeFirst(mantissa.firstIndex { $0 != 0 } ?? mantissa.count)
            while mantissa.last == 0, !mantissa.isEmpty { mantissa.removeLast(); exponent += 1 }
            self.negative = negative && !mantissa.isEmpty
            digits = mantissa
            self.exponent = mantissa.isEmpty ? 0 : exponent
            roundToSignificantDigits(15)
        }

        /// Rounds half away from zero to `count` significant digits.
        mutating func roundToSignificantDigits(_ count: Int) {
            guard digits.count > count else { return }
            let roundUp = digits[count] >= 5
            exponent += digits.count - count
            digits.removeLast(digits.count - count)
            if roundUp {
                var index = digits.count - 1
                while index >= 0 {
                    if digits[index] == 9 { digits[index] = 0; index -= 1 } else { digits[index] += 1; break }
                }
                if index < 0 { digits.insert(1, at: 0) }
            }
            while digits.last == 0, !digits.isEmpty { digits.removeLast(); exponent += 1 }
        }

        /// The value as a whole number after shifting the point `shift` places right; nil when it is
        /// not whole or too large to matter.
        func whole(shiftedBy shift: Int = 0) -> Int? {
            if digits.isEmpty { return 0 }
            let power = exponent + shift
            guard power >= 0, digits.count + power <= 18 else { return nil }
            var value = 0
            for digit in digits { value = value * 10 + Int(digit) }
            for _ in 0..<power { value *= 10 }
            return negative ? -value : value
        }

        /// `0.8`, `12`, `-3.25`: as written by a person.
        var text: String {
            if digits.isEmpty { return "0" }
            var written = digits.map { String($0) }.joined()
            if exponent >= 0 {
                written += String(repeating: "0", count: exponent)
            } else if -exponent < written.count {
                written.insert(".", at: written.index(written.endIndex, offsetBy: exponent))
            } else {
                written = "0." + String(repeating: "0", count: -exponent - written.count) + written
            }
            return (negative ? "-" : "") + written
        }
    }

    enum Outcome<Value> {
        case value(Value)
        case empty
        case problem(String)
    }

    /// What Excel and WPS keep in one cell.
    static let cellCharacters = 32_767

    /// A text typed into a cell (a whole number stored as a number is taken as its digits).
    static func text(_ cell: Cell?) -> Outcome<String> {
        guard let cell else { return .empty }
        if let formula = cell.formula {
            return .problem("holds a formula (=\(TerminalText.quoted(String(formula.prefix(60))))); expected text typed in, not computed")
        }
        switch cell.value {
        case let .text(text):
            if text.utf8.count > cellCharacters, text.count > cellCharacters {
                return .problem("holds \(text.count) characters, more than the \(cellCharacters) a cell of Excel or WPS holds; expected shorter text (a long record belongs in an attachment)")
            }
            let lines = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            return lines.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? .empty : .value(lines)
        case let .number(stored):
            guard let decimal = Decimal(stored), decimal.exponent >= 0, let whole = decimal.whole(), String(whole.magnitude).count <= 15 else {
                return .problem("holds the number \(stored); expected text (format the cell as text, 文本, before typing)")
            }
            return .value(String(whole))
        case let .boolean(flag):
            return .problem("holds the logical value \(flag ? "TRUE" : "FALSE"); expected text")
        case let .error(code):
            return .problem("holds the error value \(code); expected text")
        case .empty:
            return .empty
        }
    }

    /// A share of an item's points, 0–100: a whole number, a number typed as text (`80`, `80%`),
    /// or a percent-formatted number (0.8 shown as 80%). A formula counts by its stored result.
    static func percent(_ cell: Cell?) -> Outcome<Int> {
        guard let cell else { return .empty }
        let expected = "expected a whole number 0–100"
        let value: Int
        switch cell.value {
        case .empty:
            return cell.formula == nil ? .empty : .problem("holds a formula whose result was never stored; \(expected), typed in (or open and save the workbook in a spreadsheet program)")
        case let .number(stored):
            guard let decimal = Decimal(stored) else { return .problem("holds `\(String(stored.prefix(40)))`; \(expected)") }
            if cell.format == .percent {
                guard let whole = decimal.whole(shiftedBy: 2) else {
                    return .problem("is \(Decimal(stored).map { shifted($0) } ?? stored)%, not a whole percent; \(expected)")
                }
                value = whole
            } else {
                guard let whole = decimal.whole() else { return .problem("is \(decimal.text), not a whole number; \(expected) (type 80 for 80 %)") }
                value = whole
            }
        case let .text(typed):
            var text = typed.trimmingCharacters(in: .whitespaces)
            if text.hasSuffix("%") || text.hasSuffix("％") { text = String(text.dropLast()).trimmingCharacters(in: .whitespaces) }
            guard !text.isEmpty else { return .empty }
            guard text.count <= 6, text.allSatisfy({ $0.isASCII && $0.isNumber }), let whole = Int(text) else {
                return .problem("is the text \"\(TerminalText.quoted(String(typed.prefix(40))))\"; \(expected)")
            }
            value = whole
        case let .boolean(flag):
            return .problem("holds the logical value \(flag ? "TRUE" : "FALSE"); \(expected)")
        case let .error(code):
            return .problem("holds the error value \(code); \(expected)")
        }
        if value > 100 { return .problem("percent \(value) is above 100; \(expected)") }
        if value < 0 { return .problem("percent \(value) is below 0; \(expected)") }
        return .value(value)
    }

    private static func shifted(_ decimal: Decimal) -> String {
        var copy = decimal
        copy.exponent += 2
        return copy.text
    }

    /// A day: a serial date (whole, in the workbook's date system) or a date typed as text
    /// year first (`2026-05-10`, `2026/5/10`, `2026年5月10日`, `2026.5.10`).
    static func date(_ cell: Cell?, uses1904: Bool) -> Outcome<CalendarDate> {
        guard let cell else { return .empty }
        let expected = "expected a date such as 2026-05-10 (a date cell, or text written year first)"
        switch cell.value {
        case .empty:
            return cell.formula == nil ? .empty : .problem("holds a formula whose result was never stored; \(expected)")
        case let .number(stored):
            guard let decimal = Decimal(stored) else { return .problem("holds `\(stored)`; \(expected)") }
            guard let serial = decimal.whole() else { return .problem("holds a date with a time of day (\(decimal.text)); \(expected), without a time") }
            guard let date = serialDate(serial, uses1904: uses1904) else { return .problem("holds the number \(decimal.text), which is no date; \(expected)") }
            return .value(date)
        case let .text(typed):
            let text = typed.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { return .empty }
            let day = text.hasSuffix("T00:00:00") || text.hasSuffix("T00:00:00Z") ? String(text.prefix { $0 != "T" }) : text
        guard let date = typedDate(day) else { return .problem("is the text \"\(TerminalText.quoted(String(typed.prefix(40))))\"; \(expected)") }
            return .value(date)
        case .boolean, .error:
            return .problem("holds no date; \(expected)")
        }
    }

    /// Day `serial` of the workbook's date system (1900: day 1 is 1900-01-01 and day 60 the
    /// 1900-02-29 that never was; 1904: day 0 is 1904-01-01).
    static func serialDate(_ serial: Int, uses1904: Bool) -> CalendarDate? {
        guard serial > 0, serial < 2_958_466, uses1904 || serial != 60 else { return nil }
        // Days from 1970-01-01.
        let days = uses1904 ? serial - 24_107 : serial - (serial > 60 ? 25_569 : 25_568)
        return CalendarDate(daysSince1970: days)
    }

    /// The serial number of `date` in the 1900 date system.
    package static func serial(of date: CalendarDate) -> Int {
        let days = date.daysSince1970
        // Day 60 is the 1900-02-29 that never was: earlier days are one lower.
        return days + 25_569 < 61 ? days + 25_568 : days + 25_569
    }

    static func typedDate(_ text: String) -> CalendarDate? {
        var parts: [Int] = []
        var current = ""
        var separators: [Character] = []
        for character in text {
            if character.isASCII, character.isNumber {
                current.append(character)
            } else {
                guard !current.isEmpty, let number = Int(current) else { return nil }
                parts.append(number)
                current = ""
                separators.append(character)
            }
        }
        if !current.isEmpty { parts.append(Int(current) ?? -1) }
        guard parts.count == 3, text.prefix(4).allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let allowed: [[Character]] = [["-", "-"], ["/", "/"], [".", "."], ["年", "月", "日"]]
        guard allowed.contains(separators) else { return nil }
        return CalendarDate(year: parts[0], month: parts[1], day: parts[2])
    }
}

extension CellValue {
    /// The value as a message shows it.
    var shown: String {
        switch self {
        case let .number(number): CellReading.Decimal(number)?.text ?? number
        case let .text(text): "the text \"\(TerminalText.quoted(String(text.prefix(40))))\""
        case let .boolean(flag): flag ? "TRUE" : "FALSE"
        case let .error(code): code
        case .empty: "nothing"
        }
    }
}
