import Foundation
import Spreadsheet
import StarCertCore
import StarCertTestSupport
import Testing
@testable import StarCertWorkbook

/// The scoring workbook written, read back and broken.
@Suite struct WorkbookTests {
    /// The four-star example as a workbook in a fresh folder, with its photos beside it.
    struct Converted {
        let folder: URL
        let original: ParsedAssessment
        let workbook: String
        var bytes: [UInt8] { Array(FileManager.default.contents(atPath: workbook) ?? Data()) }

        init(_ example: URL = Fixtures.fourStar) throws {
            folder = try Fixtures.temporaryFolder()
            try FileManager.default.copyItem(at: Fixtures.examples.appendingPathComponent("photos"), to: folder.appendingPathComponent("photos"))
            let yaml = folder.appendingPathComponent(example.lastPathComponent).path
            try FileManager.default.copyItem(atPath: example.path, toPath: yaml)
            let catalog = try Fixtures.catalog()
            original = AssessmentFiles.parse(fileAt: yaml, catalog: catalog)
            workbook = folder.appendingPathComponent("评分表.xlsx").path
            let parsed = try #require(original.assessment)
            _ = try AssessmentFiles.save(parsed, standard: try #require(original.standard), to: workbook, replacing: false)
        }

        func reading(_ bytes: [UInt8]) throws -> ParsedAssessment {
            AssessmentFiles.parseWorkbook(bytes, file: "评分表.xlsx", baseDirectory: folder.path, catalog: try Fixtures.catalog())
        }

        func remove() { try? FileManager.default.removeItem(at: folder) }
    }

    static func yaml(_ parsed: ParsedAssessment) -> String {
        parsed.assessment.map { AssessmentExport.yaml($0) { ($0.resolvedPath as NSString).standardizingPath } } ?? "errors: \(parsed.errors)"
    }

    @Test func anAssessmentComesBackFromItsWorkbookUnchanged() throws {
        let converted = try Converted()
        defer { converted.remove() }
        let back = try converted.reading(converted.bytes)
        #expect(back.errors.isEmpty, "\(back.errors)")
        #expect(Self.yaml(back) == Self.yaml(converted.original))
        let standard = try #require(back.standard)
        let first = Evaluation(assessment: try #require(converted.original.assessment), standard: standard)
        let second = Evaluation(assessment: try #require(back.assessment), standard: standard)
        #expect(first.summaryJSON.serialized() == second.summaryJSON.serialized())
        // And back to YAML, read again: the same once more.
        let yaml = converted.folder.appendingPathComponent("again.yaml").path
        _ = try AssessmentFiles.save(try #require(back.assessment), standard: standard, to: yaml, replacing: false)
        #expect(Self.yaml(AssessmentFiles.parse(fileAt: yaml, catalog: try Fixtures.catalog())) == Self.yaml(converted.original))
    }

    /// The certificate a surveillance continues travels through the workbook (证书编号).
    @Test func theCertificateASurveillanceContinuesComesBack() throws {
        let scratch = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let surveillance = scratch.appendingPathComponent("surveillance.yaml")
        try String(contentsOf: Fixtures.fourStar, encoding: .utf8)
            .replacingOccurrences(of: "kind: initial", with: "kind: surveillance\ncertificate: KB-ASM-2025-000012")
            .write(to: surveillance, atomically: true, encoding: .utf8)
        let converted = try Converted(surveillance)
        defer { converted.remove() }
        let back = try converted.reading(converted.bytes)
        #expect(back.assessment?.certificateNumber == "KB-ASM-2025-000012" && back.assessment?.kind == .surveillance, "\(back.errors)")
        #expect(Self.yaml(back) == Self.yaml(converted.original) && Self.yaml(back).contains("KB-ASM-2025-000012"))
    }

    @Test func theWorkbookIsWrittenTheSameEachTime() throws {
        let standard = try Fixtures.standard()
        let date = CalendarDate(year: 2026, month: 12, day: 3)!
        let first = try AssessmentFiles.blank(for: standard, format: .workbook, date: date)
        #expect(first == (try AssessmentFiles.blank(for: standard, format: .workbook, date: date)))
        let workbook = try Workbook(first)
        #expect(workbook.sheets.map(\.name) == ["填写说明", "基本信息", "评价组", "评分表", "问题清单", "照片", "StarCert"])
        #expect(workbook.sheet(named: "StarCert")?.state == .hidden)
        #expect(workbook.sheets.allSatisfy { $0.isProtected })
    }

    /// A blank workbook is read: every missing entry is an error at its own cell.
    @Test func aBlankWorkbookNamesEveryCellStillToFill() throws {
        let standard = try Fixtures.standard()
        let bytes = try AssessmentFiles.blank(for: standard, format: .workbook, date: CalendarDate(year: 2026, month: 12, day: 3)!)
        let parsed = AssessmentFiles.parseWorkbook(bytes, file: "blank.xlsx", baseDirectory: ".", catalog: try Fixtures.catalog())
        #expect(parsed.assessment == nil)
        let places = Set(parsed.errors.map(\.location.description))
        let workbook = try Workbook(bytes)
        let scoring = try #require(workbook.sheet(named: "评分表"))
        let row = try #require(scoring.cells.first { $0.value.value == .text("4.2.1") }?.key.row)
        #expect(places.contains("blank.xlsx:评分表!F\(row)"), "\(places.sorted())")
        #expect(places.contains("blank.xlsx:基本信息!B6"), "\(places.sorted())")
        #expect(parsed.errors.allSatisfy { $0.location.cell != nil }, "\(parsed.errors)")
    }

    // MARK: Values as spreadsheet programs store them

    @Test(arguments: [
        (Cell(value: .number("80")), 80), (Cell(value: .text("80")), 80), (Cell(value: .text(" 75% ")), 75),
        (Cell(value: .number("0.8"), format: .percent), 80), (Cell(value: .number("0.57999999999999996"), format: .percent), 58),
        (Cell(value: .number("1E+2")), 100), (Cell(value: .number("85"), formula: "80+5"), 85), (Cell(value: .number("0")), 0),
    ])
    func percentsAreReadByOneRule(cell: Cell, expected: Int) {
        guard case let .value(percent) = CellReading.percent(cell) else {
            Issue.record("\(cell) was not read")
            return
        }
        #expect(percent == expected)
    }

    @Test(arguments: [
        (Cell(value: .number("101")), "percent 101 is above 100"), (Cell(value: .number("0.8")), "not a whole number"),
        (Cell(value: .number("0.805"), format: .percent), "not a whole percent"), (Cell(value: .text("八十")), "expected a whole number 0–100"),
        (Cell(value: .number("-5")), "below 0"), (Cell(value: .empty, formula: "A1"), "never stored"), (Cell(value: .error("#DIV/0!")), "#DIV/0!"),
        (Cell(value: .boolean(true)), "logical value"), (Cell(value: .text("80.5")), "expected a whole number"),
    ])
    func ambiguousOrWrongPercentsAreErrors(cell: Cell, message: String) {
        guard case let .problem(text) = CellReading.percent(cell) else {
            Issue.record("\(cell) was read")
            return
        }
        #expect(text.contains(message), "\(text)")
    }

    @Test(arguments: [
        ("46152", false, "2026-05-10"), ("44927", false, "2023-01-01"), ("61", false, "1900-03-01"), ("59", false, "1900-02-28"),
        ("44927", true, "2027-01-02"),
    ])
    func serialDatesFollowTheWorkbooksDateSystem(serial: String, uses1904: Bool, expected: String) {
        guard case let .value(date) = CellReading.date(Cell(value: .number(serial), format: .date), uses1904: uses1904) else {
            Issue.record("\(serial) was not read")
            return
        }
        #expect(date.description == expected)
        if !uses1904 { #expect(String(CellReading.serial(of: date)) == serial) }
    }

    @Test(arguments: [("2026-05-10", true), ("2026/5/10", true), ("2026年5月10日", true), ("2026.05.10", true),
                      ("5/10/2026", false), ("10/5/2026", false), ("2026-13-01", false), ("2026年5月", false), ("明天", false)])
    func datesTypedAsTextAreReadYearFirstOnly(text: String, readable: Bool) {
        let outcome = CellReading.date(Cell(value: .text(text)), uses1904: false)
        if case let .value(date) = outcome {
            #expect(readable && date == CalendarDate(year: 2026, month: 5, day: 10), "\(text) → \(date)")
        } else {
            #expect(!readable, "\(text) was refused")
        }
        #expect(CellReading.date(Cell(value: .number("46152.5")), uses1904: false).isProblem)
    }

    @Test func numbersWhereTextIsExpectedAreTakenOnlyWhenExact() {
        #expect(CellReading.text(Cell(value: .number("12345"))).value == "12345")
        #expect(CellReading.text(Cell(value: .number("9.14403001921761E+17"))).isProblem)
        #expect(CellReading.text(Cell(value: .number("1.5"))).isProblem)
        #expect(CellReading.text(Cell(value: .text("名称"), formula: "A1&\"\"")).isProblem)
        #expect(CellReading.text(Cell(value: .text("a\r\nb"))).value == "a\nb")
    }

    // MARK: Careless and hostile workbooks

    /// Replaces `old` with `new` in the part `name` of the package `bytes`.
    static func patched(_ bytes: [UInt8], _ name: String, _ old: String, _ new: String) throws -> [UInt8] {
        let package = try ZipArchive(bytes)
        var writer = ZipWriter()
        var replaced = false
        for entry in package.entries {
            var data = try #require(try package.data(entry.name))
            if entry.name == name {
                let text = String(decoding: data, as: UTF8.self)
                #expect(text.contains(old), "\(name) lacks \(old)")
                replaced = true
                data = Array(text.replacingOccurrences(of: old, with: new).utf8)
            }
            writer.add(entry.name, data)
        }
        if !replaced { writer.add(name, Array(new.utf8)) }
        return writer.bytes
    }

    static func row(of id: String, in bytes: [UInt8]) throws -> Int {
        try #require(try Workbook(bytes).sheet(named: "评分表")?.cells.first { $0.value.value == .text(id) }?.key.row)
    }

    @Test func aPercentAboveAHundredIsNamedByItsCell() throws {
        let converted = try Converted()
        defer { converted.remove() }
        let row = try Self.row(of: "4.2.1", in: converted.bytes)
        let sheet = "xl/worksheets/sheet4.xml"
        let text = String(decoding: try #require(try ZipArchive(converted.bytes).data(sheet)), as: UTF8.self)
        let cell = try #require(text.range(of: "<c r=\"F\(row)\" s=\"[0-9]+\"><v>[0-9]+</v></c>", options: .regularExpression).map { String(text[$0]) })
        let broken = try Self.patched(converted.bytes, sheet, cell, cell.replacingOccurrences(of: #"<v>[0-9]+</v>"#, with: "<v>101</v>", options: .regularExpression))
        let parsed = try converted.reading(broken)
        #expect(parsed.assessment == nil)
        #expect(parsed.errors.map(\.description) == ["评分表.xlsx:评分表!F\(row): error: percent 101 is above 100; expected a whole number 0–100"])
    }

    @Test(arguments: [
        ("xl/workbook.xml", "name=\"评分表\"", "name=\"Sheet1\"", "no sheet `评分表`"),
        ("xl/workbook.xml", "name=\"问题清单\"", "name=\"问题\"", "no sheet `问题清单`"),
        ("xl/workbook.xml", "name=\"StarCert\"", "name=\"Meta\"", "not a StarCert scoring workbook"),
        ("xl/worksheets/sheet7.xml", "<v>1</v>", "<v>2</v>", "format version as 2; expected 1"),
        ("xl/sharedStrings.xml", "<t>Q/BJKB 006-2026</t>", "<t>GB/T 27922-2011</t>", "unknown standard `GB/T 27922-2011`"),
        ("xl/sharedStrings.xml", "<t>得分率（%）</t>", "<t>得分</t>", "no column headed 「得分率（%）」"),
        ("xl/worksheets/sheet4.xml", "<sheetData>", "<!DOCTYPE x [<!ENTITY a \"b\">]><sheetData>", "not well-formed"),
        ("xl/worksheets/sheet4.xml", "</mergeCells>", "<mergeCell ref=\"I{4.2.1}:J{4.2.1}\"/></mergeCells>", "merged over input cells"),
        ("xl/worksheets/sheet4.xml", "</mergeCells>", "<mergeCell ref=\"E{4.2.1}:F{4.2.2}\"/></mergeCells>", "merged over input cells"),
        ("xl/worksheets/sheet2.xml", "</mergeCells>", "<mergeCell ref=\"B6:C6\"/></mergeCells>", "merged over input cells"),
        ("xl/workbook.xml", "state=\"hidden\"", "state=\"visible\"", nil),
        ("xl/workbook.xml", "name=\"评分表\" sheetId=\"4\"", "name=\"评分表\" sheetId=\"4\" state=\"hidden\"", "is hidden"),
        ("xl/worksheets/sheet4.xml", "</mergeCells>", "<mergeCell ref=\"A1:J2\"/></mergeCells>", nil),
    ] as [(String, String, String, String?)])
    func anEditedStructureIsRefusedWithItsReason(part: String, old: String, new: String, expected: String?) throws {
        let converted = try Converted()
        defer { converted.remove() }
        var merged = new
        for id in ["4.2.1", "4.2.2"] { merged = merged.replacingOccurrences(of: "{\(id)}", with: String(try Self.row(of: id, in: converted.bytes))) }
        let broken = try Self.patched(converted.bytes, part, old, merged)
        let parsed = try converted.reading(broken)
        guard let expected else {
            // The hidden sheet shown, or title rows merged: nothing typed is at stake.
            #expect(parsed.errors.isEmpty, "\(parsed.errors)")
            return
        }
        #expect(parsed.assessment == nil)
        #expect(parsed.errors.contains { $0.message.contains(expected) }, "\(parsed.errors.map(\.description))")
    }

    @Test func aFormulaWhereTextIsExpectedIsAnError() throws {
        let converted = try Converted()
        defer { converted.remove() }
        let sheet = "xl/worksheets/sheet2.xml"
        let text = String(decoding: try #require(try ZipArchive(converted.bytes).data(sheet)), as: UTF8.self)
        let cell = try #require(text.range(of: "<c r=\"B6\" s=\"[0-9]+\" t=\"s\"><v>[0-9]+</v></c>", options: .regularExpression).map { String(text[$0]) })
        let formula = cell.replacingOccurrences(of: " t=\"s\"><v>", with: " t=\"str\"><f>B5&amp;\"\"</f><v>").replacingOccurrences(of: #"<v>[0-9]+</v>"#, with: "<v>x</v>", options: .regularExpression)
        let parsed = try converted.reading(try Self.patched(converted.bytes, sheet, cell, formula))
        #expect(parsed.errors.map(\.location.description) == ["评分表.xlsx:基本信息!B6"])
        #expect(parsed.errors.first?.message.contains("holds a formula") == true)
    }

    @Test func hugeSheetsAndStringTablesAreRefusedNotRead() throws {
        let converted = try Converted()
        defer { converted.remove() }
        var rows = ""
        for row in 100..<200_200 { rows += "<row r=\"\(row)\"><c r=\"A\(row)\"><v>1</v></c></row>" }
        let many = try Self.patched(converted.bytes, "xl/worksheets/sheet5.xml", "</sheetData>", rows + "</sheetData>")
        #expect(try converted.reading(many).errors.first?.message.contains("more than 200000 filled cells") == true)
        let strings = String(repeating: "<si><t>x</t></si>", count: 200_001)
        let table = try Self.patched(converted.bytes, "xl/sharedStrings.xml", "</sst>", strings + "</sst>")
        #expect(try converted.reading(table).errors.first?.message.contains("more than 200000 texts") == true)
        let farRow = try Self.patched(converted.bytes, "xl/worksheets/sheet5.xml", "</sheetData>", "<row r=\"1048577\"><c><v>1</v></c></row></sheetData>")
        #expect(try converted.reading(farRow).errors.first?.message.contains("expected 1 to 1048576") == true)
    }

    @Test(arguments: [[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 600), Array("组织,分数\n甲,80\n".utf8), Array("format: 1\n".utf8), []] as [[UInt8]])
    func whatIsNoWorkbookIsSaidSo(bytes: [UInt8]) throws {
        let parsed = AssessmentFiles.parseWorkbook(bytes, file: "x.xlsx", baseDirectory: ".", catalog: try Fixtures.catalog())
        #expect(parsed.assessment == nil)
        #expect(parsed.errors.count == 1)
        #expect(parsed.errors.first?.message.contains("cannot read the workbook") == true)
    }

    @Test func aPastedPictureIsAPhotoAndAnotherKindIsRefused() throws {
        let converted = try Converted()
        defer { converted.remove() }
        let png = Array(try Data(contentsOf: Fixtures.examples.appendingPathComponent("photos").appendingPathComponent(
            try #require(try FileManager.default.contentsOfDirectory(atPath: Fixtures.examples.appendingPathComponent("photos").path).first { $0.hasSuffix(".png") || $0.hasSuffix(".jpg") }))))
        let anchorRow = 20
        for (picture, accepted) in [(png, true), (Array("GIF89a".utf8) + [UInt8](repeating: 0, count: 40), false)] {
            var bytes = try Self.patched(converted.bytes, "xl/worksheets/sheet6.xml", "</worksheet>", "<drawing r:id=\"rId9\"/></worksheet>")
            bytes = try Self.patched(bytes, "xl/worksheets/_rels/sheet6.xml.rels", "",
                                     "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId9\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing\" Target=\"../drawings/drawing1.xml\"/></Relationships>")
            bytes = try Self.patched(bytes, "xl/drawings/_rels/drawing1.xml.rels", "",
                                     "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/image\" Target=\"../media/image1.png\"/></Relationships>")
            bytes = try Self.patched(bytes, "xl/drawings/drawing1.xml", "",
                                     "<xdr:wsDr xmlns:xdr=\"http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing\" xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><xdr:oneCellAnchor><xdr:from><xdr:col>3</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>\(anchorRow - 1)</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:ext cx=\"1\" cy=\"1\"/><xdr:pic><xdr:nvPicPr><xdr:cNvPr id=\"2\" name=\"p\"/><xdr:cNvPicPr/></xdr:nvPicPr><xdr:blipFill><a:blip r:embed=\"rId1\"/></xdr:blipFill><xdr:spPr/></xdr:pic><xdr:clientData/></xdr:oneCellAnchor></xdr:wsDr>")
            var writer = ZipWriter()
            let package = try ZipArchive(bytes)
            for entry in package.entries { writer.add(entry.name, try #require(try package.data(entry.name))) }
            writer.add("xl/media/image1.png", picture)
            // The picture's row names its item.
            let sheet = String(decoding: try #require(try ZipArchive(writer.bytes).data("xl/worksheets/sheet6.xml")), as: UTF8.self)
            let blank = try #require(sheet.range(of: "<c r=\"A\(anchorRow)\" s=\"[0-9]+\"/>", options: .regularExpression).map { String(sheet[$0]) })
            let withItem = try Self.patched(writer.bytes, "xl/worksheets/sheet6.xml", blank, "<c r=\"A\(anchorRow)\" t=\"inlineStr\"><is><t>4.2.1</t></is></c>")
            let parsed = try converted.reading(withItem)
            if accepted {
                #expect(parsed.errors.isEmpty, "\(parsed.errors)")
                let photos = try #require(parsed.assessment?.itemRecords.first { $0.itemID == "4.2.1" }?.photos)
                #expect(photos.contains { $0.embedded == picture })
            } else {
                #expect(parsed.errors.map(\.location.description) == ["评分表.xlsx:照片!D\(anchorRow)"])
                #expect(parsed.errors.first?.message.contains("neither a JPEG nor a PNG") == true)
            }
        }
    }
}

extension CellReading.Outcome {
    var isProblem: Bool {
        if case .problem = self { return true }
        return false
    }

    var value: Value? {
        if case let .value(value) = self { return value }
        return nil
    }
}

/// What a hostile probe tried: each class refused or said, never read two ways or passed over.
@Suite struct WorkbookProbeTests {
    typealias Converted = WorkbookTests.Converted

    /// `cells` added at the end of row `row` of `part`.
    static func adding(_ cells: String, row: Int, to part: String, in bytes: [UInt8]) throws -> [UInt8] {
        let text = String(decoding: try #require(try ZipArchive(bytes).data(part)), as: UTF8.self)
        let range = try #require(text.range(of: "<row r=\"\(row)\"[^>]*>.*?</row>", options: .regularExpression))
        let old = String(text[range])
        return try WorkbookTests.patched(bytes, part, old, String(old.dropLast("</row>".count)) + cells + "</row>")
    }

    static func inline(_ reference: String, _ text: String) -> String { "<c r=\"\(reference)\" t=\"inlineStr\"><is><t>\(text)</t></is></c>" }

    @Test func twoColumnsUnderOneHeaderAreRefusedNamingBoth() throws {
        let converted = try Converted()
        defer { converted.remove() }
        var bytes = try Self.adding(Self.inline("K3", "得分率(%)"), row: 3, to: "xl/worksheets/sheet4.xml", in: converted.bytes)
        let row = try WorkbookTests.row(of: "4.2.1", in: converted.bytes)
        bytes = try Self.adding("<c r=\"K\(row)\"><v>60</v></c>", row: row, to: "xl/worksheets/sheet4.xml", in: bytes)
        let parsed = try converted.reading(bytes)
        #expect(parsed.assessment == nil)
        #expect(parsed.errors.contains { $0.description.contains("评分表!K3") && $0.message.contains("F3, K3") }, "\(parsed.errors)")
        let facts = try Self.adding(Self.inline("D3", "内容 "), row: 3, to: "xl/worksheets/sheet2.xml", in: converted.bytes)
        #expect(try converted.reading(facts).errors.contains { $0.message.contains("「内容」 (B3, D3)") })
    }

    @Test(arguments: [
        // Foreign namespaces and extensions are passed over: the value shown (95) is the one read.
        ("</worksheet>", "<extLst><ext uri=\"{X}\"><x:sheetData xmlns:x=\"urn:evil\"><x:row r=\"5\"><x:c r=\"F5\"><x:v>5</x:v></x:c></x:row></x:sheetData></ext></extLst></worksheet>", nil),
        ("<sheetData>", "<sheetData><e:row xmlns:e=\"urn:evil\" r=\"5\"><e:c r=\"F5\"><e:v>5</e:v></e:c></e:row>", nil),
        // A cell or row given twice, values doubled, types no program writes: errors.
        ("</row></sheetData>", "<c r=\"A200\"><v>1</v></c></row><row r=\"5\"><c r=\"F5\"><v>5</v></c></row></sheetData>", "out of order"),
        ("</row></sheetData>", "</row><row r=\"5\"><c r=\"F5\"><v>5</v></c></row></sheetData>", "row 5 is given twice or out of order"),
        ("<c r=\"F5\" s=\"", "<c r=\"F5\" t=\"inlineStr\" s=\"", "both an inline text and a value"),
        ("<c r=\"D5\" s=\"", "<c r=\"D5\" t=\"zzz\" s=\"", "which no spreadsheet program writes"),
    ] as [(String, String, String?)])
    func whatAProgramDoesNotShowIsNotRead(old: String, new: String, expected: String?) throws {
        let converted = try Converted()
        defer { converted.remove() }
        let parsed = try converted.reading(try WorkbookTests.patched(converted.bytes, "xl/worksheets/sheet4.xml", old, new))
        if let expected {
            #expect(parsed.errors.contains { $0.message.contains(expected) }, "\(parsed.errors)")
        } else {
            #expect(parsed.errors.isEmpty, "\(parsed.errors)")
            #expect(parsed.assessment?.itemRecords.first?.percent == 95)
        }
    }

    @Test func foreignTextInASharedStringIsNotAppended() throws {
        let converted = try Converted()
        defer { converted.remove() }
        let name = "北京华信家电服务有限公司"
        let bytes = try WorkbookTests.patched(converted.bytes, "xl/sharedStrings.xml", "<t>\(name)</t>", "<t>\(name)</t><x:t xmlns:x=\"urn:evil\">EVIL</x:t>")
        #expect(try converted.reading(bytes).assessment?.organization.name == name)
        let broken = try WorkbookTests.patched(converted.bytes, "xl/sharedStrings.xml", "<t>\(name)</t>", "<t>\(name)\u{FFFD}</t>")
        let invalid = Array(String(decoding: try #require(try ZipArchive(broken).data("xl/sharedStrings.xml")), as: UTF8.self).utf8)
            .split(separator: 0xEF, omittingEmptySubsequences: false).joined(separator: [0xC3, 0x28] as [UInt8])
        var writer = ZipWriter()
        let package = try ZipArchive(broken)
        for entry in package.entries { writer.add(entry.name, entry.name == "xl/sharedStrings.xml" ? Array(invalid) : try #require(try package.data(entry.name))) }
        #expect(try converted.reading(writer.bytes).errors.first?.message.contains("not valid UTF-8") == true)
    }

    @Test func entriesOutsideTheFormAreSaidAndPhotosStayBesideTheWorkbook() throws {
        let converted = try Converted()
        defer { converted.remove() }
        let row = try WorkbookTests.row(of: "4.2.1", in: converted.bytes)
        let noted = try Self.adding(Self.inline("K\(row)", "重要备注"), row: row, to: "xl/worksheets/sheet4.xml", in: converted.bytes)
        let parsed = try converted.reading(noted)
        #expect(parsed.errors.isEmpty)
        #expect(parsed.warnings.contains { $0.description.contains("评分表!K\(row)") && $0.message.contains("not read") }, "\(parsed.warnings)")
        for path in ["../photos/dashboard.png", "/etc/hosts", "photos/../../x.png", "C:\\\\x.png"] {
            let sheet = String(decoding: try #require(try ZipArchive(converted.bytes).data("xl/worksheets/sheet6.xml")), as: UTF8.self)
            let blank = try #require(sheet.range(of: "<c r=\"A20\" s=\"[0-9]+\"/>", options: .regularExpression).map { String(sheet[$0]) })
            var bytes = try WorkbookTests.patched(converted.bytes, "xl/worksheets/sheet6.xml", blank, Self.inline("A20", "4.2.1"))
            let file = try #require(sheet.range(of: "<c r=\"B20\" s=\"[0-9]+\"/>", options: .regularExpression).map { String(sheet[$0]) })
            bytes = try WorkbookTests.patched(bytes, "xl/worksheets/sheet6.xml", file, Self.inline("B20", path))
            let read = try converted.reading(bytes)
            #expect(read.errors.map(\.location.description) == ["评分表.xlsx:照片!B20"], "\(path): \(read.errors)")
        }
    }

    @Test func anEditedItemListAndOversizedTextsAreRefused() throws {
        let converted = try Converted()
        defer { converted.remove() }
        let listEdited = try WorkbookTests.patched(converted.bytes, "xl/sharedStrings.xml", "<t>4.13</t>", "<t>4.14</t>")
        #expect(try converted.reading(listEdited).errors.contains { $0.message.contains("lists other items") })
        let row = try WorkbookTests.row(of: "4.2.1", in: converted.bytes)
        let sheet = String(decoding: try #require(try ZipArchive(converted.bytes).data("xl/worksheets/sheet4.xml")), as: UTF8.self)
        let evidence = try #require(sheet.range(of: "<c r=\"I\(row)\" s=\"[0-9]+\" t=\"s\"><v>[0-9]+</v></c>", options: .regularExpression).map { String(sheet[$0]) })
        let long = try WorkbookTests.patched(converted.bytes, "xl/worksheets/sheet4.xml", evidence, Self.inline("I\(row)", String(repeating: "证", count: 32_768)))
        let refused = try converted.reading(long)
        #expect(refused.errors.map(\.location.description) == ["评分表.xlsx:评分表!I\(row)"])
        #expect(refused.errors.first?.message.contains("32767") == true)
        var findings = ""
        for index in 0..<2_001 { findings += "<row r=\"\(100 + index)\">\(Self.inline("A\(100 + index)", "4.2.1"))\(Self.inline("B\(100 + index)", "问题"))</row>" }
        let many = try WorkbookTests.patched(converted.bytes, "xl/worksheets/sheet5.xml", "</sheetData>", findings + "</sheetData>")
        #expect(try converted.reading(many).errors.contains { $0.message.contains("more than the 2000 one evaluation needs") })
    }

    @Test func partNamesApartOnlyInLetterCaseAreRefused() throws {
        let converted = try Converted()
        defer { converted.remove() }
        var writer = ZipWriter()
        let package = try ZipArchive(converted.bytes)
        for entry in package.entries { writer.add(entry.name, try #require(try package.data(entry.name))) }
        writer.add("xl/worksheets/Sheet4.xml", Array("<worksheet/>".utf8))
        let parsed = AssessmentFiles.parseWorkbook(writer.bytes, file: "x.xlsx", baseDirectory: ".", catalog: try Fixtures.catalog())
        #expect(parsed.errors.first?.message.contains("apart from letter case") == true)
    }
}
