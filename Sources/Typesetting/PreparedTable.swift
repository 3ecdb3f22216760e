/// A table measured at a width: column widths from content, every cell laid out.
struct PreparedTable {
    struct Cell {
        let lines: LineStack
        let fill: Color?
    }

    struct Row {
        let cells: [Cell]
        let fill: Color?
        let height: Length

        /// Height of what is left of the row when each cell resumes at `starts`.
        func remainingHeight(from starts: [Int], style: TableStyle) -> Length {
            let content = cells.enumerated().map { index, cell in cell.lines.height(starts[index]..<cell.lines.lines.count) }.max() ?? 0
            return content + style.padding.top + style.padding.bottom
        }
    }

    let table: Table
    let widths: [Length]
    let header: [Row]
    let rows: [Row]

    var headerHeight: Length { header.reduce(0) { $0 + $1.height } }

    init(_ table: Table, width: Length, engine: TextEngine) {
        self.table = table
        let padding = table.style.padding.left + table.style.padding.right
        let widths = Self.columnWidths(table, total: width, padding: padding, engine: engine)
        self.widths = widths
        let style = table.style
        func prepare(_ row: TableRow) -> Row {
            let cells = row.cells.enumerated().map { index, cell -> Cell in
                var stack = LineStack()
                let contentWidth = max(1, widths[min(index, widths.count - 1)] - padding)
                for paragraph in cell.paragraphs {
                    let layouts = engine.layouts(paragraph.spans, style: paragraph.style, width: contentWidth - paragraph.indent - paragraph.markerWidth)
                    let marker = paragraph.marker.map { engine.layout([Span($0)], style: paragraph.style.with { $0.alignment = .left }, width: nil) }
                    stack.append(paragraph, layouts: layouts, marker: marker, spaceBefore: stack.lines.isEmpty ? 0 : paragraph.spaceBefore)
                }
                return Cell(lines: stack, fill: cell.fill)
            }
            let content = cells.map { $0.lines.height(0..<$0.lines.lines.count) }.max() ?? 0
            return Row(cells: cells, fill: row.fill, height: content + style.padding.top + style.padding.bottom)
        }
        header = table.header.map(prepare)
        rows = table.rows.map(prepare)
    }

    /// The least part of a row worth placing before a page break: three lines of its tallest cell.
    func minimumSplitHeight(_ row: Row) -> Length {
        let tallest = row.cells.max { $0.lines.lines.count < $1.lines.lines.count }
        guard let stack = tallest?.lines else { return row.height }
        return stack.height(0..<min(3, stack.lines.count)) + table.style.padding.top + table.style.padding.bottom
    }

    /// Column widths: fixed columns as given; auto columns as wide as their content needs when
    /// that fits, otherwise sharing the space in proportion to what they need beyond a minimum.
    static func columnWidths(_ table: Table, total: Length, padding: Length, engine: TextEngine) -> [Length] {
        let count = table.columns.count
        var natural = [Length](repeating: padding, count: count)
        var minimum = [Length](repeating: padding, count: count)
        for row in table.header + table.rows {
            for (index, cell) in row.cells.enumerated() where index < count {
                for paragraph in cell.paragraphs {
                    // (a text in pieces is as wide as its pieces set one after another)
                    let unwrapped = engine.layouts(paragraph.spans, style: paragraph.style, width: nil).reduce(0) { $0 + $1.naturalWidth }
                    natural[index] = max(natural[index], unwrapped + paragraph.indent + paragraph.markerWidth + padding)
                    // Never narrower than four characters of the cell's font (short labels stay whole).
                    minimum[index] = max(minimum[index], min(unwrapped, paragraph.style.size * 4) + paragraph.markerWidth + padding)
                }
            }
        }
        var widths = [Length](repeating: 0, count: count)
        var auto: [Int] = []
        var fixed: Length = 0
        for (index, column) in table.columns.enumerated() {
            switch column.width {
            case let .fixed(width):
                widths[index] = width
                fixed += width
            case .auto:
                auto.append(index)
            }
        }
        let available = max(0, total - fixed)
        let naturalSum = auto.reduce(0) { $0 + natural[$1] }
        if naturalSum <= available {
            // Everything fits unwrapped: hand the rest to the columns in proportion to their content.
            for index in auto { widths[index] = natural[index] + (available - naturalSum) * natural[index] / max(naturalSum, 1) }
            return widths
        }
        let minimumSum = auto.reduce(0) { $0 + minimum[$1] }
        let extra = max(0, available - minimumSum)
        let wants = auto.reduce(0) { $0 + (natural[$1] - minimum[$1]) }
        for index in auto {
            widths[index] = minimum[index] + extra * (natural[index] - minimum[index]) / max(wants, 1)
        }
        return widths
    }

    /// Items for a row (or part of one: lines `starts`..<`ends` of each cell) with its top at `top`.
    /// Each item comes with the column of the cell whose text it is; fills and rules have none.
    func items(_ row: Row, from starts: [Int], to ends: [Int], top: Length, height: Length, x: Length) -> [(item: PageItem, column: Int?)] {
        let style = table.style
        var decoration: [PageItem] = []
        var texts: [(item: PageItem, column: Int?)] = []
        var left = x
        let totalWidth = widths.reduce(0, +)
        if let fill = row.fill {
            decoration.append(.rectangle(Rect(x: x, y: top, width: totalWidth, height: height), fill: fill, stroke: nil, lineWidth: 0))
        }
        for (index, cell) in row.cells.enumerated() {
            let width = widths[index]
            if let fill = cell.fill {
                decoration.append(.rectangle(Rect(x: left, y: top, width: width, height: height), fill: fill, stroke: nil, lineWidth: 0))
            }
            texts += cell.lines.items(starts[index]..<ends[index], at: Point(x: left + style.padding.left, y: top + style.padding.top)).map { ($0, index) }
            left += width
        }
        var items = decoration
        let rule = style.ruleColor
        items.append(.line(from: Point(x: x, y: top), to: Point(x: x + totalWidth, y: top), color: rule, width: style.ruleWidth))
        items.append(.line(from: Point(x: x, y: top + height), to: Point(x: x + totalWidth, y: top + height), color: rule, width: style.ruleWidth))
        if style.verticalRules {
            var edge = x
            items.append(.line(from: Point(x: edge, y: top), to: Point(x: edge, y: top + height), color: rule, width: style.ruleWidth))
            for width in widths {
                edge += width
                items.append(.line(from: Point(x: edge, y: top), to: Point(x: edge, y: top + height), color: rule, width: style.ruleWidth))
            }
        }
        // Fills first (text is drawn over them), then the cells' texts, then the rules.
        return [items.prefix(decoration.count).map { ($0, nil) }, texts, items.dropFirst(decoration.count).map { ($0, nil) }].flatMap { $0 }
    }
}
