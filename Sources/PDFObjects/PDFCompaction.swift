/// The same document, smaller: a PDF rewritten as one revision whose objects — all but streams —
/// sit in compressed object streams, indexed by a compressed cross-reference stream (PDF 1.5).
/// Streams are copied as stored (their `/Length` made direct); the document information stays a
/// plain object, readable by any tool (it carries what a signed file says it is); object numbers
/// stay the same. The same input gives the same bytes.
public enum PDFCompaction {
    /// Objects per object stream: enough to compress well, few enough that a reader looking for
    /// one object decompresses little.
    static let objectsPerStream = 200

    public static func compacted(_ pdf: [UInt8]) throws(PDFFileError) -> [UInt8] {
        let file = try PDFFile(pdf)
        var out = header(of: pdf)
        var places: [Int: CrossReference.Entry] = [:]
        var packed: [(number: Int, value: ArraySlice<UInt8>)] = []
        for number in file.objectNumbers {
            let value: ArraySlice<UInt8>
            if let text = file.compressedObjects[number] {
                value = trimmed(text[...])
            } else {
                guard let offset = file.offsets[number], let start = PDFSyntax.objectValueStart(pdf, at: offset, number: number) else {
                    throw .malformed("object \(number) is not where the cross-reference places it")
                }
                if PDFSyntax.isStream(pdf, valueStart: start) {
                    let stream = try PDFStream.read(pdf, at: offset, number: number, offsets: file.offsets)
                    places[number] = .offset(out.count)
                    let head = stream.dictionary.adding([("Length", String(stream.data.count))])
                    out += Array("\(number) 0 obj\n\(head)\nstream\n".utf8) + stream.data + Array("\nendstream\nendobj\n".utf8)
                    continue
                }
                guard let end = PDFSyntax.objectEnd(pdf, from: start) else { throw .malformed("object \(number) has no endobj") }
                value = trimmed(pdf[start..<end])
            }
            if number == file.infoNumber {
                places[number] = .offset(out.count)
                out += Array("\(number) 0 obj\n".utf8) + value + Array("\nendobj\n".utf8)
            } else {
                packed.append((number, value))
            }
        }
        var nextNumber = file.size
        for group in stride(from: 0, to: packed.count, by: objectsPerStream).map({ packed[$0..<min($0 + objectsPerStream, packed.count)] }) {
            let streamNumber = nextNumber
            nextNumber += 1
            var index: [String] = []
            var body: [UInt8] = []
            for (position, member) in group.enumerated() {
                index.append("\(member.number) \(body.count)")
                places[member.number] = .compressed(stream: streamNumber, index: position)
                body += member.value
                body.append(0x0A)
            }
            let head = Array((index.joined(separator: " ") + "\n").utf8)
            let data = PDFStream.deflate(head + body)
            places[streamNumber] = .offset(out.count)
            out += Array("\(streamNumber) 0 obj\n<< /Type /ObjStm /N \(group.count) /First \(head.count) /Filter /FlateDecode /Length \(data.count) >>\nstream\n".utf8)
            out += data + Array("\nendstream\nendobj\n".utf8)
        }
        var trailer: [(key: String, value: String)] = []
        for key in ["Root", "Info", "ID"] {
            if let value = PDFDictionary(file.trailer).value(key) { trailer.append((key, value)) }
        }
        out += CrossReferenceStream(places: places, number: nextNumber, offset: out.count).object(trailer: trailer, compressed: true)
        return out
    }

    /// `%PDF-1.x` of the input (1.5 at least: object streams need it) and a line of binary bytes.
    static func header(of pdf: [UInt8]) -> [UInt8] {
        let line = pdf.prefix(16).prefix { $0 != 0x0A && $0 != 0x0D }
        var version = String(decoding: line, as: UTF8.self)
        if !version.hasPrefix("%PDF-1.") || (Int(version.dropFirst(7)) ?? 0) < 5 { version = "%PDF-1.5" }
        return Array((version + "\n").utf8) + [0x25, 0xE2, 0xE3, 0xCF, 0xD3, 0x0A]
    }

    static func trimmed(_ text: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = text
        while let first = slice.first, PDFFile.isWhitespace(first) { slice = slice.dropFirst() }
        while let last = slice.last, PDFFile.isWhitespace(last) { slice = slice.dropLast() }
        return slice
    }
}

/// A cross-reference stream for a set of objects, ending the file (`startxref`, `%%EOF`).
struct CrossReferenceStream {
    /// Where each object is; the stream's own entry is added.
    let places: [Int: CrossReference.Entry]
    /// The stream's object number and where it is written.
    let number: Int
    let offset: Int

    /// Every number from 0 (a full section, `compressed`) or only runs of the numbers in `places`
    /// (an incremental update), with `trailer` entries such as `/Root` and `/Prev`.
    func object(trailer: [(key: String, value: String)], compressed: Bool, size: Int? = nil) -> [UInt8] {
        var entries = places
        entries[number] = .offset(offset)
        let numbers = compressed ? Array(0...number) : entries.keys.sorted()
        var runs: [(first: Int, count: Int)] = []
        var data: [UInt8] = []
        for number in numbers {
            if let last = runs.last, last.first + last.count == number {
                runs[runs.count - 1].count += 1
            } else {
                runs.append((number, 1))
            }
            let (kind, field, generation): (UInt8, Int, Int)
            switch entries[number] ?? .free {
            case let .offset(offset): (kind, field, generation) = (1, offset, 0)
            case let .compressed(stream, index): (kind, field, generation) = (2, stream, index)
            case .free: (kind, field, generation) = (0, 0, number == 0 ? 65_535 : 0)
            }
            data += [kind, UInt8(field >> 24 & 0xFF), UInt8(field >> 16 & 0xFF), UInt8(field >> 8 & 0xFF), UInt8(field & 0xFF),
                     UInt8(generation >> 8 & 0xFF), UInt8(generation & 0xFF)]
        }
        let stored = compressed ? PDFStream.deflate(data) : data
        var dictionary = "<< /Type /XRef /Size \(max(size ?? 0, number + 1)) /W [ 1 4 2 ]"
        if !compressed { dictionary += " /Index [ " + runs.map { "\($0.first) \($0.count)" }.joined(separator: " ") + " ]" }
        for (key, value) in trailer { dictionary += "\n   /\(key) \(value)" }
        if compressed { dictionary += "\n   /Filter /FlateDecode" }
        dictionary += "\n   /Length \(stored.count) >>"
        return Array("\(number) 0 obj\n\(dictionary)\nstream\n".utf8) + stored + Array("\nendstream\nendobj\nstartxref\n\(offset)\n%%EOF\n".utf8)
    }
}

extension PDFSyntax {
    /// Whether the value starting at `valueStart` is a dictionary followed by `stream`.
    static func isStream(_ bytes: [UInt8], valueStart: Int) -> Bool {
        guard let range = dictionary(in: bytes, from: valueStart), bytes[valueStart...].starts(with: Array("<<".utf8)) else { return false }
        var scanner = PDFScanner(bytes, at: range.upperBound)
        scanner.skipWhitespace()
        return scanner.rest.starts(with: Array("stream".utf8))
    }

    /// Where the `endobj` after an object's value starting at `start` begins, skipping strings
    /// and comments that might hold the word.
    static func objectEnd(_ bytes: [UInt8], from start: Int) -> Int? {
        let keyword = Array("endobj".utf8)
        var index = start
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "("):
                var nesting = 1
                index += 1
                while index < bytes.count, nesting > 0 {
                    if bytes[index] == UInt8(ascii: "\\") { index += 2; continue }
                    if bytes[index] == UInt8(ascii: "(") { nesting += 1 }
                    if bytes[index] == UInt8(ascii: ")") { nesting -= 1 }
                    index += 1
                }
            case UInt8(ascii: "%"):
                while index < bytes.count, bytes[index] != 0x0A, bytes[index] != 0x0D { index += 1 }
            case UInt8(ascii: "e") where bytes[index...].starts(with: keyword):
                return index
            default:
                index += 1
            }
        }
        return nil
    }
}
