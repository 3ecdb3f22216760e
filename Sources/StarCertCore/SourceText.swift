import Foundation

/// Turns the bytes of a YAML or JSON file into a document tree, reporting problems with positions.
enum SourceText {
    /// Decodes UTF-8 (a byte-order mark is dropped) and composes one YAML or JSON document: a `.json`
    /// file, or a text that starts with `{` or `[` and reads as JSON, goes to the JSON reader. Returns
    /// nil after logging an error when the bytes are not a usable document. Keys repeated in any
    /// mapping are returned for the reader to report.
    static func compose(_ bytes: [UInt8], log: inout DiagnosticLog, expected: String) -> SourceNode? {
        guard let text = decode(bytes, log: &log) else { return nil }
        if text.allSatisfy({ $0.isWhitespace }) {
            log.error("the file is empty; expected \(expected)", line: 1, column: 1)
            return nil
        }
        let body = Array(text.utf8)
        let first = body.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        let isJSONFile = log.file.lowercased().hasSuffix(".json")
        if isJSONFile || first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
            switch JSONComposer.compose(body) {
            case let .success(root):
                return root
            case let .failure(failure) where isJSONFile || !failure.isSyntax:
                log.error("invalid JSON: \(failure.message)", line: failure.position.line, column: failure.position.column)
                return nil
            case .failure:
                break  // YAML flow style, read below
            }
        }
        switch YAMLComposer.compose(body) {
        case let .success(root?):
            return root
        case .success(nil):
            log.error("the file holds no YAML document, only comments; expected \(expected)", line: 1, column: 1)
            return nil
        case let .failure(failure):
            log.error(failure.message, line: failure.position.line, column: failure.position.column)
            return nil
        }
    }

    /// UTF-8 text without a byte-order mark, or nil after logging where the first invalid byte is.
    static func decode(_ bytes: [UInt8], log: inout DiagnosticLog) -> String? {
        if bytes.starts(with: [0xFF, 0xFE, 0x00, 0x00]) || bytes.starts(with: [0x00, 0x00, 0xFE, 0xFF]) {
            log.error("the file is UTF-32 text; save it as UTF-8", line: 1, column: 1)
            return nil
        }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            log.error("the file is UTF-16 text; save it as UTF-8", line: 1, column: 1)
            return nil
        }
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        if let text = String(validating: body, as: UTF8.self) {
            // YAML counts NEL, LS and PS as line breaks, which would shift every position after
            // them: refuse them where they are, counted in line feeds.
            var line = 1
            var column = 1
            for scalar in text.unicodeScalars {
                if [0x85, 0x2028, 0x2029].contains(scalar.value) {
                    log.error("the file holds \(scalar.value == 0x85 ? "a next-line control" : scalar.value == 0x2028 ? "a line separator" : "a paragraph separator") (U+\(String(scalar.value, radix: 16, uppercase: true))); expected plain line feeds", line: line, column: column)
                    return nil
                }
                if scalar == "\n" {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            }
            return text
        }

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
}
