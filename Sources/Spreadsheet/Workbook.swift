import Foundation

/// A cell's place on a sheet: row and column from 1, as in `F12`.
public struct CellAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    public static let maximumRow = 1_048_576
    public static let maximumColumn = 16_384

    public let row: Int
    public let column: Int

    public init(row: Int, column: Int) {
        self.row = row
        self.column = column
    }

    /// Reads `F12`; nil for anything else or a place beyond the sheet's last row or column.
    public init?(_ reference: some StringProtocol) {
        var column = 0
        var row = 0
        var sawDigit = false
        for scalar in reference.unicodeScalars {
            switch scalar {
            case "A"..."Z" where !sawDigit:
                column = column * 26 + Int(scalar.value - 64)
                guard column <= Self.maximumColumn else { return nil }
            case "0"..."9" where column > 0:
                sawDigit = true
                row = row * 10 + Int(scalar.value - 48)
                guard row <= Self.maximumRow else { return nil }
            default:
                return nil
            }
        }
        guard sawDigit, row >= 1 else { return nil }
        self.init(row: row, column: column)
    }

    /// `A`, `Z`, `AA`, … for columns 1, 26, 27, ….
    public static func columnName(_ column: Int) -> String {
        var name: [Character] = []
        var rest = column
        while rest > 0 {
            let digit = (rest - 1) % 26
            name.insert(Character(Unicode.Scalar(UInt8(65 + digit))), at: 0)
            rest = (rest - 1) / 26
        }
        return String(name)
    }

    public var description: String { Self.columnName(column) + String(row) }

    public static func < (lhs: CellAddress, rhs: CellAddress) -> Bool {
        (lhs.row, lhs.column) < (rhs.row, rhs.column)
    }
}

/// A rectangle of cells, as in `A1:D3`.
public struct CellRange: Hashable, Sendable, CustomStringConvertible {
    public let first: CellAddress
    public let last: CellAddress

    public init(_ first: CellAddress, _ last: CellAddress) {
        self.first = CellAddress(row: min(first.row, last.row), column: min(first.column, last.column))
        self.last = CellAddress(row: max(first.row, last.row), column: max(first.column, last.column))
    }

    public init?(_ reference: some StringProtocol) {
        let parts = reference.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let first = CellAddress(parts[0]), let last = CellAddress(parts[parts.count - 1]) else { return nil }
        self.init(first, last)
    }

    public func contains(_ address: CellAddress) -> Bool {
        (first.row...last.row).contains(address.row) && (first.column...last.column).contains(address.column)
    }

    public var description: String { first == last ? first.description : "\(first):\(last)" }
}

/// What a cell holds, as the spreadsheet program stored it. Numbers stay the decimal text they
/// were written as: nothing is ever turned into floating point.
public enum CellValue: Hashable, Sendable {
    case number(String)
    case text(String)
    case boolean(Bool)
    /// An error value such as `#DIV/0!`.
    case error(String)
    /// A formula whose result was never stored.
    case empty
}

/// How a cell's number is shown, as far as reading it needs to know.
public enum NumberFormat: Hashable, Sendable {
    case general
    case percent
    case date
    case text
    case other
}

/// One cell that holds something: a value, a formula, or both.
public struct Cell: Hashable, Sendable {
    public let value: CellValue
    /// The formula, when the cell holds one (`value` is then its stored result).
    public let formula: String?
    public let format: NumberFormat

    public init(value: CellValue, formula: String? = nil, format: NumberFormat = .general) {
        self.value = value
        self.formula = formula
        self.format = format
    }
}

/// A picture placed on a sheet, with the cell its top left corner is anchored in.
public struct AnchoredPicture: Sendable {
    public let anchor: CellAddress
    /// The part's name in the package, e.g. `xl/media/image1.png`.
    public let part: String
    public let bytes: [UInt8]
}

/// One sheet as read: its non-empty cells, merged ranges and pictures.
public struct Worksheet: Sendable {
    public enum State: String, Sendable {
        case visible
        case hidden
        case veryHidden
    }

    public let name: String
    public let state: State
    public let cells: [CellAddress: Cell]
    public let merged: [CellRange]
    public let pictures: [AnchoredPicture]
    /// Rows marked hidden (they are read all the same).
    public let hiddenRows: Set<Int>
    public let isProtected: Bool

    public subscript(address: CellAddress) -> Cell? { cells[address] }
    public subscript(row: Int, column: Int) -> Cell? { cells[CellAddress(row: row, column: column)] }
}

/// Why a workbook cannot be read; `place` names the sheet and cell where there is one.
public struct WorkbookError: Error, Sendable, Equatable, CustomStringConvertible {
    public let place: String?
    public let reason: String

    public init(_ reason: String, place: String? = nil) {
        self.reason = reason
        self.place = place
    }

    public var description: String { place.map { "\($0): \(reason)" } ?? reason }
}

/// An Office Open XML workbook (`.xlsx`, as Excel, WPS and LibreOffice write it) read from memory:
/// the sheets with their cells as stored, shared strings, number formats as far as percent, date
/// and text go, merged cells and pictures. Every count is bounded, so a hostile package ends in an
/// error, never in unbounded memory or time; formulas are never evaluated.
public struct Workbook: Sendable {
    public struct Limits: Sendable {
        /// Non-empty cells over all sheets.
        public var cells = 200_000
        public var sharedStrings = 200_000
        public var sheets = 64
        public var pictures = 200
        /// Characters in one cell.
        public var cellCharacters = 1_000_000
        public init() {}
    }

    public let sheets: [Worksheet]
    /// Serial dates count from 1904-01-01 rather than 1900-01-01.
    public let uses1904Dates: Bool

    public func sheet(named name: String) -> Worksheet? { sheets.first { $0.name == name } }

    public init(_ bytes: [UInt8], limits: Limits = Limits()) throws(WorkbookError) {
        let package: ZipArchive
        do {
            package = try ZipArchive(bytes)
        } catch {
            throw WorkbookError(error.description)
        }
        var reading = PackageReading(package: package, limits: limits)
        let workbookPart = try reading.target(of: "officeDocument", from: "_rels/.rels", base: "")
        guard let workbookPart else {
            if let mimetype = try reading.part("mimetype"), String(decoding: mimetype, as: UTF8.self).contains("opendocument") {
                throw WorkbookError("this is an OpenDocument file (.ods) named .xlsx; save it as Excel 2007-365 (.xlsx)")
            }
            throw WorkbookError("the package is not a workbook (no office document is named in _rels/.rels)")
        }
        let relations = try reading.relations(of: workbookPart)
        var listed: [(name: String, state: Worksheet.State, part: String)] = []
        var uses1904 = false
        var sheetNames: Set<String> = []
        try reading.scan(workbookPart, spreadsheetOnly: true) { event throws(WorkbookError) in
            guard case let .start(name, attributes, _) = event else { return }
            switch XMLScanner.local(name) {
            case "workbookPr":
                uses1904 = ["1", "true"].contains(attributes["date1904"] ?? "")
            case "sheet":
                guard let sheetName = attributes["name"], let id = Self.relationID(attributes), let relation = relations[id] else {
                    throw WorkbookError("\(workbookPart) lists a sheet without a name or a part")
                }
                guard relation.type.hasSuffix("/worksheet") else { return }
                guard listed.count < limits.sheets else { throw WorkbookError("the workbook has more than \(limits.sheets) sheets") }
                guard sheetNames.insert(sheetName.lowercased()).inserted else {
                    throw WorkbookError("the workbook has two sheets named `\(sheetName)`; expected each sheet name once")
                }
                let state = Worksheet.State(rawValue: attributes["state"] ?? "visible") ?? .visible
                listed.append((sheetName, state, relation.target))
            default:
                break
            }
        }
        if let stylesPart = relations.values.first(where: { $0.type.hasSuffix("/styles") })?.target {
            try reading.readStyles(stylesPart)
        }
        if let stringsPart = relations.values.first(where: { $0.type.hasSuffix("/sharedStrings") })?.target {
            try reading.readSharedStrings(stringsPart)
        }
        var sheets: [Worksheet] = []
        for entry in listed {
            sheets.append(try reading.readSheet(name: entry.name, state: entry.state, part: entry.part))
        }
        self.sheets = sheets
        uses1904Dates = uses1904
    }

    /// The relationship id of an element (`r:id`, whatever the prefix).
    static func relationID(_ attributes: [String: String]) -> String? {
        relationAttribute("id", attributes)
    }

    /// The prefixed attribute `local` (`r:id`, `r:embed`), only when there is exactly one: two
    /// under different prefixes could each be the one a program follows.
    static func relationAttribute(_ local: String, _ attributes: [String: String]) -> String? {
        let found = attributes.filter { $0.key.contains(":") && XMLScanner.local($0.key) == local }
        return found.count == 1 ? found.first?.value : nil
    }
}

/// One pass over a package's parts, with the shared strings and formats the sheets refer to.
private struct PackageReading {
    let package: ZipArchive
    let limits: Workbook.Limits
    var sharedStrings: [String] = []
    var formats: [NumberFormat] = []
    var cellCount = 0
    var pictureCount = 0

    init(package: ZipArchive, limits: Workbook.Limits) {
        self.package = package
        self.limits = limits
    }

    func part(_ name: String) throws(WorkbookError) -> [UInt8]? {
        do {
            return try package.data(name)
        } catch {
            throw WorkbookError(error.description)
        }
    }

    /// The SpreadsheetML namespaces (transitional and strict).
    static let spreadsheetNamespaces: Set<String> = ["http://schemas.openxmlformats.org/spreadsheetml/2006/main", "http://purl.oclc.org/ooxml/spreadsheetml/main"]

    /// Calls `visit` with the events of the XML part `name`. With `spreadsheetOnly`, elements of
    /// other namespaces (extensions, markup-compatibility alternatives, anything foreign) and
    /// `extLst` extensions are passed over whole, so that only what spreadsheet programs show is read.
    func scan(_ name: String, spreadsheetOnly: Bool = false, _ visit: (XMLEvent) throws(WorkbookError) -> Void) throws(WorkbookError) {
        guard let bytes = try part(name) else { throw WorkbookError("the package lacks its part `\(name)`") }
        var failure: WorkbookError?
        var scopes: [[String: String]] = [[:]]
        var skipping = 0
        do throws(XMLError) {
            try XMLScanner.scan(bytes, part: name) { event throws(XMLError) in
                if spreadsheetOnly {
                    switch event {
                    case let .start(element, attributes, _):
                        // Every start has its end (the scanner ends a self-closing element too).
                        var scope = scopes[scopes.count - 1]
                        for (key, value) in attributes where key == "xmlns" || key.hasPrefix("xmlns:") {
                            scope[key == "xmlns" ? "" : String(key.dropFirst(6))] = value
                        }
                        scopes.append(scope)
                        let prefix = element.contains(":") ? String(element.prefix { $0 != ":" }) : ""
                        let foreign = !Self.spreadsheetNamespaces.contains(scope[prefix] ?? "") || XMLScanner.local(element) == "extLst"
                        if skipping > 0 || foreign {
                            skipping += 1
                            return
                        }
                    case .end:
                        scopes.removeLast()
                        if skipping > 0 {
                            skipping -= 1
                            return
                        }
                    case .text:
                        if skipping > 0 { return }
                    }
                }
                do throws(WorkbookError) {
                    try visit(event)
                } catch {
                    failure = error
                    throw XMLError(part: name, reason: error.reason)
                }
            }
        } catch {
            throw failure ?? WorkbookError("the part `\(name)` is not well-formed XML: \(error.reason)")
        }
    }

    struct Relation {
        let type: String
        let target: String
    }

    /// The relationships of `part` by id, with targets resolved to part names.
    func relations(of part: String) throws(WorkbookError) -> [String: Relation] {
        let folder = part.split(separator: "/").dropLast().joined(separator: "/")
        let name = part.split(separator: "/").last.map(String.init) ?? part
        let relsPart = (folder.isEmpty ? "" : folder + "/") + "_rels/" + name + ".rels"
        guard package.contains(relsPart) else { return [:] }
        var found: [String: Relation] = [:]
        try scan(relsPart) { event throws(WorkbookError) in
            guard case let .start(element, attributes, _) = event, XMLScanner.local(element) == "Relationship",
                  let id = attributes["Id"], let type = attributes["Type"], let target = attributes["Target"] else { return }
            if attributes["TargetMode"] == "External" { return }
            found[id] = Relation(type: type, target: Self.resolve(target, from: folder))
        }
        return found
    }

    func target(of type: String, from relsPart: String, base: String) throws(WorkbookError) -> String? {
        guard package.contains(relsPart) else { return nil }
        var target: String?
        try scan(relsPart) { event throws(WorkbookError) in
            guard case let .start(element, attributes, _) = event, XMLScanner.local(element) == "Relationship",
                  attributes["Type"]?.hasSuffix("/" + type) == true, let value = attributes["Target"] else { return }
            guard target == nil else { throw WorkbookError("\(relsPart) names two office documents; expected one workbook per package") }
            target = Self.resolve(value, from: base)
        }
        return target
    }

    /// A relationship's target as a part name: absolute from the package root, or relative to `folder`.
    static func resolve(_ target: String, from folder: String) -> String {
        var parts: [Substring] = target.hasPrefix("/") ? [] : folder.split(separator: "/")
        for piece in target.split(separator: "/") {
            if piece == ".." { _ = parts.popLast() } else if piece != "." { parts.append(piece) }
        }
        return parts.joined(separator: "/")
    }

    mutating func readSharedStrings(_ name: String) throws(WorkbookError) {
        var strings: [String] = []
        var current: String?
        var inText = false
        var phoneticDepth = 0
        let limits = self.limits
        try scan(name, spreadsheetOnly: true) { event throws(WorkbookError) in
            switch event {
            case let .start(element, _, selfClosing):
                switch XMLScanner.local(element) {
                case "si":
                    guard strings.count < limits.sharedStrings else {
                        throw WorkbookError("the workbook's shared-string table holds more than \(limits.sharedStrings) texts")
                    }
                    current = ""
                    if selfClosing { strings.append(""); current = nil }
                case "rPh" where !selfClosing: phoneticDepth += 1
                case "t" where !selfClosing: inText = true
                default: break
                }
            case let .text(text):
                if inText, phoneticDepth == 0, current != nil {
                    current! += text
                    guard current!.utf8.count <= limits.cellCharacters * 4 else {
                        throw WorkbookError("shared string \(strings.count) is longer than \(limits.cellCharacters) characters")
                    }
                }
            case let .end(element):
                switch XMLScanner.local(element) {
                case "si":
                    strings.append(Self.unescaped(current ?? ""))
                    current = nil
                case "rPh": phoneticDepth -= 1
                case "t": inText = false
                default: break
                }
            }
        }
        sharedStrings = strings
    }

    mutating func readStyles(_ name: String) throws(WorkbookError) {
        var custom: [Int: NumberFormat] = [:]
        var formats: [NumberFormat] = []
        var inCellFormats = false
        try scan(name, spreadsheetOnly: true) { event throws(WorkbookError) in
            switch event {
            case let .start(element, attributes, selfClosing):
                switch XMLScanner.local(element) {
                case "numFmt":
                    if let id = attributes["numFmtId"].flatMap(Int.init), let code = attributes["formatCode"] {
                        custom[id] = Self.format(code: code)
                    }
                case "cellXfs":
                    inCellFormats = !selfClosing
                case "xf" where inCellFormats:
                    guard formats.count < 65_536 else { throw WorkbookError("the workbook's styles hold more than 65536 cell formats") }
                    let id = attributes["numFmtId"].flatMap(Int.init) ?? 0
                    formats.append(custom[id] ?? Self.builtInFormat(id))
                default:
                    break
                }
            case let .end(element):
                if XMLScanner.local(element) == "cellXfs" { inCellFormats = false }
            case .text:
                break
            }
        }
        self.formats = formats
    }

    /// The built-in number formats (ECMA-376 18.8.30, with the ids East Asian versions use for dates).
    static func builtInFormat(_ id: Int) -> NumberFormat {
        switch id {
        case 0: .general
        case 9, 10: .percent
        case 14...22, 27...36, 45...47, 50...58: .date
        case 49: .text
        default: .other
        }
    }

    /// What a custom format code shows: `%` outside quotes makes a percent, date letters a date.
    static func format(code: String) -> NumberFormat {
        var visible = ""
        var quoted = false
        var bracket = false
        var escaped = false
        for character in code {
            if escaped { escaped = false; continue }
            switch character {
            case "\\": escaped = true
            case "\"": quoted.toggle()
            case "[" where !quoted: bracket = true
            case "]" where !quoted: bracket = false
            default: if !quoted, !bracket { visible.append(character) }
            }
        }
        let section = visible.split(separator: ";", omittingEmptySubsequences: false).first.map(String.init) ?? visible
        if section.contains("%") { return .percent }
        if section == "@" { return .text }
        if section.lowercased().contains(where: { "ymd".contains($0) }) { return .date }
        if section.lowercased() == "general" { return .general }
        return .other
    }

    /// Undoes the `_xHHHH_` escapes Office writes for characters XML cannot hold.
    static func unescaped(_ text: String) -> String {
        guard text.contains("_x") else { return text }
        var result = ""
        var scalars = Array(text.unicodeScalars)[...]
        while let first = scalars.first {
            if first == "_", scalars.count >= 7, scalars[scalars.startIndex + 1] == "x", scalars[scalars.startIndex + 6] == "_",
               scalars[(scalars.startIndex + 2)..<(scalars.startIndex + 6)].allSatisfy({ $0.properties.isASCIIHexDigit }),
               let value = UInt32(String(String.UnicodeScalarView(scalars[(scalars.startIndex + 2)..<(scalars.startIndex + 6)])), radix: 16),
               let scalar = Unicode.Scalar(value) {
                result.unicodeScalars.append(scalar)
                scalars = scalars.dropFirst(7)
            } else {
                result.unicodeScalars.append(first)
                scalars = scalars.dropFirst()
            }
        }
        return result
    }

    mutating func readSheet(name: String, state: Worksheet.State, part: String) throws(WorkbookError) -> Worksheet {
        var cells: [CellAddress: Cell] = [:]
        var merged: [CellRange] = []
        var hiddenRows: Set<Int> = []
        var isProtected = false
        var drawingIDs: [String] = []
        var row = 0
        var column = 0
        var values = 0
        // The cell being read.
        var address: CellAddress?
        var type = "n"
        var style = 0
        var value: String?
        var formula: String?
        var inline: String?
        var reading: String?
        var phoneticDepth = 0
        let limits = self.limits
        let strings = sharedStrings
        let formats = self.formats
        var count = cellCount
        func place(_ at: CellAddress?) -> String { "\(name)!\(at?.description ?? "?")" }
        try scan(part, spreadsheetOnly: true) { event throws(WorkbookError) in
            switch event {
            case let .start(element, attributes, selfClosing):
                switch XMLScanner.local(element) {
                case "row":
                    if let text = attributes["r"] {
                        guard let number = Int(text), (1...CellAddress.maximumRow).contains(number) else {
                            throw WorkbookError("a row is numbered `\(text)`; expected 1 to \(CellAddress.maximumRow)", place: name)
                        }
                        // Rows and cells come in order, each once: a second copy could hide what a program shows.
                        guard number > row else { throw WorkbookError("row \(number) is given twice or out of order", place: name) }
                        row = number
                    } else {
                        row += 1
                    }
                    column = 0
                    if ["1", "true"].contains(attributes["hidden"] ?? "") { hiddenRows.insert(row) }
                case "c":
                    if let reference = attributes["r"] {
                        guard let found = CellAddress(reference) else {
                            throw WorkbookError("a cell is named `\(reference)`, which is no cell of a sheet", place: "\(name)!row \(row)")
                        }
                        guard found.row == row, found.column > column else {
                            throw WorkbookError("the cell \(found) is given twice, out of order or outside its row", place: "\(name)!\(found)")
                        }
                        address = found
                        column = found.column
                    } else {
                        column += 1
                        guard row >= 1, column <= CellAddress.maximumColumn else { throw WorkbookError("a cell lies outside the sheet", place: "\(name)!row \(row)") }
                        address = CellAddress(row: row, column: column)
                    }
                    type = attributes["t"] ?? "n"
                    guard ["n", "s", "str", "inlineStr", "b", "e", "d"].contains(type) else {
                        throw WorkbookError("the cell has the type `\(type)`, which no spreadsheet program writes", place: place(address))
                    }
                    values = 0
                    style = attributes["s"].flatMap(Int.init) ?? 0
                    value = nil
                    formula = nil
                    inline = nil
                    if selfClosing { address = nil }
                case "v", "f":
                    if XMLScanner.local(element) == "v" {
                        values += 1
                        guard values == 1 else { throw WorkbookError("the cell holds two values", place: place(address)) }
                    }
                    reading = selfClosing ? nil : String(XMLScanner.local(element))
                    if XMLScanner.local(element) == "f", formula == nil { formula = "" }
                case "t" where inline != nil && !selfClosing:
                    reading = "t"
                case "is":
                    inline = ""
                case "rPh" where !selfClosing:
                    phoneticDepth += 1
                case "mergeCell":
                    guard let reference = attributes["ref"], let range = CellRange(reference) else {
                        throw WorkbookError("a merged range is not a range of cells", place: name)
                    }
                    guard merged.count < 10_000 else { throw WorkbookError("more than 10000 merged ranges", place: name) }
                    merged.append(range)
                case "sheetProtection":
                    isProtected = ["1", "true"].contains(attributes["sheet"] ?? "")
                case "drawing":
                    if let id = Workbook.relationID(attributes) { drawingIDs.append(id) }
                default:
                    break
                }
            case let .text(text):
                switch reading {
                case "v": value = value.map { $0 + text } ?? text
                case "f": formula = formula.map { $0 + text } ?? text
                case "t" where phoneticDepth == 0: inline = inline.map { $0 + text } ?? text
                default: break
                }
                if (value?.utf8.count ?? 0) + (inline?.utf8.count ?? 0) + (formula?.utf8.count ?? 0) > limits.cellCharacters * 4 {
                    throw WorkbookError("the cell holds more than \(limits.cellCharacters) characters", place: place(address))
                }
            case let .end(element):
                switch XMLScanner.local(element) {
                case "v", "f", "t": reading = nil
                case "rPh": phoneticDepth -= 1
                case "c":
                    guard let at = address else { break }
                    address = nil
                    let cellValue: CellValue
                    switch type {
                    case "s":
                        guard let index = value.flatMap(Int.init), strings.indices.contains(index) else {
                            throw WorkbookError("the cell refers to a shared text that does not exist", place: place(at))
                        }
                        cellValue = .text(strings[index])
                    case "str", "d": cellValue = value.map { .text(Self.unescaped($0)) } ?? .empty
                    case "inlineStr":
                        guard value == nil else { throw WorkbookError("the cell holds both an inline text and a value", place: place(at)) }
                        cellValue = .text(Self.unescaped(inline ?? ""))
                    case "b":
                        switch value {
                        case "1", "true": cellValue = .boolean(true)
                        case "0", "false": cellValue = .boolean(false)
                        default: cellValue = .error("a logical value stored as `\(String((value ?? "").prefix(20)))`")
                        }
                    case "e": cellValue = .error(value ?? "#N/A")
                    default:
                        if let number = value?.trimmingCharacters(in: .whitespaces), !number.isEmpty {
                            cellValue = Self.isNumber(number) ? .number(number) : .error("a number stored as `\(String(number.prefix(20)))`")
                        } else {
                            cellValue = .empty
                        }
                    }
                    if case .empty = cellValue, formula == nil { break }
                    count += 1
                    guard count <= limits.cells else { throw WorkbookError("the workbook holds more than \(limits.cells) filled cells; a scoring workbook needs a few hundred", place: name) }
                    cells[at] = Cell(value: cellValue, formula: formula, format: formats.indices.contains(style) ? formats[style] : .general)
                default:
                    break
                }
            }
        }
        cellCount = count
        var pictures: [AnchoredPicture] = []
        if !drawingIDs.isEmpty {
            let relations = try relations(of: part)
            for id in drawingIDs {
                guard let drawing = relations[id], drawing.type.hasSuffix("/drawing") else { continue }
                pictures += try readDrawing(drawing.target, sheet: name)
            }
        }
        return Worksheet(name: name, state: state, cells: cells, merged: merged, pictures: pictures, hiddenRows: hiddenRows, isProtected: isProtected)
    }

    /// A decimal number as XML Schema writes a double: sign, digits, point, exponent.
    static func isNumber(_ text: String) -> Bool {
        var sawDigit = false
        var state = 0 // 0 mantissa, 1 fraction, 2 exponent start, 3 exponent digits
        for (offset, byte) in text.utf8.enumerated() {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                sawDigit = true
                if state == 2 { state = 3 }
            case UInt8(ascii: "-"), UInt8(ascii: "+"):
                guard offset == 0 || state == 2 else { return false }
            case UInt8(ascii: "."):
                guard state == 0 else { return false }
                state = 1
            case UInt8(ascii: "e"), UInt8(ascii: "E"):
                guard sawDigit, state < 2 else { return false }
                state = 2
            default:
                return false
            }
        }
        return sawDigit && state != 2
    }

    mutating func readDrawing(_ part: String, sheet: String) throws(WorkbookError) -> [AnchoredPicture] {
        let relations = try relations(of: part)
        var found: [(CellAddress, String)] = []
        var anchor: CellAddress?
        var inFrom = false
        var field: String?
        var fromRow = 0
        var fromColumn = 0
        try scan(part) { event throws(WorkbookError) in
            switch event {
            case let .start(element, attributes, _):
                switch XMLScanner.local(element) {
                case "twoCellAnchor", "oneCellAnchor", "absoluteAnchor":
                    anchor = nil
                case "from":
                    inFrom = true
                    fromRow = 0
                    fromColumn = 0
                case "row" where inFrom, "col" where inFrom:
                    field = String(XMLScanner.local(element))
                case "blip":
                    guard let id = Workbook.relationAttribute("embed", attributes) else {
                        throw WorkbookError("a picture names its part ambiguously or not at all", place: sheet)
                    }
                    guard let at = anchor else {
                        throw WorkbookError("a picture is not anchored to a cell; expected each picture placed in its item's row", place: sheet)
                    }
                    found.append((at, id))
                default:
                    break
                }
            case let .text(text):
                guard let name = field, let number = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), number >= 0 else { return }
                if name == "row" { fromRow = number } else { fromColumn = number }
            case let .end(element):
                switch XMLScanner.local(element) {
                case "row", "col": field = nil
                case "from":
                    inFrom = false
                    if fromRow < CellAddress.maximumRow, fromColumn < CellAddress.maximumColumn {
                        anchor = CellAddress(row: fromRow + 1, column: fromColumn + 1)
                    }
                default: break
                }
            }
        }
        var pictures: [AnchoredPicture] = []
        for (at, id) in found {
            guard let relation = relations[id] else {
                throw WorkbookError("a picture refers to a part the package does not name", place: "\(sheet)!\(at)")
            }
            pictureCount += 1
            guard pictureCount <= limits.pictures else { throw WorkbookError("the workbook holds more than \(limits.pictures) pictures", place: sheet) }
            guard let bytes = try self.part(relation.target) else {
                throw WorkbookError("a picture's part `\(relation.target)` is missing from the package", place: "\(sheet)!\(at)")
            }
            pictures.append(AnchoredPicture(anchor: at, part: relation.target, bytes: bytes))
        }
        return pictures
    }
}
