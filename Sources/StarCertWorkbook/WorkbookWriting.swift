import Spreadsheet
import StarCertCore

/// Why an assessment cannot be written as a workbook without losing something.
public struct WorkbookWriteError: Error, Sendable, CustomStringConvertible {
    public let description: String
}

/// Writes the scoring workbook: blank for a standard, or holding an assessment (with the results
/// StarCert computed stored beside the formulas).
enum WorkbookWriting {
    static func workbook(standard: Standard, assessment: Assessment?, photoPath: (Assessment.Photo) -> String) throws(WorkbookWriteError) -> [UInt8] {
        var draft = WorkbookDraft()
        draft.lockStructure = true
        var writer = Writer(standard: standard, assessment: assessment)
        draft.sheets = [
            writer.instructionsSheet(),
            try writer.factsSheet(),
            writer.teamSheet(),
            try writer.scoringSheet(),
            writer.findingsSheet(),
            writer.photosSheet(photoPath: photoPath),
            writer.metaSheet(),
        ]
        for index in draft.sheets.indices where draft.sheets[index].state == .visible {
            draft.sheets[index].fitRowHeights(from: WorkbookLayout.headerRow)
        }
        if let problem = writer.problem { throw problem }
        return draft.bytes
    }

    private struct Writer {
        let standard: Standard
        let assessment: Assessment?
        var problem: WorkbookWriteError?

        init(standard: Standard, assessment: Assessment?) {
            self.standard = standard
            self.assessment = assessment
        }

        static let title = CellStyle(font: .title, bordered: false)
        static let note = CellStyle(font: .note, wraps: true, bordered: false)
        static let header = CellStyle(font: .bold, fill: .header, alignment: .center, wraps: true)
        static let locked = CellStyle(wraps: true)
        static let lockedCentered = CellStyle(alignment: .center, wraps: true)
        static let input = CellStyle(fill: .input, format: .text, wraps: true, locked: false)
        static let inputCentered = CellStyle(fill: .input, alignment: .center, locked: false)
        static let inputDate = CellStyle(fill: .input, format: .date, alignment: .left, locked: false)
        static let formula = CellStyle(fill: .formula, format: .general, alignment: .center)
        static let total = CellStyle(font: .bold, fill: .total, alignment: .center)
        static let totalLabel = CellStyle(font: .bold, fill: .total)

        var itemIDs: [String] { standard.vetoItems.map(\.id) + standard.items.map(\.id) }
        var idList: String { "\(WorkbookDraft.quotedSheet(WorkbookLayout.meta))!$A$10:$A$\(9 + itemIDs.count)" }

        mutating func checked(_ text: String, _ what: String) -> CellContent {
            if text.count > CellReading.cellCharacters, problem == nil {
                problem = WorkbookWriteError(description: "\(what) has \(text.count) characters; a workbook cell holds at most \(CellReading.cellCharacters)")
            }
            return .text(text)
        }

        /// Texts written one per line; an entry holding a line break of its own would come back as two.
        mutating func lines(_ texts: [String], _ what: String) -> CellContent {
            if let index = texts.firstIndex(where: { $0.contains("\n") }), problem == nil {
                problem = WorkbookWriteError(description: "entry \(index + 1) of \(what) holds a line break; a workbook cell keeps one entry per line, so write it as one line or as several entries")
            }
            return texts.isEmpty ? .blank : checked(texts.joined(separator: "\n"), what)
        }

        static func sheet(_ name: String, title: String, note: String, headers: [String], widths: [String]) -> SheetDraft {
            var sheet = SheetDraft(name: name)
            sheet.set(1, 1, .text(title), Self.title)
            sheet.set(2, 1, .text(note), Self.note)
            sheet.merged = [CellRange(CellAddress(row: 1, column: 1), CellAddress(row: 1, column: headers.count)),
                            CellRange(CellAddress(row: 2, column: 1), CellAddress(row: 2, column: headers.count))]
            sheet.rowHeights[1] = "24"
            sheet.rowHeights[2] = "30"
            for (index, header) in headers.enumerated() { sheet.set(WorkbookLayout.headerRow, index + 1, .text(header), Self.header) }
            for (index, width) in widths.enumerated() { sheet.columnWidths[index + 1] = width }
            sheet.firstScrollingRow = WorkbookLayout.headerRow + 1
            sheet.printTitleRows = WorkbookLayout.headerRow...WorkbookLayout.headerRow
            sheet.isProtected = true
            sheet.landscape = true
            sheet.footer = "\(name)　第 &P 页，共 &N 页"
            return sheet
        }

        func instructionsSheet() -> SheetDraft {
            var sheet = SheetDraft(name: WorkbookLayout.instructions)
            sheet.columnWidths[1] = "110"
            sheet.set(1, 1, .text("\(standard.id)《\(standard.title)》评分表"), Self.title)
            sheet.rowHeights[1] = "26"
            let lines = [
                "本工作簿用于记录一次售后服务成熟度评价，由 StarCert 读取、计分并出具报告（starcert check / score / report 文件名.xlsx）。",
                "填写顺序：基本信息 → 评价组 → 评分表 → 问题清单 → 照片。只填写黄色单元格；灰色与白色单元格已锁定（工作表保护无密码，可在“审阅”中撤销以查看）。",
                "评分表：每个评价项目填写得分率（0–100 的整数，表示该项分值的得分比例）；否决项（一票否决）选择“符合”或“不符合”。评价证据、优势每行一条。",
                "评分档、得分、章节小计、总分与星级由公式即时计算，仅供参考；StarCert 不读取公式结果，而是按标准重新精确计分，报告以 StarCert 的计算为准。",
                "问题清单：每行一个问题，选择所属条款与严重程度（严重、一般、观察项）。照片：填写与本工作簿同一文件夹下的相对路径，或将 JPEG/PNG 图片粘贴到该行。",
                "读取规则：列按表头名称查找，项目按条款编号查找，插入列、隐藏行、调整顺序均不影响读取；日期可为日期单元格或“2026-05-10”等年份在前的文本；",
                "百分比可为整数、文本“80”“80%”或设置为百分比格式的 0.8；含义不明确的值会报错并指出工作表与单元格，不会被猜测。",
                "星级：总分 95 分及以上 ★★★★★，90 分及以上 ★★★★，80 分及以上 ★★★，70 分及以上 ★★，70 分以下 ★；否决项不符合则不予评星。",
                "请勿重命名或删除工作表；隐藏的 StarCert 工作表记录格式版本与标准编号，结构被改动的工作簿将被拒绝并说明原因。",
            ]
            for (index, line) in lines.enumerated() {
                sheet.set(index + 3, 1, .text(line), CellStyle(wraps: true, bordered: false))
            }
            sheet.isProtected = true
            sheet.landscape = true
            return sheet
        }

        mutating func factsSheet() throws(WorkbookWriteError) -> SheetDraft {
            var sheet = Self.sheet(WorkbookLayout.facts, title: "基本信息", note: "黄色单元格为填写区。组织名称、地址与评价范围将印在证书上，请与营业执照一致。",
                                   headers: [WorkbookLayout.FactsColumn.label, WorkbookLayout.FactsColumn.value, WorkbookLayout.FactsColumn.note],
                                   widths: ["18", "60", "34"])
            var row = WorkbookLayout.headerRow
            for fact in WorkbookLayout.Fact.allCases {
                row += 1
                sheet.set(row, 1, .text(fact.label), CellStyle(font: .bold))
                sheet.set(row, 3, .text(fact.note), CellStyle(font: .note, wraps: true))
                let style = fact.isDate ? Self.inputDate : Self.input
                sheet.set(row, 2, content(of: fact), style)
                if fact == .mode {
                    sheet.validations.append(Validation([CellRange(CellAddress(row: row, column: 2), CellAddress(row: row, column: 2))],
                                                        .list(Assessment.Audit.Mode.allCases.map(\.chineseName)), error: "请从列表中选择审核方式"))
                }
                if fact == .kind {
                    sheet.validations.append(Validation([CellRange(CellAddress(row: row, column: 2), CellAddress(row: row, column: 2))],
                                                        .list(Assessment.Kind.allCases.map(\.chineseName)), error: "请从列表中选择评价类型"))
                }
            }
            return sheet
        }

        mutating func content(of fact: WorkbookLayout.Fact) -> CellContent {
            guard let assessment else { return .blank }
            let organization = assessment.organization
            switch fact {
            case .reportNumber: return assessment.reportNumber.map { checked($0, "the report number") } ?? .blank
            case .kind: return .text(assessment.kind.chineseName)
            case .certificate: return assessment.certificateNumber.map { checked($0, "the certificate number") } ?? .blank
            case .regionCode: return organization.regionCode.map { .text($0) } ?? .blank
            case .industryCode: return organization.industryCode.map { .text($0) } ?? .blank
            case .mode: return assessment.audit.mode.map { .text($0.chineseName) } ?? .blank
            case .personDays: return assessment.audit.personDays.map { .number($0) } ?? .blank
            case .name: return checked(organization.name, "the organization's name")
            case .nameEnglish: return organization.nameEnglish.map { checked($0, "the organization's English name") } ?? .blank
            case .creditCode: return .text(organization.creditCode.value)
            case .address: return checked(organization.address, "the address")
            case .scope: return checked(organization.scope, "the scope")
            case .start: return .number(String(CellReading.serial(of: assessment.audit.start)))
            case .end: return .number(String(CellReading.serial(of: assessment.audit.end)))
            case .sites: return lines(assessment.audit.sites, "the audit's sites")
            }
        }

        mutating func teamSheet() -> SheetDraft {
            var sheet = Self.sheet(WorkbookLayout.team, title: "评价组", note: "每行一人；角色从列表选择：组长、组员、技术专家、观察员。",
                                   headers: [WorkbookLayout.TeamColumn.number, WorkbookLayout.TeamColumn.name, WorkbookLayout.TeamColumn.role],
                                   widths: ["8", "24", "16"])
            let team = assessment?.audit.team ?? []
            let rows = max(10, team.count + 5)
            for index in 0..<rows {
                let row = WorkbookLayout.headerRow + 1 + index
                sheet.set(row, 1, .number(String(index + 1)), Self.lockedCentered)
                let member = index < team.count ? team[index] : nil
                sheet.set(row, 2, member.map { checked($0.name, "the name of team member \(index + 1)") } ?? .blank, Self.input)
                sheet.set(row, 3, member.map { .text($0.role.chineseName) } ?? .blank, Self.input)
            }
            let last = WorkbookLayout.headerRow + rows
            sheet.validations.append(Validation([CellRange(CellAddress(row: WorkbookLayout.headerRow + 1, column: 3), CellAddress(row: last, column: 3))],
                                                .list(Assessment.TeamMember.Role.allCases.map(\.chineseName)), error: "请从列表中选择角色"))
            return sheet
        }

        mutating func scoringSheet() throws(WorkbookWriteError) -> SheetDraft {
            typealias Column = WorkbookLayout.ScoringColumn
            var sheet = Self.sheet(WorkbookLayout.scoring, title: "\(standard.id) 评分表",
                                   note: "黄色单元格为填写区：得分率填 0–100 的整数，否决项选“符合”或“不符合”，证据与优势每行一条。评分档、得分、小计、总分与星级为公式，报告以 StarCert 的精确计分为准。",
                                   headers: Column.written, widths: ["14", "7", "16", "6", "44", "9", "10", "8", "40", "24"])
            let percentColumn = 6
            let records = Dictionary(uniqueKeysWithValues: (assessment?.itemRecords ?? []).map { ($0.itemID, $0) })
            let judgements = Dictionary(uniqueKeysWithValues: (assessment?.vetoJudgements ?? []).map { ($0.itemID, $0) })
            let evaluation = assessment.map { Evaluation(assessment: $0, standard: standard) }
            var row = WorkbookLayout.headerRow
            var percentCells: [CellRange] = []
            var vetoCells: [CellRange] = []
            var subtotalCells: [String] = []
            var itemScoreRanges: [String] = []
            for (sectionIndex, section) in standard.sections.enumerated() {
                let sectionName = "\(section.id) \(section.title)"
                let sectionStart = row + 1
                for veto in section.vetoItems {
                    row += 1
                    sheet.set(row, 1, .text(sectionName), Self.locked)
                    sheet.set(row, 2, .text(veto.id), Self.lockedCentered)
                    sheet.set(row, 3, .text(veto.title), Self.locked)
                    sheet.set(row, 4, .text("否决项"), Self.lockedCentered)
                    sheet.set(row, 5, .text(veto.requirements.map { "· " + $0 }.joined(separator: "\n")), Self.locked)
                    let judgement = judgements[veto.id]
                    sheet.set(row, percentColumn, judgement.map { .text($0.passed ? WorkbookLayout.vetoPassed : WorkbookLayout.vetoFailed) } ?? .blank, Self.inputCentered)
                    sheet.set(row, 7, .text("一票否决"), Self.formula)
                    sheet.set(row, 8, .blank, Self.formula)
                    sheet.set(row, 9, lines(judgement?.evidence ?? [], "the evidence of veto item \(veto.id)"), Self.input)
                    sheet.set(row, 10, .blank, CellStyle(fill: .formula))
                    vetoCells.append(CellRange(CellAddress(row: row, column: percentColumn), CellAddress(row: row, column: percentColumn)))
                }
                let first = row + 1
                for item in section.items {
                    row += 1
                    let record = records[item.id]
                    let result = evaluation?.sections[sectionIndex].items.first { $0.item.id == item.id }
                    sheet.set(row, 1, .text(sectionName), Self.locked)
                    sheet.set(row, 2, .text(item.id), Self.lockedCentered)
                    sheet.set(row, 3, .text(item.title), Self.locked)
                    sheet.set(row, 4, .number(String(item.points)), Self.lockedCentered)
                    sheet.set(row, 5, .text(item.requirements.map { "· " + $0 }.joined(separator: "\n")), Self.locked)
                    sheet.set(row, percentColumn, record.map { .number(String($0.percent)) } ?? .blank, Self.inputCentered)
                    sheet.set(row, 7, .formula(bandFormula(row: row), result: result.map { .text($0.band.label) }), Self.formula)
                    let percent = Self.percentValue("F\(row)")
                    sheet.set(row, 8, .formula("IF(ISNUMBER(\(percent)),D\(row)*\(percent)/100,\"\")", result: result.map { .number($0.score.description) }), Self.formula)
                    sheet.set(row, 9, lines(record?.evidence ?? [], "the evidence of item \(item.id)"), Self.input)
                    sheet.set(row, 10, lines(record?.strengths ?? [], "the strengths of item \(item.id)"), Self.input)
                }
                percentCells.append(CellRange(CellAddress(row: first, column: percentColumn), CellAddress(row: row, column: percentColumn)))
                // The section named once, beside all its rows.
                for other in (sectionStart + 1)..<(row + 1) { sheet.set(other, 1, .blank, Self.locked) }
                if row > sectionStart { sheet.merged.append(CellRange(CellAddress(row: sectionStart, column: 1), CellAddress(row: row, column: 1))) }
                itemScoreRanges.append("H\(first):H\(row)")
                row += 1
                sheet.set(row, 1, .text("\(sectionName) 小计"), Self.totalLabel)
                for column in 2...10 where column != 4 && column != 8 { sheet.set(row, column, .blank, Self.total) }
                sheet.set(row, 4, .number(String(section.points)), Self.total)
                let subtotal = evaluation?.sections[sectionIndex].score
                sheet.set(row, 8, .formula("SUM(H\(first):H\(row - 1))", result: subtotal.map { .number($0.description) }), Self.total)
                sheet.merged.append(CellRange(CellAddress(row: row, column: 1), CellAddress(row: row, column: 3)))
                subtotalCells.append("H\(row)")
            }
            row += 1
            let totalRow = row
            sheet.set(row, 1, .text("总分"), Self.totalLabel)
            for column in 2...10 where column != 4 && column != 8 { sheet.set(row, column, .blank, Self.total) }
            sheet.set(row, 4, .number(String(standard.totalPoints)), Self.total)
            sheet.set(row, 8, .formula("SUM(\(subtotalCells.joined(separator: ",")))", result: evaluation.map { .number($0.total.description) }), Self.total)
            sheet.merged.append(CellRange(CellAddress(row: row, column: 1), CellAddress(row: row, column: 3)))
            row += 1
            sheet.set(row, 1, .text("星级"), Self.totalLabel)
            for column in 2...10 where column != 7 { sheet.set(row, column, .blank, Self.total) }
            let stars = evaluation.map { $0.starLevel.map { String(repeating: "★", count: $0.stars) } ?? WorkbookLayout.vetoedStars }
            sheet.set(row, 7, .formula(starFormula(totalCell: "H\(totalRow)", scoreRanges: itemScoreRanges, vetoCells: vetoCells.map { "F\($0.first.row)" }),
                                       result: stars.map { .text($0) }), Self.total)
            sheet.merged.append(CellRange(CellAddress(row: row, column: 1), CellAddress(row: row, column: 3)))
            sheet.merged.append(CellRange(CellAddress(row: row, column: 7), CellAddress(row: row, column: 10)))
            sheet.validations.append(Validation(percentCells, .wholeNumber(0...100), prompt: "填写 0–100 的整数", error: "得分率应为 0–100 的整数"))
            if !vetoCells.isEmpty {
                sheet.validations.append(Validation(vetoCells, .list([WorkbookLayout.vetoPassed, WorkbookLayout.vetoFailed]), error: "请选择“符合”或“不符合”"))
            }
            return sheet
        }

        /// The percent in `cell` as StarCert reads it (docs/workbook.md): a number, a number typed
        /// as text (`80`, `80%`), or a number formatted as a percentage (0.8 → 80); else "".
        static func percentValue(_ cell: String) -> String {
            "IF(ISNUMBER(\(cell)),IF(LEFT(CELL(\"format\",\(cell)),1)=\"P\",\(cell)*100,\(cell)),IFERROR(VALUE(SUBSTITUTE(SUBSTITUTE(\(cell),\"％\",\"\"),\"%\",\"\")),\"\"))"
        }

        /// The band of the percent in column F, by the standard's boundary rule.
        func bandFormula(row: Int) -> String {
            let cell = Self.percentValue("F\(row)")
            var formula = "\"\(standard.bands[standard.bandBoundary == .higher ? 0 : standard.bands.count - 1].label)\""
            switch standard.bandBoundary {
            case .higher:
                for band in standard.bands.dropFirst() { formula = "IF(\(cell)>=\(band.fromPercent),\"\(band.label)\",\(formula))" }
            case .lower:
                for band in standard.bands.dropLast().reversed() { formula = "IF(\(cell)<=\(band.toPercent),\"\(band.label)\",\(formula))" }
            }
            return "IF(ISNUMBER(\(cell)),\(formula),\"\")"
        }

        func starFormula(totalCell: String, scoreRanges: [String], vetoCells: [String]) -> String {
            var formula = "\"\(String(repeating: "★", count: standard.starLevels.first?.stars ?? 1))\""
            for level in standard.starLevels.dropFirst() {
                formula = "IF(\(totalCell)>=\(level.minimum.description),\"\(String(repeating: "★", count: level.stars))\",\(formula))"
            }
            for veto in vetoCells { formula = "IF(\(veto)=\"\(WorkbookLayout.vetoFailed)\",\"\(WorkbookLayout.vetoedStars)\",\(formula))" }
            let counted = scoreRanges.map { "COUNT(\($0))" }.joined(separator: "+")
            let unfinished = (["(\(counted))<\(standard.items.count)"] + vetoCells.map { "\($0)=\"\"" }).joined(separator: ",")
            return "IF(OR(\(unfinished)),\"\(WorkbookLayout.unfinished)\",\(formula))"
        }

        mutating func findingsSheet() -> SheetDraft {
            typealias Column = WorkbookLayout.FindingColumn
            var sheet = Self.sheet(WorkbookLayout.findings, title: "问题清单", note: "每行一个问题：条款从列表选择，严重程度为严重、一般或观察项（可不填）。严重问题须在认证决定前关闭。",
                                   headers: Column.written, widths: ["9", "90", "12"])
            var entries: [(String, Assessment.Finding)] = []
            for judgement in assessment?.vetoJudgements ?? [] { entries += judgement.findings.map { (judgement.itemID, $0) } }
            for record in assessment?.itemRecords ?? [] { entries += record.findings.map { (record.itemID, $0) } }
            let rows = max(30, entries.count + 20)
            for index in 0..<rows {
                let row = WorkbookLayout.headerRow + 1 + index
                let entry = index < entries.count ? entries[index] : nil
                sheet.set(row, 1, entry.map { .text($0.0) } ?? .blank, CellStyle(fill: .input, format: .text, alignment: .center, locked: false))
                sheet.set(row, 2, entry.map { checked($0.1.text, "a finding of item \($0.0)") } ?? .blank, Self.input)
                sheet.set(row, 3, entry.flatMap { $0.1.severity.map { .text($0.chineseName) } } ?? .blank, Self.inputCentered)
            }
            let last = WorkbookLayout.headerRow + rows
            sheet.validations.append(Validation([CellRange(CellAddress(row: WorkbookLayout.headerRow + 1, column: 1), CellAddress(row: last, column: 1))],
                                                .listIn(idList), error: "请从列表中选择条款编号"))
            sheet.validations.append(Validation([CellRange(CellAddress(row: WorkbookLayout.headerRow + 1, column: 3), CellAddress(row: last, column: 3))],
                                                .list(Assessment.Finding.Severity.allCases.map(\.chineseName)), error: "请选择严重、一般或观察项"))
            return sheet
        }

        mutating func photosSheet(photoPath: (Assessment.Photo) -> String) -> SheetDraft {
            typealias Column = WorkbookLayout.PhotoColumn
            var sheet = Self.sheet(WorkbookLayout.photos, title: "照片", note: "每行一张照片：填写相对于本工作簿所在文件夹的文件名，或将 JPEG/PNG 图片粘贴到该行（二者选一）。",
                                   headers: Column.written, widths: ["9", "40", "40", "30"])
            var entries: [(String, Assessment.Photo)] = []
            for record in assessment?.itemRecords ?? [] { entries += record.photos.map { (record.itemID, $0) } }
            let rows = max(20, entries.count + 10)
            for index in 0..<rows {
                let row = WorkbookLayout.headerRow + 1 + index
                let entry = index < entries.count ? entries[index] : nil
                sheet.set(row, 1, entry.map { .text($0.0) } ?? .blank, CellStyle(fill: .input, format: .text, alignment: .center, locked: false))
                sheet.set(row, 2, entry.map { .text(photoPath($0.1)) } ?? .blank, Self.input)
                sheet.set(row, 3, entry.flatMap { $0.1.caption.map { checked($0, "a photo caption") } } ?? .blank, Self.input)
                sheet.set(row, 4, .blank, CellStyle(locked: false))
            }
            sheet.validations.append(Validation([CellRange(CellAddress(row: WorkbookLayout.headerRow + 1, column: 1), CellAddress(row: WorkbookLayout.headerRow + rows, column: 1))],
                                                .listIn(idList), error: "请从列表中选择条款编号"))
            return sheet
        }

        func metaSheet() -> SheetDraft {
            var sheet = SheetDraft(name: WorkbookLayout.meta)
            sheet.state = .hidden
            sheet.isProtected = true
            let plain = CellStyle(bordered: false)
            sheet.set(1, 1, .text("StarCert 评分表工作簿：请勿改动本表"), plain)
            sheet.set(2, 1, .text("格式版本"), plain)
            sheet.set(2, 2, .number(String(WorkbookLayout.formatVersion)), plain)
            sheet.set(3, 1, .text("标准"), plain)
            sheet.set(3, 2, .text(standard.id), plain)
            sheet.set(9, 1, .text("条款"), plain)
            for (index, id) in itemIDs.enumerated() { sheet.set(10 + index, 1, .text(id), plain) }
            sheet.columnWidths[1] = "30"
            sheet.columnWidths[2] = "20"
            return sheet
        }
    }
}
