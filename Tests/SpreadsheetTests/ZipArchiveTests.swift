import Foundation
import Spreadsheet
import StarCertTestSupport
import Testing

struct ZipArchiveTests {
    static func written(_ entries: [(String, [UInt8])]) -> [UInt8] {
        var writer = ZipWriter()
        for (name, data) in entries { writer.add(name, data) }
        return writer.bytes
    }

    @Test func whatIsWrittenReadsBackAndTheSameEntriesGiveTheSameBytes() throws {
        let entries: [(String, [UInt8])] = [
            ("[Content_Types].xml", Array("<Types/>".utf8)), ("xl/worksheets/sheet1.xml", Array(String(repeating: "<row>评分</row>", count: 5000).utf8)),
            ("empty", []),
        ]
        let bytes = Self.written(entries)
        #expect(bytes == Self.written(entries))
        let archive = try ZipArchive(bytes)
        #expect(archive.entries.map(\.name) == entries.map(\.0))
        for (name, data) in entries { #expect(try archive.data(name) == data) }
        #expect(try archive.data("missing") == nil)
    }

    /// Python's zipfile, a writer and reader we did not write, agrees both ways.
    @Test func pythonsZipfileReadsOursAndWeReadItsPackages() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let ours = folder.appendingPathComponent("ours.zip")
        try Data(Self.written([("a/b.xml", Array("<x>数据</x>".utf8)), ("c.bin", [UInt8](repeating: 7, count: 100_000))])).write(to: ours)
        let theirs = folder.appendingPathComponent("theirs.zip")
        let script = """
            import zipfile, sys
            with zipfile.ZipFile(sys.argv[1]) as z:
                assert z.testzip() is None and z.read('a/b.xml').decode() == '<x>数据</x>' and z.read('c.bin') == bytes([7]) * 100000
            with zipfile.ZipFile(sys.argv[2], 'w', zipfile.ZIP_DEFLATED) as z:
                z.writestr('xl/workbook.xml', '<workbook>工作簿</workbook>')
                z.writestr(zipfile.ZipInfo('stored.txt'), 'plain')
            """
        let result = try ExternalProgram.run(URL(fileURLWithPath: "/usr/bin/python3"), ["-c", script, ours.path, theirs.path])
        #expect(result.status == 0, "\(result.stderr)")
        let archive = try ZipArchive(Array(try Data(contentsOf: theirs)))
        #expect(try archive.data("xl/workbook.xml") == Array("<workbook>工作簿</workbook>".utf8))
        #expect(try archive.data("stored.txt") == Array("plain".utf8))
    }

    @Test(arguments: [
        "../evil.xml", "a/../../evil.xml", "/etc/passwd", "C:/evil.xml", "a\\..\\evil.xml", "a//b.xml", "./a.xml", "a/./b.xml", "..", "a/\u{1}b",
    ])
    func entryNamesThatCouldEscapeAreRefused(name: String) throws {
        var bytes = Self.written([("placeholder-name-of-the-same-size".prefix(name.utf8.count).description, Array("<x/>".utf8))])
        Self.rename(&bytes, to: Array(name.utf8))
        #expect(throws: ZipError.unsafeName(String(name.unicodeScalars.map { $0.value < 0x20 ? "?" : Character($0) }))) { try ZipArchive(bytes) }
    }

    /// Entries that would expand far beyond their size are refused before anything is inflated,
    /// whether the directory says so or lies about it.
    @Test func compressionBombsAreRefusedBeforeInflating() throws {
        let zeros = [UInt8](repeating: 0, count: 20 << 20)
        let bomb = Self.written([("bomb.xml", zeros)])
        #expect { try ZipArchive(bomb) } throws: { ($0 as? ZipError).map { if case .tooLarge = $0 { true } else { false } } ?? false }
        var limits = ZipArchive.Limits()
        limits.entrySize = 1 << 20
        let large = Self.written([("large.xml", [UInt8](repeating: 65, count: 2 << 20))])
        #expect { try ZipArchive(large, limits: limits) } throws: { "\($0)".contains("at most 1048576") }
        limits = ZipArchive.Limits()
        limits.totalSize = 300_000
        let many = Self.written((0..<4).map { ("part\($0).xml", (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }) })
        #expect { try ZipArchive(many, limits: limits) } throws: { "\($0)".contains("more than 300000 bytes") }
        // A directory that understates the size: inflating stops at the declared size.
        var lying = Self.written([("lie.xml", [UInt8](repeating: 66, count: 50_000))])
        Self.setDeclaredSize(&lying, 1_000)
        let archive = try ZipArchive(lying)
        #expect { try archive.data("lie.xml") } throws: { "\($0)".contains("expands past the 1000 bytes") }
    }

    @Test func damagedPackagesSayWhat() throws {
        let good = Self.written([("a.xml", Array(String(repeating: "<a>text</a>", count: 100).utf8))])
        #expect { try ZipArchive(Array("number,status\n1,valid\n".utf8)) } throws: { "\($0)".contains("does not start as a ZIP package") }
        #expect { try ZipArchive([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 600)) } throws: { "\($0)".contains(".xls") }
        #expect { try ZipArchive(Array(good.prefix(good.count - 30))) } throws: { "\($0)".contains("central directory") }
        var flipped = good
        flipped[45] ^= 0xFF
        let archive = try ZipArchive(flipped)
        #expect { try archive.data("a.xml") } throws: { "\($0)".contains("damaged") }
        var encrypted = good
        let directory = Self.directoryOffset(good)
        encrypted[directory + 8] |= 1
        #expect { try ZipArchive(encrypted) } throws: { "\($0)".contains("encrypted") }
        var method = good
        method[directory + 10] = 12
        #expect { try ZipArchive(method) } throws: { "\($0)".contains("method 12") }
        let twice = Self.written([("a.xml", [1]), ("b.xml", [2])])
        var duplicate = twice
        Self.rename(&duplicate, to: Array("b.xml".utf8))
        #expect { try ZipArchive(duplicate) } throws: { "\($0)".contains("two entries named `b.xml`") }
    }

    // MARK: Editing packages

    static func directoryOffset(_ bytes: [UInt8]) -> Int {
        let end = bytes.count - 22
        return Int(bytes[end + 16]) | Int(bytes[end + 17]) << 8 | Int(bytes[end + 18]) << 16 | Int(bytes[end + 19]) << 24
    }

    /// Gives the first directory entry (and its local header) the name `name`, of the same length.
    static func rename(_ bytes: inout [UInt8], to name: [UInt8]) {
        let directory = directoryOffset(bytes)
        let length = Int(bytes[directory + 28]) | Int(bytes[directory + 29]) << 8
        precondition(length == name.count)
        bytes.replaceSubrange(directory + 46..<directory + 46 + length, with: name)
        bytes.replaceSubrange(30..<30 + length, with: name)
    }

    static func setDeclaredSize(_ bytes: inout [UInt8], _ size: UInt32) {
        let directory = directoryOffset(bytes)
        for offset in [directory + 24, 22] {
            bytes.replaceSubrange(offset..<offset + 4, with: [UInt8(size & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size >> 16 & 0xFF), UInt8(size >> 24)])
        }
    }
}

struct XMLScannerTests {
    @Test func elementsAttributesTextAndEntitiesAreRead() throws {
        let xml = Array("""
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <!-- a comment -->
            <x:sheet xmlns:x="urn:x"><x:c r='A1' t="s">&lt;评分&gt; &amp; &#x4E2D;&#25991; &quot;q&apos;</x:c><x:v/><![CDATA[<raw>&]]></x:sheet>
            """.utf8)
        let events = try XMLScanner.events(xml, part: "sheet1.xml")
        #expect(events == [
            .start(name: "x:sheet", attributes: ["xmlns:x": "urn:x"], selfClosing: false),
            .start(name: "x:c", attributes: ["r": "A1", "t": "s"], selfClosing: false), .text("<评分> & 中文 \"q'"), .end(name: "x:c"),
            .start(name: "x:v", attributes: [:], selfClosing: true), .end(name: "x:v"), .text("<raw>&"), .end(name: "x:sheet"),
        ])
        #expect(XMLScanner.local("x:row") == "row" && XMLScanner.local("row") == "row")
    }

    @Test(arguments: [
        ("<!DOCTYPE x [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;\">]><x>&b;</x>", "document type"),
        ("<!DOCTYPE x SYSTEM \"http://example.com/x.dtd\"><x/>", "document type"),
        ("<x><!ENTITY e SYSTEM \"file:///etc/passwd\"></x>", "document type"),
        ("<x>&xxe;</x>", "not one XML predefines"), ("<x>&#0;</x>", "names no character"), ("<x>&#xD800;</x>", "names no character"),
        ("<x>a & b</x>", "bare `&`"), ("<x><y></x>", "does not close"), ("<x>", "not closed"), ("<x/><y/>", "second root"),
        ("<x a=\"1\" a=\"2\"/>", "appears twice"), ("<x a=1/>", "not quoted"), ("text<x/>", "outside the root"), ("", "no element"),
        ("<x><!-- open", "comment is not closed"), ("<x a=\"unterminated/>", "not closed"),
    ])
    func hostileOrBrokenXMLIsRefused(xml: String, reason: String) {
        #expect { try XMLScanner.events(Array(xml.utf8), part: "p.xml") } throws: { "\($0)".contains(reason) && "\($0)".hasPrefix("p.xml: ") }
    }

    @Test func nestingIsBoundedAndLongInputIsLinear() throws {
        let deep = String(repeating: "<a>", count: 257) + String(repeating: "</a>", count: 257)
        #expect { try XMLScanner.events(Array(deep.utf8), part: "p") } throws: { "\($0)".contains("deeper than 256") }
        let fine = String(repeating: "<a>", count: 256) + String(repeating: "</a>", count: 256)
        #expect(try XMLScanner.events(Array(fine.utf8), part: "p").count == 512)
        let rows = "<d>" + String(repeating: "<r><c>1</c></r>", count: 100_000) + "</d>"
        var count = 0
        try XMLScanner.scan(Array(rows.utf8), part: "p") { _ in count += 1 }
        #expect(count == 500_002)
    }
}
