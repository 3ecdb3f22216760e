import Foundation

/// A PDF as StarCert writes it — classic cross-reference tables (what Cairo writes) or
/// cross-reference and object streams (what `PDFCompaction` makes) — read just enough to append
/// incremental updates and to check signed files: where the newest version of each object is, the
/// newest trailer, and the dictionaries of objects.
public struct PDFFile: Sendable {
    public let bytes: [UInt8]
    /// Object number → offset of its newest version, for objects stored whole in the file.
    public let offsets: [Int: Int]
    /// Object number → the text of its newest version, for objects inside object streams.
    let compressedObjects: [Int: [UInt8]]
    /// The newest trailer dictionary, as written (a cross-reference stream's dictionary).
    public let trailer: String
    /// Where the newest cross-reference section starts.
    public let startXRef: Int
    /// Whether the newest cross-reference section is a stream: updates are then written as streams too.
    public let usesCrossReferenceStreams: Bool

    public init(_ bytes: [UInt8]) throws(PDFFileError) {
        self.bytes = bytes
        guard let marker = PDFSyntax.lastOffset(of: Array("startxref".utf8), in: bytes, within: 1024) else {
            throw .malformed("no startxref at the end")
        }
        var index = marker + 9
        while index < bytes.count, Self.isWhitespace(bytes[index]) { index += 1 }
        var digits = 0
        var start = 0
        while index < bytes.count, (48...57).contains(bytes[index]), digits < Self.maximumDigits {
            start = start * 10 + Int(bytes[index] - 48)
            index += 1
            digits += 1
        }
        guard digits > 0, start < bytes.count else { throw .malformed("startxref does not point into the file") }
        startXRef = start
        var newest: CrossReference.Section?
        var section: Int? = start
        var visited: Set<Int> = []
        var found: [Int: CrossReference.Entry] = [:]
        while let offset = section, visited.insert(offset).inserted {
            // StarCert's files have a few revisions; thousands are an attack on the time it takes.
            guard visited.count <= Self.maximumSections else { throw .malformed("more than \(Self.maximumSections) cross-reference sections") }
            let read = try CrossReference.section(bytes, at: offset) { number, entry in
                if found[number] == nil { found[number] = entry }
            }
            if newest == nil { newest = read }
            section = PDFDictionary(read.trailer).integer("Prev")
        }
        trailer = newest?.trailer ?? ""
        usesCrossReferenceStreams = newest?.isStream ?? false
        var whole: [Int: Int] = [:]
        var inStreams: [Int: (stream: Int, index: Int)] = [:]
        for (number, entry) in found {
            switch entry {
            case let .offset(offset): whole[number] = offset
            case let .compressed(stream, index): inStreams[number] = (stream, index)
            case .free: break
            }
        }
        offsets = whole
        compressedObjects = try ObjectStreams.objects(inStreams, of: bytes, offsets: whole)
    }

    /// The most digits a number in a cross-reference section may have (offsets of files far larger
    /// than any StarCert reads have 12); longer runs are refused rather than overflow.
    static let maximumDigits = 15
    /// The most cross-reference sections (revisions) a file may have.
    static let maximumSections = 64

    static func isWhitespace(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x20, 0x0A, 0x0D, 0x09, 0x0C, 0x00: return true
        default: return false
        }
    }

    /// The text of object `number`'s dictionary (`<< … >>`), or nil when it has none.
    public func dictionary(_ number: Int) -> String? {
        guard let slice = dictionaryBytes(number) else { return nil }
        return String(decoding: slice, as: UTF8.self)
    }

    /// The bytes of object `number`'s dictionary, in the file or in its object stream.
    func dictionaryBytes(_ number: Int) -> ArraySlice<UInt8>? {
        if let offset = offsets[number] {
            guard let value = PDFSyntax.objectValueStart(bytes, at: offset, number: number), bytes[value...].starts(with: Array("<<".utf8)),
                  let range = PDFSyntax.dictionary(in: bytes, from: value) else { return nil }
            return bytes[range]
        }
        guard let text = compressedObjects[number] else { return nil }
        var index = 0
        while index < text.count, Self.isWhitespace(text[index]) { index += 1 }
        guard index + 1 < text.count, text[index] == UInt8(ascii: "<"), text[index + 1] == UInt8(ascii: "<"),
              let range = PDFSyntax.dictionary(in: text, from: index) else { return nil }
        return text[range]
    }

    /// Whether object `number`'s dictionary holds any of `needles` (a quick test before parsing it).
    func dictionary(_ number: Int, containsAnyOf needles: [[UInt8]]) -> Bool {
        guard let slice = dictionaryBytes(number) else { return false }
        for index in slice.indices {
            for needle in needles where slice[index] == needle[0] && index + needle.count <= slice.endIndex {
                if slice[index..<index + needle.count].elementsEqual(needle) { return true }
            }
        }
        return false
    }

    /// Every object number in use, ascending.
    public var objectNumbers: [Int] { (Array(offsets.keys) + Array(compressedObjects.keys)).sorted() }

    /// The text of entry `key` (`Keywords`, `Title`, …) of the newest document information
    /// dictionary, or nil when there is none.
    public func information(_ key: String) -> String? {
        guard let number = infoNumber, let text = dictionary(number), let token = PDFDictionary(text).value(key) else { return nil }
        return PDFText.decode(token)
    }

    public var rootNumber: Int? { PDFDictionary(trailer).reference("Root") }
    public var infoNumber: Int? { PDFDictionary(trailer).reference("Info") }
    public var size: Int { PDFDictionary(trailer).integer("Size") ?? ((objectNumbers.last ?? 0) + 1) }

    /// The page objects in order, from the catalog's page tree.
    public var pageNumbers: [Int] {
        guard let root = rootNumber, let catalog = dictionary(root), let pages = PDFDictionary(catalog).reference("Pages") else { return [] }
        var result: [Int] = []
        var pending = [pages]
        var seen: Set<Int> = []
        while !pending.isEmpty {
            let node = pending.removeFirst()
            guard seen.insert(node).inserted, let text = dictionary(node) else { continue }
            let dictionary = PDFDictionary(text)
            if dictionary.name("Type") == "Page" {
                result.append(node)
            } else {
                pending.insert(contentsOf: dictionary.references(inArray: "Kids"), at: 0)
            }
        }
        return result
    }
}

public enum PDFFileError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformed(String)
    case tooLarge(String)

    public var description: String {
        switch self {
        case let .malformed(reason): return "the PDF cannot be read: \(reason)"
        case let .tooLarge(reason): return reason
        }
    }
}

/// Scanning PDF syntax: balanced dictionaries with strings and hex strings inside.
enum PDFSyntax {
    /// Where `needle` last starts in `bytes`, looking only at the last `within` bytes.
    static func lastOffset(of needle: [UInt8], in bytes: [UInt8], before end: Int? = nil, within: Int = Int.max) -> Int? {
        let count = min(end ?? bytes.count, bytes.count)
        guard count >= needle.count else { return nil }
        let lowest = max(0, count - within)
        var start = count - needle.count
        while start >= lowest {
            if bytes[start] == needle[0], bytes[start..<start + needle.count].elementsEqual(needle) { return start }
            start -= 1
        }
        return nil
    }

    /// The range of the dictionary that starts with `<<` at `start`.
    static func dictionary(in bytes: [UInt8], from start: Int) -> Range<Int>? {
        var depth = 0
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "("):
                // A literal string: balanced parentheses, backslash escapes.
                var nesting = 1
                index += 1
                while index < bytes.count, nesting > 0 {
                    if bytes[index] == UInt8(ascii: "\\") { index += 2; continue }
                    if bytes[index] == UInt8(ascii: "(") { nesting += 1 }
                    if bytes[index] == UInt8(ascii: ")") { nesting -= 1 }
                    index += 1
                }
                continue
            case UInt8(ascii: "<"):
                if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "<") {
                    depth += 1
                    index += 2
                    continue
                }
                // A hex string.
                while index < bytes.count, bytes[index] != UInt8(ascii: ">") { index += 1 }
            case UInt8(ascii: ">"):
                if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: ">") {
                    depth -= 1
                    index += 2
                    if depth == 0 { return start..<index }
                    continue
                }
            case UInt8(ascii: "%"):
                while index < bytes.count, bytes[index] != 0x0A, bytes[index] != 0x0D { index += 1 }
            default:
                break
            }
            index += 1
        }
        return nil
    }
}

/// A dictionary's text, with lookups of its top-level entries.
public struct PDFDictionary: Sendable {
    public let text: String

    public init(_ text: String) {
        self.text = text
    }

    /// The raw value of the top-level key `/key`, or nil.
    public func value(_ key: String) -> String? {
        let bytes = Array(text.utf8)
        var index = 2
        var depth = 0
        let wanted = Array("/\(key)".utf8)
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "<"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "<") {
                if depth == 0, let inner = PDFSyntax.dictionary(in: bytes, from: index) { index = inner.upperBound; continue }
                depth += 1
                index += 2
                continue
            }
            if byte == UInt8(ascii: "(") {
                // An unterminated string runs to the end: nothing after it is a key.
                guard let end = literalEnd(bytes, index) else { return nil }
                index = end
                continue
            }
            if byte == UInt8(ascii: "<") {
                // A hex string, skipped whole as `PDFSyntax.dictionary` skips it.
                guard let end = bytes[index...].firstIndex(of: UInt8(ascii: ">")) else { return nil }
                index = end + 1
                continue
            }
            if byte == UInt8(ascii: "%") {
                while index < bytes.count, bytes[index] != 0x0A, bytes[index] != 0x0D { index += 1 }
                continue
            }
            if byte == UInt8(ascii: "/"), bytes[index...].starts(with: wanted) {
                let after = index + wanted.count
                if after < bytes.count, !Self.isNameCharacter(bytes[after]) {
                    return Self.valueText(bytes, from: after)
                }
            }
            index += 1
        }
        return nil
    }

    func literalEnd(_ bytes: [UInt8], _ start: Int) -> Int? {
        var nesting = 0
        var index = start
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\\") { index += 2; continue }
            if bytes[index] == UInt8(ascii: "(") { nesting += 1 }
            if bytes[index] == UInt8(ascii: ")") {
                nesting -= 1
                if nesting == 0 { return index + 1 }
            }
            index += 1
        }
        return nil
    }

    static func isNameCharacter(_ byte: UInt8) -> Bool {
        !(PDFFile.isWhitespace(byte) || "/<>[]()%{}".utf8.contains(byte))
    }

    /// The text of the value starting after a key: a reference, a number, a name, an array, a
    /// dictionary or a string.
    static func valueText(_ bytes: [UInt8], from start: Int) -> String {
        var index = start
        while index < bytes.count, PDFFile.isWhitespace(bytes[index]) { index += 1 }
        let begin = index
        guard index < bytes.count else { return "" }
        switch bytes[index] {
        case UInt8(ascii: "<") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "<"):
            let range = PDFSyntax.dictionary(in: bytes, from: index) ?? index..<bytes.count
            return String(decoding: bytes[range], as: UTF8.self)
        case UInt8(ascii: "["):
            var depth = 0
            while index < bytes.count {
                if bytes[index] == UInt8(ascii: "[") { depth += 1 }
                if bytes[index] == UInt8(ascii: "]") {
                    depth -= 1
                    if depth == 0 { index += 1; break }
                }
                index += 1
            }
        case UInt8(ascii: "("):
            index = PDFDictionary("").literalEnd(bytes, index) ?? bytes.count
        case UInt8(ascii: "<"):
            while index < bytes.count, bytes[index] != UInt8(ascii: ">") { index += 1 }
            index += 1
        case UInt8(ascii: "/"):
            index += 1
            while index < bytes.count, isNameCharacter(bytes[index]) { index += 1 }
        default:
            // A number, or `n g R`.
            while index < bytes.count, !"/<>[]()".utf8.contains(bytes[index]), bytes[index] != 0x0A {
                if bytes[index] == UInt8(ascii: "R") { index += 1; break }
                index += 1
            }
        }
        return String(decoding: bytes[begin..<min(index, bytes.count)], as: UTF8.self).trimmingSpaces
    }

    public func integer(_ key: String) -> Int? { value(key).flatMap { Int($0) } }

    public func reference(_ key: String) -> Int? {
        guard let value = value(key), value.hasSuffix("R") else { return nil }
        return Int(value.split(separator: " ").first ?? "")
    }

    public func name(_ key: String) -> String? {
        guard let value = value(key), value.hasPrefix("/") else { return nil }
        return String(value.dropFirst())
    }

    /// The object numbers referenced in the array under `key`.
    public func references(inArray key: String) -> [Int] {
        guard let value = value(key), value.hasPrefix("[") else { return [] }
        let parts = value.dropFirst().dropLast().split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\r" })
        var result: [Int] = []
        var index = 0
        while index + 2 < parts.count {
            if parts[index + 2] == "R", let number = Int(parts[index]) {
                result.append(number)
                index += 3
            } else {
                index += 1
            }
        }
        return result
    }

    /// The dictionary with `entries` (`/Key value` text) added before its closing `>>`, replacing
    /// the same keys when present.
    public func adding(_ entries: [(key: String, value: String)]) -> String {
        var body = text
        for (key, _) in entries where value(key) != nil { body = PDFDictionary(body).removing(key) }
        guard let close = body.range(of: ">>", options: .backwards) else { return body }
        let added = entries.map { "/\($0.key) \($0.value)" }.joined(separator: "\n   ")
        return body[..<close.lowerBound].trimmingSpaces + "\n   " + added + "\n>>"
    }

    /// The dictionary without the top-level key `key` and its value.
    public func removing(_ key: String) -> String {
        guard let value = value(key), let keyRange = findKey(key) else { return text }
        let bytes = Array(text.utf8)
        var index = keyRange.upperBound
        while index < bytes.count, PDFFile.isWhitespace(bytes[index]) { index += 1 }
        let end = index + value.utf8.count
        return String(decoding: bytes[..<keyRange.lowerBound] + bytes[end...], as: UTF8.self)
    }

    private func findKey(_ key: String) -> Range<Int>? {
        let bytes = Array(text.utf8)
        let wanted = Array("/\(key)".utf8)
        var index = 2
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "<"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "<"),
               let inner = PDFSyntax.dictionary(in: bytes, from: index) { index = inner.upperBound; continue }
            if bytes[index] == UInt8(ascii: "("), let end = literalEnd(bytes, index) { index = end; continue }
            if bytes[index...].starts(with: wanted), index + wanted.count < bytes.count, !Self.isNameCharacter(bytes[index + wanted.count]) {
                return index..<index + wanted.count
            }
            index += 1
        }
        return nil
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\n" || first == "\r" || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\n" || last == "\r" || last == "\t" { text.removeLast() }
        return String(text)
    }
}

/// PDF text strings and dates.
public enum PDFText {
    /// A text string: literal for printable ASCII, otherwise UTF-16BE hex with a byte-order mark.
    public static func string(_ text: String) -> String {
        if text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) {
            var out = "("
            for character in text {
                if character == "(" || character == ")" || character == "\\" { out.append("\\") }
                out.append(character)
            }
            return out + ")"
        }
        return "<FEFF" + text.utf16.map { hex($0) }.joined() + ">"
    }

    /// The text of a string token as written in a dictionary, literal `(…)` or hex `<…>`: UTF-16BE
    /// when it starts with a byte-order mark, else UTF-8 (which covers PDFDocEncoding's ASCII).
    /// Nil when the token is not a string.
    public static func decode(_ token: String) -> String? {
        let bytes = Array(token.utf8)
        var data: [UInt8] = []
        if bytes.first == UInt8(ascii: "("), bytes.last == UInt8(ascii: ")"), bytes.count >= 2 {
            var index = 1
            let end = bytes.count - 1
            while index < end {
                let byte = bytes[index]
                guard byte == UInt8(ascii: "\\"), index + 1 < end else {
                    data.append(byte)
                    index += 1
                    continue
                }
                let next = bytes[index + 1]
                index += 2
                switch next {
                case UInt8(ascii: "n"): data.append(0x0A)
                case UInt8(ascii: "r"): data.append(0x0D)
                case UInt8(ascii: "t"): data.append(0x09)
                case UInt8(ascii: "b"): data.append(0x08)
                case UInt8(ascii: "f"): data.append(0x0C)
                case UInt8(ascii: "0")...UInt8(ascii: "7"):
                    var value = Int(next - 48)
                    var digits = 1
                    while digits < 3, index < end, (48...55).contains(bytes[index]) {
                        value = value * 8 + Int(bytes[index] - 48)
                        index += 1
                        digits += 1
                    }
                    data.append(UInt8(value & 0xFF))
                case 0x0A, 0x0D:
                    if next == 0x0D, index < end, bytes[index] == 0x0A { index += 1 }
                default: data.append(next)
                }
            }
        } else if bytes.first == UInt8(ascii: "<"), bytes.last == UInt8(ascii: ">"), bytes.count >= 2, bytes.dropFirst().first != UInt8(ascii: "<") {
            var high: UInt8?
            for byte in bytes.dropFirst().dropLast() where !PDFFile.isWhitespace(byte) {
                guard let value = hexValue(byte) else { return nil }
                if let first = high {
                    data.append(first << 4 | value)
                    high = nil
                } else {
                    high = value
                }
            }
            if let first = high { data.append(first << 4) }
        } else {
            return nil
        }
        if data.starts(with: [0xFE, 0xFF]) {
            let units = stride(from: 2, to: data.count - 1, by: 2).map { UInt16(data[$0]) << 8 | UInt16(data[$0 + 1]) }
            return String(decoding: units, as: UTF16.self)
        }
        return String(decoding: data, as: UTF8.self)
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        default: return nil
        }
    }

    static func hex(_ unit: UInt16) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(unit >> 12)], digits[Int(unit >> 8 & 15)], digits[Int(unit >> 4 & 15)], digits[Int(unit & 15)]])
    }

    /// The moment a PDF date (`D:YYYYMMDDHHmmSSZ`, `D:YYYYMMDDHHmmSS+08'00'`, with the parts after
    /// the year optional as the standard allows) stands for, or nil when it is not one.
    public static func parseDate(_ text: String) -> Date? {
        var rest = Substring(text.trimmingSpaces)
        if rest.hasPrefix("(") && rest.hasSuffix(")") { rest = rest.dropFirst().dropLast() }
        if rest.hasPrefix("D:") { rest = rest.dropFirst(2) }
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard digits.count >= 4, digits.count <= 14, digits.count % 2 == 0 else { return nil }
        var parts = [Int](repeating: 0, count: 6)
        parts[1] = 1
        parts[2] = 1
        var index = digits.startIndex
        for part in 0..<6 {
            let width = part == 0 ? 4 : 2
            guard let end = digits.index(index, offsetBy: width, limitedBy: digits.endIndex), end <= digits.endIndex, index < digits.endIndex else { break }
            parts[part] = Int(digits[index..<end]) ?? 0
            index = end
        }
        var zone = rest.dropFirst(digits.count)
        var offset = 0
        if let sign = zone.first, sign == "+" || sign == "-" {
            zone = zone.dropFirst()
            // `HH'mm'`: two digits each, checked before any arithmetic.
            let numbers = zone.split(whereSeparator: { !$0.isNumber }).prefix(2)
            guard let hourText = numbers.first, hourText.count <= 2, let hours = Int(hourText), hours < 24 else { return nil }
            let minuteText = numbers.dropFirst().first ?? "0"
            guard minuteText.count <= 2, let minutes = Int(minuteText), minutes < 60 else { return nil }
            offset = (hours * 3600 + minutes * 60) * (sign == "-" ? -1 : 1)
        } else if !(zone.isEmpty || zone.hasPrefix("Z")) {
            return nil
        }
        guard (1...12).contains(parts[1]), (1...31).contains(parts[2]), parts[3] < 24, parts[4] < 60, parts[5] < 61 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        let components = DateComponents(year: parts[0], month: parts[1], day: parts[2], hour: parts[3], minute: parts[4], second: parts[5])
        return calendar.date(from: components).map { $0.addingTimeInterval(TimeInterval(-offset)) }
    }

    /// `D:YYYYMMDDHHmmSS+HH'mm'` from an ISO 8601 date-time such as `2026-05-12T00:00:00+08:00`.
    public static func date(iso: String) -> String {
        let digits = iso.filter(\.isNumber)
        let zone: String
        if iso.hasSuffix("Z") {
            zone = "Z"
        } else if let sign = iso.dropFirst(19).first(where: { $0 == "+" || $0 == "-" }) {
            let parts = iso.split(separator: sign).last?.split(separator: ":") ?? []
            zone = "\(sign)\(parts.first ?? "00")'\(parts.dropFirst().first ?? "00")'"
        } else {
            zone = "Z"
        }
        return "D:" + String(digits.prefix(14)) + zone
    }
}

/// Objects appended to a PDF as an incremental update: the original bytes stay a byte-exact
/// prefix; replaced objects keep their numbers.
public struct PDFIncrementalUpdate {
    public let file: PDFFile
    private var objects: [Int: [UInt8]] = [:]
    public private(set) var nextNumber: Int

    public init(_ file: PDFFile) {
        self.file = file
        nextNumber = file.size
    }

    /// A new version of object `number` with `body` (the text between `N 0 obj` and `endobj`).
    public mutating func replace(_ number: Int, with body: String) {
        objects[number] = Array(body.utf8)
    }

    public mutating func replace(_ number: Int, with body: [UInt8]) {
        objects[number] = body
    }

    /// A new object; returns its number.
    @discardableResult
    public mutating func add(_ body: String) -> Int { add(Array(body.utf8)) }

    @discardableResult
    public mutating func add(_ body: [UInt8]) -> Int {
        let number = nextNumber
        nextNumber += 1
        objects[number] = body
        return number
    }

    /// The stream object `dictionary` (without /Length) with `data`, uncompressed.
    public static func stream(_ dictionary: String, _ data: [UInt8]) -> [UInt8] {
        let head = PDFDictionary(dictionary).adding([("Length", String(data.count))])
        return Array((head + "\nstream\n").utf8) + data + Array("\nendstream".utf8)
    }

    /// The file with the update appended: objects, a cross-reference section with a subsection per
    /// run of numbers (a cross-reference stream when the file's newest section is one), and a
    /// trailer with `/Prev` and `extra` entries (such as `/ID`).
    public func written(trailer extra: [(key: String, value: String)] = []) -> [UInt8] {
        var out = file.bytes
        if out.last != 0x0A { out.append(0x0A) }
        var positions: [(Int, Int)] = []
        for number in objects.keys.sorted() {
            positions.append((number, out.count))
            out += Array("\(number) 0 obj\n".utf8) + objects[number]! + Array("\nendobj\n".utf8)
        }
        let size = max(file.size, (objects.keys.max() ?? 0) + 1)
        var entries: [(key: String, value: String)] = []
        if let root = file.rootNumber { entries.append(("Root", "\(root) 0 R")) }
        if let info = file.infoNumber { entries.append(("Info", "\(info) 0 R")) }
        entries.append(("Prev", String(file.startXRef)))
        entries += extra
        if file.usesCrossReferenceStreams {
            let places = Dictionary(uniqueKeysWithValues: positions.map { ($0.0, CrossReference.Entry.offset($0.1)) })
            let stream = CrossReferenceStream(places: places, number: max(nextNumber, size), offset: out.count)
            return out + stream.object(trailer: entries, compressed: false, size: size)
        }
        let xref = out.count
        var table = "xref\n"
        var index = 0
        while index < positions.count {
            var end = index + 1
            while end < positions.count, positions[end].0 == positions[end - 1].0 + 1 { end += 1 }
            table += "\(positions[index].0) \(end - index)\n"
            for entry in positions[index..<end] {
                let offset = String(entry.1)
                table += String(repeating: "0", count: 10 - offset.count) + offset + " 00000 n \n"
            }
            index = end
        }
        let trailer = "trailer\n<< " + ([("Size", String(size))] + entries).map { "/\($0.key) \($0.value)" }.joined(separator: "\n   ") + "\n>>\n"
        out += Array((table + trailer + "startxref\n\(xref)\n%%EOF\n").utf8)
        return out
    }
}
