import Foundation
import PDFObjects
import StarCertTestSupport
import Testing

/// The PDF objects reader is what `/verify` runs on strangers' uploads: it reads what it must and
/// refuses damage with an error, never a crash, a hang or a wrong reading.
@Suite struct PDFReadingTests {
    static let corpus = Fixtures.packageRoot.appendingPathComponent("Tests/Fuzz/Corpus/pdf")

    static func seed(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: corpus.appendingPathComponent(name)))
    }

    @Test func theDocumentInformationIsReadFromTheParsedTrailer() throws {
        let file = try PDFFile(try Self.seed("minimal.pdf"))
        #expect(file.information("Title") == "Test (1)")
        #expect(file.information("Keywords") == "starcert-signed:ab.cd")
        #expect(file.information("Producer") == "StarCert")
        #expect(file.information("Author") == nil)
        #expect(file.pageNumbers == [3])
    }

    @Test func aSignatureIsReadWithTheRevisionItSigns() throws {
        let bytes = try Self.seed("signed.pdf")
        let reading = try #require(try PDFSignatureReading.last(in: bytes))
        #expect(reading.subFilter == "ETSI.CAdES.detached")
        #expect(reading.coversWholeFile)
        #expect(reading.contents == [0x30, 0x03, 0x02, 0x01, 0x00])
        #expect(reading.unsignedRevision == (try Self.seed("minimal.pdf")))
        // Bytes appended after signing are outside the signed revision.
        let appended = try #require(try PDFSignatureReading.last(in: bytes + Array("\n% appended\n".utf8)))
        #expect(!appended.coversWholeFile)
    }

    @Test(arguments: [
        ("(plain)", "plain"), (#"(a\(b\)c\\d)"#, "a(b)c\\d"), (#"(line\nbreak)"#, "line\nbreak"), (#"(\101\102)"#, "AB"),
        ("<FEFF4E2D6587>", "中文"), ("<4142 43>", "ABC"), ("<414>", "A@"), ("/Name", nil), ("12 0 R", nil), ("<XY>", nil),
    ] as [(String, String?)])
    func stringTokensAreDecoded(token: String, text: String?) {
        #expect(PDFText.decode(token) == text)
    }

    @Test func textStringsRoundTrip() {
        for text in ["ASCII (with) \\ marks", "北京华信家电服务有限公司", "starcert-signed:eyJ.abc", "😀 and é"] {
            #expect(PDFText.decode(PDFText.string(text)) == text)
        }
    }

    /// Each kind of damage a hostile upload can carry, in several variants.
    @Test func damagedCrossReferencesAreRefused() throws {
        let good = String(decoding: try Self.seed("signed.pdf"), as: UTF8.self)
        let variants: [(String, (String) -> String)] = [
            ("Prev past the end", { $0.replacingOccurrences(of: "/Prev ", with: "/Prev 99999999") }),
            ("Prev negative", { $0.replacingOccurrences(of: "/Prev ", with: "/Prev -") }),
            ("startxref past the end", { text in text.replacingOccurrences(of: "startxref\n", with: "startxref\n9999999999") }),
            ("startxref of 40 digits", { text in text.replacingOccurrences(of: "startxref\n", with: "startxref\n" + String(repeating: "9", count: 40)) }),
            ("a subsection of a billion entries", { $0.replacingOccurrences(of: "xref\n5 1\n", with: "xref\n5 1000000000\n") }),
            ("a subsection starting at 10^30", { $0.replacingOccurrences(of: "xref\n5 1\n", with: "xref\n1000000000000000000000000000000 1\n") }),
            ("the xref keyword missing", { $0.replacingOccurrences(of: "xref\n5 1", with: "xrex\n5 1") }),
            ("the trailer cut short", { String($0.prefix(upTo: $0.range(of: "trailer", options: .backwards)!.upperBound)) + "\n<< /Size 6\nstartxref\n1\n%%EOF\n" }),
        ]
        for (name, change) in variants {
            let damaged = Array(change(good).utf8)
            #expect(damaged != Array(good.utf8), "\(name): the change did not apply")
            #expect(throws: PDFFileError.self, "\(name)") { _ = try PDFFile(damaged) }
        }
    }

    @Test func damagedSignatureDictionariesAreRefused() throws {
        let good = String(decoding: try Self.seed("signed.pdf"), as: UTF8.self)
        let range = try #require(good.range(of: #"/ByteRange \[[^\]]*\]"#, options: .regularExpression))
        let variants = [
            "/ByteRange [0 9223372036854775807 9223372036854775807 9223372036854775807]",
            "/ByteRange [0 100 9223372036854775800 100]", "/ByteRange [0 -5 10 10]", "/ByteRange [0 10 5 10]",
            "/ByteRange [0 10 20]", "/ByteRange [1 10 20 30]", "/ByteRange (0 10 20 30)",
        ]
        for variant in variants {
            let damaged = Array(good.replacingCharacters(in: range, with: variant).utf8)
            #expect(throws: PDFFileError.self, "\(variant)") { _ = try PDFSignatureReading.last(in: damaged) }
        }
        let hidden = good.replacingOccurrences(of: "3003020100000000", with: "3003020100000001")
        #expect(throws: PDFFileError.self) { _ = try PDFSignatureReading.last(in: Array(hidden.utf8)) }
    }

    /// Every seed and every input the fuzzer ever found (Tests/Fuzz/Regressions/pdf), on each test
    /// run: the reader returns or throws, and nothing else.
    @Test func theFuzzersPDFsAreReadWithoutCrashing() throws {
        var count = 0
        for folder in [Self.corpus, Fixtures.packageRoot.appendingPathComponent("Tests/Fuzz/Regressions/pdf")] {
            for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where !name.hasPrefix(".") {
                let bytes = Array(try Data(contentsOf: folder.appendingPathComponent(name)))
                let reading = try? PDFSignatureReading.last(in: bytes)
                let revision = reading.map { Array(bytes.prefix($0.byteRange[2] + $0.byteRange[3])) } ?? bytes
                if let file = try? PDFFile(revision) {
                    _ = file.information("Keywords")
                    _ = file.pageNumbers
                }
                count += 1
            }
        }
        #expect(count >= 2)
    }

    @Test(arguments: [
        ("D:20260610083000+08'00'", "2026-06-10T00:30:00Z"), ("D:20260610000000Z", "2026-06-10T00:00:00Z"), ("(D:2026)", "2026-01-01T00:00:00Z"),
        ("D:20260610000000-03'30'", "2026-06-10T03:30:00Z"),
    ])
    func pdfDatesAreRead(text: String, iso: String) {
        #expect(PDFText.parseDate(text).map { ISO8601DateFormatter().string(from: $0) } == iso)
    }

    /// Offsets with digits enough to overflow, or out of range: refused, never a crash.
    @Test(arguments: ["D:20260101000000+08'999999999999999999'", "D:20260101000000+999999999999999999'00'", "D:20261301000000Z",
                      "D:2026010100000+08'00'", "D:20260101000000+08'60'", "D:20260101000000X"])
    func damagedPDFDatesAreRefused(text: String) {
        #expect(PDFText.parseDate(text) == nil)
    }

    /// Unterminated strings, hex strings and comments inside a dictionary end the scan instead of
    /// being re-read from every position (which took hours on a 16 MB upload).
    @Test(arguments: ["(", "<", "%"])
    func unterminatedTokensEndADictionaryScan(opener: String) {
        let text = "<< /X <" + String(repeating: opener, count: 2_000_000) + "> /ByteRange [0 1 2 3] >>"
        #expect(PDFDictionary(text).value("Missing") == nil)
    }

    /// Keys are found only at the top level: not inside strings, hex strings or comments.
    @Test func keysInsideStringsHexStringsAndCommentsAreNotKeys() {
        let dictionary = PDFDictionary("<< /A (/ByteRange [7 7 7 7]) /B <2F42797465> % /ByteRange [9 9 9 9]\n /ByteRange [0 1 2 3] >>")
        #expect(dictionary.value("ByteRange") == "[0 1 2 3]")
    }

    @Test func aFileWithMoreRevisionsThanAnyStarCertWritesIsRefused() throws {
        var text = "%PDF-1.7\n"
        var previous: Int?
        for _ in 0..<100 {
            let offset = text.utf8.count
            text += "xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 1" + (previous.map { " /Prev \($0)" } ?? "") + " >>\n"
            previous = offset
        }
        text += "startxref\n\(previous!)\n%%EOF\n"
        #expect(throws: PDFFileError.self) { _ = try PDFFile(Array(text.utf8)) }
    }
}
