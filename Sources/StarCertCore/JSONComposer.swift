/// Reads a JSON document (RFC 8259) into a `SourceNode` tree without recursion, with positions.
///
/// YAML readers reject some valid JSON (surrogate-pair escapes such as `\ud842\udfb7`, keys longer
/// than 1024 characters), so JSON documents are read by this reader. Strings become quoted scalars;
/// numbers, `true`, `false` and `null` plain scalars written as in the file.
package enum JSONComposer {
    package struct Failure: Error {
        package let message: String
        package let position: SourcePosition
        /// True when the text is not JSON at all (a YAML reader may still read it); false for a
        /// limit such as the nesting depth, which any reader would hit.
        package let isSyntax: Bool
    }

    package static func compose(_ bytes: [UInt8]) -> Result<SourceNode, Failure> {
        var reader = Reader(bytes: bytes)
        return Result { try reader.document() }.mapError { $0 as! Failure }
    }

    private struct Frame {
        let isObject: Bool
        let position: SourcePosition
        var pairs: [(key: SourceNode, value: SourceNode)] = []
        var elements: [SourceNode] = []
        var key: SourceNode?
    }

    private struct Reader {
        let bytes: [UInt8]
        var index = 0
        var line = 1
        var column = 1

        init(bytes: [UInt8]) {
            self.bytes = bytes
        }

        var position: SourcePosition { SourcePosition(line: line, column: column) }

        func fail(_ message: String, syntax: Bool = true) -> Failure {
            Failure(message: message, position: position, isSyntax: syntax)
        }

        mutating func advance() {
            let byte = bytes[index]
            index += 1
            if byte == 0x0A {
                line += 1
                column = 1
            } else if index >= bytes.count || bytes[index] & 0xC0 != 0x80 {
                column += 1
            }
        }

        mutating func skipWhitespace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { advance() }
        }

        mutating func document() throws -> SourceNode {
            var frames: [Frame] = []
            var root: SourceNode?
            skipWhitespace()
            while root == nil {
                skipWhitespace()
                guard index < bytes.count else { throw fail("the JSON text ends early; expected a value") }
                let start = position
                var value: SourceNode?
                switch bytes[index] {
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    guard frames.count < SourceLimits.nestingDepth else {
                        throw fail("objects and arrays are nested more than \(SourceLimits.nestingDepth) levels deep here; expected at most \(SourceLimits.nestingDepth) levels", syntax: false)
                    }
                    let isObject = bytes[index] == UInt8(ascii: "{")
                    advance()
                    frames.append(Frame(isObject: isObject, position: start))
                    skipWhitespace()
                    if index < bytes.count, bytes[index] == UInt8(ascii: isObject ? "}" : "]") {
                        advance()
                        value = close(frames.removeLast())
                    } else if isObject {
                        frames[frames.count - 1].key = try key()
                        continue
                    } else {
                        continue
                    }
                default:
                    value = try scalar()
                }
                // Hand the finished value to the open containers, closing those it completes.
                while let finished = value {
                    guard !frames.isEmpty else {
                        root = finished
                        break
                    }
                    let top = frames.count - 1
                    if frames[top].isObject {
                        frames[top].pairs.append((frames[top].key!, finished))
                    } else {
                        frames[top].elements.append(finished)
                    }
                    value = nil
                    skipWhitespace()
                    guard index < bytes.count else { throw fail("the JSON text ends inside \(frames[top].isObject ? "an object" : "an array"); expected `,` or `\(frames[top].isObject ? "}" : "]")`") }
                    let byte = bytes[index]
                    if byte == UInt8(ascii: ",") {
                        advance()
                        if frames[top].isObject { frames[top].key = try key() }
                    } else if byte == UInt8(ascii: frames[top].isObject ? "}" : "]") {
                        advance()
                        value = close(frames.removeLast())
                    } else {
                        throw fail("unexpected character in \(frames[top].isObject ? "an object" : "an array"); expected `,` or `\(frames[top].isObject ? "}" : "]")`")
                    }
                }
            }
            skipWhitespace()
            guard index == bytes.count else { throw fail("more text follows the JSON value; expected the end of the file") }
            return root!
        }

        func close(_ frame: Frame) -> SourceNode {
            frame.isObject
                ? .mapping(SourceNode.Mapping(pairs: frame.pairs, position: frame.position))
                : .sequence(SourceNode.SequenceNode(elements: frame.elements, position: frame.position))
        }

        /// A member name and its colon.
        mutating func key() throws -> SourceNode {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a member name in double quotes") }
            let key = try string()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected `:` after the member name") }
            advance()
            return key
        }

        mutating func scalar() throws -> SourceNode {
            let start = position
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { return try string() }
            for word in ["true", "false", "null"] where bytes[index...].starts(with: word.utf8) {
                for _ in word.utf8 { advance() }
                return .scalar(SourceNode.Scalar(string: word, style: .plain, position: start))
            }
            if byte == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { return try number() }
            throw fail("unexpected character; expected a JSON value (an object, array, string, number, true, false or null)")
        }

        mutating func number() throws -> SourceNode {
            let start = position
            let first = index
            func digits() -> Int {
                var count = 0
                while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { advance(); count += 1 }
                return count
            }
            if bytes[index] == UInt8(ascii: "-") { advance() }
            let leading = index
            guard digits() > 0 else { throw fail("a number needs digits after `-`") }
            if index - leading > 1, bytes[leading] == UInt8(ascii: "0") { throw fail("a JSON number does not start with 0 unless it is 0") }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                advance()
                guard digits() > 0 else { throw fail("a number needs digits after `.`") }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                advance()
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { advance() }
                guard digits() > 0 else { throw fail("a number needs digits in its exponent") }
            }
            return .scalar(SourceNode.Scalar(string: String(decoding: bytes[first..<index], as: UTF8.self), style: .plain, position: start))
        }

        mutating func string() throws -> SourceNode {
            let start = position
            advance()
            var scalars = String.UnicodeScalarView()
            var runStart = index
            func flush(_ end: Int) {
                if end > runStart { scalars.append(contentsOf: String(decoding: bytes[runStart..<end], as: UTF8.self).unicodeScalars) }
            }
            while true {
                guard index < bytes.count else { throw fail("the text ends inside a string; expected a closing `\"`") }
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    flush(index)
                    advance()
                    return .scalar(SourceNode.Scalar(string: String(scalars), style: .quoted, position: start))
                }
                if byte < 0x20 { throw fail("a control character inside a string; expected it escaped, e.g. \\n") }
                if byte != UInt8(ascii: "\\") {
                    advance()
                    continue
                }
                flush(index)
                advance()
                guard index < bytes.count else { throw fail("the text ends inside an escape") }
                let escape = bytes[index]
                advance()
                switch escape {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "/"): scalars.append("/")
                case UInt8(ascii: "b"): scalars.append("\u{08}")
                case UInt8(ascii: "f"): scalars.append("\u{0C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"):
                    let unit = try hexUnit()
                    if (0xD800...0xDBFF).contains(unit) {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                            throw fail("\\u\(String(unit, radix: 16)) is the first half of a surrogate pair without its second half")
                        }
                        advance()
                        advance()
                        let low = try hexUnit()
                        guard (0xDC00...0xDFFF).contains(low) else {
                            throw fail("\\u\(String(unit, radix: 16)) must be followed by a low surrogate (\\udc00–\\udfff)")
                        }
                        scalars.append(Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))!)
                    } else if (0xDC00...0xDFFF).contains(unit) {
                        throw fail("\\u\(String(unit, radix: 16)) is the second half of a surrogate pair without its first half")
                    } else {
                        scalars.append(Unicode.Scalar(unit)!)
                    }
                default:
                    throw fail("unknown escape `\\\(Unicode.Scalar(escape))`; expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX")
                }
                runStart = index
            }
        }

        mutating func hexUnit() throws -> UInt32 {
            guard index + 4 <= bytes.count, let value = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16),
                  bytes[index..<index + 4].allSatisfy({ $0 != UInt8(ascii: "+") && $0 != UInt8(ascii: "-") })
            else { throw fail("\\u must be followed by four hexadecimal digits") }
            for _ in 0..<4 { advance() }
            return value
        }
    }
}
