/// Lines from one or more layouts stacked vertically: a paragraph, or a table cell's paragraphs.
/// Splitting between any two lines is how paragraphs and table rows run across pages.
struct LineStack {
    struct Line {
        let layout: TextLayout
        let index: Int
        /// Space above this line when it is not the first on a page or in a cell part.
        let gapBefore: Length
        /// Left offset of the layout from the stack's left edge.
        let x: Length
        /// A hanging list marker drawn beside this line.
        let marker: TextLayout?
        let markerX: Length
        /// Space below the line that belongs to it: a list item's last line keeps its leading, so
        /// that items stand at least one line pitch apart.
        var leading: Length = 0
        var advance: Length { layout.advance(index) + leading }
    }

    var lines: [Line] = []

    /// A paragraph, laid out in one piece or several (see `TextEngine.layouts`): one line follows
    /// another across the pieces at the paragraph's line pitch.
    mutating func append(_ paragraph: Paragraph, layouts: [TextLayout], marker: TextLayout?, spaceBefore: Length) {
        let textX = paragraph.indent + paragraph.markerWidth
        for (piece, layout) in layouts.enumerated() {
            let last = piece == layouts.count - 1
            for index in layout.lines.indices {
                let first = piece == 0 && index == 0
                let gapBefore = first ? spaceBefore : index == 0 ? lines.last.map { $0.layout.leading(after: $0.index) } ?? 0 : 0
                lines.append(Line(
                    layout: layout, index: index, gapBefore: gapBefore, x: textX,
                    marker: first ? marker : nil, markerX: paragraph.indent,
                    leading: paragraph.marker != nil && last && index == layout.lines.count - 1 ? layout.leading(after: index) : 0))
            }
        }
    }

    /// Height of lines `range` when `range.lowerBound` starts a page or cell part (its gap is dropped).
    func height(_ range: Range<Int>) -> Length {
        var total: Length = 0
        for position in range {
            if position != range.lowerBound { total += lines[position].gapBefore }
            total += lines[position].advance
        }
        return total
    }

    /// How many lines from `start` fit in `available`.
    func fitting(from start: Int, in available: Length) -> Int {
        var total: Length = 0
        var count = 0
        for position in start..<lines.count {
            total += (position == start ? 0 : lines[position].gapBefore) + lines[position].advance
            if total > available + 0.001 { break }
            count += 1
        }
        return count
    }

    /// Page items for lines `range` with the first line's top at `origin`.
    func items(_ range: Range<Int>, at origin: Point) -> [PageItem] {
        markedItems(range, at: origin).map(\.item)
    }

    /// Page items for lines `range`, each saying whether it is a list marker (drawn first, so
    /// that the marker is read before its text).
    func markedItems(_ range: Range<Int>, at origin: Point) -> [(item: PageItem, isMarker: Bool)] {
        var items: [(PageItem, Bool)] = []
        var y = origin.y
        var position = range.lowerBound
        while position < range.upperBound {
            if position != range.lowerBound { y += lines[position].gapBefore }
            let first = lines[position]
            var end = position + 1
            // (two pieces of a long paragraph may be one layout: the same text twice)
            while end < range.upperBound, lines[end].layout === first.layout, lines[end].index == lines[end - 1].index + 1, lines[end].gapBefore == 0 { end += 1 }
            let layoutRange = first.index..<lines[end - 1].index + 1
            let height = (position..<end).reduce(0) { $0 + lines[$1].advance - lines[$1].leading }
            let width = layoutRange.map { first.layout.lines[$0].x + first.layout.lines[$0].width }.max() ?? 0
            if let marker = first.marker {
                // Align the marker's baseline with the first line's.
                let shift = first.layout.lines[first.index].baseline - first.layout.lines[first.index].top
                    - (marker.lines[0].baseline - marker.lines[0].top)
                items.append((.text(TextFragment(
                    lines: [marker.lines[0].text],
                    frame: Rect(x: origin.x + first.markerX, y: y + shift, width: marker.lines[0].width, height: marker.lines[0].height),
                    style: marker.style, layout: marker, lineRange: 0..<1)), true))
            }
            items.append((.text(TextFragment(
                lines: layoutRange.map { first.layout.lines[$0].text },
                frame: Rect(x: origin.x + first.x, y: y, width: width, height: height),
                style: first.layout.style, layout: first.layout, lineRange: layoutRange)), false))
            y += height
            position = end
        }
        return items
    }
}

/// Lays a document out into pages: paragraphs split between lines with orphan and widow control,
/// headings kept with what follows, tables split between rows and inside rows with the header repeated.
final class Paginator {
    private let engine: TextEngine
    private var pages: [Page] = []
    private var outline: [OutlineEntry] = []
    private var warnings: [String] = []
    private var overflows: [TextOverflow] = []
    private var sequence: PageSequence!
    private var sequenceIndex = 0
    private var documentSequences: [PageSequence] = []
    private var y: Length = 0
    /// Whether anything was placed on the current page yet (space before is dropped at a page top).
    private var pageIsEmpty = true
    /// The structure elements that hold what is emitted now (see `Page.structure`).
    private var structure: [StructureNode] = []
    /// The open headings, as asked for and as placed in the structure tree.
    private var headingLevels: [(requested: Int, assigned: Int)] = []
    private var nextStructureID = 0
    /// The list the last block belonged to, so that consecutive list items share one list.
    private var currentList: StructureNode?
    /// Tables of at most this many rows start on a new page rather than split.
    static let smallTableRows = 6

    private static func isListItem(_ block: Block?) -> Bool {
        if case let .paragraph(paragraph) = block { return paragraph.marker != nil }
        return false
    }

    init(engine: TextEngine) {
        self.engine = engine
    }

    func layout(_ document: Document) -> LaidOutDocument {
        documentSequences = document.sequences
        for (index, sequence) in document.sequences.enumerated() {
            self.sequence = sequence
            sequenceIndex = index
            newPage()
            for (position, block) in sequence.blocks.enumerated() {
                place(block, following: sequence.blocks.dropFirst(position + 1))
            }
        }
        addRunningTexts()
        return LaidOutDocument(metadata: document.metadata, pages: pages, outline: outline, warnings: warnings, overflows: overflows)
    }

    // MARK: Pages

    private var body: Rect { sequence.body }
    private var remaining: Length { body.maxY - y }

    private func newPage() {
        pages.append(Page(size: sequence.size, number: pages.count + 1, sequence: sequenceIndex, body: body, items: []))
        y = body.y
        pageIsEmpty = true
    }

    /// Emits items held by the current structure path.
    private func emit(_ items: [PageItem]) {
        emit(items, paths: Array(repeating: structure, count: items.count))
    }

    private func emit(_ items: [PageItem], paths: [[StructureNode]]) {
        pages[pages.count - 1].items += items
        pages[pages.count - 1].structure += paths
        if !items.isEmpty { pageIsEmpty = false }
    }

    /// A new structure element.
    private func node(_ role: StructureRole, alternativeText: String? = nil, link: String? = nil) -> StructureNode {
        nextStructureID += 1
        return StructureNode(role, id: nextStructureID, alternativeText: alternativeText, link: link)
    }

    private func advance(by space: Length) {
        if !pageIsEmpty { y += space }
    }

    // MARK: Blocks

    private func place(_ block: Block, following: ArraySlice<Block>) {
        if case let .paragraph(paragraph) = block, paragraph.marker != nil {
            // A list's last item of one line does not open a page alone: the item before goes with it.
            if case let .paragraph(last) = following.first, last.marker != nil, !Self.isListItem(following.dropFirst().first), !pageIsEmpty {
                let item = stack(for: paragraph)
                let lastItem = stack(for: last)
                let itemHeight = paragraph.spaceBefore + item.height(0..<item.lines.count) + paragraph.spaceAfter
                if lastItem.lines.count == 1, itemHeight <= remaining,
                   itemHeight + last.spaceBefore + lastItem.height(0..<1) > remaining {
                    newPage()
                }
            }
            // Consecutive list items make one list.
            let list = currentList ?? node(.list)
            currentList = list
            let item = node(.listItem)
            let label = node(.label)
            let body = node(.listBody)
            placeStack(stack(for: paragraph), spaceAfter: paragraph.spaceAfter) { isMarker in
                [list, item, isMarker ? label : body]
            }
            return
        }
        if case .space = block {} else if case .keepTogether = block {} else { currentList = nil }
        switch block {
        case let .paragraph(paragraph):
            structure = [node(.paragraph)]
            placeStack(stack(for: paragraph), spaceAfter: paragraph.spaceAfter)
        case let .heading(heading):
            placeHeading(heading, following: following)
        case let .table(table):
            placeTable(table)
        case let .figure(figure):
            placeFigure(figure)
        case let .drawing(drawing):
            let (items, paths) = drawingItems(drawing, width: body.width)
            placeWhole(items, paths: paths, spaceBefore: drawing.spaceBefore, spaceAfter: drawing.spaceAfter)
        case let .space(length):
            advance(by: length)
        case .pageBreak:
            if !pageIsEmpty { newPage() }
        case let .pageBreakUnlessRoom(room):
            if !pageIsEmpty, remaining < room { newPage() }
        case let .keepTogether(blocks):
            if !pageIsEmpty, height(of: blocks) > remaining { newPage() }
            for (position, inner) in blocks.enumerated() { place(inner, following: blocks.dropFirst(position + 1) + following) }
        case let .placed(texts, drawing):
            // Decoration first (it lies under the text), then the texts, then the drawing's figures,
            // so that a reader meets the figures after the text they illustrate.
            let (drawn, paths) = drawing.map { drawingItems($0, width: sequence.size.width) } ?? ([], [])
            let decoration = paths.indices.filter { paths[$0].isEmpty }
            emit(decoration.map { drawn[$0] }, paths: decoration.map { paths[$0] })
            for text in texts {
                let element = node(text.headingLevel.map(StructureRole.heading) ?? .paragraph)
                structure = text.link.map { [element, node(.link, link: $0)] } ?? [element]
                emit(fittedItems(text))
            }
            let figures = paths.indices.filter { !paths[$0].isEmpty }
            emit(figures.map { drawn[$0] }, paths: figures.map { paths[$0] })
        }
        structure = []
    }

    private func stack(for paragraph: Paragraph, width: Length? = nil) -> LineStack {
        let available = (width ?? body.width) - paragraph.indent - paragraph.markerWidth
        let layouts = engine.layouts(paragraph.spans, style: paragraph.style, width: available)
        let marker = paragraph.marker.map { engine.layout([Span($0)], style: paragraph.style.with { $0.alignment = .left }, width: nil) }
        var stack = LineStack()
        stack.append(paragraph, layouts: layouts, marker: marker, spaceBefore: paragraph.spaceBefore)
        return stack
    }

    /// Places a paragraph's lines, splitting across pages; at least two lines stay together at
    /// the bottom and at the top of a page when the paragraph has enough lines.
    private func placeStack(_ stack: LineStack, from first: Int = 0, spaceAfter: Length, paths: ((_ isMarker: Bool) -> [StructureNode])? = nil) {
        var start = first
        let total = stack.lines.count
        while start < total {
            if start == 0, let first = stack.lines.first { advance(by: first.gapBefore) }
            var count = stack.fitting(from: start, in: remaining)
            let left = total - start
            if count < left {
                let minimum = min(2, left)
                if count < minimum, !pageIsEmpty {
                    newPage()
                    continue
                }
                // Keep at least two lines for the next page (no widow): give it one more line, or
                // the whole paragraph when that would leave one line here.
                if left - count == 1 {
                    if count >= 3 {
                        count -= 1
                    } else if !pageIsEmpty {
                        newPage()
                        continue
                    }
                }
                count = max(count, 1)
            }
            let marked = stack.markedItems(start..<start + count, at: Point(x: body.x, y: y))
            emit(marked.map(\.item), paths: marked.map { paths?($0.isMarker) ?? structure })
            y += stack.height(start..<start + count)
            start += count
            if start < total { newPage() }
        }
        advance(by: spaceAfter)
    }

    private func placeHeading(_ heading: Heading, following: ArraySlice<Block>) {
        let headingStack = stack(for: heading.paragraph)
        let needed = headingStack.height(0..<headingStack.lines.count) + (pageIsEmpty ? 0 : heading.paragraph.spaceBefore)
            + heading.paragraph.spaceAfter + startHeight(following)
        if !pageIsEmpty, needed > remaining { newPage() }
        if let level = heading.outlineLevel {
            let top = y + (pageIsEmpty ? 0 : heading.paragraph.spaceBefore)
            outline.append(OutlineEntry(title: heading.outlineTitle ?? heading.paragraph.text, level: level, page: pages.count, y: top))
        }
        structure = [node(.heading(structureLevel(heading.level)))]
        placeStack(headingStack, spaceAfter: heading.paragraph.spaceAfter)
    }

    /// The level a heading asking for `requested` gets in the structure tree: one below the
    /// nearest earlier heading that asked for less, so that levels never skip (an H4 label right
    /// under an H2 becomes H3) while headings that asked for the same level stay siblings.
    private func structureLevel(_ requested: Int) -> Int {
        while let last = headingLevels.last, last.requested >= requested { headingLevels.removeLast() }
        let assigned = (headingLevels.last?.assigned ?? 0) + 1
        headingLevels.append((requested, assigned))
        return assigned
    }

    /// The least height the blocks after a heading need at the bottom of a page, so the heading is
    /// not left alone: a run of headings (a heading, then a subheading) counts with what follows it.
    private func startHeight(_ following: ArraySlice<Block>) -> Length {
        guard let block = following.first else { return 0 }
        switch block {
        case let .paragraph(paragraph):
            let stack = stack(for: paragraph)
            return paragraph.spaceBefore + stack.height(0..<min(2, stack.lines.count))
        case let .heading(heading):
            let stack = stack(for: heading.paragraph)
            return heading.paragraph.spaceBefore + stack.height(0..<stack.lines.count) + heading.paragraph.spaceAfter
                + startHeight(following.dropFirst())
        case let .keepTogether(blocks):
            return height(of: blocks)
        case let .table(table):
            let prepared = PreparedTable(table, width: body.width, engine: engine)
            let firstRow = prepared.rows.first.map { row in min(row.height, prepared.minimumSplitHeight(row)) } ?? 0
            return table.spaceBefore + prepared.headerHeight + firstRow
        case .figure, .drawing:
            return height(of: [block])
        case .space:
            return startHeight(following.dropFirst())
        case .pageBreak, .pageBreakUnlessRoom, .placed:
            return 0
        }
    }

    private func height(of blocks: [Block]) -> Length {
        blocks.reduce(0) { total, block in
            switch block {
            case let .paragraph(paragraph):
                let stack = stack(for: paragraph)
                return total + paragraph.spaceBefore + stack.height(0..<stack.lines.count) + paragraph.spaceAfter
            case let .heading(heading):
                return total + height(of: [.paragraph(heading.paragraph)])
            case let .table(table):
                let prepared = PreparedTable(table, width: body.width, engine: engine)
                return total + table.spaceBefore + prepared.headerHeight + prepared.rows.reduce(0) { $0 + $1.height } + table.spaceAfter
            case let .figure(figure):
                return total + (figureItems(figure, caption: captionStack(figure)).items.map(\.bounds.maxY).max() ?? 0)
            case let .drawing(drawing):
                return total + drawing.spaceBefore + drawing.size.height + drawing.spaceAfter
            case let .space(length):
                return total + length
            case let .keepTogether(inner):
                return total + height(of: inner)
            case .pageBreak, .pageBreakUnlessRoom, .placed:
                return total
            }
        }
    }

    /// Places items measured from (0, 0) as one unit, on the next page if they do not fit.
    private func placeWhole(_ items: [PageItem], paths: [[StructureNode]], spaceBefore: Length = 0, spaceAfter: Length = 0) {
        let height = items.map(\.bounds.maxY).max() ?? 0
        advance(by: spaceBefore)
        if !pageIsEmpty, height > remaining { newPage() }
        emit(items.map { offset($0, by: Point(x: body.x, y: y)) }, paths: paths)
        y += height
        advance(by: spaceAfter)
    }

    // MARK: Figures and drawings

    /// A figure: the picture with the first two lines of its caption, kept together; the rest of a
    /// long caption runs on as a paragraph does, across pages if it must.
    private func placeFigure(_ figure: Figure) {
        let caption = captionStack(figure)
        let kept = min(2, caption?.lines.count ?? 0)
        let captionNode = node(.paragraph)
        let (items, paths, captionTop) = figureItems(figure, caption: caption, captionLines: kept, captionNode: captionNode)
        let height = items.map(\.bounds.maxY).max() ?? 0
        if !pageIsEmpty, height > remaining { newPage() }
        let top = y
        emit(items.map { offset($0, by: Point(x: body.x, y: top)) }, paths: paths)
        y += height
        guard let caption, kept < caption.lines.count else { return }
        y = top + captionTop + caption.height(0..<kept) + caption.lines[kept].gapBefore
        structure = [captionNode]
        placeStack(caption, from: kept, spaceAfter: 0)
    }

    /// A figure's caption, centred, as lines.
    private func captionStack(_ figure: Figure) -> LineStack? {
        figure.caption.map { stack(for: $0.with { $0.style.alignment = .center }) }
    }

    /// The picture (a Figure element with its caption's text as alternative text), its frame
    /// (decoration) and the first `captionLines` lines of its caption (a paragraph), with the top
    /// of the caption.
    private func figureItems(_ figure: Figure, caption: LineStack?, captionLines: Int = .max, captionNode: StructureNode? = nil) -> (items: [PageItem], paths: [[StructureNode]], captionTop: Length) {
        let aspect = Double(figure.image.pixelHeight) / Double(figure.image.pixelWidth)
        var width = min(figure.maxWidth, body.width)
        var height = width * aspect
        if height > figure.maxHeight {
            height = figure.maxHeight
            width = height / aspect
        }
        var items: [PageItem] = [
            .image(figure.image, frame: Rect(x: (body.width - width) / 2, y: 4, width: width, height: height)),
            .rectangle(Rect(x: (body.width - width) / 2, y: 4, width: width, height: height), fill: nil, stroke: Color(hex: 0xB0B8C4), lineWidth: 0.5),
        ]
        var paths: [[StructureNode]] = [[node(.figure, alternativeText: figure.alternativeText ?? figure.caption?.text ?? "")], []]
        if let caption {
            let captionItems = caption.items(0..<min(captionLines, caption.lines.count), at: Point(x: 0, y: height + 8))
            items += captionItems
            paths += Array(repeating: [captionNode ?? node(.paragraph)], count: captionItems.count)
        }
        return (items, paths, height + 8)
    }

    /// The drawing's items: all of one Figure element when the drawing has an alternative text,
    /// otherwise decoration, with `.figure` groups as Figure elements of their own.
    private func drawingItems(_ drawing: Drawing, width: Length) -> (items: [PageItem], paths: [[StructureNode]]) {
        let x: Length
        switch drawing.alignment {
        case .center: x = (width - drawing.size.width) / 2
        case .right: x = width - drawing.size.width
        case .left, .justified: x = 0
        }
        let whole = drawing.alternativeText.map { [node(.figure, alternativeText: $0)] } ?? []
        var items: [PageItem] = []
        var paths: [[StructureNode]] = []
        func add(_ elements: [Drawing.Element], path: [StructureNode]) {
            for element in elements {
                var made: [PageItem] = []
                switch element {
                case let .rectangle(rect, fill, stroke, lineWidth):
                    made = [.rectangle(rect, fill: fill, stroke: stroke, lineWidth: lineWidth)]
                case let .line(from, to, color, lineWidth):
                    made = [.line(from: from, to: to, color: color, width: lineWidth)]
                case let .polygon(points, fill, stroke, lineWidth):
                    made = [.polygon(points, fill: fill, stroke: stroke, lineWidth: lineWidth)]
                case let .text(paragraph, frame):
                    let stack = stack(for: paragraph, width: frame.width)
                    made = stack.items(0..<stack.lines.count, at: Point(x: frame.x, y: frame.y))
                case let .image(image, frame):
                    made = [.image(image, frame: frame)]
                case let .qrCode(payload, frame, color):
                    if let matrix = QRCode.encode(payload) {
                        made = [.qrCode(matrix, frame: frame, color: color)]
                    } else {
                        warnings.append("the QR code could not be made for a payload of \(payload.utf8.count) bytes")
                    }
                case let .figure(alternativeText, inner):
                    add(inner, path: path.isEmpty ? [node(.figure, alternativeText: alternativeText)] : path)
                }
                items += made.map { offset($0, by: Point(x: x, y: 0)) }
                paths += Array(repeating: path, count: made.count)
            }
        }
        add(drawing.elements, path: whole)
        return (items, paths)
    }

    /// Text in a fixed box: wrapped at the box's width and made smaller until it fits, centred
    /// vertically. A text longer than the box could hold even at its minimum size were every
    /// character a tenth of an em wide is set at that size at once, from the characters it could
    /// hold, so that a name of a million characters costs no more than one that just overflows.
    private func fittedItems(_ fitted: FittedText) -> [PageItem] {
        var paragraph = fitted.paragraph
        let capacity = Int(fitted.frame.width / (fitted.minimumSize * 0.1) * max(1, fitted.frame.height / fitted.minimumSize)) + 1
        let characters = paragraph.text.count
        if characters > capacity {
            paragraph = paragraph.prefix(capacity)
            paragraph.style.size = fitted.minimumSize
        }
        var stack = self.stack(for: paragraph, width: fitted.frame.width)
        var height = stack.height(0..<stack.lines.count)
        while height > fitted.frame.height, paragraph.style.size - 0.5 >= fitted.minimumSize {
            paragraph.style.size -= 0.5
            stack = self.stack(for: paragraph, width: fitted.frame.width)
            height = stack.height(0..<stack.lines.count)
        }
        var count = stack.lines.count
        if height > fitted.frame.height {
            count = max(1, stack.fitting(from: 0, in: fitted.frame.height))
            height = stack.height(0..<count)
            if let name = fitted.name {
                // A named box holds its labels, then the value, its last span: the counts are the value's.
                let label = paragraph.spans.dropLast().reduce(0) { $0 + $1.text.count }
                overflows.append(TextOverflow(name: name, minimumSize: fitted.minimumSize, characters: characters - label,
                                              fittingCharacters: max(0, fittingCharacters(paragraph, in: fitted.frame) - label)))
            } else {
                warnings.append("text was cut to fit its box even at \(fitted.minimumSize) pt: \(String(paragraph.text.prefix(40)))…")
            }
        }
        let top = fitted.frame.y + (fitted.frame.height - height) / 2
        return stack.items(0..<count, at: Point(x: fitted.frame.x, y: top))
    }

    /// How many characters of `paragraph` (at its current size) fit in `frame`, found by halving.
    private func fittingCharacters(_ paragraph: Paragraph, in frame: Rect) -> Int {
        var low = 0
        var high = paragraph.text.count
        while low < high {
            let middle = (low + high + 1) / 2
            let stack = self.stack(for: paragraph.prefix(middle), width: frame.width)
            if stack.height(0..<stack.lines.count) <= frame.height { low = middle } else { high = middle - 1 }
        }
        return low
    }

    // MARK: Tables

    private func placeTable(_ table: Table) {
        let prepared = PreparedTable(table, width: body.width, engine: engine)
        advance(by: table.spaceBefore)
        let minimumStart = prepared.headerHeight + (prepared.rows.first.map { prepared.minimumSplitHeight($0) } ?? 0)
        // A table of six rows or fewer is not split when it fits on a page of its own.
        let wholeHeight = prepared.headerHeight + prepared.rows.reduce(0) { $0 + $1.height }
        let keptWhole = prepared.rows.count <= Self.smallTableRows && wholeHeight <= body.height
        if !pageIsEmpty, minimumStart > remaining || (keptWhole && wholeHeight > remaining + 0.001) { newPage() }
        // One Table element per page the table runs over, each starting with its header rows.
        var tableNode = node(.table)
        placeHeader(prepared, in: tableNode)
        for row in prepared.rows {
            var starts = [Int](repeating: 0, count: row.cells.count)
            while true {
                let needed = row.remainingHeight(from: starts, style: table.style)
                if needed <= remaining + 0.001 {
                    emitRow(prepared.items(row, from: starts, to: row.cells.map { $0.lines.lines.count }, top: y, height: needed, x: body.x), in: tableNode, header: false)
                    y += needed
                    break
                }
                // Split inside the row when a useful part fits; otherwise start it on the next page.
                let available = remaining - table.style.padding.top - table.style.padding.bottom
                let atTop = y <= body.y + prepared.headerHeight + 0.001
                var ends = row.cells.enumerated().map { index, cell in
                    starts[index] + cell.lines.fitting(from: starts[index], in: available)
                }
                if atTop, !zip(starts, ends).contains(where: { $0 < $1 }) {
                    // Not even one line fits on an empty page: place one line per cell regardless, so
                    // the table always moves on.
                    ends = row.cells.enumerated().map { index, cell in min(starts[index] + 1, cell.lines.lines.count) }
                }
                let placedHeight = row.cells.enumerated().map { index, cell in
                    cell.lines.height(starts[index]..<ends[index])
                }.max() ?? 0
                let worthSplitting = placedHeight >= min(prepared.minimumSplitHeight(row), needed * 0.5)
                let progress = zip(starts, ends).contains { $0 < $1 }
                if progress, worthSplitting || atTop {
                    let partHeight = placedHeight + table.style.padding.top + table.style.padding.bottom
                    emitRow(prepared.items(row, from: starts, to: ends, top: y, height: partHeight, x: body.x), in: tableNode, header: false)
                    starts = ends
                }
                newPage()
                tableNode = node(.table)
                placeHeader(prepared, in: tableNode)
            }
        }
        advance(by: table.spaceAfter)
    }

    private func placeHeader(_ prepared: PreparedTable, in table: StructureNode) {
        for row in prepared.header {
            emitRow(prepared.items(row, from: row.cells.map { _ in 0 }, to: row.cells.map { $0.lines.lines.count }, top: y, height: row.height, x: body.x), in: table, header: true)
            y += row.height
        }
    }

    /// A row's items: cell texts in TH or TD elements of a TR, fills and rules as the table's decoration.
    private func emitRow(_ items: [(item: PageItem, column: Int?)], in table: StructureNode, header: Bool) {
        let row = node(.row)
        var cells: [Int: StructureNode] = [:]
        emit(items.map(\.item), paths: items.map { entry in
            guard let column = entry.column else { return [table] }
            if cells[column] == nil { cells[column] = node(header ? .headerCell : .cell) }
            return [table, row, cells[column]!]
        })
    }

    // MARK: Running header and footer

    private func addRunningTexts() {
        let count = pages.count
        for index in pages.indices {
            let page = pages[index]
            let sequence = documentSequences[page.sequence]
            func fill(_ text: String) -> String {
                text.replacingOccurrences(of: "{page}", with: String(page.number)).replacingOccurrences(of: "{pages}", with: String(count))
            }
            var items: [PageItem] = []
            if let header = sequence.header {
                let top = sequence.margins.top - 26
                items += running(header, fill: fill, top: top, page: page, growsUp: true)
                if header.rule {
                    items.append(.line(from: Point(x: page.body.x, y: sequence.margins.top - 8), to: Point(x: page.body.maxX, y: sequence.margins.top - 8), color: Color(hex: 0x8C96A3), width: 0.5))
                }
            }
            if let footer = sequence.footer {
                let top = page.size.height - sequence.margins.bottom + 14
                if footer.rule {
                    items.append(.line(from: Point(x: page.body.x, y: top - 6), to: Point(x: page.body.maxX, y: top - 6), color: Color(hex: 0x8C96A3), width: 0.5))
                }
                items += running(footer, fill: fill, top: top, page: page, growsUp: false)
            }
            pages[index].items += items
            pages[index].structure += Array(repeating: [], count: items.count)
        }
    }

    /// A running header or footer: its first line at `top`; a text that needs more lines (left and
    /// right texts share the width when they would meet) grows away from the body, by at most
    /// `runningLines` lines, so that it stays on the page: a longer text (an organization's name of
    /// hundreds of characters, shown whole on the cover) ends in an ellipsis there.
    private func running(_ running: RunningText, fill: (String) -> String, top: Length, page: Page, growsUp: Bool) -> [PageItem] {
        let texts = [running.left, running.center, running.right].map { spans in
            running.numbersPages ? spans.map { Span(fill($0.text), bold: $0.bold, color: $0.color, verbatim: $0.verbatim) } : spans
        }
        let isEmpty = texts.map { $0.allSatisfy(\.text.isEmpty) }
        let width = page.body.width
        var widths = [width, width, width]
        let natural = [0, 2].map { isEmpty[$0] ? 0 : engine.layout(Self.cappedForRunning(texts[$0], width: width, style: running.style), style: running.style, width: nil).naturalWidth }
        let gap = running.style.size * 2
        if natural[0] > 0, natural[1] > 0, natural[0] + natural[1] + gap > width {
            // The left text (a title and a number) keeps its line when it takes at most 60 %.
            let shared = width - gap
            widths[0] = natural[0] <= shared * 0.6 ? natural[0] + 0.01 : shared * natural[0] / (natural[0] + natural[1])
            widths[2] = shared - widths[0]
            // Lines of about equal length rather than a full line and a word left over.
            let lines = (natural[1] / widths[2]).rounded(.up)
            widths[2] = min(widths[2], natural[1] / lines + running.style.size * 2)
        }
        var items: [PageItem] = []
        for (index, alignment) in [TextAlignment.left, .center, .right].enumerated() where !isEmpty[index] {
            let style = running.style.with { $0.alignment = alignment }
            let stack = stack(for: Paragraph(shortenedForRunning(texts[index], style: style, width: widths[index]), style: style), width: widths[index])
            let x = index == 2 ? page.body.maxX - widths[2] : page.body.x
            let y = growsUp ? top - stack.height(0..<stack.lines.count) + stack.height(0..<min(1, stack.lines.count)) : top
            items += stack.items(0..<stack.lines.count, at: Point(x: x, y: y))
        }
        return items
    }

    /// How many lines a running text may take.
    static let runningLines = 2

    /// `spans` cut to the characters that could fill `runningLines` lines at `width` were every
    /// character a hair space wide: what lies beyond can never be shown in the margin.
    private static func cappedForRunning(_ spans: [Span], width: Length, style: TextStyle) -> [Span] {
        let limit = Int(Double(runningLines) * width / (style.size * 0.1)) + 1
        return Paragraph(spans, style: style).prefix(limit).spans
    }

    /// `spans` as they fit `runningLines` lines at `width`: whole, or their longest beginning that
    /// fits with an ellipsis after it.
    private func shortenedForRunning(_ spans: [Span], style: TextStyle, width: Length) -> [Span] {
        func lines(_ candidate: [Span]) -> Int {
            engine.layout(candidate, style: style, width: width).lines.count
        }
        let capped = Self.cappedForRunning(spans, width: width, style: style)
        let count = spans.reduce(0) { $0 + $1.text.count }
        if capped.reduce(0, { $0 + $1.text.count }) == count, lines(capped) <= Self.runningLines { return spans }
        func shortened(_ characters: Int) -> [Span] { Paragraph(capped, style: style).prefix(characters).spans + [Span("…")] }
        var fitting = 0
        var tooMany = capped.reduce(0) { $0 + $1.text.count }
        while tooMany - fitting > 1 {
            let middle = (fitting + tooMany) / 2
            if lines(shortened(middle)) <= Self.runningLines { fitting = middle } else { tooMany = middle }
        }
        return shortened(fitting)
    }


    private func offset(_ item: PageItem, by point: Point) -> PageItem {
        func move(_ rect: Rect) -> Rect { Rect(x: rect.x + point.x, y: rect.y + point.y, width: rect.width, height: rect.height) }
        func move(_ p: Point) -> Point { Point(x: p.x + point.x, y: p.y + point.y) }
        switch item {
        case let .text(fragment):
            return .text(TextFragment(lines: fragment.lines, frame: move(fragment.frame), style: fragment.style, layout: fragment.layout, lineRange: fragment.lineRange))
        case let .rectangle(rect, fill, stroke, width): return .rectangle(move(rect), fill: fill, stroke: stroke, lineWidth: width)
        case let .line(from, to, color, width): return .line(from: move(from), to: move(to), color: color, width: width)
        case let .polygon(points, fill, stroke, width): return .polygon(points.map(move), fill: fill, stroke: stroke, lineWidth: width)
        case let .image(data, frame): return .image(data, frame: move(frame))
        case let .qrCode(matrix, frame, color): return .qrCode(matrix, frame: move(frame), color: color)
        }
    }
}

private extension Paragraph {
    func with(_ change: (inout Paragraph) -> Void) -> Paragraph {
        var copy = self
        change(&copy)
        return copy
    }
}
