import CPangoCairo
import Foundation

/// Collects the bytes Cairo writes.
private final class ByteSink {
    var bytes: [UInt8] = []
}

private func writeToSink(_ closure: UnsafeMutableRawPointer?, _ data: UnsafePointer<UInt8>?, _ length: UInt32) -> cairo_status_t {
    guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
    let sink = Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue()
    sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
    return CAIRO_STATUS_SUCCESS
}

/// Reads PNG bytes for Cairo.
final class PNGSource {
    let bytes: [UInt8]
    var offset = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }
}

func readPNGBytes(_ closure: UnsafeMutableRawPointer?, _ data: UnsafeMutablePointer<UInt8>?, _ length: UInt32) -> cairo_status_t {
    guard let closure, let data else { return CAIRO_STATUS_READ_ERROR }
    let source = Unmanaged<PNGSource>.fromOpaque(closure).takeUnretainedValue()
    let count = Int(length)
    guard source.offset + count <= source.bytes.count else { return CAIRO_STATUS_READ_ERROR }
    source.bytes.withUnsafeBufferPointer { buffer in
        data.update(from: buffer.baseAddress! + source.offset, count: count)
    }
    source.offset += count
    return CAIRO_STATUS_SUCCESS
}

/// Draws laid-out pages onto a Cairo PDF surface and returns the file's bytes. The items' structure
/// paths become a tagged PDF (a Document element holding headings, paragraphs, lists, tables,
/// figures and links); items outside any structure element stay untagged, so running headers,
/// footers and decoration are not read as text.
struct PDFRenderer {
    /// The PDF, and the alternative texts of its Figure elements in the order they were opened
    /// (Cairo 1.16 cannot write them; `PDFArchival` adds them).
    func render(_ document: LaidOutDocument) throws -> (bytes: [UInt8], figures: [String]) {
        let sink = ByteSink()
        let first = document.pages.first?.size ?? .a4Portrait
        let closure = Unmanaged.passUnretained(sink).toOpaque()
        guard let surface = cairo_pdf_surface_create_for_stream(writeToSink, closure, first.width, first.height) else {
            throw TypesettingError.cairo("no PDF surface")
        }
        defer { cairo_surface_destroy(surface) }
        try check(cairo_surface_status(surface))
        setMetadata(document.metadata, on: surface)
        cairo_pdf_surface_restrict_to_version(surface, CAIRO_PDF_VERSION_1_5)

        let cr = cairo_create(surface)!
        defer { cairo_destroy(cr) }
        var images = ImageCache()
        defer { images.release() }
        var figures: [String] = []
        for page in document.pages {
            cairo_pdf_surface_set_size(surface, page.size.width, page.size.height)
            // Opened after the first page's size is set: Cairo 1.16 drops a tag begun before that.
            if page.number == document.pages.first?.number { cairo_tag_begin(cr, "Document", "") }
            var open: [StructureNode] = []
            for (index, item) in page.items.enumerated() {
                let path = index < page.structure.count ? page.structure[index] : []
                var common = 0
                while common < open.count, common < path.count, open[common] == path[common] { common += 1 }
                while open.count > common { cairo_tag_end(cr, open.removeLast().role.rawValue) }
                for node in path[common...] {
                    cairo_tag_begin(cr, node.role.rawValue, node.link.map { "uri='\(Self.escapedAttribute($0))'" } ?? "")
                    if node.role == .figure { figures.append(node.alternativeText ?? "") }
                    open.append(node)
                }
                try draw(item, on: cr, images: &images)
            }
            // Elements end with their page: what continues on the next page is a new element.
            while let node = open.popLast() { cairo_tag_end(cr, node.role.rawValue) }
            cairo_show_page(cr)
            try check(cairo_status(cr))
        }
        if !document.pages.isEmpty { cairo_tag_end(cr, "Document") }
        addOutline(document.outline, to: surface)
        try check(cairo_status(cr))
        cairo_surface_finish(surface)
        try check(cairo_surface_status(surface))
        return (withExtendedLifetime(sink) { sink.bytes }, figures)
    }

    /// A value inside a Cairo tag attribute string: quotes and backslashes escaped.
    static func escapedAttribute(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
    }

    private func check(_ status: cairo_status_t) throws {
        guard status == CAIRO_STATUS_SUCCESS else { throw TypesettingError.cairo(String(cString: cairo_status_to_string(status))) }
    }

    private func setMetadata(_ metadata: DocumentMetadata, on surface: UnsafeMutablePointer<cairo_surface_t>) {
        let entries: [(cairo_pdf_metadata_t, String)] = [
            (CAIRO_PDF_METADATA_TITLE, metadata.title), (CAIRO_PDF_METADATA_AUTHOR, metadata.author),
            (CAIRO_PDF_METADATA_SUBJECT, metadata.subject), (CAIRO_PDF_METADATA_KEYWORDS, metadata.keywords),
            (CAIRO_PDF_METADATA_CREATOR, metadata.creator), (CAIRO_PDF_METADATA_CREATE_DATE, metadata.creationDate),
        ]
        for (key, value) in entries where !value.isEmpty {
            cairo_pdf_surface_set_metadata(surface, key, value)
        }
    }

    private func addOutline(_ outline: [OutlineEntry], to surface: UnsafeMutablePointer<cairo_surface_t>) {
        var parents: [Int32] = []
        for entry in outline {
            let level = min(entry.level, parents.count)
            parents = Array(parents.prefix(level))
            let parent = parents.last ?? Int32(CAIRO_PDF_OUTLINE_ROOT)
            let link = "page=\(entry.page) pos=[0 \(Int(entry.y.rounded(.down)))]"
            let id = cairo_pdf_surface_add_outline(surface, parent, entry.title, link, cairo_pdf_outline_flags_t(0))
            parents.append(id)
        }
    }

    private func setColor(_ color: Color, on cr: UnsafeMutablePointer<cairo_t>) {
        cairo_set_source_rgb(cr, color.red, color.green, color.blue)
    }

    private func draw(_ item: PageItem, on cr: UnsafeMutablePointer<cairo_t>, images: inout ImageCache) throws {
        switch item {
        case let .text(fragment):
            setColor(fragment.style.color, on: cr)
            let layout = fragment.layout
            let firstTop = layout.lines[fragment.lineRange.lowerBound].top
            for index in fragment.lineRange {
                let line = layout.lines[index]
                cairo_move_to(cr, fragment.frame.x + line.x, fragment.frame.y + line.baseline - firstTop)
                pango_cairo_show_layout_line(cr, pango_layout_get_line_readonly(layout.layout, Int32(index)))
            }
        case let .rectangle(rect, fill, stroke, lineWidth):
            cairo_rectangle(cr, rect.x, rect.y, rect.width, rect.height)
            paint(fill: fill, stroke: stroke, lineWidth: lineWidth, on: cr)
        case let .line(from, to, color, width):
            setColor(color, on: cr)
            cairo_set_line_width(cr, width)
            cairo_move_to(cr, from.x, from.y)
            cairo_line_to(cr, to.x, to.y)
            cairo_stroke(cr)
        case let .polygon(points, fill, stroke, lineWidth):
            guard let first = points.first else { return }
            cairo_move_to(cr, first.x, first.y)
            for point in points.dropFirst() { cairo_line_to(cr, point.x, point.y) }
            cairo_close_path(cr)
            paint(fill: fill, stroke: stroke, lineWidth: lineWidth, on: cr)
        case let .image(data, frame):
            let surface = try images.surface(for: data)
            cairo_save(cr)
            cairo_translate(cr, frame.x, frame.y)
            cairo_scale(cr, frame.width / Double(data.pixelWidth), frame.height / Double(data.pixelHeight))
            cairo_set_source_surface(cr, surface, 0, 0)
            // FAST writes /Interpolate false, as PDF/A asks; JPEGs are embedded as they are either way.
            cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_FAST)
            // A bounded fill rather than cairo_paint: Cairo 1.16 rejects an unbounded paint inside a tag.
            cairo_rectangle(cr, 0, 0, Double(data.pixelWidth), Double(data.pixelHeight))
            cairo_fill(cr)
            cairo_restore(cr)
        case let .qrCode(matrix, frame, color):
            let module = frame.width / Double(matrix.width)
            setColor(color, on: cr)
            for run in matrix.darkRuns {
                cairo_rectangle(cr, frame.x + Double(run.column) * module, frame.y + Double(run.row) * module, Double(run.length) * module, module)
            }
            cairo_fill(cr)
        }
    }

    private func paint(fill: Color?, stroke: Color?, lineWidth: Length, on cr: UnsafeMutablePointer<cairo_t>) {
        if let fill {
            setColor(fill, on: cr)
            if stroke != nil { cairo_fill_preserve(cr) } else { cairo_fill(cr) }
        }
        if let stroke {
            setColor(stroke, on: cr)
            cairo_set_line_width(cr, lineWidth)
            cairo_stroke(cr)
        }
        if fill == nil, stroke == nil { cairo_new_path(cr) }
    }
}

/// One Cairo surface per distinct picture in a render, destroyed at its end.
private struct ImageCache {
    private var surfaces: [[UInt8]: UnsafeMutablePointer<cairo_surface_t>] = [:]

    mutating func surface(for image: ImageData) throws -> UnsafeMutablePointer<cairo_surface_t> {
        if let found = surfaces[image.bytes] { return found }
        let surface: UnsafeMutablePointer<cairo_surface_t>
        switch image.format {
        case .jpeg:
            // The pixels are never decoded: the PDF embeds the JPEG bytes as they are (DCTDecode).
            surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(image.pixelWidth), Int32(image.pixelHeight))
            let copy = malloc(image.bytes.count)!
            image.bytes.withUnsafeBytes { copy.copyMemory(from: $0.baseAddress!, byteCount: image.bytes.count) }
            cairo_surface_set_mime_data(surface, CAIRO_MIME_TYPE_JPEG, copy.assumingMemoryBound(to: UInt8.self), UInt(image.bytes.count), free, copy)
        case .png:
            let source = PNGSource(image.bytes)
            surface = withExtendedLifetime(source) {
                cairo_image_surface_create_from_png_stream(readPNGBytes, Unmanaged.passUnretained(source).toOpaque())
            }
        }
        guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            cairo_surface_destroy(surface)
            throw TypesettingError.cairo("a picture could not be read")
        }
        surfaces[image.bytes] = surface
        return surface
    }

    func release() {
        for surface in surfaces.values { cairo_surface_destroy(surface) }
    }
}
