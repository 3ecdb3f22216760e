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
    let style: TextStyle
    let text: String

    /// `gaps`: byte offsets of zero-width spaces that stand for spaces (see `CJKSpacing`); other
    /// zero-width spaces only mark break opportunities and are left out of the lines' text.
    init(layout: UnsafeMutablePointer<PangoLayout>, style: TextStyle, text: String, gaps: Set<Int> = []) {
        self.layout = layout
        self.style = style
        self.text = text
        var lines: [LineMetrics] = []
        let utf8 = Array(text.utf8)
        let iter = pango_layout_get_iter(layout)
        repeat {
            var logical = PangoRectangle()
            pango_layout_iter_get_line_extents(iter, nil, &logical)
            let baseline = Double(pango_layout_iter_get_baseline(iter)) / pangoScale
            let line = pango_layout_iter_get_line_readonly(iter)!.pointee
            let start = min(utf8.count, Int(line.start_index))
            let end = min(utf8.count, start + Int(line.length))
            lines.append(LineMetrics(
                text: Self.readable(utf8, start..<end, gaps: gaps),
                top: Double(logical.y) / pangoScale, height: Double(logical.height) / pangoScale,
                baseline: baseline, x: Double(logical.x) / pangoScale, width: Double(logical.width) / pangoScale))
        } while pango_layout_iter_next_line(iter) != 0
        pango_layout_iter_free(iter)
        self.lines = lines
    }

    deinit {
        starcert_object_unref(UnsafeMutableRawPointer(layout))
    }

    private static func readable(_ utf8: [UInt8], _ range: Range<Int>, gaps: Set<Int>) -> String {
        let raw = String(decoding: utf8[range], as: UTF8.self)
        guard raw.unicodeScalars.contains(CJKSpacing.zeroWidthSpace) else { return raw }
        var out = String.UnicodeScalarView()
        var offset = range.lowerBound
        for scalar in raw.unicodeScalars {
            if scalar == CJKSpacing.zeroWidthSpace {
                if gaps.contains(offset) { out.append(" ") }
            } else {
                out.append(scalar)
            }
            offset += String(scalar).utf8.count
        }
        return String(out)
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
        for description in descriptions.values { pango_font_description_free(description) }
        starcert_object_unref(UnsafeMutableRawPointer(context))
        starcert_object_unref(UnsafeMutableRawPointer(fontMap))
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
            }
            hasher.combine(style)
            hasher.combine(width)
            hash = hasher.finalize()
        }

        func hash(into hasher: inout Hasher) { hasher.combine(hash) }

        static func == (a: LayoutKey, b: LayoutKey) -> Bool {
            a.hash == b.hash && a.style == b.style && a.width == b.width && a.spans.count == b.spans.count
                && zip(a.spans, b.spans).allSatisfy { $0.text.utf8.elementsEqual($1.text.utf8) && $0.bold == $1.bold && $0.color == $1.color }
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

    private func makeLayout(_ spans: [Span], style: TextStyle, width: Length?) -> TextLayout {
        let layout = pango_layout_new(context)!
        var spans = LongTokens.breakable(spans)
        var spaced: [Range<Int>] = []
        if style.alignment == .justified {
            let spacing = CJKSpacing.apply(spans)
            spans = spacing.spans
            spaced = spacing.gaps
        }
        let text = spans.map(\.text).joined()
        pango_layout_set_text(layout, text, Int32(text.utf8.count))
        pango_layout_set_font_description(layout, description(style.font, bold: style.bold, size: style.size))
        if let width {
            pango_layout_set_width(layout, Int32((max(width, 1) * pangoScale).rounded(.down)))
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
        applyAttributes(spans, style: style, spaced: spaced, to: layout)
        return TextLayout(layout: layout, style: style, text: text, gaps: Set(spaced.map(\.lowerBound)))
    }

    private func applyAttributes(_ spans: [Span], style: TextStyle, spaced: [Range<Int>], to layout: UnsafeMutablePointer<PangoLayout>) {
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
        for range in spaced {
            var box = PangoRectangle(x: 0, y: 0, width: Int32(style.size * 0.25 * pangoScale), height: 0)
            insert(pango_attr_shape_new(&box, &box), range.lowerBound, range.upperBound)
        }
        var offset = 0
        for span in spans {
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
