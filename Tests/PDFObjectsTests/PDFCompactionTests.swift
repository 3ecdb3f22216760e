import Foundation
@testable import PDFObjects
import StarCertTestSupport
import Testing

/// Object and cross-reference streams: written smaller, read back exactly, and refused when damaged.
@Suite struct PDFCompactionTests {
    /// A classic PDF of `objects` (number → the text between `obj` and `endobj`), catalog 1, info 2.
    static func classic(_ objects: [(Int, [UInt8])]) -> [UInt8] {
        var out = Array("%PDF-1.7\n%\u{E2}\u{E3}\n".utf8)
        var offsets: [Int: Int] = [:]
        for (number, body) in objects {
            offsets[number] = out.count
            out += Array("\(number) 0 obj\n".utf8) + body + Array("\nendobj\n".utf8)
        }
        let size = (offsets.keys.max() ?? 0) + 1
        let xref = out.count
        var table = "xref\n0 \(size)\n0000000000 65535 f \n"
        for number in 1..<size {
            let offset = String(offsets[number] ?? 0)
            table += String(repeating: "0", count: 10 - offset.count) + offset + (offsets[number] == nil ? " 00000 f \n" : " 00000 n \n")
        }
        out += Array((table + "trailer\n<< /Size \(size) /Root 1 0 R /Info 2 0 R >>\nstartxref\n\(xref)\n%%EOF\n").utf8)
        return out
    }

    /// A document with what makes reading hard: many objects (several object streams), a stream
    /// with an indirect /Length written after it, strings holding `endobj` and `>>`, comments.
    static let document: [UInt8] = {
        var objects: [(Int, [UInt8])] = [
            (1, Array("<< /Type /Catalog /Pages 3 0 R >>".utf8)),
            (2, Array("<< /Title (endobj \\) >> tricky) /Keywords <FEFF0041> /Producer (StarCert) >>".utf8)),
            (3, Array("<< /Type /Pages /Kids [ 4 0 R ] /Count 1 >>".utf8)),
            (4, Array("<< /Type /Page /Parent 3 0 R /MediaBox [ 0 0 595 842 ] /Contents 5 0 R >> % a comment with endobj".utf8)),
            (5, Array("<< /Length 6 0 R >>\nstream\nBT /F1 12 Tf (endobj endstream) Tj ET\nendstream".utf8)),
            (6, Array("37".utf8)),
        ]
        for number in 7..<460 { objects.append((number, Array("<< /Type /StructElem /S /P /K \(number) /T (element \(number)) >>".utf8))) }
        return classic(objects)
    }()

    @Test func compactionKeepsEveryObjectAndShrinksTheFile() throws {
        let original = try PDFFile(Self.document)
        let compacted = try PDFCompaction.compacted(Self.document)
        let file = try PDFFile(compacted)
        #expect(file.usesCrossReferenceStreams)
        #expect(file.objectNumbers.filter { $0 < original.size } == original.objectNumbers)
        for number in original.objectNumbers where number != 5 { #expect(file.dictionary(number) == original.dictionary(number), "object \(number)") }
        #expect(file.information("Title") == "endobj ) >> tricky" && file.information("Keywords") == "A")
        #expect(file.pageNumbers == [4])
        // The stream's data is copied as stored, with its /Length made direct.
        let stream = try PDFStream.read(compacted, at: try #require(file.offsets[5]), number: 5, offsets: file.offsets)
        #expect(String(decoding: stream.data, as: UTF8.self) == "BT /F1 12 Tf (endobj endstream) Tj ET" && stream.dictionary.integer("Length") == 37)
        #expect(compacted.count * 2 < Self.document.count, "\(compacted.count) of \(Self.document.count) bytes")
        #expect(try PDFCompaction.compacted(Self.document) == compacted, "the same input gives the same bytes")
        // A judge that is not StarCert reads it whole.
        let judged = try Self.qpdfCheck(compacted)
        #expect(judged.status == 0 && judged.stdout.contains("No syntax or stream encoding errors"), "\(judged.stdout)\(judged.stderr)")
    }

    @Test func anUpdateOfACompactedFileIsACrossReferenceStream() throws {
        let compacted = try PDFCompaction.compacted(Self.document)
        var update = PDFIncrementalUpdate(try PDFFile(compacted))
        update.replace(2, with: "<< /Title (changed) >>")
        let added = update.add("<< /Type /Example >>")
        let written = update.written(trailer: [("ID", "[ <00> <01> ]")])
        #expect(Array(written.prefix(compacted.count)) == compacted, "the original bytes stay a prefix")
        let file = try PDFFile(written)
        #expect(file.usesCrossReferenceStreams && file.startXRef > compacted.count)
        #expect(file.information("Title") == "changed" && file.dictionary(added) == "<< /Type /Example >>")
        #expect(file.dictionary(300) == (try PDFFile(compacted)).dictionary(300), "objects of the earlier revision are still found")
        let judged = try Self.qpdfCheck(written)
        #expect(judged.status == 0 && judged.stdout.contains("No syntax or stream encoding errors"), "\(judged.stdout)\(judged.stderr)")
    }

    static func qpdfCheck(_ bytes: [UInt8]) throws -> StarCertExecutable.Result {
        let file = try Fixtures.temporaryFolder().appendingPathComponent("checked.pdf")
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        try Data(bytes).write(to: file)
        return try ExternalProgram.run(URL(fileURLWithPath: "/usr/bin/qpdf"), ["--check", file.path])
    }

    /// A file of `objects` (raw, whole `N 0 obj … endobj`) indexed by a cross-reference stream
    /// written here, not by StarCert: type-1 entries for `objects`, type-2 for `compressed`.
    static func streamed(_ objects: [(Int, [UInt8])], compressed: [Int: (stream: Int, index: Int)] = [:],
                         dictionary: String? = nil, data: [UInt8]? = nil) -> [UInt8] {
        var out = Array("%PDF-1.7\n".utf8)
        var offsets: [Int: Int] = [:]
        for (number, object) in objects {
            offsets[number] = out.count
            out += object
        }
        let xrefNumber = max(offsets.keys.max() ?? 0, compressed.keys.max() ?? 0) + 1
        let xrefOffset = out.count
        offsets[xrefNumber] = xrefOffset
        var rows: [UInt8] = []
        for number in 0...xrefNumber {
            if let offset = offsets[number] {
                rows += [1, UInt8(offset >> 24 & 255), UInt8(offset >> 16 & 255), UInt8(offset >> 8 & 255), UInt8(offset & 255), 0, 0]
            } else if let place = compressed[number] {
                rows += [2, 0, 0, UInt8(place.stream >> 8), UInt8(place.stream & 255), 0, UInt8(place.index)]
            } else {
                rows += [0, 0, 0, 0, 0, 0, 0]
            }
        }
        let stored = data ?? rows
        let head = dictionary ?? "<< /Type /XRef /Size \(xrefNumber + 1) /W [ 1 4 2 ] /Root 1 0 R /Length \(stored.count) >>"
        out += Array("\(xrefNumber) 0 obj\n\(head)\nstream\n".utf8) + stored + Array("\nendstream\nendobj\nstartxref\n\(xrefOffset)\n%%EOF\n".utf8)
        return out
    }

    static func object(_ number: Int, _ dictionary: String, stream: [UInt8]) -> [UInt8] {
        Array("\(number) 0 obj\n\(dictionary)\nstream\n".utf8) + stream + Array("\nendstream\nendobj\n".utf8)
    }

    static func objectStream(_ number: Int, header: String, body: String, filter: String = "/FlateDecode", extra: String = "", data: [UInt8]? = nil) -> [UInt8] {
        let raw = Array((header + "\n" + body).utf8)
        let stored = data ?? PDFStream.deflate(raw)
        return object(number, "<< /Type /ObjStm /N 2 /First \(header.utf8.count + 1) /Filter \(filter) \(extra) /Length \(stored.count) >>", stream: stored)
    }

    /// Each kind of damage in streams is an error, never a crash, a hang or memory without bound.
    @Test(arguments: [
        "bomb", "widths", "index", "count", "filter", "predictor", "length", "header-order", "header-past-end", "missing-stream",
        "truncated-flate", "garbled-flate", "wrong-number", "xref-not-a-stream",
    ])
    func damagedStreamsAreRefused(damage: String) throws {
        let body = "<< /Type /Catalog >>\n<< /Title (x) >>"
        let goodStream = Self.objectStream(3, header: "1 0 2 21", body: body)
        let compressed: [Int: (stream: Int, index: Int)] = [1: (3, 0), 2: (3, 1)]
        let file: [UInt8]
        switch damage {
        case "bomb":
            // 40 MiB of spaces compress to a few kilobytes.
            let huge = PDFStream.deflate(Array("1 0 2 21\n".utf8) + [UInt8](repeating: 0x20, count: 40 << 20))
            file = Self.streamed([(3, Self.objectStream(3, header: "1 0 2 21", body: body, data: huge))], compressed: compressed)
        case "widths":
            file = Self.streamed([(3, goodStream)], compressed: compressed, dictionary: "<< /Type /XRef /Size 5 /W [ 1 9 2 ] /Length 35 >>")
        case "index":
            file = Self.streamed([(3, goodStream)], compressed: compressed, dictionary: "<< /Type /XRef /Size 5 /W [ 1 4 2 ] /Index [ 0 1000000 ] /Length 35 >>")
        case "count":
            let stored = PDFStream.deflate(Array(("1 0 2 21\n" + body).utf8))
            file = Self.streamed([(3, Self.object(3, "<< /Type /ObjStm /N 100000000 /First 9 /Filter /FlateDecode /Length \(stored.count) >>", stream: stored))],
                                 compressed: compressed)
        case "filter":
            file = Self.streamed([(3, Self.objectStream(3, header: "1 0 2 21", body: body, filter: "/LZWDecode"))], compressed: compressed)
        case "predictor":
            file = Self.streamed([(3, Self.objectStream(3, header: "1 0 2 21", body: body, extra: "/DecodeParms << /Predictor 15 /Columns 4 >>"))],
                                 compressed: compressed)
        case "length":
            let stored = PDFStream.deflate(Array(("1 0 2 21\n" + body).utf8))
            file = Self.streamed([(3, Self.object(3, "<< /Type /ObjStm /N 2 /First 9 /Filter /FlateDecode /Length 99999999 >>", stream: stored))],
                                 compressed: compressed)
        case "header-order":
            file = Self.streamed([(3, Self.objectStream(3, header: "1 21 2 0", body: body))], compressed: compressed)
        case "header-past-end":
            file = Self.streamed([(3, Self.objectStream(3, header: "1 0 2 9999", body: body))], compressed: compressed)
        case "missing-stream":
            file = Self.streamed([], compressed: [1: (7, 0)])
        case "truncated-flate":
            let stored = Array(PDFStream.deflate(Array(("1 0 2 21\n" + body).utf8)).dropLast(6))
            file = Self.streamed([(3, Self.objectStream(3, header: "1 0 2 21", body: body, data: stored))], compressed: compressed)
        case "garbled-flate":
            file = Self.streamed([(3, Self.objectStream(3, header: "1 0 2 21", body: body, data: Array("not zlib data at all".utf8)))], compressed: compressed)
        case "wrong-number":
            file = Self.streamed([(3, Self.objectStream(3, header: "9 0 2 21", body: body))], compressed: compressed)
        default:
            file = Array("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\nstartxref\n9\n%%EOF\n".utf8)
        }
        #expect(throws: PDFFileError.self) { try PDFFile(file) }
    }

    /// Object streams as another writer makes them (qpdf, with a PNG-predicted cross-reference
    /// stream) read like StarCert's: the fuzzer's seed, made by `qpdf --object-streams=generate`.
    @Test func qpdfsObjectStreamsAreRead() throws {
        let bytes = Array(try Data(contentsOf: Fixtures.packageRoot.appendingPathComponent("Tests/Fuzz/Corpus/pdf/object-streams.pdf")))
        let file = try PDFFile(bytes)
        #expect(file.usesCrossReferenceStreams)
        #expect(file.information("Title") == "Test (1)" && file.information("Keywords") == "starcert-signed:ab.cd")
        #expect(file.pageNumbers.count == 1)
    }

    /// The control for the damaged files: built the same way without damage, they read.
    @Test func theUndamagedStreamedFileReads() throws {
        let body = "<< /Type /Catalog >>\n<< /Title (x) >>"
        let file = try PDFFile(Self.streamed([(3, Self.objectStream(3, header: "1 0 2 21", body: body))], compressed: [1: (3, 0), 2: (3, 1)]))
        #expect(file.dictionary(1) == "<< /Type /Catalog >>" && file.dictionary(2) == "<< /Title (x) >>" && file.rootNumber == 1)
    }
}
