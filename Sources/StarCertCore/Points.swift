/// An exact number of points, kept in hundredths of a point. Scoring never uses floating point.
public struct Points: Hashable, Comparable, Sendable, AdditiveArithmetic, CustomStringConvertible {
    /// The value in hundredths of a point: 8735 is 87.35 points.
    public let hundredths: Int

    public init(hundredths: Int) {
        self.hundredths = hundredths
    }

    public init(_ whole: Int) {
        hundredths = whole * 100
    }

    public static let zero = Points(hundredths: 0)

    /// The share `percent` of `points` whole points: exact, since whole × percent is a count of hundredths.
    public static func share(of points: Int, percent: Int) -> Points {
        Points(hundredths: points * percent)
    }

    public static func + (lhs: Points, rhs: Points) -> Points {
        Points(hundredths: lhs.hundredths + rhs.hundredths)
    }

    public static func - (lhs: Points, rhs: Points) -> Points {
        Points(hundredths: lhs.hundredths - rhs.hundredths)
    }

    public static func < (lhs: Points, rhs: Points) -> Bool {
        lhs.hundredths < rhs.hundredths
    }

    /// Two decimals, e.g. `87.35`, `6.00`, `-0.50`.
    public var description: String {
        let magnitude = hundredths.magnitude
        let cents = magnitude % 100
        return (hundredths < 0 ? "-" : "") + "\(magnitude / 100)." + (cents < 10 ? "0" : "") + "\(cents)"
    }

    /// Parses a decimal with at most two places, e.g. `87.35`, `70`, `94.9`.
    public init?(decimal text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count),
              !parts[0].isEmpty, parts[0].allSatisfy({ $0.isASCII && $0.isNumber }),
              let whole = Int(parts[0])
        else { return nil }
        var fraction = 0
        if parts.count == 2 {
            let digits = parts[1]
            guard (1...2).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let value = Int(digits)
            else { return nil }
            fraction = digits.count == 1 ? value * 10 : value
        }
        self.init(hundredths: whole * 100 + fraction)
    }
}
