import CPangoCairo

let pangoScale = Double(starcert_pango_scale())

/// One line of a laid-out text, in points, relative to the top of the text.
struct LineMetrics {
    /// The text of the line.
    var text: String
    var top: Length
    var height: Length
    var baseline: Length
    /// The line's left edge (alignment and indent included).
    var x: Length
    var width: Length
}

/// A Pango layout: a paragraph measured at a width. Owns its `PangoLayout`.
final class TextLayout {
    let layout: UnsafeMutablePointer<PangoLayout>
    let lines: [LineMetrics]
    /// Each line's UTF-8 byte range in `text`.
    let lineRanges: [Range<Int>]
    let style: TextStyle
    let text: String
    let utf8: [UInt8]

    /// `gaps`: byte offsets of zero-width spaces that stand for spaces (see `CJKSpacing`); other
    /// zero-width spaces only mark break opportunities and are left out of the lines' text.
    init(layout: UnsafeMutablePointer<PangoLayout>, style: TextStyle, text: String, gaps: Set<Int> = []) {
        self.layout = layout
        self.style = style
        self.text = text
        var lines: [LineMetrics] = []
        var lineRanges: [Range<Int>] = []
        let utf8 = Array(text.utf8)
        self.utf8 = utf8
        let iter = pango_layout_get_iter(layout)
        repeat {
            var logical = PangoRectangle()
            pango_layout_iter_get_line_extents(iter, nil, &logical)
            let baseline = Double(pango_layout_iter_get_baseline(iter)) / pangoScale
            let line = pango_layout_iter_get_line_readonly(iter)!.pointee
            let start = min(utf8.count, Int(line.start_index))
            let end = min(utf8.count, start + Int(line.length))
            lineRanges.append(start..<end)
            lines.append(LineMetrics(
                text: Self.readable(utf8, start..<end, gaps: gaps),
                top: Double(logical.y) / pangoScale, height: Double(logical.height) / pangoScale,
                baseline: baseline, x: Double(logical.x) / pangoScale, width: Double(logical.width) / pangoScale))
        } while pango_layout_iter_next_line(iter) != 0
        pango_layout_iter_free(iter)
        self.lines = lines
        self.lineRanges = lineRanges
    }

    deinit {
        GraphicsLibraries.use { starcert_object_unref(UnsafeMutableRawPointer(layout)) }
    }

    private static func readable(_ utf8: [UInt8], _ range: Range<Int>, gaps: Set<Int>) -> String {
        let raw = String(decoding: utf8[range], as: UTF8.self)
        guard raw.unicodeScalars.contains(where: CJKSpacing.isGapCarrier) else { return raw }
        var out = String.UnicodeScalarView()
        var offset = range.lowerBound
        for scalar in raw.unicodeScalars {
            if CJKSpacing.isGapCarrier(scalar) {
                if gaps.contains(offset) { out.append(" ") }
            } else {
                out.append(scalar)
            }
            offset += UTF8.width(scalar)
        }
        return String(out)
    }

    /// The characters of line `index`: each with its left edge and advance, justification included.
    func characters(ofLine index: Int) -> [(scalar: Unicode.Scalar, x: Length, advance: Length)] {
        GraphicsLibraries.use { charactersLocked(ofLine: index) }
    }

    private func charactersLocked(ofLine index: Int) -> [(scalar: Unicode.Scalar, x: Length, advance: Length)] {
        let range = lineRanges[index]
        let iter = pango_layout_get_iter(layout)
        defer { pango_layout_iter_free(iter) }
        for _ in 0..<index { pango_layout_iter_next_line(iter) }
        var found: [(Unicode.Scalar, Length, Length)] = []
        repeat {
            let offset = Int(pango_layout_iter_get_index(iter))
            guard range.contains(offset) else { break }
            var extents = PangoRectangle()
            pango_layout_iter_get_char_extents(iter, &extents)
            var end = offset + 1
            while end < utf8.count, utf8[end] & 0xC0 == 0x80 { end += 1 }
            if let scalar = String(decoding: utf8[offset..<end], as: UTF8.self).unicodeScalars.first {
                found.append((scalar, Double(extents.x) / pangoScale, Double(extents.width) / pangoScale))
            }
        } while pango_layout_iter_next_char(iter) != 0
        return found
    }

    /// The space between line `index` and a following line of the same layout, beyond its height.
    func leading(after index: Int) -> Length {
        style.lineSpacing > 1 ? lines[index].height * (style.lineSpacing - 1) : 0
    }

    /// The vertical space line `index` takes: to the next line's top, or its own height for the last.
    func advance(_ index: Int) -> Length {
        index + 1 < lines.count ? lines[index + 1].top - lines[index].top : lines[index].height
    }

    var height: Length { lines.isEmpty ? 0 : lines[lines.count - 1].top + lines[lines.count - 1].height - lines[0].top }

    /// The width of the widest line.
    var naturalWidth: Length { lines.map { $0.x + $0.width }.max() ?? 0 }
}

/// Measures text with one configured Pango context, the same one the PDF is drawn with.
/// Not thread-safe: one per thread, created and destroyed within one render.
final class TextEngine {
    let fonts: FontLibrary
    private let fontMap: UnsafeMutablePointer<PangoFontMap>
    let context: UnsafeMutablePointer<PangoContext>
    private var descriptions: [FontKey: UnsafeMutablePointer<PangoFontDescription>] = [:]

    private struct FontKey: Hashable {
        let role: FontRole
        let bold: Bool
        let size: Length
    }

    init(fonts: FontLibrary) throws {
        self.fonts = fonts
        guard let map = pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT) else {
            throw TypesettingError.fontConfiguration("Pango has no FreeType font map")
        }
        fontMap = map
        pango_fc_font_map_set_config(starcert_fc_font_map(map), fonts.config)
        pango_cairo_font_map_set_resolution(OpaquePointer(map), 72)
        guard let context = pango_font_map_create_context(map) else {
            throw TypesettingError.fontConfiguration("Pango could not create a context")
        }
        self.context = context
        let options = cairo_font_options_create()
        cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
        cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
        cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY)
        pango_cairo_context_set_font_options(context, options)
        cairo_font_options_destroy(options)
        pango_cairo_context_set_resolution(context, 72)
        pango_context_set_round_glyph_positions(context, 0)
        pango_context_set_language(context, pango_language_from_string("zh-cn"))
    }

    deinit {
        GraphicsLibraries.use {
            measured = [:]
            earlier = []
            for description in descriptions.values { pango_font_description_free(description) }
            starcert_object_unref(UnsafeMutableRawPointer(context))
            starcert_object_unref(UnsafeMutableRawPointer(fontMap))
        }
    }

    private func description(_ role: FontRole, bold: Bool, size: Length) -> UnsafeMutablePointer<PangoFontDescription> {
        let key = FontKey(role: role, bold: bold, size: size)
        if let found = descriptions[key] { return found }
        let description = pango_font_description_new()!
        fonts.configuration.family(role).withCString { pango_font_description_set_family(description, $0) }
        pango_font_description_set_weight(description, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL)
        pango_font_description_set_absolute_size(description, size * pangoScale)
        descriptions[key] = description
        return description
    }

    /// What a layout depends on. Texts compare by their bytes, as Pango reads them (no Unicode
    /// normalisation), and the hash is computed once: a lookup may try several caches.
    private struct LayoutKey: Hashable {
        let spans: [Span]
        let style: TextStyle
        let width: Length?
        private let hash: Int

        init(spans: [Span], style: TextStyle, width: Length?) {
            self.spans = spans
            self.style = style
            self.width = width
            var hasher = Hasher()
            for span in spans {
                var text = span.text
                text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
                hasher.combine(span.bold)
                hasher.combine(span.color)
                hasher.combine(span.verbatim)
            }
            hasher.combine(style)
            hasher.combine(width)
            hash = hasher.finalize()
        }

        func hash(into hasher: inout Hasher) { hasher.combine(hash) }

        static func == (a: LayoutKey, b: LayoutKey) -> Bool {
            a.hash == b.hash && a.style == b.style && a.width == b.width && a.spans.count == b.spans.count
                && zip(a.spans, b.spans).allSatisfy { $0.text.utf8.elementsEqual($1.text.utf8) && $0.bold == $1.bold && $0.color == $1.color && $0.verbatim == $1.verbatim }
        }
    }

    /// Layouts already measured: pagination asks for the same paragraph more than once (to look
    /// ahead for headings, then to place it), and tables measure cells unwrapped and wrapped.
    private var measured: [LayoutKey: TextLayout] = [:]
    /// What the last two documents measured (a report and its certificate take turns in a
    /// batch): the standard's texts and the labels recur from one evaluation to the next.
    private var earlier: [[LayoutKey: TextLayout]] = []

    /// Ends a document: keeps its layouts for the next documents, and forgets older ones, so
    /// memory stays flat over a batch.
    func finishDocument() {
        earlier.append(measured)
        if earlier.count > 2 { earlier.removeFirst() }
        measured = [:]
    }

    /// Drops every kept layout.
    func forgetLayouts() {
        measured = [:]
        earlier = []
    }

    private func lookUp(_ key: LayoutKey) -> TextLayout? {
        if let found = measured[key] { return found }
        for generation in earlier.reversed() {
            if let found = generation[key] {
                measured[key] = found
                return found
            }
        }
        return nil
    }

    /// Lays out `spans` in `style` at `width` (nil: unwrapped, one line per paragraph).
    func layout(_ spans: [Span], style: TextStyle, width: Length?) -> TextLayout {
        let key = LayoutKey(spans: spans, style: style, width: width)
        if let found = lookUp(key) { return found }
        // A left-aligned text already measured unwrapped that fits the width wraps nowhere: the
        // same lines (tables measure every cell unwrapped first, for the column widths).
        if let width, style.alignment == .left || style.alignment == .justified,
           let unwrapped = lookUp(LayoutKey(spans: spans, style: style, width: nil)),
           (unwrapped.naturalWidth * pangoScale).rounded(.up) < (max(width, 1) * pangoScale).rounded(.down) {
            measured[key] = unwrapped
            return unwrapped
        }
        let made = makeLayout(spans, style: style, width: width)
        measured[key] = made
        return made
    }

    /// Pango measures in 32-bit integers of 1/1024 pt: a line or a column of lines longer than about
    /// 2.1 million points overflows, and the text then runs off the page as one line. No piece of
    /// text handed to Pango may come near: a paragraph is laid out in pieces of at most
    /// `pieceLength(for:)` characters, each at most `safeExtent` long were it set on one line or
    /// one character to a line.
    static let safeExtent: Length = 500_000
    /// More than any scalar's advance or line height, in ems (the widest glyphs of the configured
    /// fonts, such as the three-em dash, are three ems wide; characters no font has are refused).
    static let largestExtentInEms: Double = 4

    /// The most characters one piece of a paragraph in `style` may hold.
    static func pieceLength(for style: TextStyle) -> Int {
        max(64, Int(safeExtent / (max(style.size, 1) * max(style.lineSpacing, 1) * largestExtentInEms)))
    }

    /// Lays out `spans` as `layout` does, in as many pieces as its length needs (one for any
    /// paragraph of ordinary length): each piece starts a line; only the first has the style's
    /// first-line indent. A piece ends after a sentence where one ends near its end, else at a
    /// space, else between two characters that are not letters or digits of one word.
    func layouts(_ spans: [Span], style: TextStyle, width: Length?) -> [TextLayout] {
        let limit = Self.pieceLength(for: style)
        let pieces = Self.pieces(of: spans, limit: limit)
        return pieces.enumerated().map { index, piece in
            layout(piece, style: index == 0 ? style : style.with { $0.firstLineIndent = 0 }, width: width)
        }
    }

    /// `spans` cut into runs of at most `limit` Unicode scalars (see `layouts`), between
    /// characters: a character of many scalars (a letter with a stack of combining marks, jamo
    /// that a font draws one by one) counts for each.
    static func pieces(of spans: [Span], limit: Int) -> [[Span]] {
        var total = 0
        for span in spans {
            total += span.text.unicodeScalars.count
            if total > limit { break }
        }
        guard total > limit else { return [spans] }
        // Each character with the span it came from, and the scalars before it.
        var characters: [(character: Character, span: Int)] = []
        var scalarsBefore: [Int] = [0]
        for (index, span) in spans.enumerated() {
            for character in span.text {
                characters.append((character, index))
                scalarsBefore.append(scalarsBefore[scalarsBefore.count - 1] + character.unicodeScalars.count)
            }
        }
        func isWordCharacter(_ character: Character) -> Bool { character.isASCII && (character.isLetter || character.isNumber) }
        var pieces: [[Span]] = []
        var start = 0
        while start < characters.count {
            // The most characters within `limit` scalars, at least one.
            var end = start + 1
            while end < characters.count, scalarsBefore[end + 1] - scalarsBefore[start] <= limit { end += 1 }
            if end < characters.count, end - start > 5 {
                let candidates = stride(from: end, to: start + (end - start) * 4 / 5, by: -1)
                if let sentence = candidates.first(where: { "。！？；\n".contains(characters[$0 - 1].character) || (".!?;".contains(characters[$0 - 1].character) && characters[$0].character == " ") }) {
                    end = sentence
                } else if let space = candidates.first(where: { characters[$0 - 1].character == " " }) {
                    end = space
                } else if let between = candidates.first(where: { !isWordCharacter(characters[$0 - 1].character) || !isWordCharacter(characters[$0].character) }) {
                    end = between
                }
            }
            var piece: [Span] = []
            var position = start
            while position < end {
                let spanIndex = characters[position].span
                var text = ""
                while position < end, characters[position].span == spanIndex {
                    text.append(characters[position].character)
                    position += 1
                }
                let span = spans[spanIndex]
                piece.append(Span(text, bold: span.bold, color: span.color, verbatim: span.verbatim))
            }
            pieces.append(piece)
            start = end
        }
        return pieces
    }

    /// Marks set half-width per run of one font (see `applyAttributes`).
    static let featuresPerRun = 24

    /// What depends on where the lines broke: marks at line edges set half-width, gaps at line
    /// ends closed, and ranges where no line may break: the last two characters of a paragraph,
    /// and a gap that, closed, let the line take in what followed it.
    private struct LineEdges: Equatable {
        var halfWidthMarks: Set<Int> = []
        /// Gaps never closed: where closing one let the last line join the line before.
        var keptOpen: Set<Int> = []
        var closedGaps: Set<Int> = []
        var unbreakable: [Range<Int>] = []
        /// Whether the paragraph's last line has been given a second character.
        var lastLineKept = false
    }

    private func makeLayout(_ spans: [Span], style: TextStyle, width: Length?) -> TextLayout {
        let spacing = CJKSpacing.apply(LongTokens.breakable(spans), justified: style.alignment == .justified)
        let text = spacing.spans.map(\.text).joined()
        let gapStarts = Set(spacing.gaps.map(\.lowerBound))
        var edges = LineEdges()
        var made = makeLayout(spacing, text: text, style: style, width: width, edges: edges)
        guard text.unicodeScalars.contains(where: CJKSpacing.isCJK) else { return made }
        // A line edge found in one pass may move the later breaks of the next; the lines before
        // the first that moved keep theirs, so the passes settle within about one per line.
        for _ in 0..<max(4, made.lines.count + 2) {
            let found = lineEdges(of: made, gaps: gapStarts, previous: edges)
            if found == edges { break }
            edges = found
            made = makeLayout(spacing, text: text, style: style, width: width, edges: edges)
        }
        return made
    }

    private func makeLayout(_ spacing: CJKSpacing.Result, text typed: String, style: TextStyle, width: Length?, edges: LineEdges) -> TextLayout {
        let layout = pango_layout_new(context)!
        // Pango keeps the break after a zero-width space where it starts a run of its own, even in
        // a range that allows no breaks: a gap inside one is carried by a word joiner instead (the
        // same three bytes long, so every offset holds).
        var text = typed
        let held = spacing.gaps.filter { gap in edges.unbreakable.contains { $0.contains(gap.lowerBound) } }
        if !held.isEmpty {
            var bytes = Array(typed.utf8)
            for gap in held { bytes.replaceSubrange(gap, with: CJKSpacing.wordJoinerBytes) }
            text = String(decoding: bytes, as: UTF8.self)
        }
        pango_layout_set_text(layout, text, Int32(text.utf8.count))
        pango_layout_set_font_description(layout, description(style.font, bold: style.bold, size: style.size))
        if let width {
            // Pango rounds what justification adds to whole points when a line's slack is a whole
            // number of points; an odd width in Pango units keeps it exact.
            var units = Int32((max(width, 1) * pangoScale).rounded(.down))
            if units % 2 == 0 { units += 1 }
            pango_layout_set_width(layout, units)
            pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
        }
        switch style.alignment {
        case .left: pango_layout_set_alignment(layout, PANGO_ALIGN_LEFT)
        case .center: pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER)
        case .right: pango_layout_set_alignment(layout, PANGO_ALIGN_RIGHT)
        case .justified:
            pango_layout_set_alignment(layout, PANGO_ALIGN_LEFT)
            pango_layout_set_justify(layout, 1)
        }
        if style.lineSpacing != 1 { pango_layout_set_line_spacing(layout, Float(style.lineSpacing)) }
        if style.firstLineIndent != 0 { pango_layout_set_indent(layout, Int32((style.firstLineIndent * pangoScale).rounded())) }
        applyAttributes(spacing, style: style, edges: edges, to: layout)
        return TextLayout(layout: layout, style: style, text: text, gaps: Set(spacing.gaps.map(\.lowerBound)))
    }

    /// The line-edge rules for `layout`'s breaks: an opening bracket that starts a line and a
    /// closing mark that ends one (the last line's end aside) are set half-width; a gap that ends
    /// a line takes no width (line ends only where the text is not ragged-right); a justified paragraph whose last line would hold one Han character
    /// (its punctuation not counted, as readers count) takes the character or number before it
    /// along, when the line before keeps at least twelve (so that spreading it adds little
    /// between characters).
    private func lineEdges(of layout: TextLayout, gaps: Set<Int>, previous: LineEdges) -> LineEdges {
        // A mark once set half-width stays so: were it set full again when its line took in what
        // followed it, the passes would not settle, and a mark compressed inside a line is how
        // clreq fits a line before pushing characters over.
        var edges = LineEdges(halfWidthMarks: previous.halfWidthMarks, keptOpen: previous.keptOpen, unbreakable: previous.unbreakable, lastLineKept: previous.lastLineKept)
        let utf8 = layout.utf8
        func scalarEnd(_ offset: Int) -> Int {
            var end = offset + 1
            while end < utf8.count, utf8[end] & 0xC0 == 0x80 { end += 1 }
            return end
        }
        func scalar(at offset: Int) -> Unicode.Scalar? {
            var bytes = utf8[offset..<scalarEnd(offset)].makeIterator()
            var decoder = UTF8()
            if case let .scalarValue(scalar) = decoder.decode(&bytes), !CJKSpacing.isGapCarrier(scalar), !scalar.properties.isWhitespace {
                return scalar
            }
            return nil
        }
        /// The visible scalars of `range` (gaps and spaces left out) with their offsets, from its
        /// start or from its end, at most `limit`.
        func visible(_ range: Range<Int>, fromEnd: Bool = false, limit: Int = Int.max) -> [(Unicode.Scalar, Int)] {
            var found: [(Unicode.Scalar, Int)] = []
            var offset = fromEnd ? range.upperBound : range.lowerBound
            while found.count < limit {
                if fromEnd {
                    guard offset > range.lowerBound else { break }
                    offset -= 1
                    while offset > range.lowerBound, utf8[offset] & 0xC0 == 0x80 { offset -= 1 }
                    if let scalar = scalar(at: offset) { found.append((scalar, offset)) }
                } else {
                    guard offset < range.upperBound else { break }
                    if let scalar = scalar(at: offset) { found.append((scalar, offset)) }
                    offset = scalarEnd(offset)
                }
            }
            return found
        }
        for (index, range) in layout.lineRanges.enumerated() {
            if let (first, offset) = visible(range, limit: 1).first, CJKSpacing.markKind(first) == .opening { edges.halfWidthMarks.insert(offset) }
            // A line end in ragged-right text shows no blank: only justified, centred and
            // right-aligned lines need theirs closed.
            guard index + 1 < layout.lineRanges.count, layout.style.alignment != .left else { continue }
            if let (last, offset) = visible(range, fromEnd: true, limit: 1).first, CJKSpacing.markKind(last) == .closing { edges.halfWidthMarks.insert(offset) }
            var end = range.upperBound
            while end > range.lowerBound, utf8[end - 1] == 0x20 || utf8[end - 1] == 0x0A { end -= 1 }
            if end >= range.lowerBound + 3, gaps.contains(end - 3), !edges.keptOpen.contains(end - 3) { edges.closedGaps.insert(end - 3) }
        }
        // A gap closed last time that no longer ends a line: open it again and keep the line from
        // breaking there, so that the passes settle. Where closing it let the last line join the
        // line before, the break belongs there: the gap stays open (a quarter em short of the
        // measure) rather than push a character of the line before down.
        let lastLine = layout.lineRanges.last ?? 0..<0
        for gap in previous.closedGaps.subtracting(edges.closedGaps) where gap > 0 && gap + 3 < utf8.count {
            if previous.lastLineKept, lastLine.contains(gap) {
                edges.keptOpen.insert(gap)
                continue
            }
            var start = gap - 1
            while start > 0, utf8[start] & 0xC0 == 0x80 { start -= 1 }
            edges.unbreakable.append(start..<scalarEnd(gap + 3))
        }
        if !previous.lastLineKept, layout.style.alignment == .justified, layout.lineRanges.count >= 2, !utf8.contains(0x0A) {
            let glyphs = visible(layout.lineRanges[layout.lineRanges.count - 1]).filter { CJKSpacing.markKind($0.0) == .none }
            let before = visible(layout.lineRanges[layout.lineRanges.count - 2], fromEnd: true, limit: 13)
            if glyphs.count == 1, CJKSpacing.isHan(glyphs[0].0), before.count >= 13, let carried = before.first,
               CJKSpacing.isHan(carried.0) || CJKSpacing.isLatin(carried.0) {
                edges.unbreakable.append(carried.1..<scalarEnd(glyphs[0].1))
                edges.lastLineKept = true
            }
        }
        return edges
    }

    private func applyAttributes(_ spacing: CJKSpacing.Result, style: TextStyle, edges: LineEdges, to layout: UnsafeMutablePointer<PangoLayout>) {
        let attributes = pango_attr_list_new()!
        defer { pango_attr_list_unref(attributes) }
        func insert(_ attribute: UnsafeMutablePointer<PangoAttribute>, _ start: Int, _ end: Int) {
            attribute.pointee.start_index = UInt32(start)
            attribute.pointee.end_index = UInt32(end)
            pango_attr_list_insert(attributes, attribute)
        }
        let scale = 65535.0
        insert(pango_attr_foreground_new(UInt16(style.color.red * scale), UInt16(style.color.green * scale), UInt16(style.color.blue * scale)), 0, Int(Int32.max))
        // Chinese punctuation in its full-width form and no synthetic letter spacing.
        insert(pango_attr_language_new(pango_language_from_string("zh-cn")), 0, Int(Int32.max))
        // A word broken for want of room breaks as typed: no hyphen is drawn that the text lacks.
        insert(pango_attr_insert_hyphens_new(0)!, 0, Int(Int32.max))
        for range in spacing.gaps where !edges.closedGaps.contains(range.lowerBound) {
            var box = PangoRectangle(x: 0, y: 0, width: Int32(style.size * 0.25 * pangoScale), height: 0)
            insert(pango_attr_shape_new(&box, &box), range.lowerBound, range.upperBound)
        }
        // Every mark set half-width is a full-width form: three bytes in UTF-8.
        let halfWidth = Set(spacing.halfWidthMarks.map(\.lowerBound)).union(edges.halfWidthMarks).sorted()
        for offset in halfWidth {
            insert(pango_attr_font_features_new("halt")!, offset, offset + 3)
        }
        // Pango hands HarfBuzz at most 32 features per run of one font and drops the rest, so a
        // long paragraph is cut into runs of at most `featuresPerRun` marks: every other run is
        // set 1/1024 pt larger, which makes it a run of its own and changes nothing visible.
        let size = Int32((style.size * pangoScale).rounded())
        for (index, start) in stride(from: Self.featuresPerRun, to: halfWidth.count, by: Self.featuresPerRun).enumerated() where index % 2 == 0 {
            let end = start + Self.featuresPerRun < halfWidth.count ? halfWidth[start + Self.featuresPerRun] : Int(Int32.max)
            insert(pango_attr_size_new_absolute(size + 1)!, halfWidth[start], end)
        }
        for range in edges.unbreakable { insert(pango_attr_allow_breaks_new(0)!, range.lowerBound, range.upperBound) }
        var offset = 0
        for span in spacing.spans {
            let end = offset + span.text.utf8.count
            if let bold = span.bold, bold != style.bold {
                insert(pango_attr_weight_new(bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL), offset, end)
            }
            if let color = span.color {
                insert(pango_attr_foreground_new(UInt16(color.red * scale), UInt16(color.green * scale), UInt16(color.blue * scale)), offset, end)
            }
            offset = end
        }
        pango_layout_set_attributes(layout, attributes)
    }
}
