import CZlib

/// Cross-reference sections, classic tables and streams alike.
enum CrossReference {
    /// Where a cross-reference section says an object is.
    enum Entry: Equatable {
        case offset(Int)
        /// Inside object stream `stream`, the `index`-th object.
        case compressed(stream: Int, index: Int)
        case free
    }

    struct Section {
        /// The trailer dictionary, or a cross-reference stream's dictionary.
        let trailer: String
        let isStream: Bool
    }

    /// Reads the section at `offset`, reporting each entry.
    static func section(_ bytes: [UInt8], at offset: Int, entry: (Int, Entry) -> Void) throws(PDFFileError) -> Section {
        guard offset >= 0, offset < bytes.count else { throw .malformed("a cross-reference section lies outside the file") }
        if bytes[offset...].starts(with: Array("xref".utf8)) {
            return Section(trailer: try table(bytes, at: offset, entry: entry), isStream: false)
        }
        return Section(trailer: try stream(bytes, at: offset, entry: entry), isStream: true)
    }

    /// A classic `xref` table and its trailer.
    static func table(_ bytes: [UInt8], at offset: Int, entry: (Int, Entry) -> Void) throws(PDFFileError) -> String {
        var scanner = PDFScanner(bytes, at: offset + 4)
        while true {
            scanner.skipWhitespace()
            guard !scanner.atEnd else { throw .malformed("the cross-reference section at \(offset) has no trailer") }
            if scanner.rest.starts(with: Array("trailer".utf8)) { break }
            guard let first = scanner.integer(), let count = scanner.integer() else { throw .malformed("a cross-reference subsection header is damaged") }
            // Each entry takes 20 bytes: a count the file cannot hold is damage, not a loop to run.
            guard count <= (bytes.count - scanner.index) / 20 + 1 else { throw .malformed("a cross-reference subsection claims more entries than the file holds") }
            scanner.skipWhitespace()
            var index = scanner.index
            for number in first..<first + count {
                guard index + 18 <= bytes.count else { throw .malformed("the cross-reference table is cut short") }
                // `nnnnnnnnnn ggggg n`: ten digits of offset, the generation, the kind.
                var position = 0
                for digit in bytes[index..<index + 10] {
                    guard (48...57).contains(digit) else { position = -1; break }
                    position = position * 10 + Int(digit - 48)
                }
                if bytes[index + 17] == UInt8(ascii: "n"), position >= 0, position < bytes.count {
                    entry(number, .offset(position))
                } else if bytes[index + 17] == UInt8(ascii: "f") {
                    entry(number, .free)
                }
                index += 20
            }
            scanner.index = index
        }
        scanner.index += 7
        scanner.skipWhitespace()
        guard let dictionary = PDFSyntax.dictionary(in: bytes, from: scanner.index) else { throw .malformed("the trailer is damaged") }
        return String(decoding: bytes[dictionary], as: UTF8.self)
    }

    /// A cross-reference stream (`/Type /XRef`): its dictionary is the trailer.
    static func stream(_ bytes: [UInt8], at offset: Int, entry: (Int, Entry) -> Void) throws(PDFFileError) -> String {
        let object = try PDFStream.read(bytes, at: offset, number: nil, offsets: [:])
        guard object.dictionary.name("Type") == "XRef" else {
            throw .malformed("the cross-reference section at \(offset) is neither a table nor a cross-reference stream")
        }
        let data = try PDFStream.decoded(object, limit: PDFStream.crossReferenceLimit)
        let widths = PDFDictionary.integers(object.dictionary.value("W") ?? "")
        guard widths.count == 3, widths.allSatisfy({ (0...8).contains($0) }), widths[1] > 0 else {
            throw .malformed("the cross-reference stream's /W is not three field widths")
        }
        let rowWidth = widths.reduce(0, +)
        guard let size = object.dictionary.integer("Size"), size >= 0 else { throw .malformed("the cross-reference stream has no /Size") }
        var index = PDFDictionary.integers(object.dictionary.value("Index") ?? "[ 0 \(size) ]")
        guard index.count % 2 == 0, !index.isEmpty else { throw .malformed("the cross-reference stream's /Index is not pairs of numbers") }
        var position = 0
        while !index.isEmpty {
            let first = index.removeFirst(), count = index.removeFirst()
            guard first >= 0, count >= 0, count <= (data.count - position) / rowWidth else {
                throw .malformed("the cross-reference stream claims more entries than it holds")
            }
            for number in first..<first + count {
                var fields = [0, 0, 0]
                for (field, width) in widths.enumerated() {
                    for _ in 0..<width {
                        fields[field] = fields[field] << 8 | Int(data[position])
                        position += 1
                    }
                }
                // A missing type field means type 1.
                switch widths[0] == 0 ? 1 : fields[0] {
                case 0: entry(number, .free)
                case 1 where fields[1] < bytes.count: entry(number, .offset(fields[1]))
                case 2: entry(number, .compressed(stream: fields[1], index: fields[2]))
                default: break
                }
            }
        }
        return object.dictionary.text
    }
}

/// A stream object: its dictionary and its data as stored.
struct PDFStream {
    let dictionary: PDFDictionary
    let data: ArraySlice<UInt8>

    /// The most a cross-reference stream may decode to (64 bytes per object for a million objects).
    static let crossReferenceLimit = 64 << 20
    /// The most all object streams of a file may decode to together.
    static let objectStreamsLimit = 32 << 20

    /// The stream object at `offset` (object `number` when given); a `/Length` that refers to
    /// another object is looked up in `offsets`.
    static func read(_ bytes: [UInt8], at offset: Int, number: Int?, offsets: [Int: Int]) throws(PDFFileError) -> PDFStream {
        guard let start = PDFSyntax.objectValueStart(bytes, at: offset, number: number),
              let range = PDFSyntax.dictionary(in: bytes, from: start)
        else { throw .malformed("the stream object at \(offset) is damaged") }
        let dictionary = PDFDictionary(String(decoding: bytes[range], as: UTF8.self))
        var scanner = PDFScanner(bytes, at: range.upperBound)
        scanner.skipWhitespace()
        guard scanner.rest.starts(with: Array("stream".utf8)) else { throw .malformed("the object at \(offset) is not a stream") }
        scanner.index += 6
        // `stream` ends with CR LF or LF.
        if scanner.peek == 0x0D { scanner.index += 1 }
        guard scanner.peek == 0x0A else { throw .malformed("the stream at \(offset) does not start on a new line") }
        scanner.index += 1
        let length: Int
        if let direct = dictionary.integer("Length") {
            length = direct
        } else if let reference = dictionary.reference("Length"), let at = offsets[reference],
                  let value = PDFSyntax.objectValueStart(bytes, at: at, number: reference) {
            var lengthScanner = PDFScanner(bytes, at: value)
            guard let found = lengthScanner.integer() else { throw .malformed("the stream at \(offset) has no readable /Length") }
            length = found
        } else {
            throw .malformed("the stream at \(offset) has no readable /Length")
        }
        guard length >= 0, length <= bytes.count - scanner.index else { throw .malformed("the stream at \(offset) runs past the end of the file") }
        return PDFStream(dictionary: dictionary, data: bytes[scanner.index..<scanner.index + length])
    }

    /// The data decoded: unfiltered or `/FlateDecode`, without a predictor or with the PNG Up
    /// predictor; at most `limit` bytes.
    static func decoded(_ stream: PDFStream, limit: Int) throws(PDFFileError) -> [UInt8] {
        let filters = stream.dictionary.value("Filter").map { $0.replacingOccurrences(of: "[", with: " ").replacingOccurrences(of: "]", with: " ") }
            .map { $0.split(separator: " ").map(String.init) } ?? []
        var data: [UInt8]
        switch filters {
        case []:
            guard stream.data.count <= limit else { throw .tooLarge("a stream holds more than \(limit) bytes") }
            data = Array(stream.data)
        case ["/FlateDecode"]:
            data = try inflate(stream.data, limit: limit)
        default:
            throw .malformed("a stream is compressed with \(filters.joined(separator: " ")), which StarCert does not write")
        }
        if let parameters = stream.dictionary.value("DecodeParms") {
            let predictor = PDFDictionary(parameters).integer("Predictor") ?? 1
            if predictor != 1 {
                guard predictor == 12, let columns = PDFDictionary(parameters).integer("Columns"), columns > 0, columns < 1 << 16 else {
                    throw .malformed("a stream uses predictor \(predictor), which StarCert does not write")
                }
                data = try pngUp(data, columns: columns)
            }
        }
        return data
    }

    /// Rows of `columns` bytes, each after a filter-type byte of 0 (none) or 2 (up).
    static func pngUp(_ data: [UInt8], columns: Int) throws(PDFFileError) -> [UInt8] {
        guard data.count % (columns + 1) == 0 else { throw .malformed("a predicted stream does not hold whole rows") }
        var out: [UInt8] = []
        out.reserveCapacity(data.count / (columns + 1) * columns)
        var previous = [UInt8](repeating: 0, count: columns)
        for row in stride(from: 0, to: data.count, by: columns + 1) {
            let kind = data[row]
            guard kind == 0 || kind == 2 else { throw .malformed("a predicted stream uses PNG filter \(kind), which StarCert does not write") }
            for column in 0..<columns {
                let value = kind == 2 ? data[row + 1 + column] &+ previous[column] : data[row + 1 + column]
                previous[column] = value
            }
            out += previous
        }
        return out
    }

    static func inflate(_ data: ArraySlice<UInt8>, limit: Int) throws(PDFFileError) -> [UInt8] {
        var out: UnsafeMutablePointer<UInt8>?
        var size = 0
        let status = data.withUnsafeBufferPointer { buffer in
            starcert_inflate(buffer.baseAddress, buffer.count, limit, &out, &size)
        }
        defer { starcert_zlib_free(out) }
        switch status {
        case 0: return out.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
        case 2: throw .tooLarge("a compressed stream expands to more than \(limit) bytes")
        default: throw .malformed("a compressed stream is damaged or cut short")
        }
    }

    /// `data` compressed with zlib (`/FlateDecode`), the same bytes for the same input.
    static func deflate(_ data: [UInt8]) -> [UInt8] {
        var out: UnsafeMutablePointer<UInt8>?
        var size = 0
        let status = data.withUnsafeBufferPointer { buffer in starcert_deflate(buffer.baseAddress, buffer.count, &out, &size) }
        defer { starcert_zlib_free(out) }
        guard status == 0, let out else { fatalError("zlib could not compress \(data.count) bytes in memory") }
        return Array(UnsafeBufferPointer(start: out, count: size))
    }
}

/// Object streams (`/Type /ObjStm`): the objects the cross-reference sections place inside them.
enum ObjectStreams {
    /// The text of each object in `wanted` (object number → stream and index).
    static func objects(_ wanted: [Int: (stream: Int, index: Int)], of bytes: [UInt8], offsets: [Int: Int]) throws(PDFFileError) -> [Int: [UInt8]] {
        guard !wanted.isEmpty else { return [:] }
        var byStream: [Int: [(number: Int, index: Int)]] = [:]
        for (number, place) in wanted { byStream[place.stream, default: []].append((number, place.index)) }
        var budget = PDFStream.objectStreamsLimit
        var found: [Int: [UInt8]] = [:]
        for (streamNumber, members) in byStream.sorted(by: { $0.key < $1.key }) {
            guard let offset = offsets[streamNumber] else { throw .malformed("object stream \(streamNumber) is not in the file") }
            let stream = try PDFStream.read(bytes, at: offset, number: streamNumber, offsets: offsets)
            guard stream.dictionary.name("Type") == "ObjStm", let count = stream.dictionary.integer("N"), let first = stream.dictionary.integer("First"),
                  count >= 0, first >= 0
            else { throw .malformed("object stream \(streamNumber) is damaged") }
            let data = try PDFStream.decoded(stream, limit: budget)
            budget -= data.count
            guard first <= data.count, count <= first / 2 + 1 else { throw .malformed("object stream \(streamNumber) claims more objects than it holds") }
            var scanner = PDFScanner(Array(data[..<first]), at: 0)
            var header: [(number: Int, offset: Int)] = []
            for _ in 0..<count {
                guard let number = scanner.integer(), let at = scanner.integer(), first + at <= data.count else {
                    throw .malformed("object stream \(streamNumber) has a damaged header")
                }
                if let last = header.last, at < last.offset { throw .malformed("object stream \(streamNumber) lists its objects out of order") }
                header.append((number, at))
            }
            for member in members {
                guard member.index < header.count, header[member.index].number == member.number else {
                    throw .malformed("object \(member.number) is not where the cross-reference places it in object stream \(streamNumber)")
                }
                let start = first + header[member.index].offset
                let end = member.index + 1 < header.count ? first + header[member.index + 1].offset : data.count
                found[member.number] = Array(data[start..<end])
            }
        }
        return found
    }
}

/// Reading PDF tokens from bytes.
struct PDFScanner {
    let bytes: [UInt8]
    var index: Int

    init(_ bytes: [UInt8], at index: Int) {
        self.bytes = bytes
        self.index = index
    }

    var atEnd: Bool { index >= bytes.count }
    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }
    var rest: ArraySlice<UInt8> { index < bytes.count ? bytes[index...] : [] }

    mutating func skipWhitespace() {
        while index < bytes.count, PDFFile.isWhitespace(bytes[index]) { index += 1 }
    }

    /// A non-negative integer after whitespace, or nil (also for one too long to be an offset).
    mutating func integer() -> Int? {
        skipWhitespace()
        var value = 0
        var digits = 0
        while index < bytes.count, (48...57).contains(bytes[index]) {
            guard digits < PDFFile.maximumDigits else { return nil }
            value = value * 10 + Int(bytes[index] - 48)
            index += 1
            digits += 1
        }
        return digits > 0 ? value : nil
    }
}

extension PDFSyntax {
    /// Where the value of the object whose header `N G obj` starts at `offset` begins (after the
    /// header and whitespace); nil unless the header is there (and names `number`, when given).
    static func objectValueStart(_ bytes: [UInt8], at offset: Int, number: Int?) -> Int? {
        guard offset >= 0, offset < bytes.count else { return nil }
        var scanner = PDFScanner(bytes, at: offset)
        guard let found = scanner.integer(), number == nil || found == number, scanner.integer() != nil else { return nil }
        scanner.skipWhitespace()
        guard scanner.rest.starts(with: Array("obj".utf8)) else { return nil }
        scanner.index += 3
        scanner.skipWhitespace()
        return scanner.index
    }
}

extension PDFDictionary {
    /// The integers of an array value such as `[ 1 4 2 ]`.
    static func integers(_ value: String) -> [Int] {
        value.split(whereSeparator: { $0 == " " || $0 == "[" || $0 == "]" || $0 == "\n" || $0 == "\r" }).compactMap { Int($0) }
    }
}
