/// A unified social credit code (统一社会信用代码) as defined by GB 32100-2015.
public struct CreditCode: Hashable, Sendable, CustomStringConvertible {
    /// The 18 characters, upper case and half-width.
    public let value: String

    /// The code's character set: digits and upper-case letters without I, O, S, V and Z.
    public static let characters = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    public enum Problem: Equatable, Sendable {
        case length(Int)
        case character(Character, position: Int)
        case checkCharacter(found: Character, expected: Character)
    }

    /// Validates a code after normalising it: surrounding spaces dropped, full-width characters
    /// and lower case accepted.
    public static func validate(_ input: String) -> Result<CreditCode, ProblemError> {
        let normalised = normalise(input)
        let characters = Array(normalised)
        guard characters.count == 18 else { return .failure(ProblemError(.length(characters.count))) }
        var values: [Int] = []
        for (offset, character) in characters.enumerated() {
            guard let value = Self.characters.firstIndex(of: character) else {
                return .failure(ProblemError(.character(character, position: offset + 1)))
            }
            values.append(value)
        }
        let expected = checkCharacter(forFirst17: Array(values.prefix(17)))
        guard characters[17] == expected else {
            return .failure(ProblemError(.checkCharacter(found: characters[17], expected: expected)))
        }
        return .success(CreditCode(value: normalised))
    }

    /// The check character for the values of the first 17 characters.
    static func checkCharacter(forFirst17 values: [Int]) -> Character {
        let sum = zip(values, weights).reduce(0) { $0 + $1.0 * $1.1 }
        return characters[(31 - sum % 31) % 31]
    }

    static func normalise(_ input: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in input.unicodeScalars {
            if scalar.properties.isWhitespace { continue }
            // Full-width ASCII (U+FF01...U+FF5E) maps onto U+0021...U+007E.
            if (0xFF01...0xFF5E).contains(scalar.value), let narrow = Unicode.Scalar(scalar.value - 0xFEE0) {
                scalars.append(narrow)
            } else {
                scalars.append(scalar)
            }
        }
        return String(scalars).uppercased()
    }

    public var description: String { value }

    /// Why a text is not a valid credit code, in words.
    public struct ProblemError: Error, Equatable, Sendable, CustomStringConvertible {
        public let problem: Problem

        init(_ problem: Problem) {
            self.problem = problem
        }

        public var description: String {
            switch problem {
            case let .length(count):
                return "it has \(count) characters; expected 18"
            case let .character(character, position):
                return "character \(position) is `\(character)`, which a credit code never contains; "
                    + "expected digits or the letters A–Y without I, O, S, V, Z"
            case let .checkCharacter(found, expected):
                return "the check character (position 18) is `\(found)` but the first 17 characters "
                    + "give `\(expected)` (GB 32100-2015); check for a mistyped character"
            }
        }
    }
}
