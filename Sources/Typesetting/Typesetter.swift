import CPangoCairo

/// The typesetting layer's entry point: lays documents out into pages, then draws them as PDF.
///
/// A typesetter owns its fonts and Pango context; it is not thread-safe. Use one per thread
/// (parallel renders each create their own); no Pango or Cairo object is shared, and every call
/// into the libraries holds `GraphicsLibraries`' lock.
public final class Typesetter {
    private let engine: TextEngine

    public init(fonts: FontConfiguration) throws {
        engine = try GraphicsLibraries.use { try TextEngine(fonts: try FontLibrary(fonts)) }
    }

    /// Pages of positioned items: everything about pagination, without any PDF bytes.
    public func layout(_ document: Document) -> LaidOutDocument {
        GraphicsLibraries.use {
            defer { engine.finishDocument() }
            return Paginator(engine: engine).layout(document)
        }
    }

    /// Drops the layouts kept from earlier documents (which spare a batch laying out the same
    /// texts again); the next document is laid out from scratch.
    public func forgetLayouts() {
        GraphicsLibraries.use { engine.forgetLayouts() }
    }

    /// The PDF file for laid-out pages, tagged. The same input gives the same bytes.
    public func pdf(_ document: LaidOutDocument) throws -> [UInt8] {
        try GraphicsLibraries.use { try PDFRenderer().render(document).bytes }
    }

    /// The PDF file as Cairo wrote it, with the alternative texts of its figures in the order they
    /// were tagged (what an archival fix-up adds, since Cairo cannot write them).
    public func taggedPDF(_ document: LaidOutDocument) throws -> (bytes: [UInt8], figureTexts: [String]) {
        let rendered = try GraphicsLibraries.use { try PDFRenderer().render(document) }
        return (rendered.bytes, rendered.figures)
    }

    /// The version of the Cairo library that draws the PDFs (named as their producer).
    public static var cairoVersion: String {
        String(cString: cairo_version_string())
    }

    /// Characters of `text` that the fonts cannot show in `role`: `missing` have no glyph in any
    /// configured font; `fallbacks` are drawn from another configured family that has them.
    public func coverage(of text: String, role: FontRole) -> GlyphCoverage {
        GraphicsLibraries.use { engine.fonts.coverage(of: text, family: engine.fonts.configuration.family(role)) }
    }
}

/// What `Typesetter.coverage` found.
public struct GlyphCoverage {
    public var missing: [Character] = []
    public var fallbacks: [(character: Character, family: String)] = []

    public var isComplete: Bool { missing.isEmpty && fallbacks.isEmpty }
}
