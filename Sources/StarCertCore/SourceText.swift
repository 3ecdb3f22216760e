import Foundation
import Yams

/// Turns the bytes of a YAML or JSON file into a document tree, reporting problems with positions.
enum SourceText {
    /// Decodes UTF-8 (a byte-order mark is dropped) and composes one YAML document.
    /// Returns nil after logging an error when the bytes are not a usable document.
    static func compose(_ bytes: [UInt8], log: inout DiagnosticLog, expected: String) -> Node? {
        guard let text = decode(bytes, log: &log) else { return nil }
        if text.allSatisfy({ $0.isWhitespace }) {
            log.error("the file is empty; expected \(expected)", line: 1, column: 1)
            return nil
        }
        do {
            let parser = try Parser(yaml: text)
            guard let root = try parser.nextRoot() else {
                log.error("the file holds no YAML document, only comments; expected \(expected)", line: 1, column: 1)
                return nil
            }
            if let second = try parser.nextRoot() {
                let (line, column) = YAMLReader.position(second)
                log.error("the file holds more than one YAML document; expected a single document", line: line, column: column)
                return nil
            }
            return root
        } catch let error as YamlError {
            report(error, in: text, log: &log)
            return nil
        } catch {
            log.error("the file could not be read as YAML: \(error)", line: 1, column: 1)
            return nil
        }
    }

    /// UTF-8 text without a byte-order mark, or nil after logging where the first invalid byte is.
    static func decode(_ bytes: [UInt8], log: inout DiagnosticLog) -> String? {
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            log.error("the file is UTF-16 text; save it as UTF-8", line: 1, column: 1)
            return nil
        }
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        if let text = String(validating: body, as: UTF8.self) { return text }

        let invalidOffset = firstInvalidUTF8Offset(body)
        let before = body[body.startIndex..<invalidOffset]
        let line = before.filter { $0 == 0x0A }.count + 1
        let lineStart = before.lastIndex(of: 0x0A).map { $0 + 1 } ?? body.startIndex
        let column = String(decoding: body[lineStart..<invalidOffset], as: UTF8.self).count + 1
        let byte = String(body[invalidOffset], radix: 16, uppercase: true)
        log.error(
            "the file is not valid UTF-8 (byte 0x\(byte) cannot start or continue a character); "
                + "expected UTF-8 text — if it was saved as GBK/GB18030, save it again as UTF-8",
            line: line, column: column)
        return nil
    }

    private static func firstInvalidUTF8Offset(_ bytes: ArraySlice<UInt8>) -> Int {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let lead = bytes[index]
            let length: Int
            switch lead {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return index
            }
            let end = index + length
            guard end <= bytes.endIndex,
                  String(validating: bytes[index..<end], as: UTF8.self) != nil
            else { return index }
            index = end
        }
        return bytes.endIndex
    }

    private static func report(_ error: YamlError, in text: String, log: inout DiagnosticLog) {
        switch error {
        case let .scanner(context, problem, mark, _),
             let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            let detail = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
            log.error("invalid YAML: \(detail); expected a YAML 1.2 or JSON document", line: mark.line, column: mark.column)
        case let .reader(problem, offset, _, _):
            let (line, column) = offset.map { position(ofCharacter: $0, in: text) } ?? (1, 1)
            log.error("unreadable character: \(problem); expected printable UTF-8 text", line: line, column: column)
        default:
            log.error("the file could not be read as YAML: \(error)", line: 1, column: 1)
        }
    }

    private static func position(ofCharacter offset: Int, in text: String) -> (Int, Int) {
        var line = 1
        var column = 1
        for character in text.prefix(offset) {
            if character == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (line, column)
    }
}
