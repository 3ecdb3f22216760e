import Foundation

/// An invisible signature field added to a PDF by an incremental update, with room for a detached
/// CMS signature over every byte of the file except that room (the `/ByteRange`).
public struct PDFSignatureField: Sendable {
    /// The file with the field, its `/ByteRange` filled in and `/Contents` still zeros.
    public private(set) var bytes: [UInt8]
    /// `[0, a, b, c]`: the signed bytes are `0..<a` and `b..<b+c`.
    public let byteRange: [Int]
    /// How many bytes of DER the reserved `/Contents` holds.
    public let capacity: Int

    /// The bytes a signature must cover: the file without the reserved `/Contents`.
    public var signedBytes: [UInt8] { Array(bytes[0..<byteRange[1]] + bytes[byteRange[2]..<byteRange[2] + byteRange[3]]) }

    /// `pdf` with an invisible signature field on its first page and room for `capacity` bytes of
    /// signature. `subFilter` is e.g. `adbe.pkcs7.detached`; `signingTime` a PDF date (`D:…`).
    /// `certifying` makes it a certification signature that permits no later change (DocMDP, P 1):
    /// a reader that follows the standard reports any change made after signing.
    public init(_ pdf: [UInt8], subFilter: String, signingTime: String, name: String? = nil, reason: String? = nil,
                certifying: Bool = false, capacity: Int = 8192) throws(PDFFileError) {
        let file = try PDFFile(pdf)
        guard let root = file.rootNumber, let catalog = file.dictionary(root) else { throw .malformed("the catalog is missing") }
        guard let page = file.pageNumbers.first, let pageText = file.dictionary(page) else { throw .malformed("the PDF has no page") }
        var update = PDFIncrementalUpdate(file)
        let placeholder = "/ByteRange [ 0 ********** ********** ********** ]"
        var signature = "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /\(subFilter)\n   \(placeholder)\n   /Contents <"
            + String(repeating: "0", count: capacity * 2) + ">\n   /M (\(signingTime))"
        if let name { signature += "\n   /Name \(PDFText.string(name))" }
        if let reason { signature += "\n   /Reason \(PDFText.string(reason))" }
        if certifying {
            signature += "\n   /Reference [ << /Type /SigRef /TransformMethod /DocMDP /TransformParams << /Type /TransformParams /P 1 /V /1.2 >> >> ]"
        }
        let signatureNumber = update.add(signature + "\n>>")
        let widget = update.add("""
            << /Type /Annot /Subtype /Widget /FT /Sig /T (StarCert signature) /V \(signatureNumber) 0 R
               /Rect [ 0 0 0 0 ] /F 132 /P \(page) 0 R >>
            """)
        let pageDictionary = PDFDictionary(pageText)
        let annotations = pageDictionary.references(inArray: "Annots").map { "\($0) 0 R" } + ["\(widget) 0 R"]
        update.replace(page, with: pageDictionary.adding([("Annots", "[ " + annotations.joined(separator: " ") + " ]")]))
        var catalogEntries = [("AcroForm", "<< /Fields [ \(widget) 0 R ] /SigFlags 3 >>")]
        if certifying { catalogEntries.append(("Perms", "<< /DocMDP \(signatureNumber) 0 R >>")) }
        update.replace(root, with: PDFDictionary(catalog).adding(catalogEntries.map { (key: $0.0, value: $0.1) }))
        // The document keeps its permanent identifier; the second one changes with this revision.
        let previous = PDFDictionary(file.trailer).value("ID").flatMap { value -> String? in
            guard let open = value.firstIndex(of: "<"), let close = value[open...].firstIndex(of: ">") else { return nil }
            return String(value[open...close])
        }
        let first = previous ?? "<\(PDFArchival.documentIdentifier(pdf))>"
        var written = update.written(trailer: [("ID", "[ \(first) <\(PDFArchival.documentIdentifier(pdf + [1]))> ]")])

        guard let rangeStart = PDFSyntax.lastOffset(of: Array(placeholder.utf8), in: written),
              let contentsMarker = PDFSyntax.lastOffset(of: Array("/Contents <".utf8), in: written)
        else { throw .malformed("the signature field could not be placed") }
        let open = contentsMarker + "/Contents ".utf8.count
        let close = open + 1 + capacity * 2
        byteRange = [0, open, close + 1, written.count - close - 1]
        let numbers = byteRange.dropFirst().map { value -> String in
            let text = String(value)
            return String(repeating: "0", count: 10 - text.count) + text
        }
        let filled = Array("/ByteRange [ 0 \(numbers.joined(separator: " ")) ]".utf8)
        written.replaceSubrange(rangeStart..<rangeStart + filled.count, with: filled)
        bytes = written
        self.capacity = capacity
    }

    /// Writes `signature` (DER) into the reserved `/Contents`.
    public mutating func fill(_ signature: [UInt8]) throws(PDFFileError) {
        guard signature.count <= capacity else { throw .tooLarge("the signature takes \(signature.count) bytes, more than the \(capacity) reserved") }
        let digits = Array("0123456789ABCDEF".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(capacity * 2)
        for byte in signature {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 15)])
        }
        hex += [UInt8](repeating: UInt8(ascii: "0"), count: capacity * 2 - hex.count)
        bytes.replaceSubrange(byteRange[1] + 1..<byteRange[2] - 1, with: hex)
    }
}

/// A signature found in a PDF: what it covers and the signature bytes.
public struct PDFSignatureReading: Sendable, Equatable {
    public let byteRange: [Int]
    public let subFilter: String?
    /// The `/M` date as written.
    public let signingTime: String?
    /// `/Contents` decoded, the padding after the DER signature removed.
    public let contents: [UInt8]
    /// Whether the ranges cover the whole file except `/Contents` — nothing was added after signing.
    public let coversWholeFile: Bool
    /// The file read (shared, not copied), and where its revision before the signature ends.
    private let file: [UInt8]
    private let unsignedRevisionEnd: Int?

    /// The covered bytes (made on each use: a large file is not held twice).
    public var signedBytes: [UInt8] { Array(file[0..<byteRange[1]] + file[byteRange[2]..<byteRange[2] + byteRange[3]]) }
    /// The file as it was before the signature's revision (the update that added the field).
    public var unsignedRevision: [UInt8]? { unsignedRevisionEnd.map { Array(file[..<$0]) } }

    /// The last signature of `pdf`, or nil when it has none; throws when one is there but damaged.
    public static func last(in pdf: [UInt8]) throws(PDFFileError) -> PDFSignatureReading? {
        guard let marker = PDFSyntax.lastOffset(of: Array("/ByteRange".utf8), in: pdf) else { return nil }
        // The signature dictionary around the marker.
        guard let start = PDFSyntax.lastOffset(of: Array("<<".utf8), in: pdf, before: marker),
              let range = PDFSyntax.dictionary(in: pdf, from: start) else { throw .malformed("the signature dictionary is damaged") }
        let dictionary = PDFDictionary(String(decoding: pdf[range], as: UTF8.self))
        guard let rangeText = dictionary.value("ByteRange") else { throw .malformed("the signature has no /ByteRange") }
        let values = rangeText.dropFirst().dropLast().split(separator: " ").compactMap { Int($0) }
        guard values.count == 4, values[0] == 0, values[1] > 0, values[2] > values[1], values[3] >= 0,
              values[2] <= pdf.count, values[3] <= pdf.count - values[2], values[2] - values[1] >= 2,
              pdf[values[1]] == UInt8(ascii: "<"), pdf[values[2] - 1] == UInt8(ascii: ">")
        else { throw .malformed("the signature's /ByteRange does not fit the file") }
        var bytes: [UInt8] = []
        var high: UInt8?
        for byte in pdf[values[1] + 1..<values[2] - 1] {
            let value: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = byte - UInt8(ascii: "0")
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = byte - UInt8(ascii: "A") + 10
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = byte - UInt8(ascii: "a") + 10
            default: throw .malformed("the signature's /Contents is not hexadecimal")
            }
            if let first = high {
                bytes.append(first << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        let signature = Self.trimmed(bytes)
        // The room after the signature holds zeros only: nothing may hide in it.
        guard bytes.dropFirst(signature.count).allSatisfy({ $0 == 0 }) else {
            throw .malformed("the signature's /Contents holds data after the signature")
        }
        // The revision before the signature: the file up to the %%EOF before the signature's objects.
        let earlier = PDFSyntax.lastOffset(of: Array("%%EOF".utf8), in: pdf, before: start).map { offset -> Int in
            var end = offset + 5
            while end < pdf.count, pdf[end] == 0x0A || pdf[end] == 0x0D { end += 1 }
            return end
        }
        return PDFSignatureReading(
            byteRange: values, subFilter: dictionary.name("SubFilter"),
            signingTime: dictionary.value("M").map { $0.trimmingCharacters(in: ["(", ")"]) },
            contents: signature, coversWholeFile: values[2] + values[3] == pdf.count, file: pdf, unsignedRevisionEnd: earlier)
    }

    /// The first DER element of `bytes` (the signature without the zeros after it).
    static func trimmed(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.count > 2 else { return bytes }
        var length = Int(bytes[1])
        var header = 2
        if length & 0x80 != 0 {
            let count = length & 0x7F
            guard count <= 4, bytes.count > 2 + count else { return bytes }
            length = 0
            for index in 0..<count { length = length << 8 | Int(bytes[2 + index]) }
            header += count
        }
        return Array(bytes.prefix(min(bytes.count, header + length)))
    }
}

extension String {
    func trimmingCharacters(in set: Set<Character>) -> String {
        var text = Substring(self)
        while let first = text.first, set.contains(first) { text.removeFirst() }
        while let last = text.last, set.contains(last) { text.removeLast() }
        return String(text)
    }
}
