/// A workbook to write: sheets of styled cells, with what makes a form of them — column widths,
/// frozen header rows, merged ranges, data validation, protection without a password, A4 print
/// setup with repeated header rows. `bytes` writes it as an `.xlsx` package (Office Open XML,
/// transitional), the same bytes for the same workbook.
public struct WorkbookDraft: Sendable {
    public var sheets: [SheetDraft] = []
    /// Recalculate every formula when the workbook is opened (the stored results are StarCert's).
    public var recalculateOnOpen = true
    /// Sheets cannot be added, deleted, renamed or unhidden without lifting the protection first.
    public var lockStructure = false

    public init() {}
}

/// How a cell looks and whether it may be edited.
public struct CellStyle: Hashable, Sendable {
    public enum Font: Hashable, Sendable { case normal, bold, title, note }
    public enum Fill: Hashable, Sendable { case none, header, input, formula, total }
    public enum Format: Hashable, Sendable { case general, text, twoDecimals, percentNumber, date }
    public enum Alignment: Hashable, Sendable { case left, center, right }

    public var font: Font = .normal
    public var fill: Fill = .none
    public var format: Format = .general
    public var alignment: Alignment = .left
    public var wraps = false
    public var bordered = true
    /// Unlocked cells stay editable on a protected sheet.
    public var locked = true

    public init(font: Font = .normal, fill: Fill = .none, format: Format = .general, alignment: Alignment = .left,
                wraps: Bool = false, bordered: Bool = true, locked: Bool = true) {
        self.font = font
        self.fill = fill
        self.format = format
        self.alignment = alignment
        self.wraps = wraps
        self.bordered = bordered
        self.locked = locked
    }
}

/// What a written cell holds.
public enum CellContent: Hashable, Sendable {
    case text(String)
    /// A decimal number as text, e.g. `6.8`.
    case number(String)
    /// A formula (without `=`) and the result StarCert computed for it, if any.
    case formula(String, result: CellValue?)
    /// Nothing but the style (an input cell left blank).
    case blank
}

/// A data validation rule over some cells.
public struct Validation: Hashable, Sendable {
    public enum Rule: Hashable, Sendable {
        case wholeNumber(ClosedRange<Int>)
        /// One of these words.
        case list([String])
        /// One of the values in a range, e.g. `'代码表'!$A$2:$A$21`.
        case listIn(String)
    }

    public let ranges: [CellRange]
    public let rule: Rule
    public let prompt: String?
    public let error: String

    public init(_ ranges: [CellRange], _ rule: Rule, prompt: String? = nil, error: String) {
        self.ranges = ranges
        self.rule = rule
        self.prompt = prompt
        self.error = error
    }
}

/// One sheet to write.
public struct SheetDraft: Sendable {
    public let name: String
    public var state: Worksheet.State = .visible
    public private(set) var cells: [CellAddress: (content: CellContent, style: CellStyle)] = [:]
    /// Column widths in characters, as decimal text (`"12.5"`).
    public var columnWidths: [Int: String] = [:]
    /// Row heights in points, as decimal text.
    public var rowHeights: [Int: String] = [:]
    /// Rows above this one stay in view while scrolling (1 for none).
    public var firstScrollingRow = 1
    public var merged: [CellRange] = []
    public var validations: [Validation] = []
    public var isProtected = false
    public var landscape = false
    /// Rows printed at the top of every page.
    public var printTitleRows: ClosedRange<Int>?
    /// Centre footer, e.g. `第 &P 页，共 &N 页`.
    public var footer: String?

    public init(name: String) {
        self.name = name
    }

    public mutating func set(_ row: Int, _ column: Int, _ content: CellContent, _ style: CellStyle) {
        cells[CellAddress(row: row, column: column)] = (content, style)
    }

    /// Gives each row from `first` on without a height of its own the height its wrapped texts
    /// need, estimated from the column widths (a wide East Asian character takes two units):
    /// spreadsheet programs keep stored heights and do not fit rows again when a file is opened.
    public mutating func fitRowHeights(from first: Int) {
        var lines: [Int: Int] = [:]
        for (address, cell) in cells where address.row >= first && rowHeights[address.row] == nil {
            guard case let .text(text) = cell.content else { continue }
            var count = 1
            if cell.style.wraps, let width = columnWidths[address.column].flatMap({ Int($0.prefix { $0.isNumber }) }) {
                let capacity = max(1, width - 1)
                count = text.split(separator: "\n", omittingEmptySubsequences: false).reduce(0) { total, line in
                    let units = line.unicodeScalars.reduce(0) { $0 + (Self.isWide($1) ? 2 : 1) }
                    return total + max(1, (units + capacity - 1) / capacity)
                }
            }
            lines[address.row] = max(lines[address.row] ?? 1, count)
        }
        for (row, count) in lines {
            let tenths = count * 140 + 50
            rowHeights[row] = "\(tenths / 10).\(tenths % 10)"
        }
    }

    static func isWide(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD: true
        default: false
        }
    }
}

extension WorkbookDraft {
    /// The `.xlsx` package.
    public var bytes: [UInt8] {
        var styles = StyleTable()
        var strings = SharedStrings()
        var sheetParts: [[UInt8]] = []
        for sheet in sheets {
            sheetParts.append(Array(Self.worksheet(sheet, styles: &styles, strings: &strings).utf8))
        }
        var zip = ZipWriter()
        zip.add("[Content_Types].xml", Array(contentTypes.utf8))
        zip.add("_rels/.rels", Array(Self.packageRelations.utf8))
        zip.add("xl/workbook.xml", Array(workbookXML.utf8))
        zip.add("xl/_rels/workbook.xml.rels", Array(workbookRelations.utf8))
        zip.add("xl/styles.xml", Array(styles.xml.utf8))
        zip.add("xl/sharedStrings.xml", Array(strings.xml.utf8))
        for (index, part) in sheetParts.enumerated() { zip.add("xl/worksheets/sheet\(index + 1).xml", part) }
        return zip.bytes
    }

    static let declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    static let mainNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let relationNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

    var contentTypes: String {
        var xml = Self.declaration + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
        xml += "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
        xml += "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
        xml += "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
        xml += "<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
        xml += "<Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/>"
        for index in sheets.indices {
            xml += "<Override PartName=\"/xl/worksheets/sheet\(index + 1).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        }
        return xml + "</Types>"
    }

    static let packageRelations = declaration
        + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        + "<Relationship Id=\"rId1\" Type=\"\(relationNamespace)/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"

    var workbookXML: String {
        var xml = Self.declaration + "<workbook xmlns=\"\(Self.mainNamespace)\" xmlns:r=\"\(Self.relationNamespace)\">"
        xml += "<workbookPr/>"
        if lockStructure { xml += "<workbookProtection lockStructure=\"1\"/>" }
        let firstVisible = sheets.firstIndex { $0.state == .visible } ?? 0
        xml += "<bookViews><workbookView activeTab=\"\(firstVisible)\" firstSheet=\"\(firstVisible)\"/></bookViews><sheets>"
        for (index, sheet) in sheets.enumerated() {
            let state = sheet.state == .visible ? "" : " state=\"\(sheet.state.rawValue)\""
            xml += "<sheet name=\"\(XMLText.escaped(sheet.name))\" sheetId=\"\(index + 1)\"\(state) r:id=\"rId\(index + 1)\"/>"
        }
        xml += "</sheets>"
        let titled = sheets.enumerated().compactMap { index, sheet in sheet.printTitleRows.map { (index, sheet.name, $0) } }
        if !titled.isEmpty {
            xml += "<definedNames>"
            for (index, name, rows) in titled {
                xml += "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"\(index)\">\(XMLText.escaped(Self.quotedSheet(name)))!$\(rows.lowerBound):$\(rows.upperBound)</definedName>"
            }
            xml += "</definedNames>"
        }
        xml += recalculateOnOpen ? "<calcPr calcId=\"191029\" fullCalcOnLoad=\"1\"/>" : "<calcPr calcId=\"191029\"/>"
        return xml + "</workbook>"
    }

    var workbookRelations: String {
        var xml = Self.declaration + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        for index in sheets.indices {
            xml += "<Relationship Id=\"rId\(index + 1)\" Type=\"\(Self.relationNamespace)/worksheet\" Target=\"worksheets/sheet\(index + 1).xml\"/>"
        }
        let base = sheets.count
        xml += "<Relationship Id=\"rId\(base + 1)\" Type=\"\(Self.relationNamespace)/styles\" Target=\"styles.xml\"/>"
        xml += "<Relationship Id=\"rId\(base + 2)\" Type=\"\(Self.relationNamespace)/sharedStrings\" Target=\"sharedStrings.xml\"/>"
        return xml + "</Relationships>"
    }

    /// `'评分表'`: a sheet name as formulas refer to it.
    public static func quotedSheet(_ name: String) -> String {
        "'" + name.replacingOccurrences(of: "'", with: "''") + "'"
    }

    static func worksheet(_ sheet: SheetDraft, styles: inout StyleTable, strings: inout SharedStrings) -> String {
        var xml = declaration + "<worksheet xmlns=\"\(mainNamespace)\" xmlns:r=\"\(relationNamespace)\">"
        if sheet.landscape { xml += "<sheetPr><pageSetUpPr fitToPage=\"1\"/></sheetPr>" }
        let addresses = sheet.cells.keys.sorted()
        if let last = addresses.last {
            let lastColumn = addresses.map(\.column).max() ?? 1
            xml += "<dimension ref=\"A1:\(CellAddress(row: last.row, column: lastColumn))\"/>"
        }
        xml += "<sheetViews><sheetView workbookViewId=\"0\"\(sheet.state == .visible ? "" : " tabSelected=\"0\"")>"
        if sheet.firstScrollingRow > 1 {
            let top = "A\(sheet.firstScrollingRow)"
            xml += "<pane ySplit=\"\(sheet.firstScrollingRow - 1)\" topLeftCell=\"\(top)\" activePane=\"bottomLeft\" state=\"frozen\"/>"
            xml += "<selection pane=\"bottomLeft\" activeCell=\"\(top)\" sqref=\"\(top)\"/>"
        }
        xml += "</sheetView></sheetViews><sheetFormatPr defaultRowHeight=\"15\"/>"
        if !sheet.columnWidths.isEmpty {
            xml += "<cols>"
            for (column, width) in sheet.columnWidths.sorted(by: { $0.key < $1.key }) {
                xml += "<col min=\"\(column)\" max=\"\(column)\" width=\"\(width)\" customWidth=\"1\"/>"
            }
            xml += "</cols>"
        }
        xml += "<sheetData>"
        var row = 0
        for address in addresses {
            if address.row != row {
                if row != 0 { xml += "</row>" }
                row = address.row
                let height = sheet.rowHeights[row].map { " ht=\"\($0)\" customHeight=\"1\"" } ?? ""
                xml += "<row r=\"\(row)\"\(height)>"
            }
            let (content, style) = sheet.cells[address]!
            let styleIndex = styles.index(of: style)
            let at = "r=\"\(address)\" s=\"\(styleIndex)\""
            switch content {
            case let .text(text):
                xml += "<c \(at) t=\"s\"><v>\(strings.index(of: text))</v></c>"
            case let .number(number):
                xml += "<c \(at)><v>\(number)</v></c>"
            case let .formula(formula, result):
                let escaped = XMLText.escaped(formula)
                switch result {
                case let .number(number)?: xml += "<c \(at)><f>\(escaped)</f><v>\(number)</v></c>"
                case let .text(text)?: xml += "<c \(at) t=\"str\"><f>\(escaped)</f><v>\(XMLText.escaped(text))</v></c>"
                default: xml += "<c \(at)><f>\(escaped)</f></c>"
                }
            case .blank:
                xml += "<c \(at)/>"
            }
        }
        if row != 0 { xml += "</row>" }
        xml += "</sheetData>"
        if sheet.isProtected {
            // Locked cells cannot be edited; rows may be hidden and columns and rows inserted.
            xml += "<sheetProtection sheet=\"1\" objects=\"1\" scenarios=\"1\" formatColumns=\"0\" formatRows=\"0\" insertColumns=\"0\" insertRows=\"0\" autoFilter=\"0\"/>"
        }
        if !sheet.merged.isEmpty {
            xml += "<mergeCells count=\"\(sheet.merged.count)\">" + sheet.merged.map { "<mergeCell ref=\"\($0.first):\($0.last)\"/>" }.joined() + "</mergeCells>"
        }
        if !sheet.validations.isEmpty {
            xml += "<dataValidations count=\"\(sheet.validations.count)\">"
            for validation in sheet.validations {
                let sqref = validation.ranges.map(\.description).joined(separator: " ")
                var attributes = "allowBlank=\"1\" showInputMessage=\"1\" showErrorMessage=\"1\" errorTitle=\"StarCert\" error=\"\(XMLText.escaped(validation.error))\""
                if let prompt = validation.prompt { attributes += " prompt=\"\(XMLText.escaped(prompt))\"" }
                switch validation.rule {
                case let .wholeNumber(range):
                    xml += "<dataValidation type=\"whole\" operator=\"between\" \(attributes) sqref=\"\(sqref)\"><formula1>\(range.lowerBound)</formula1><formula2>\(range.upperBound)</formula2></dataValidation>"
                case let .list(words):
                    let list = XMLText.escaped("\"" + words.joined(separator: ",") + "\"")
                    xml += "<dataValidation type=\"list\" \(attributes) sqref=\"\(sqref)\"><formula1>\(list)</formula1></dataValidation>"
                case let .listIn(reference):
                    xml += "<dataValidation type=\"list\" \(attributes) sqref=\"\(sqref)\"><formula1>\(XMLText.escaped(reference))</formula1></dataValidation>"
                }
            }
            xml += "</dataValidations>"
        }
        xml += "<printOptions horizontalCentered=\"1\"/>"
        xml += "<pageMargins left=\"0.5\" right=\"0.5\" top=\"0.6\" bottom=\"0.6\" header=\"0.3\" footer=\"0.3\"/>"
        xml += "<pageSetup paperSize=\"9\" orientation=\"\(sheet.landscape ? "landscape" : "portrait")\"\(sheet.landscape ? " fitToWidth=\"1\" fitToHeight=\"0\"" : "")/>"
        if let footer = sheet.footer { xml += "<headerFooter><oddFooter>\(XMLText.escaped("&C" + footer))</oddFooter></headerFooter>" }
        return xml + "</worksheet>"
    }
}

/// The styles used, each written once, in order of first use.
struct StyleTable {
    private var styles: [CellStyle] = []
    private var indices: [CellStyle: Int] = [:]

    mutating func index(of style: CellStyle) -> Int {
        if let index = indices[style] { return index }
        styles.append(style)
        indices[style] = styles.count
        return styles.count
    }

    static let fonts: [CellStyle.Font] = [.normal, .bold, .title, .note]
    static let fills: [CellStyle.Fill] = [.none, .header, .input, .formula, .total]

    var xml: String {
        var xml = WorkbookDraft.declaration + "<styleSheet xmlns=\"\(WorkbookDraft.mainNamespace)\">"
        xml += "<numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"yyyy\\-mm\\-dd\"/></numFmts>"
        let family = "<name val=\"等线\"/><family val=\"2\"/><charset val=\"134\"/><scheme val=\"minor\"/>"
        xml += "<fonts count=\"4\">"
        xml += "<font><sz val=\"10.5\"/>\(family)</font>"
        xml += "<font><b/><sz val=\"10.5\"/>\(family)</font>"
        xml += "<font><b/><sz val=\"16\"/>\(family)</font>"
        xml += "<font><sz val=\"9\"/><color rgb=\"FF595959\"/>\(family)</font>"
        xml += "</fonts>"
        // Fills 0 and 1 are the two every reader expects first.
        xml += "<fills count=\"6\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill>"
        for colour in ["FFDDE4EE", "FFFFF6D5", "FFF2F2F2", "FFE2EFDA"] {
            xml += "<fill><patternFill patternType=\"solid\"><fgColor rgb=\"\(colour)\"/><bgColor indexed=\"64\"/></patternFill></fill>"
        }
        xml += "</fills>"
        let side = "style=\"thin\"><color rgb=\"FF8C8C8C\"/>"
        xml += "<borders count=\"2\"><border><left/><right/><top/><bottom/><diagonal/></border>"
        xml += "<border><left \(side)</left><right \(side)</right><top \(side)</top><bottom \(side)</bottom><diagonal/></border></borders>"
        xml += "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
        xml += "<cellXfs count=\"\(styles.count + 1)\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>"
        for style in styles {
            let format: Int = switch style.format {
            case .general: 0
            case .text: 49
            case .twoDecimals: 2
            case .percentNumber: 1
            case .date: 164
            }
            let font = Self.fonts.firstIndex(of: style.font)!
            let fill = style.fill == .none ? 0 : Self.fills.firstIndex(of: style.fill)! + 1
            let horizontal = switch style.alignment {
            case .left: "left"
            case .center: "center"
            case .right: "right"
            }
            xml += "<xf numFmtId=\"\(format)\" fontId=\"\(font)\" fillId=\"\(fill)\" borderId=\"\(style.bordered ? 1 : 0)\" xfId=\"0\""
            xml += " applyNumberFormat=\"1\" applyFont=\"1\" applyFill=\"1\" applyBorder=\"1\" applyAlignment=\"1\" applyProtection=\"1\">"
            xml += "<alignment horizontal=\"\(horizontal)\" vertical=\"\(style.wraps ? "top" : "center")\"\(style.wraps ? " wrapText=\"1\"" : "")/>"
            xml += "<protection locked=\"\(style.locked ? 1 : 0)\"/></xf>"
        }
        xml += "</cellXfs><cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>"
        return xml + "</styleSheet>"
    }
}

/// The shared-string table, texts in order of first use.
struct SharedStrings {
    private var texts: [String] = []
    private var indices: [String: Int] = [:]
    private var uses = 0

    mutating func index(of text: String) -> Int {
        uses += 1
        if let index = indices[text] { return index }
        texts.append(text)
        indices[text] = texts.count - 1
        return texts.count - 1
    }

    var xml: String {
        var xml = WorkbookDraft.declaration + "<sst xmlns=\"\(WorkbookDraft.mainNamespace)\" count=\"\(uses)\" uniqueCount=\"\(texts.count)\">"
        for text in texts {
            let space = text.first?.isWhitespace == true || text.last?.isWhitespace == true || text.contains("\n") ? " xml:space=\"preserve\"" : ""
            xml += "<si><t\(space)>\(XMLText.escaped(XMLText.officeEscaped(text)))</t></si>"
        }
        return xml + "</sst>"
    }
}

/// Text as XML holds it.
enum XMLText {
    static func escaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "\r": result += "&#13;"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Characters XML 1.0 cannot hold written as Office's `_xHHHH_`, and an underscore that would
    /// read as such an escape written as `_x005F_`.
    static func officeEscaped(_ text: String) -> String {
        var result = ""
        let scalars = Array(text.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            let value = scalar.value
            if (value < 0x20 && value != 0x09 && value != 0x0A && value != 0x0D) || value == 0xFFFE || value == 0xFFFF {
                result += "_x" + String(repeating: "0", count: 4 - String(value, radix: 16).count) + String(value, radix: 16, uppercase: true) + "_"
            } else if scalar == "_", index + 6 < scalars.count, scalars[index + 1] == "x", scalars[index + 6] == "_",
                      scalars[(index + 2)...(index + 5)].allSatisfy({ $0.properties.isASCIIHexDigit }) {
                result += "_x005F_"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
