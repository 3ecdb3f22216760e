/// Why a package's XML part cannot be read.
public struct XMLError: Error, Sendable, Equatable, CustomStringConvertible {
    public let part: String
    public let reason: String
    public var description: String { "\(part): \(reason)" }
}

/// An element as the scanner meets it: start (with its attributes), text, end.
public enum XMLEvent: Sendable, Equatable {
    case start(name: String, attributes: [String: String], selfClosing: Bool)
    case text(String)
    case end(name: String)
}

/// A small XML reader for the parts of an Office Open XML package: elements, attributes, text,
/// CDATA, comments and processing instructions. A document type declaration is refused outright
/// (so no entity is ever declared, expanded or fetched); only the five predefined entities and
/// character references are read. Namespace prefixes are kept in the names (`x:row`); `local`
/// strips them. Linear in the input; nesting deeper than 256 is refused.
public struct XMLScanner {
    public static let maximumDepth = 256

    /// Every event of `bytes`, in order.
    public static func events(_ bytes: [UInt8], part: String) throws(XMLError) -> [XMLEvent] {
        var events: [XMLEvent] = []
        try scan(bytes, part: part) { events.append($0) }
        return events
    }

    /// Calls `visit` with each event of `bytes`, in order.
    public static func scan(_ bytes: [UInt8], part: String, _ visit: (XMLEvent) throws(XMLError) -> Void) throws(XMLError) {
        func fail(_ reason: String) -> XMLError { XMLError(part: part, reason: reason) }
        // Text that is not UTF-8 would be read as replacement characters, not as what was written.
        guard String(validating: bytes, as: UTF8.self) != nil else { throw fail("it is not valid UTF-8") }
        var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var open: [String] = []
        var text: [UInt8] = []
        func flushText() throws(XMLError) {
            guard !text.isEmpty else { return }
            if !open.isEmpty { try visit(.text(try decode(text, fail))) }
            else if !text.allSatisfy(isSpace) { throw fail("text outside the root element") }
            text.removeAll(keepingCapacity: true)
        }
        func find(_ needle: [UInt8], from start: Int) -> Int? {
            var at = start
            while at + needle.count <= bytes.count {
                if bytes[at] == needle[0], bytes[at..<at + needle.count].elementsEqual(needle) { return at }
                at += 1
            }
            return nil
        }
        var sawRoot = false
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "<") else {
                text.append(byte)
                index += 1
                continue
            }
            try flushText()
            if bytes[index...].starts(with: Array("<!--".utf8)) {
                guard let close = find(Array("-->".utf8), from: index + 4) else { throw fail("a comment is not closed") }
                index = close + 3
            } else if bytes[index...].starts(with: Array("<![CDATA[".utf8)) {
                guard !open.isEmpty else { throw fail("CDATA outside the root element") }
                guard let close = find(Array("]]>".utf8), from: index + 9) else { throw fail("a CDATA section is not closed") }
                try visit(.text(String(decoding: bytes[index + 9..<close], as: UTF8.self)))
                index = close + 3
            } else if bytes[index...].starts(with: Array("<!".utf8)) {
                throw fail("a document type or entity declaration (<!DOCTYPE, <!ENTITY) is not accepted in a workbook")
            } else if bytes[index...].starts(with: Array("<?".utf8)) {
                guard let close = find(Array("?>".utf8), from: index + 2) else { throw fail("a processing instruction is not closed") }
                index = close + 2
            } else if bytes[index...].starts(with: Array("</".utf8)) {
                guard let close = find([UInt8(ascii: ">")], from: index + 2) else { throw fail("an end tag is not closed") }
                // `</name >`: white space may follow the name.
                let name = String(decoding: bytes[index + 2..<close].prefix { !isSpace($0) }, as: UTF8.self)
                guard let last = open.popLast(), last == name else { throw fail("the end tag </\(name)> does not close the open element") }
                try visit(.end(name: name))
                index = close + 1
            } else {
                var at = index + 1
                var quote: UInt8?
                while at < bytes.count {
                    let current = bytes[at]
                    if let q = quote {
                        if current == q { quote = nil }
                    } else if current == 0x22 || current == 0x27 {
                        quote = current
                    } else if current == UInt8(ascii: ">") {
                        break
                    }
                    at += 1
                }
                guard at < bytes.count else { throw fail("a start tag is not closed") }
                let selfClosing = bytes[at - 1] == UInt8(ascii: "/")
                let inner = bytes[index + 1..<(selfClosing ? at - 1 : at)]
                let (name, attributes) = try tag(inner, fail)
                guard !sawRoot || !open.isEmpty else { throw fail("a second root element <\(name)>") }
                sawRoot = true
                try visit(.start(name: name, attributes: attributes, selfClosing: selfClosing))
                if selfClosing {
                    try visit(.end(name: name))
                } else {
                    open.append(name)
                    guard open.count <= maximumDepth else { throw fail("elements nested deeper than \(maximumDepth)") }
                }
                index = at + 1
            }
        }
        try flushText()
        guard open.isEmpty else { throw fail("the element <\(open.last!)> is not closed (the part is cut short?)") }
        guard sawRoot else { throw fail("the part holds no element") }
    }

    /// XML's white space: space, tab, line feed, carriage return.
    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

    /// The name without its namespace prefix.
    public static func local(_ name: String) -> Substring {
        name.lastIndex(of: ":").map { name[name.index(after: $0)...] } ?? Substring(name)
    }

    static func tag(_ inner: ArraySlice<UInt8>, _ fail: (String) -> XMLError) throws(XMLError) -> (String, [String: String]) {
        var at = inner.startIndex
        while at < inner.endIndex, !isSpace(inner[at]) { at += 1 }
        let name = String(decoding: inner[inner.startIndex..<at], as: UTF8.self)
        guard !name.isEmpty else { throw fail("an element without a name") }
        var attributes: [String: String] = [:]
        while at < inner.endIndex {
            while at < inner.endIndex, isSpace(inner[at]) { at += 1 }
            guard at < inner.endIndex else { break }
            let keyStart = at
            while at < inner.endIndex, inner[at] != UInt8(ascii: "="), !isSpace(inner[at]) { at += 1 }
            let key = String(decoding: inner[keyStart..<at], as: UTF8.self)
            while at < inner.endIndex, isSpace(inner[at]) { at += 1 }
            guard at < inner.endIndex, inner[at] == UInt8(ascii: "=") else { throw fail("the attribute `\(key)` of <\(name)> has no value") }
            at += 1
            while at < inner.endIndex, isSpace(inner[at]) { at += 1 }
            guard at < inner.endIndex, inner[at] == 0x22 || inner[at] == 0x27 else { throw fail("the attribute `\(key)` of <\(name)> is not quoted") }
            let quote = inner[at]
            at += 1
            let valueStart = at
            while at < inner.endIndex, inner[at] != quote { at += 1 }
            guard at < inner.endIndex else { throw fail("the attribute `\(key)` of <\(name)> is not closed") }
            guard attributes.updateValue(try decode(Array(inner[valueStart..<at]), fail), forKey: key) == nil else {
                throw fail("the attribute `\(key)` appears twice in <\(name)>")
            }
            at += 1
        }
        return (name, attributes)
    }

    /// Text with the five predefined entities and character references replaced; any other entity is refused.
    static func decode(_ bytes: [UInt8], _ fail: (String) -> XMLError) throws(XMLError) -> String {
        guard bytes.contains(UInt8(ascii: "&")) else { return String(decoding: bytes, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "&") else {
                out.append(bytes[index])
                index += 1
                continue
            }
            guard let semicolon = bytes[index...].prefix(12).firstIndex(of: UInt8(ascii: ";")) else { throw fail("a bare `&` in text") }
            let entity = String(decoding: bytes[index + 1..<semicolon], as: UTF8.self)
            let replacement: String
            switch entity {
            case "lt": replacement = "<"
            case "gt": replacement = ">"
            case "amp": replacement = "&"
            case "quot": replacement = "\""
            case "apos": replacement = "'"
            default:
                let value: UInt32?
                if entity.hasPrefix("#x") || entity.hasPrefix("#X") { value = UInt32(entity.dropFirst(2), radix: 16) }
                else if entity.hasPrefix("#") { value = UInt32(entity.dropFirst(), radix: 10) }
                else { throw fail("the entity `&\(entity);` is not one XML predefines; no other is read") }
                guard let value, let scalar = Unicode.Scalar(value), value != 0 else { throw fail("the character reference `&\(entity);` names no character") }
                replacement = String(Character(scalar))
            }
            out += Array(replacement.utf8)
            index = semicolon + 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}

