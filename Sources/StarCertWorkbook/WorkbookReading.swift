import Foundation
import Spreadsheet
import StarCertCore

/// Reads a scoring workbook into the document tree an assessment file composes to, so that the
/// assessment is checked by exactly the rules a YAML file is; every place is a sheet and cell.
/// What only a workbook can get wrong (a value stored the wrong way, a moved header, merged
/// input cells, a picture of another kind) is said here, once per cell.
struct WorkbookReading {
    let workbook: Workbook
    let file: String
    let catalog: StandardCatalog
    /// The veto items of the workbook's standard (judged, not scored).
    var vetoIDs: Set<String> = []
    var problems: [Diagnostic] = []
    var pictures: [String: [UInt8]] = [:]
    let log: DiagnosticLog

    /// Rows of one sheet are numbered apart from every other sheet's, so that ordering by line
    /// orders by sheet, then row.
    static let sheetSpan = 2_000_000
    /// All the text one evaluation's workbook may hold: far beyond any real record, well within
    /// what a report lays out in seconds.
    static let textCharacters = 500_000
    var textBudget = textCharacters
    var budgetSpent = false
    /// Rows read from the sheets of lists, at most.
    static let rowLimits = [WorkbookLayout.team: 100, WorkbookLayout.findings: 2_000, WorkbookLayout.photos: 200]

    init(workbook: Workbook, file: String, catalog: StandardCatalog) {
        self.workbook = workbook
        self.file = file
        self.catalog = catalog
        log = DiagnosticLog(file: file) { line, column in
            let index = line / Self.sheetSpan - 1
            guard WorkbookLayout.namedSheets.indices.contains(index) else { return nil }
            return WorkbookLayout.namedSheets[index] + "!" + CellAddress(row: line % Self.sheetSpan, column: max(1, column)).description
        }
    }

    func position(_ sheet: String, _ address: CellAddress) -> SourcePosition {
        let index = WorkbookLayout.namedSheets.firstIndex(of: sheet) ?? 0
        return SourcePosition(line: (index + 1) * Self.sheetSpan + address.row, column: address.column)
    }

    /// Problems beyond this many are counted, not listed: a hostile sheet of a million bad rows
    /// gets a readable answer.
    static let listedProblems = 500
    var unlisted = 0

    mutating func problem(_ message: String, _ sheet: String, _ address: CellAddress) {
        guard problems.count < Self.listedProblems else {
            unlisted += 1
            return
        }
        problems.append(Diagnostic(.error, at: log.location(of: position(sheet, address)), message))
    }

    mutating func wholeFileProblem(_ message: String) {
        problems.append(Diagnostic(.error, at: SourceLocation(file: file, line: 0, column: 0), message))
    }

    func text(_ value: String, _ sheet: String, _ address: CellAddress) -> SourceNode {
        .scalar(.init(string: value, style: .quoted, position: position(sheet, address)))
    }

    func plain(_ value: String, _ sheet: String, _ address: CellAddress) -> SourceNode {
        .scalar(.init(string: value, style: .plain, position: position(sheet, address)))
    }

    func mapping(_ pairs: [(String, SourceNode)], _ sheet: String, _ address: CellAddress) -> SourceNode {
        .mapping(.init(pairs: pairs.map { (key: plain($0.0, sheet, address), value: $0.1) }, position: position(sheet, address)))
    }

    /// A mapping whose keys stand where they were read (item ids in their cells).
    func mapping(keyed pairs: [(key: SourceNode, value: SourceNode)], _ sheet: String, _ address: CellAddress) -> SourceNode {
        .mapping(.init(pairs: pairs, position: position(sheet, address)))
    }

    // MARK: The workbook as a whole

    /// The tree, or nil when the workbook is not one StarCert wrote (the reason is logged).
    mutating func document() -> SourceNode? {
        guard let meta = workbook.sheet(named: WorkbookLayout.meta) else {
            wholeFileProblem("the workbook has no hidden sheet `\(WorkbookLayout.meta)`, so it is not a StarCert scoring workbook; expected a workbook written by `starcert init -o FILE.xlsx`")
            return nil
        }
        let versionCell = meta[2, 2]
        guard case let .number(version)? = versionCell?.value, CellReading.Decimal(version)?.whole() == WorkbookLayout.formatVersion else {
            let found = versionCell?.value.shown ?? "nothing"
            wholeFileProblem("the hidden sheet `\(WorkbookLayout.meta)` gives the format version as \(found); expected \(WorkbookLayout.formatVersion) (this StarCert reads scoring workbooks of format \(WorkbookLayout.formatVersion))")
            return nil
        }
        let missing = WorkbookLayout.readSheets.filter { workbook.sheet(named: $0) == nil }
        if !missing.isEmpty {
            let found = workbook.sheets.filter { $0.state == .visible }.map(\.name).joined(separator: ", ")
            wholeFileProblem("the workbook has no sheet \(missing.map { "`\($0)`" }.joined(separator: ", ")) (renamed or deleted?); expected the sheets \(WorkbookLayout.readSheets.joined(separator: ", ")) as `starcert init` writes them (found: \(found))")
            return nil
        }
        // A hidden copy of a sheet would be read while another shows.
        let hidden = WorkbookLayout.readSheets.filter { workbook.sheet(named: $0)?.state != .visible }
        if !hidden.isEmpty {
            wholeFileProblem("the sheet \(hidden.map { "`\($0)`" }.joined(separator: ", ")) is hidden; expected the form's sheets visible, so that what is read is what a reader sees")
            return nil
        }
        for sheet in workbook.sheets where !WorkbookLayout.allSheets.contains(sheet.name) && !(sheet.cells.isEmpty && sheet.pictures.isEmpty) {
            problems.append(Diagnostic(.warning, at: SourceLocation(file: file, line: 0, column: 0),
                                       "the sheet `\(TerminalText.quoted(sheet.name))` is not part of the form; what it holds is not read (ignored)"))
        }
        for sheet in workbook.sheets where sheet.name != WorkbookLayout.photos && !sheet.pictures.isEmpty {
            problems.append(Diagnostic(.warning, at: SourceLocation(file: file, line: 0, column: 0),
                                       "\(sheet.pictures.count) picture(s) on the sheet `\(TerminalText.quoted(sheet.name))` are not read (ignored); expected photos pasted into 「\(WorkbookLayout.photos)」, in their item's row"))
        }
        let standardID: String
        switch CellReading.text(meta[3, 2]) {
        case let .value(id): standardID = id.trimmingCharacters(in: .whitespacesAndNewlines)
        default:
            wholeFileProblem("the hidden sheet `\(WorkbookLayout.meta)` names no standard; expected the id of the standard the workbook was written for")
            return nil
        }
        vetoIDs = Set(catalog.standard(standardID)?.vetoItems.map(\.id) ?? [])
        if let standard = catalog.standard(standardID) {
            // The item list the form was written with: an edited one means an edited structure.
            var listed: [String] = []
            var row = 10
            while case let .value(id) = CellReading.text(meta[row, 1]), listed.count <= 1_000 {
                listed.append(id)
                row += 1
            }
            let expected = standard.vetoItems.map(\.id) + standard.items.map(\.id)
            if listed != expected {
                wholeFileProblem("the hidden sheet `\(WorkbookLayout.meta)` lists other items than \(standard.id) has (its structure was edited); expected a workbook written by `starcert init -o FILE.xlsx` for this standard")
                return nil
            }
        }
        let scoringAnchor = CellAddress(row: 1, column: 1)
        let metaAnchor = CellAddress(row: 3, column: 2)
        var top: [(String, SourceNode)] = [
            ("format", plain(String(WorkbookLayout.formatVersion), WorkbookLayout.meta, CellAddress(row: 2, column: 2))),
            ("standard", text(standardID, WorkbookLayout.meta, metaAnchor)),
        ]
        top += readFacts()
        let (veto, items) = readScoring()
        top.append(("veto", veto))
        top.append(("items", items))
        if unlisted > 0 {
            wholeFileProblem("\(unlisted) more problems are not listed; expected a workbook as `starcert init` writes it, filled in row by row")
        }
        return mapping(top, WorkbookLayout.scoring, scoringAnchor)
    }

    // MARK: Headers and merged cells

    /// The header row of `sheet` and the column of each header found; missing required headers
    /// are errors naming them.
    mutating func headers(of sheet: Worksheet, required: [String]) -> (row: Int, columns: [String: Int])? {
        let wanted = Set(required.map(WorkbookLayout.normalizedHeader))
        var byRow: [Int: [String: [Int]]] = [:]
        for (address, cell) in sheet.cells where address.row <= 50 {
            guard case let .text(value) = cell.value else { continue }
            byRow[address.row, default: [:]][WorkbookLayout.normalizedHeader(value), default: []].append(address.column)
        }
        var best: (row: Int, columns: [String: [Int]]) = (0, [:])
        for (row, columns) in byRow.sorted(by: { $0.key < $1.key }) {
            if wanted.filter({ columns[$0] != nil }).count > wanted.filter({ best.columns[$0] != nil }).count { best = (row, columns) }
        }
        let absent = required.filter { best.columns[WorkbookLayout.normalizedHeader($0)] == nil }
        guard absent.isEmpty else {
            let anchor = CellAddress(row: best.row == 0 ? WorkbookLayout.headerRow : best.row, column: 1)
            problem("the sheet has no column headed \(absent.map { "「\($0)」" }.joined(separator: ", ")); expected the headers \(required.map { "「\($0)」" }.joined(separator: ", ")) in one row, as `starcert init` writes them", sheet.name, anchor)
            return nil
        }
        // Two columns under one header: either could be meant, so neither is read.
        var twice = false
        for header in required {
            let columns = best.columns[WorkbookLayout.normalizedHeader(header)]!.sorted()
            guard columns.count > 1 else { continue }
            twice = true
            let cells = columns.map { CellAddress(row: best.row, column: $0).description }
            problem("\(columns.count) columns are headed 「\(header)」 (\(cells.joined(separator: ", "))); expected each header once, so that no entry is read from the wrong column", sheet.name, CellAddress(row: best.row, column: columns[1]))
        }
        if twice { return nil }
        return (best.row, best.columns.mapValues { $0.min()! })
    }

    /// Merged ranges that cover an input cell below the header row are errors: a merged cell
    /// keeps one value, so what was typed in the others is gone.
    mutating func checkMerged(_ sheet: Worksheet, headerRow: Int, inputColumns: [Int], rows: Set<Int>? = nil) {
        // Ranges are tested against the rows that matter, never walked row by row (a range may span a million).
        let rowsToCheck = rows ?? []
        for range in sheet.merged where range.last.row > headerRow {
            let coversInput = inputColumns.contains { (range.first.column...range.last.column).contains($0) }
                && (rows == nil || rowsToCheck.contains { (max(range.first.row, headerRow + 1)...range.last.row).contains($0) })
            if coversInput {
                problem("the cells \(range) are merged over input cells; expected each entry in a cell of its own (unmerge them)", sheet.name, range.first)
            }
        }
    }

    /// The value of a text cell as a tree node: a text, or empty after an error said at the cell.
    mutating func textNode(_ sheet: Worksheet, _ address: CellAddress, what: String) -> SourceNode? {
        switch CellReading.text(sheet[address]) {
        case let .value(value):
            textBudget -= value.count
            if textBudget < 0, !budgetSpent {
                budgetSpent = true
                problem("the workbook's texts run past \(Self.textCharacters) characters here; expected the record of one evaluation (a long record belongs in an attachment)", sheet.name, address)
            }
            return text(value, sheet.name, address)
        case .empty: return nil
        case let .problem(message):
            problem("\(what) \(message)", sheet.name, address)
            return plain("", sheet.name, address)
        }
    }

    /// Texts one per line of a cell.
    mutating func linesNode(_ sheet: Worksheet, _ address: CellAddress, what: String) -> SourceNode? {
        guard let node = textNode(sheet, address, what: what) else { return nil }
        guard case let .scalar(scalar) = node, scalar.style == .quoted else { return node }
        let lines = scalar.string.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return .sequence(.init(elements: lines.map { text($0, sheet.name, address) }, position: position(sheet.name, address)))
    }

    /// A word from a list, given in Chinese (or as the file format's own word), as that word.
    mutating func choice<Choice: RawRepresentable & CaseIterable>(_ sheet: Worksheet, _ address: CellAddress, what: String, _: Choice.Type,
                                                                  chinese: (Choice) -> String) -> SourceNode? where Choice.RawValue == String {
        guard let node = textNode(sheet, address, what: what) else { return nil }
        guard case let .scalar(scalar) = node, scalar.style == .quoted else { return node }
        let typed = scalar.string.trimmingCharacters(in: .whitespacesAndNewlines)
        if let found = Choice.allCases.first(where: { chinese($0) == typed || $0.rawValue == typed }) {
            return plain(found.rawValue, sheet.name, address)
        }
        problem("\(what) is 「\(TerminalText.quoted(String(typed.prefix(40))))」; expected one of \(Choice.allCases.map(chinese).joined(separator: ", "))", sheet.name, address)
        return plain("", sheet.name, address)
    }

    // MARK: Facts and team

    mutating func readFacts() -> [(String, SourceNode)] {
        let sheet = workbook.sheet(named: WorkbookLayout.facts)!
        typealias Column = WorkbookLayout.FactsColumn
        guard let header = headers(of: sheet, required: [Column.label, Column.value]) else { return [] }
        let labelColumn = header.columns[WorkbookLayout.normalizedHeader(Column.label)]!
        let valueColumn = header.columns[WorkbookLayout.normalizedHeader(Column.value)]!
        checkMerged(sheet, headerRow: header.row, inputColumns: [valueColumn])
        var rows: [WorkbookLayout.Fact: Int] = [:]
        let labels = Dictionary(uniqueKeysWithValues: WorkbookLayout.Fact.allCases.map { (WorkbookLayout.normalizedHeader($0.label), $0) })
        for (address, cell) in sheet.cells.sorted(by: { $0.key < $1.key }) where address.column == labelColumn && address.row > header.row {
            guard case let .text(label) = cell.value else { continue }
            if let fact = labels[WorkbookLayout.normalizedHeader(label)] {
                if let first = rows[fact] {
                    problem("「\(fact.label)」 is given again (first in row \(first)); expected each fact once", sheet.name, address)
                } else {
                    rows[fact] = address.row
                }
            } else if sheet[address.row, valueColumn] != nil {
                problems.append(Diagnostic(.warning, at: log.location(of: position(sheet.name, address)),
                                           "the row 「\(TerminalText.quoted(String(label.prefix(40))))」 is not a fact StarCert reads; its entry is ignored (expected one of \(WorkbookLayout.Fact.allCases.map(\.label).joined(separator: ", ")))"))
            }
        }
        let anchor = CellAddress(row: header.row, column: valueColumn)
        let addresses = rows.mapValues { CellAddress(row: $0, column: valueColumn) }
        warnUnread(sheet, headerRow: header.row, known: [Column.label, Column.value, Column.note])
        if let noteColumn = header.columns[WorkbookLayout.normalizedHeader(Column.note)] {
            for (fact, row) in rows.sorted(by: { $0.value < $1.value }) {
                let address = CellAddress(row: row, column: noteColumn)
                if case let .value(note) = CellReading.text(sheet[address]), note != fact.note {
                    warning("「\(Column.note)」 is not read (ignored); expected what 「\(fact.label)」 holds under 「\(Column.value)」", sheet.name, address)
                }
            }
        }
        func value(_ fact: WorkbookLayout.Fact) -> SourceNode? { addresses[fact].map { factValue(fact, sheet, $0) } ?? nil }
        var facts: [(String, SourceNode)] = []
        if let kind = value(.kind) { facts.append(("kind", kind)) }
        if let number = value(.reportNumber) { facts.append(("report_no", number)) }
        if let number = value(.certificate) { facts.append(("certificate", number)) }
        var organization: [(String, SourceNode)] = []
        for (key, fact) in [("name", WorkbookLayout.Fact.name), ("name_en", .nameEnglish), ("credit_code", .creditCode), ("address", .address), ("scope", .scope),
                            ("region_code", .regionCode), ("industry_code", .industryCode)] {
            if let node = value(fact) { organization.append((key, node)) }
        }
        facts.append(("organization", mapping(organization, sheet.name, anchor)))
        var audit: [(String, SourceNode)] = []
        if let start = value(.start) { audit.append(("start", start)) }
        if let end = value(.end) { audit.append(("end", end)) }
        if let mode = value(.mode) { audit.append(("mode", mode)) }
        if let days = value(.personDays) { audit.append(("person_days", days)) }
        if let sites = value(.sites) { audit.append(("sites", sites)) }
        if let team = readTeam() { audit.append(("team", team)) }
        facts.append(("audit", mapping(audit, sheet.name, anchor)))
        return facts
    }

    /// The value of one fact, read by the fact's kind; nil for an optional fact left blank.
    mutating func factValue(_ fact: WorkbookLayout.Fact, _ sheet: Worksheet, _ address: CellAddress) -> SourceNode? {
        if let expected = fact.expected, case .empty = CellReading.text(sheet[address]) {
            problem("「\(fact.label)」 is empty; expected \(expected)", sheet.name, address)
            return plain("", sheet.name, address)
        }
        if fact.isDate {
            switch CellReading.date(sheet[address], uses1904: workbook.uses1904Dates) {
            case let .value(date): return text(date.description, sheet.name, address)
            case .empty: return plain("", sheet.name, address)
            case let .problem(message):
                problem("「\(fact.label)」 \(message)", sheet.name, address)
                return plain("", sheet.name, address)
            }
        }
        switch fact {
        case .kind: return choice(sheet, address, what: "「\(fact.label)」", Assessment.Kind.self, chinese: \.chineseName) ?? plain("", sheet.name, address)
        case .sites: return linesNode(sheet, address, what: "「\(fact.label)」")
        case .mode: return choice(sheet, address, what: "「\(fact.label)」", Assessment.Audit.Mode.self, chinese: \.chineseName)
        case .reportNumber, .certificate, .nameEnglish, .regionCode, .industryCode, .personDays: return textNode(sheet, address, what: "「\(fact.label)」")
        default: return textNode(sheet, address, what: "「\(fact.label)」") ?? plain("", sheet.name, address)
        }
    }

    /// A sheet of rows (team, findings, photos): its header row and the columns of `required`,
    /// after merged input cells and unread columns were said.
    mutating func listSheet(_ name: String, required: [String], known: [String]) -> (sheet: Worksheet, row: Int, columns: [Int])? {
        let sheet = workbook.sheet(named: name)!
        guard let header = headers(of: sheet, required: required) else { return nil }
        let columns = required.map { header.columns[WorkbookLayout.normalizedHeader($0)]! }
        checkMerged(sheet, headerRow: header.row, inputColumns: columns)
        warnUnread(sheet, headerRow: header.row, known: known)
        return (sheet, header.row, columns)
    }

    mutating func readTeam() -> SourceNode? {
        typealias Column = WorkbookLayout.TeamColumn
        guard let (sheet, headerRow, columns) = listSheet(WorkbookLayout.team, required: [Column.name, Column.role], known: [Column.number, Column.name, Column.role]) else { return nil }
        let (nameColumn, roleColumn) = (columns[0], columns[1])
        var members: [SourceNode] = []
        for row in listRows(headerRow, in: sheet, columns: columns) {
            let nameAddress = CellAddress(row: row, column: nameColumn)
            let roleAddress = CellAddress(row: row, column: roleColumn)
            var pairs: [(String, SourceNode)] = []
            if let name = textNode(sheet, nameAddress, what: "the name") { pairs.append(("name", name)) }
            if let role = choice(sheet, roleAddress, what: "the role", Assessment.TeamMember.Role.self, chinese: \.chineseName) { pairs.append(("role", role)) }
            members.append(mapping(pairs, sheet.name, pairs.count == 1 && pairs[0].0 == "role" ? roleAddress : nameAddress))
        }
        return .sequence(.init(elements: members, position: position(sheet.name, CellAddress(row: headerRow, column: nameColumn))))
    }

    /// `rowsBelow`, at most as many as a list sheet may hold (more is an error at the first row too many).
    mutating func listRows(_ headerRow: Int, in sheet: Worksheet, columns: [Int]) -> [Int] {
        let rows = rowsBelow(headerRow, in: sheet, columns: columns)
        guard let limit = Self.rowLimits[sheet.name], rows.count > limit else { return rows }
        problem("the sheet has \(rows.count) filled rows, more than the \(limit) one evaluation needs; expected at most \(limit)", sheet.name, CellAddress(row: rows[limit], column: columns[0]))
        return Array(rows.prefix(limit))
    }

    mutating func warning(_ message: String, _ sheet: String, _ address: CellAddress) {
        guard problems.count < Self.listedProblems else { return }
        problems.append(Diagnostic(.warning, at: log.location(of: position(sheet, address)), message))
    }

    /// Entries below the header in columns StarCert does not read (an added column, a column
    /// without a header) are said, never silently passed over.
    mutating func warnUnread(_ sheet: Worksheet, headerRow: Int, known: [String]) {
        let knownHeaders = Set(known.map(WorkbookLayout.normalizedHeader))
        var headers: [Int: String] = [:]
        for (address, cell) in sheet.cells where address.row == headerRow {
            if case let .text(text) = cell.value { headers[address.column] = text }
        }
        var said: Set<Int> = []
        for address in sheet.cells.keys.sorted() where address.row > headerRow && !said.contains(address.column) {
            let header = headers[address.column]
            if let header, knownHeaders.contains(WorkbookLayout.normalizedHeader(header)) { continue }
            if case .empty = CellReading.text(sheet[address]) { continue }
            said.insert(address.column)
            warning(unreadMessage(header, address), sheet.name, address)
        }
    }

    func unreadMessage(_ header: String?, _ address: CellAddress) -> String {
        let column = CellAddress.columnName(address.column)
        let place = header.map { "under 「\(TerminalText.quoted(String($0.prefix(30))))」 (column \(column))" } ?? "in column \(column), which has no header,"
        return "entries \(place) are not read by StarCert (ignored); expected them in the form's own columns"
    }

    /// Rows below the header with something typed in one of `columns`, in order.
    func rowsBelow(_ headerRow: Int, in sheet: Worksheet, columns: [Int]) -> [Int] {
        let wanted = Set(columns)
        return Set(sheet.cells.compactMap { address, cell -> Int? in
            guard address.row > headerRow, wanted.contains(address.column) else { return nil }
            if case .empty = cell.value, cell.formula == nil { return nil }
            if case let .text(text) = cell.value, text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return nil }
            return address.row
        }).sorted()
    }

    // MARK: Scoring, findings, photos

    mutating func readScoring() -> (veto: SourceNode, items: SourceNode) {
        let sheet = workbook.sheet(named: WorkbookLayout.scoring)!
        typealias Column = WorkbookLayout.ScoringColumn
        let anchor = CellAddress(row: 1, column: 1)
        guard let header = headers(of: sheet, required: Column.required) else {
            return (mapping([], sheet.name, anchor), mapping([], sheet.name, anchor))
        }
        func column(_ name: String) -> Int { header.columns[WorkbookLayout.normalizedHeader(name)]! }
        let idColumn = column(Column.id)
        let percentColumn = column(Column.percent)
        let evidenceColumn = column(Column.evidence)
        let strengthsColumn = column(Column.strengths)
        let inputs = [percentColumn, evidenceColumn, strengthsColumn]
        warnUnread(sheet, headerRow: header.row, known: Column.written)
        let findings = readFindings()
        var photos = readPhotos()

        var seen: [String: Int] = [:]
        var vetoPairs: [(key: SourceNode, value: SourceNode)] = []
        var itemPairs: [(key: SourceNode, value: SourceNode)] = []
        var itemRows: Set<Int> = []
        for row in rowsBelow(header.row, in: sheet, columns: [idColumn] + inputs) {
            let idAddress = CellAddress(row: row, column: idColumn)
            guard let idCell = sheet[idAddress] else {
                let filled = inputs.first { sheet[row, $0] != nil } ?? percentColumn
                problem("this row has entries but no item id under 「\(Column.id)」; expected them in the row of the item they belong to", sheet.name, CellAddress(row: row, column: filled))
                continue
            }
            guard case let .text(rawID) = idCell.value, idCell.formula == nil else {
                problem("the item id is stored as \(idCell.formula != nil ? "a formula" : "a number or other value") (\(idCell.value.shown)); expected the id as text, e.g. 4.10, which a number cannot keep apart from 4.1", sheet.name, idAddress)
                continue
            }
            let id = rawID.trimmingCharacters(in: .whitespaces)
            if let first = seen[id] {
                problem("item \(TerminalText.quoted(id)) appears again (first in row \(first)); expected each item in one row", sheet.name, idAddress)
                continue
            }
            seen[id] = row
            itemRows.insert(row)
            let keyNode = text(id, sheet.name, idAddress)
            let percentAddress = CellAddress(row: row, column: percentColumn)
            let evidence = linesNode(sheet, CellAddress(row: row, column: evidenceColumn), what: "the evidence")
            let findingNodes = findings[id] ?? []
            if vetoID(id) {
                var pairs: [(String, SourceNode)] = []
                switch CellReading.text(sheet[percentAddress]) {
                case let .value(word) where word.trimmingCharacters(in: .whitespaces) == WorkbookLayout.vetoPassed:
                    pairs.append(("passed", plain("true", sheet.name, percentAddress)))
                case let .value(word) where word.trimmingCharacters(in: .whitespaces) == WorkbookLayout.vetoFailed:
                    pairs.append(("passed", plain("false", sheet.name, percentAddress)))
                case .empty:
                    problem("the judgement of veto item \(id) is empty; expected \(WorkbookLayout.vetoPassed) or \(WorkbookLayout.vetoFailed)", sheet.name, percentAddress)
                    pairs.append(("passed", plain("", sheet.name, percentAddress)))
                case let .value(word):
                    problem("the judgement of veto item \(id) is 「\(TerminalText.quoted(String(word.prefix(40))))」; expected \(WorkbookLayout.vetoPassed) or \(WorkbookLayout.vetoFailed)", sheet.name, percentAddress)
                    pairs.append(("passed", plain("", sheet.name, percentAddress)))
                case let .problem(message):
                    problem("the judgement of veto item \(id) \(message.replacingOccurrences(of: "expected text", with: "expected \(WorkbookLayout.vetoPassed) or \(WorkbookLayout.vetoFailed)"))", sheet.name, percentAddress)
                    pairs.append(("passed", plain("", sheet.name, percentAddress)))
                }
                if let evidence { pairs.append(("evidence", evidence)) }
                if !findingNodes.isEmpty { pairs.append(("findings", .sequence(.init(elements: findingNodes, position: keyNode.position)))) }
                vetoPairs.append((keyNode, mapping(pairs, sheet.name, idAddress)))
            } else {
                var pairs: [(String, SourceNode)] = []
                switch CellReading.percent(sheet[percentAddress]) {
                case let .value(percent): pairs.append(("percent", plain(String(percent), sheet.name, percentAddress)))
                case .empty:
                    problem("the percent of item \(id) is empty; expected a whole number 0–100", sheet.name, percentAddress)
                    pairs.append(("percent", plain("", sheet.name, percentAddress)))
                case let .problem(message):
                    problem(message.hasPrefix("percent") ? message : "the percent \(message)", sheet.name, percentAddress)
                    pairs.append(("percent", plain("", sheet.name, percentAddress)))
                }
                if let evidence { pairs.append(("evidence", evidence)) }
                if let strengths = linesNode(sheet, CellAddress(row: row, column: strengthsColumn), what: "the strengths") { pairs.append(("strengths", strengths)) }
                if !findingNodes.isEmpty { pairs.append(("findings", .sequence(.init(elements: findingNodes, position: keyNode.position)))) }
                if let itemPhotos = photos.removeValue(forKey: id) { pairs.append(("photos", .sequence(.init(elements: itemPhotos, position: keyNode.position)))) }
                itemPairs.append((keyNode, mapping(pairs, sheet.name, idAddress)))
            }
        }
        checkMerged(sheet, headerRow: header.row, inputColumns: inputs, rows: itemRows)
        for id in findings.keys.sorted() where seen[id] == nil {
            if let node = findings[id]?.first { problemAt(node, "a finding names item \(TerminalText.quoted(id)), which has no row in 「\(WorkbookLayout.scoring)」; expected the id of an item of the standard") }
        }
        for id in photos.keys.sorted() {
            if let node = photos[id]?.first {
                problemAt(node, vetoID(id) ? "a photo is given for veto item \(id); expected photos of scored items only"
                                            : "a photo names item \(TerminalText.quoted(id)), which has no row in 「\(WorkbookLayout.scoring)」; expected the id of a scored item")
            }
        }
        let idAnchor = CellAddress(row: header.row, column: idColumn)
        return (mapping(keyed: vetoPairs, sheet.name, idAnchor), mapping(keyed: itemPairs, sheet.name, idAnchor))
    }

    func vetoID(_ id: String) -> Bool { vetoIDs.contains(id) }

    mutating func problemAt(_ node: SourceNode, _ message: String) {
        guard problems.count < Self.listedProblems else {
            unlisted += 1
            return
        }
        problems.append(Diagnostic(.error, at: log.location(of: node.position), message))
    }

    /// Findings by item id, in row order.
    mutating func readFindings() -> [String: [SourceNode]] {
        typealias Column = WorkbookLayout.FindingColumn
        guard let (sheet, headerRow, columns) = listSheet(WorkbookLayout.findings, required: Column.written, known: Column.written) else { return [:] }
        var found: [String: [SourceNode]] = [:]
        for row in listRows(headerRow, in: sheet, columns: columns) {
            let idAddress = CellAddress(row: row, column: columns[0])
            let textAddress = CellAddress(row: row, column: columns[1])
            let severityAddress = CellAddress(row: row, column: columns[2])
            guard let id = itemID(sheet, idAddress) else { continue }
            var pairs: [(String, SourceNode)] = [("text", textNode(sheet, textAddress, what: "the finding") ?? plain("", sheet.name, textAddress))]
            if let severity = choice(sheet, severityAddress, what: "the severity", Assessment.Finding.Severity.self, chinese: \.chineseName) {
                pairs.append(("severity", severity))
            }
            found[id, default: []].append(mapping(pairs, sheet.name, textAddress))
        }
        return found
    }

    /// The item id typed in a findings or photos row; nil after an error when it is missing.
    mutating func itemID(_ sheet: Worksheet, _ address: CellAddress) -> String? {
        switch CellReading.text(sheet[address]) {
        case let .value(id): return id.trimmingCharacters(in: .whitespacesAndNewlines)
        case .empty:
            problem("this row has entries but no item id; expected the id of the item it belongs to (from the list)", sheet.name, address)
        case let .problem(message):
            problem("the item id \(message)", sheet.name, address)
        }
        return nil
    }

    /// Whether a photo's path leaves the workbook's folder (absolute, a drive, or a `..` step).
    static func leavesFolder(_ path: String) -> Bool {
        let parts = path.split(whereSeparator: { $0 == "/" || $0 == "\\" })
        return path.hasPrefix("/") || path.hasPrefix("\\") || path.dropFirst().hasPrefix(":") || parts.contains("..") || path.hasPrefix("~")
    }

    /// Photos by item id, in row order: a file name, or a picture pasted into the row.
    mutating func readPhotos() -> [String: [SourceNode]] {
        typealias Column = WorkbookLayout.PhotoColumn
        guard let (sheet, headerRow, columns) = listSheet(WorkbookLayout.photos, required: Column.required, known: Column.written) else { return [:] }
        var pasted: [Int: AnchoredPicture] = [:]
        // Rows whose picture was refused: said once, at the picture.
        var refused: Set<Int> = []
        for picture in sheet.pictures {
            guard picture.anchor.row > headerRow else {
                problem("a picture is placed above the table; expected it pasted into the row of the photo it is", sheet.name, picture.anchor)
                continue
            }
            if pasted[picture.anchor.row] != nil {
                problem("a second picture is pasted into row \(picture.anchor.row); expected one picture per row", sheet.name, picture.anchor)
                continue
            }
            guard picture.bytes.starts(with: [0xFF, 0xD8, 0xFF]) || picture.bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else {
                problem("the picture pasted here (\(picture.part)) is neither a JPEG nor a PNG picture; expected a JPEG or PNG photo", sheet.name, picture.anchor)
                refused.insert(picture.anchor.row)
                continue
            }
            pasted[picture.anchor.row] = picture
        }
        var found: [String: [SourceNode]] = [:]
        let rows = Set(listRows(headerRow, in: sheet, columns: columns)).union(pasted.keys).sorted()
        for row in rows where !refused.contains(row) {
            let idAddress = CellAddress(row: row, column: columns[0])
            let fileAddress = CellAddress(row: row, column: columns[1])
            let captionAddress = CellAddress(row: row, column: columns[2])
            guard let id = itemID(sheet, idAddress) else { continue }
            var pairs: [(String, SourceNode)] = []
            let file = textNode(sheet, fileAddress, what: "the photo's file")
            if let picture = pasted[row] {
                if file != nil {
                    problem("this row names a file and has a picture pasted in; expected one of them", sheet.name, fileAddress)
                    continue
                }
                pictures[picture.part] = picture.bytes
                pairs.append(("file", text(picture.part, sheet.name, picture.anchor)))
            } else if case let .scalar(scalar)? = file, scalar.style == .quoted, Self.leavesFolder(scalar.string) {
                problem("the photo's file `\(TerminalText.quoted(String(scalar.string.prefix(80))))` lies outside the workbook's folder; expected a name relative to it, without .. (photos travel with the workbook)", sheet.name, fileAddress)
                continue
            } else {
                pairs.append(("file", file ?? plain("", sheet.name, fileAddress)))
            }
            if let caption = textNode(sheet, captionAddress, what: "the caption") { pairs.append(("caption", caption)) }
            found[id, default: []].append(mapping(pairs, sheet.name, fileAddress))
        }
        return found
    }
}
