import Foundation
import StarCertTemplates
import Typesetting

/// Turns a report model into a document for the typesetter: cover, summary, one part per
/// section, findings, method appendix and signatures.
struct ReportDocument {
    let model: ReportModel
    /// Picture bytes by path, read before building.
    let images: [String: ImageData]

    static let margins = EdgeInsets(top: .mm(25), right: .mm(20), bottom: .mm(22), left: .mm(22))
    static var bodyWidth: Length { Size.a4Portrait.width - margins.left - margins.right }
    static var bodyHeight: Length { Size.a4Portrait.height - margins.top - margins.bottom }

    func build() -> Document {
        let metadata = DocumentMetadata(
            title: model.documentTitle, author: model.issuer.name, subject: model.subject, keywords: model.keywords,
            creator: "StarCert", creationDate: model.creationDate, language: model.labels.language)
        let header = RunningText(left: model.runningTitle.spans, right: [Span(model.organizationName)], style: Theme.running, rule: true)
        let footer = RunningText(center: [Span(model.labels["report.footer"])], style: Theme.running, rule: false, numbersPages: true)
        // A chapter starts on a new page unless more than 40 % of the page is left.
        let chapterBreak = Block.pageBreakUnlessRoom(Self.bodyHeight * 0.4)
        var body: [Block] = summary()
        body.append(chapterBreak)
        body += sectionDetails()
        body.append(chapterBreak)
        body += findingsList()
        body += method()
        body += signatures()
        return Document(metadata: metadata, sequences: [
            PageSequence(size: .a4Portrait, margins: Self.margins, blocks: cover()),
            PageSequence(size: .a4Portrait, margins: Self.margins, header: header, footer: footer, blocks: body),
        ])
    }

    // MARK: Cover

    private func cover() -> [Block] {
        var blocks: [Block] = model.issuer.logo.map {
            [.figure(Figure(image: $0, caption: nil, maxWidth: .mm(60), maxHeight: .mm(16), alternativeText: model.issuer.name))]
        } ?? []
        blocks += [
            .paragraph(Paragraph(model.issuer.name, style: Theme.label.with { $0.alignment = .center; $0.color = Theme.muted; $0.bold = false; $0.size = 10.5 })),
            .space(.mm(38)),
            .paragraph(Paragraph(model.title, style: TextStyle(font: .sans, size: 26, bold: true, color: Theme.navy, alignment: .center), spaceAfter: 8)),
            .paragraph(Paragraph(model.subtitle, style: TextStyle(font: .sans, size: 11.5, color: Theme.muted, alignment: .center), spaceAfter: 6)),
            .paragraph(Paragraph(model.standardLine, style: TextStyle(font: .serif, size: 11, color: Theme.ink, alignment: .center))),
            .space(.mm(26)),
        ]
        let labelStyle = Theme.cellBold.with { $0.size = 10.5; $0.color = Theme.navy }
        let valueStyle = Theme.cell.with { $0.size = 10.5; $0.lineSpacing = 1.12 }
        let rows = model.coverFields.map { field in
            TableRow([TableCell(Paragraph(field.label, style: labelStyle)), TableCell(Paragraph(field.value, style: valueStyle))])
        }
        let style = TableStyle(padding: EdgeInsets(top: 5, right: 6, bottom: 5, left: 6), ruleColor: Theme.rule, ruleWidth: 0.5, verticalRules: false, headerFill: nil)
        blocks.append(.table(Table(columns: [TableColumn(.fixed(.mm(38))), TableColumn(.auto)], rows: rows, style: style)))
        return blocks
    }

    // MARK: Summary

    private func summary() -> [Block] {
        var blocks: [Block] = [heading(labels["summary.heading"], level: 0)]
        blocks.append(.drawing(resultPanel()))
        if let notice = model.vetoNotice {
            let style = TableStyle(padding: EdgeInsets(top: 8, right: 10, bottom: 8, left: 10), ruleColor: Theme.alert, ruleWidth: 1, verticalRules: true, headerFill: nil)
            blocks.append(.table(Table(
                columns: [TableColumn(.auto)],
                rows: [TableRow([TableCell(Paragraph([Span(notice)], style: Theme.body.with { $0.font = .sans; $0.bold = true; $0.color = Theme.alert }), fill: Theme.alertFill)])],
                style: style, spaceBefore: 2, spaceAfter: 10)))
        }
        blocks.append(.paragraph(Paragraph(model.decisionStatement, style: Theme.prose, spaceAfter: 10)))
        blocks.append(heading(labels["summary.scores"], level: 1, style: Theme.h2))
        var rows = model.sectionRows.map { row in
            TableRow([cell(row.id), cell(row.title), cell(row.points, .right), cell(row.score, .right), cell(row.percentText, .right)])
        }
        rows.append(TableRow([cell(labels["summary.total-row"], bold: true), cell(""), cell(model.maximum, .right, bold: true), cell(model.total, .right, bold: true), cell("")], fill: Theme.subtleFill))
        blocks.append(.table(Table(
            columns: [TableColumn(.fixed(.mm(14))), TableColumn(.auto), TableColumn(.fixed(.mm(20))), TableColumn(.fixed(.mm(20))), TableColumn(.fixed(.mm(20)))],
            header: [headerRow(["column.clause", "column.indicator", "column.points", "column.score", "column.percent"])], rows: rows, style: Theme.compactTableStyle)))
        blocks.append(.keepTogether([
            heading(labels["summary.chart"], level: nil, style: Theme.h3),
            .drawing(sectionChart()),
        ]))
        if let history = model.history { blocks += historyBlocks(history) }
        return blocks
    }

    /// Section scores then and now, as a table and as paired bars, and the star levels over time.
    private func historyBlocks(_ history: ReportModel.History) -> [Block] {
        var blocks: [Block] = [heading(labels["history.heading"], level: 1, style: Theme.h2)]
        let rows = history.rows.map { row in
            TableRow([cell(row.id), cell(row.title), cell(row.previous, .right), cell(row.current, .right), cell(row.change, .right)])
        }
        let header = TableRow([labels["column.clause"], labels["column.indicator"], history.previousColumn, history.currentColumn, labels["history.column.change"]]
            .map { TableCell(Paragraph($0, style: Theme.cellHeader)) }, fill: Theme.headerFill)
        blocks.append(.table(Table(
            columns: [TableColumn(.fixed(.mm(14))), TableColumn(.auto), TableColumn(.fixed(.mm(36))), TableColumn(.fixed(.mm(36))), TableColumn(.fixed(.mm(16)))],
            header: [header], rows: rows, style: Theme.compactTableStyle)))
        blocks.append(.keepTogether([heading(labels["history.chart"], level: nil, style: Theme.h3), .drawing(historyChart(history))]))
        let levelRows = history.levels.map { TableRow([cell($0.date), cell($0.total, .right), cell($0.level)]) }
        blocks.append(heading(labels["history.levels"], level: nil, style: Theme.h3))
        blocks.append(.table(Table(
            columns: [TableColumn(.fixed(.mm(40))), TableColumn(.fixed(.mm(22))), TableColumn(.auto)],
            header: [headerRow(["history.column.date", "history.column.total", "history.column.level"])], rows: levelRows, style: Theme.compactTableStyle)))
        return blocks
    }

    private func historyChart(_ history: ReportModel.History) -> Drawing {
        let width = Self.bodyWidth
        let labelWidth: Length = model.labels.isChinese ? 118 : 196
        let barArea = width - labelWidth - 48
        let rowHeight: Length = 15
        var elements: [Drawing.Element] = []
        let previousColor = Color(hex: 0xA9B8CC)
        for (index, row) in history.rows.enumerated() {
            let y = 18 + Double(index) * rowHeight
            elements.append(.text(Paragraph("\(row.id) \(row.title)", style: Theme.cell.with { $0.alignment = .right; $0.size = 8.5 }), frame: Rect(x: 0, y: y + 1, width: labelWidth - 6, height: rowHeight)))
            elements.append(.rectangle(Rect(x: labelWidth, y: y + 2, width: barArea * Double(row.previousPermille) / 1000, height: 5), fill: previousColor, stroke: nil, lineWidth: 0))
            elements.append(.rectangle(Rect(x: labelWidth, y: y + 7.5, width: barArea * Double(row.currentPermille) / 1000, height: 5), fill: Theme.bar, stroke: nil, lineWidth: 0))
        }
        for (index, (label, color)) in [(labels["history.legend.previous"], previousColor), (labels["history.legend.current"], Theme.bar)].enumerated() {
            let x = labelWidth + Double(index) * 80
            elements.append(.rectangle(Rect(x: x, y: 4, width: 10, height: 8), fill: color, stroke: nil, lineWidth: 0))
            elements.append(.text(Paragraph(label, style: Theme.cell.with { $0.size = 8 }), frame: Rect(x: x + 14, y: 1, width: 60, height: 12)))
        }
        let description = labels["history.chart"] + "：" + history.rows.map { "\($0.id) \($0.title) \(history.previousColumn) \($0.previous)，\(history.currentColumn) \($0.current)" }.joined(separator: "；")
        return Drawing(size: Size(width: width, height: 22 + Double(history.rows.count) * rowHeight), elements: elements, spaceBefore: 2, spaceAfter: 6,
                       alternativeText: description)
    }

    /// The total, the stars and the level, side by side in a framed panel.
    private func resultPanel() -> Drawing {
        let width = Self.bodyWidth
        let height: Length = 84
        let left: Length = 180
        var elements: [Drawing.Element] = [
            .rectangle(Rect(x: 0, y: 0, width: width, height: height), fill: Theme.subtleFill, stroke: Theme.rule, lineWidth: 0.5),
            .text(Paragraph(labels.format("summary.total", ["max": model.fullMarks]), style: Theme.label.with { $0.color = Theme.muted; $0.bold = false; $0.alignment = .center }), frame: Rect(x: 0, y: 14, width: left, height: 14)),
            .text(Paragraph(model.total, style: TextStyle(font: .sans, size: 26, bold: true, color: Theme.navy, alignment: .center)), frame: Rect(x: 0, y: 32, width: left, height: 36)),
            .line(from: Point(x: left, y: 14), to: Point(x: left, y: height - 14), color: Theme.rule, width: 0.5),
        ]
        let starSize: Length = 24
        let starsWidth = Double(model.maximumStars) * starSize + Double(model.maximumStars - 1) * 6
        let right = width - left
        elements += StarGeometry.row(filled: model.stars ?? 0, total: model.maximumStars,
                                  origin: Point(x: left + (right - starsWidth) / 2, y: 12), size: starSize, gap: 6)
        let levelStyle = TextStyle(font: .sans, size: 13, bold: true, color: model.stars == nil ? Theme.alert : Theme.navy, alignment: .center)
        elements.append(.text(Paragraph(model.levelName, style: levelStyle), frame: Rect(x: left, y: 44, width: right, height: 20)))
        elements.append(.text(Paragraph(model.decisionLabel, style: Theme.label.with { $0.bold = false; $0.color = Theme.muted; $0.alignment = .center }), frame: Rect(x: left, y: 64, width: right, height: 14)))
        let description = [labels.format("summary.total", ["max": model.fullMarks]) + " " + model.total,
                           model.levelName + (model.stars.map { "（\($0)/\(model.maximumStars) ★）" } ?? ""), model.decisionLabel].joined(separator: "；")
        return Drawing(size: Size(width: width, height: height), elements: elements, spaceBefore: 2, spaceAfter: 10, alternativeText: description)
    }

    /// Horizontal bars: each section's score as a share of its points.
    private func sectionChart() -> Drawing {
        let width = Self.bodyWidth
        // English section titles are longer than Chinese ones.
        let labelWidth: Length = model.labels.isChinese ? 118 : 196
        let valueWidth: Length = 40
        let barArea = width - labelWidth - valueWidth - 8
        let rowHeight: Length = 12.5
        let top: Length = 6
        var elements: [Drawing.Element] = []
        for (index, row) in model.sectionRows.enumerated() {
            let y = top + Double(index) * rowHeight
            elements.append(.text(Paragraph("\(row.id) \(row.title)", style: Theme.cell.with { $0.alignment = .right; $0.size = 8.5 }), frame: Rect(x: 0, y: y + 0.5, width: labelWidth - 6, height: rowHeight)))
            elements.append(.rectangle(Rect(x: labelWidth, y: y + 3, width: barArea, height: rowHeight - 6), fill: Theme.subtleFill, stroke: nil, lineWidth: 0))
            let length = barArea * Double(row.permille) / 1000
            elements.append(.rectangle(Rect(x: labelWidth, y: y + 3, width: length, height: rowHeight - 6), fill: Theme.bar, stroke: nil, lineWidth: 0))
            elements.append(.text(Paragraph(row.percentText, style: Theme.cell.with { $0.size = 8.5 }), frame: Rect(x: labelWidth + barArea + 6, y: y + 0.5, width: valueWidth, height: rowHeight)))
        }
        let bottom = top + Double(model.sectionRows.count) * rowHeight
        for tick in stride(from: 0, through: 100, by: 20) {
            let x = labelWidth + barArea * Double(tick) / 100
            elements.append(.line(from: Point(x: x, y: top), to: Point(x: x, y: bottom + 2), color: Theme.rule, width: tick == 0 ? 0.8 : 0.3))
            elements.append(.text(Paragraph("\(tick)%", style: Theme.note.with { $0.font = .sans; $0.alignment = .center; $0.size = 7.5 }), frame: Rect(x: x - 15, y: bottom + 3, width: 30, height: 12)))
        }
        let description = labels["summary.chart"] + "：" + model.sectionRows.map { "\($0.id) \($0.title) \($0.percentText)" }.joined(separator: "；")
        return Drawing(size: Size(width: width, height: bottom + 15), elements: elements, spaceBefore: 2, spaceAfter: 4, alternativeText: description)
    }

    // MARK: Sections

    private func sectionDetails() -> [Block] {
        var blocks: [Block] = [heading(labels["details.heading"], level: 0)]
        for section in model.sections {
            blocks.append(heading(section.heading, level: 1, style: Theme.h2, outline: "\(section.id) \(section.title)"))
            if section.isScoredAsOneItem {
                blocks += itemDetail(section.items[0], headed: false)
                continue
            }
            var rows: [TableRow] = section.veto.map { veto in
                TableRow([cell(veto.id), cell(veto.rowTitle), cell("—", .center), cell(veto.result, .center, bold: !veto.passed),
                          cell("—", .center), cell(veto.scoreText, .center, bold: !veto.passed)],
                         fill: veto.passed ? nil : Theme.alertFill)
            }
            rows += section.items.map { item in
                TableRow([cell(item.id), cell(item.title), cell(item.points, .right), cell("\(item.percent)%", .right), cell("\(item.band)", .center), cell(item.score, .right)])
            }
            blocks.append(.table(Table(
                columns: [TableColumn(.fixed(.mm(14))), TableColumn(.auto), TableColumn(.fixed(.mm(16))), TableColumn(.fixed(.mm(17))), TableColumn(.fixed(.mm(13))), TableColumn(.fixed(.mm(16)))],
                header: [headerRow(["column.clause", "column.item", "column.points", "column.percent", "column.band", "column.score"])], rows: rows, style: Theme.tableStyle)))
            for veto in section.veto { blocks += vetoDetail(veto) }
            for item in section.items { blocks += itemDetail(item) }
        }
        return blocks
    }

    private func vetoDetail(_ veto: ReportModel.VetoDetail) -> [Block] {
        var blocks: [Block] = [heading(veto.heading, level: nil, style: Theme.h3)]
        blocks += labelled(labels["details.veto-requirements"], veto.requirements, style: Theme.small, marker: "■")
        blocks += labelled(labels["details.evidence"], veto.evidence, style: Theme.body, marker: "•")
        blocks += labelled(labels["details.findings"], veto.findings.map(findingText), style: Theme.body, marker: "•")
        return blocks
    }

    private func itemDetail(_ item: ReportModel.ItemDetail, headed: Bool = true) -> [Block] {
        var blocks: [Block] = headed ? [heading(item.heading, level: nil, style: Theme.h3)] : []
        blocks += labelled(labels["details.requirements"], item.requirements, style: Theme.small, marker: "■")
        blocks += labelled(item.bandHeading, item.bandDescriptors, style: Theme.note, marker: "—")
        blocks += labelled(labels["details.evidence"], item.evidence, style: Theme.body, marker: "•")
        blocks += labelled(labels["details.strengths"], item.strengths, style: Theme.body, marker: "•")
        blocks += labelled(labels["details.findings"], item.findings.map(findingText), style: Theme.body, marker: "•")
        for photo in item.photos {
            guard let image = images[photo.path] else { continue }
            let caption = photo.caption.map { Paragraph(labels.format("details.caption", ["caption": $0]), style: Theme.note.with { $0.alignment = .center }) }
            blocks.append(.figure(Figure(image: image, caption: caption, maxWidth: Self.bodyWidth * 0.62, maxHeight: .mm(70),
                                         alternativeText: photo.caption ?? labels.format("html.photo-alt", ["item": "\(item.id) \(item.title)"]))))
            blocks.append(.space(8))
        }
        return blocks
    }

    private func findingText(_ finding: ReportModel.Finding) -> [Span] {
        guard let severity = finding.severity else { return [Span(finding.text)] }
        return [Span(labels.format("details.severity", ["severity": severity]), bold: true, color: finding.isMajor ? Theme.alert : Theme.navy), Span(finding.text)]
    }

    private func labelled(_ label: String, _ lines: [String], style: TextStyle, marker: String) -> [Block] {
        labelled(label, lines.map { [Span($0)] }, style: style, marker: marker)
    }

    /// A small label followed by a hanging list.
    private func labelled(_ label: String, _ lines: [[Span]], style: TextStyle, marker: String) -> [Block] {
        guard !lines.isEmpty else { return [] }
        var blocks: [Block] = [.heading(Heading(Paragraph(label, style: Theme.label, spaceBefore: 5, spaceAfter: 2), level: 4))]
        for spans in lines {
            blocks.append(.paragraph(Paragraph(spans, style: style, marker: marker, markerWidth: style.size * 1.4, spaceAfter: 1, indent: 2)))
        }
        return blocks
    }

    // MARK: Findings, method, signatures

    private func findingsList() -> [Block] {
        var blocks: [Block] = [heading(labels["findings.heading"], level: 0)]
        guard !model.findings.isEmpty else {
            blocks.append(.paragraph(Paragraph(labels["findings.none"], style: Theme.body, spaceAfter: 10)))
            return blocks
        }
        let rows = model.findings.map { row in
            TableRow([cell("\(row.number)", .center), cell(row.itemID), cell(row.text), cell(row.severity, .center, bold: row.isMajor)])
        }
        blocks.append(.table(Table(
            columns: [TableColumn(.fixed(.mm(11))), TableColumn(.fixed(.mm(15))), TableColumn(.auto), TableColumn(.fixed(.mm(17)))],
            header: [headerRow(["column.number", "column.clause", "column.finding", "column.severity"])], rows: rows, style: Theme.tableStyle)))
        return blocks
    }

    private func method() -> [Block] {
        var blocks: [Block] = [heading(labels["method.heading"], level: 0), heading(labels["method.bands"], level: nil, style: Theme.h3)]
        let bandRows = model.bands.map { band in
            TableRow([cell(band.label, .center), TableCell(band.descriptors.map { Paragraph([Span($0)], style: Theme.cell, marker: "■", markerWidth: 11) })])
        }
        blocks.append(.table(Table(columns: [TableColumn(.fixed(.mm(24))), TableColumn(.auto)], header: [headerRow(["column.band-range", "column.descriptors"])], rows: bandRows, style: Theme.tableStyle)))
        blocks.append(heading(labels["method.stars"], level: nil, style: Theme.h3))
        let starRows = model.starLevels.map { level in
            TableRow([cell(String(repeating: "★", count: level.stars), .center), cell(level.name), cell(level.requirement, .center)])
        }
        blocks.append(.table(Table(columns: [TableColumn(.fixed(.mm(28))), TableColumn(.auto), TableColumn(.fixed(.mm(32)))], header: [headerRow(["column.stars", "column.level", "column.threshold"])], rows: starRows, style: Theme.tableStyle)))
        blocks.append(heading(labels["method.rules"], level: nil, style: Theme.h3))
        for (index, text) in model.interpretations.enumerated() {
            blocks.append(.paragraph(Paragraph([Span(text)], style: Theme.small, marker: "\(index + 1).", markerWidth: 16, spaceAfter: 3)))
        }
        return blocks
    }

    private func signatures() -> [Block] {
        var blocks: [Block] = [heading(labels["signatures.heading"], level: 0)]
        var rows = model.signatories.map { person in
            TableRow([cell(person.name), cell(person.role, .center), cell(""), cell("")])
        }
        if rows.isEmpty { rows = [TableRow([cell(""), cell(""), cell(""), cell("")])] }
        let style = TableStyle(padding: EdgeInsets(top: 12, right: 6, bottom: 12, left: 6), ruleColor: Theme.rule, headerFill: Theme.headerFill)
        blocks.append(.keepTogether([
            .table(Table(columns: [TableColumn(.auto), TableColumn(.fixed(.mm(26))), TableColumn(.fixed(.mm(52))), TableColumn(.fixed(.mm(34)))],
                         header: [headerRow(["column.name", "column.role", "column.signature", "column.date"])], rows: rows, style: style)),
            .space(14),
            .paragraph(Paragraph(labels.format("signatures.issuer", ["issuer": model.labels.isChinese ? model.issuer.name : model.issuer.nameEnglish]), style: Theme.body.with { $0.alignment = .right }, spaceAfter: 4)),
            .paragraph(Paragraph(labels.format("signatures.date", ["date": model.reportDate]), style: Theme.body.with { $0.alignment = .right })),
        ]))
        return blocks
    }

    // MARK: Helpers

    private func heading(_ text: String, level: Int?, style: TextStyle = Theme.h1, outline: String? = nil) -> Block {
        let spaceBefore: Length = style.size >= 14 ? 6 : 10
        return .heading(Heading(Paragraph(text, style: style, spaceBefore: spaceBefore, spaceAfter: style.size >= 14 ? 10 : 5), outlineLevel: level, outlineTitle: outline))
    }

    private func cell(_ text: String, _ alignment: TextAlignment = .left, bold: Bool = false) -> TableCell {
        TableCell(Paragraph(text, style: (bold ? Theme.cellBold : Theme.cell).with { $0.alignment = alignment }))
    }

    /// A table's header row from label keys.
    private func headerRow(_ keys: [String]) -> TableRow {
        TableRow(keys.map { TableCell(Paragraph(labels[$0], style: Theme.cellHeader)) }, fill: Theme.headerFill)
    }

    private var labels: Labels { model.labels }
}

extension [TextPiece] {
    /// The pieces as spans, those set as typed verbatim.
    var spans: [Span] { map { Span($0.text, verbatim: $0.asTyped) } }
}
