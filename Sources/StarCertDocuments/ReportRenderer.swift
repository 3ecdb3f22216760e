import Foundation
import PDFObjects
import StarCertCore
import StarCertTemplates
import Typesetting

/// The kinds of file `starcert report` writes.
public enum OutputFormat: String, CaseIterable, Sendable {
    case pdf
    case html
}

public enum ReportError: Error, CustomStringConvertible {
    /// Characters no configured font can show, with the assessment fields they are in.
    case unshowableCharacters([(character: Character, field: String)])
    case missingColorProfile(String)
    /// The PDF Cairo wrote could not be made archival (PDF/A-2b).
    case archivalForm(PDFFileError)

    public var description: String {
        switch self {
        case let .unshowableCharacters(list):
            // The first few of them: a pasted text may hold thousands.
            let shown = 12
            let described = list.prefix(shown).map { entry in
                let codes = entry.character.unicodeScalars.map { "U+" + String($0.value, radix: 16, uppercase: true) }.joined(separator: " ")
                return "“\(entry.character)” (\(codes)) in \(entry.field)"
            }
            let more = list.count > shown ? " and \(list.count - shown) more" : ""
            return "the fonts cannot show \(described.joined(separator: ", "))\(more); replace these characters or add a font that has them to Fonts/ (see Fonts/README.md)"
        case let .missingColorProfile(message):
            return message
        case let .archivalForm(error):
            return "the archival form (PDF/A-2b) could not be made: \(error)"
        }
    }
}

/// Renders evaluation reports and certificates. Holds one typesetter; not thread-safe — create
/// one per thread.
public final class ReportRenderer {
    private let typesetter: Typesetter
    private let fonts: FontConfiguration
    private var loadedHTML: HTMLDocuments?
    public let templates: DocumentTemplates
    /// Whether `render` draws the certificate on a thread of its own, with a typesetter of its
    /// own, while it draws the report: worth it when cores would otherwise stay idle (one input).
    public var drawsCertificateAlongside = false

    /// `html`: the HTML templates, when loaded already (they are shared by all renderers of a
    /// batch); otherwise they are loaded the first time HTML is asked for.
    public init(fonts: FontConfiguration, templates: DocumentTemplates, html: HTMLDocuments? = nil) throws {
        typesetter = try Typesetter(fonts: fonts)
        self.fonts = fonts
        loadedHTML = html
        self.templates = templates
    }

    /// Drops the text layouts kept from earlier documents (see `Typesetter.forgetLayouts`).
    public func forgetLayouts() {
        typesetter.forgetLayouts()
    }

    private func html() throws -> HTMLDocuments {
        if let loadedHTML { return loadedHTML }
        let loaded = try HTMLDocuments(templates: templates)
        loadedHTML = loaded
        return loaded
    }

    /// The report laid out into pages (for tests and previews).
    public func layoutReport(_ model: ReportModel, images: [String: ImageData] = [:]) -> LaidOutDocument {
        typesetter.layout(ReportDocument(model: model, images: images).build())
    }

    public func layoutCertificate(_ model: CertificateModel) -> LaidOutDocument {
        typesetter.layout(CertificateDocument(model: model).build())
    }

    /// A certificate as drawn: the files, and what its layout had to compromise on.
    public struct CertificateOutput: Sendable {
        public let pdf: [UInt8]?
        public let html: String?
        public let warnings: [String]
        public let overflows: [TextOverflow]
    }

    /// The report and, when there is one, the certificate; the certificate is drawn on a thread of
    /// its own while the report is drawn when `drawsCertificateAlongside` is set.
    public func renderDocuments(report model: ReportModel, images: [String: ImageData], certificate: CertificateModel?,
                                formats: Set<OutputFormat>, archival: Bool = false) throws
        -> (report: (pdf: [UInt8]?, html: String?, laidOut: LaidOutDocument?), certificate: CertificateOutput?)
    {
        var alongside: Concurrent<CertificateOutput>?
        if drawsCertificateAlongside, let certificate {
            let (fonts, templates, html) = (fonts, templates, formats.contains(.html) ? try html() : nil)
            alongside = Concurrent {
                try ReportRenderer(fonts: fonts, templates: templates, html: html).renderCertificateOutput(certificate, formats: formats, archival: archival)
            }
        }
        defer { _ = try? alongside?.value() }
        let report = try renderReport(model, images: images, formats: formats, archival: archival)
        let drawn = try alongside?.value() ?? certificate.map { try renderCertificateOutput($0, formats: formats, archival: archival) }
        return (report, drawn)
    }

    func renderCertificateOutput(_ model: CertificateModel, formats: Set<OutputFormat>, archival: Bool) throws -> CertificateOutput {
        let made = try renderCertificate(model, formats: formats, archival: archival)
        return CertificateOutput(pdf: made.pdf, html: made.html, warnings: made.laidOut?.warnings ?? [], overflows: made.laidOut?.overflows ?? [])
    }

    /// The report of `model` in each of `formats`, with `images` (photo path → picture) already
    /// checked; `archival` makes the PDF conform to PDF/A-2b.
    public func renderReport(_ model: ReportModel, images: [String: ImageData], formats: Set<OutputFormat>, archival: Bool = false) throws
        -> (pdf: [UInt8]?, html: String?, laidOut: LaidOutDocument?)
    {
        var pdf: [UInt8]?
        var laidOut: LaidOutDocument?
        if formats.contains(.pdf) {
            let document = typesetter.layout(ReportDocument(model: model, images: images).build())
            pdf = try self.pdf(document, archival: archival)
            laidOut = document
        }
        return (pdf, formats.contains(.html) ? try html().report(model, images: images) : nil, laidOut)
    }

    /// A certificate in each of `formats`, with its layout (for its overflows).
    public func renderCertificate(_ model: CertificateModel, formats: Set<OutputFormat>, archival: Bool = false) throws
        -> (pdf: [UInt8]?, html: String?, laidOut: LaidOutDocument?)
    {
        var pdf: [UInt8]?
        var laidOut: LaidOutDocument?
        if formats.contains(.pdf) {
            let document = layoutCertificate(model)
            pdf = try self.pdf(document, archival: archival)
            laidOut = document
        }
        return (pdf, formats.contains(.html) ? try html().certificate(model) : nil, laidOut)
    }

    private func pdf(_ document: LaidOutDocument, archival: Bool) throws -> [UInt8] {
        guard archival else { return try typesetter.pdf(document) }
        let tagged = try typesetter.taggedPDF(document)
        let facts = document.metadata
        let metadata = PDFArchival.Metadata(
            title: facts.title, author: facts.author, subject: facts.subject, keywords: facts.keywords, creator: facts.creator,
            producer: "StarCert (cairo \(Typesetter.cairoVersion))", creationDate: facts.creationDate, language: facts.language)
        do {
            let archival = try PDFArchival.archival(tagged.bytes, metadata: metadata, figures: tagged.figureTexts, colorProfile: try ColorProfile.sRGB())
            return try PDFCompaction.compacted(archival)
        } catch let error as PDFFileError {
            throw ReportError.archivalForm(error)
        }
    }

    /// Characters no font has (with the fields they are in), and warnings for characters drawn from
    /// a fallback font.
    public func checkGlyphs(_ texts: [(field: String, text: String)]) -> (missing: [(character: Character, field: String)], warnings: [String]) {
        var missing: [(Character, String)] = []
        var warnings: [String] = []
        // Each distinct character once, for both roles.
        var seen = Set<Character>()
        let distinct = String(texts.flatMap(\.text).filter { seen.insert($0).inserted })
        // Each field read once per role, whatever the number of characters found (linear in the texts).
        var reported = Set<String>()
        for role in FontRole.allCases {
            let coverage = typesetter.coverage(of: distinct, role: role)
            if coverage.isComplete { continue }
            let lacking = Set(coverage.missing)
            let fallbacks = Dictionary(coverage.fallbacks.map { ($0.character, $0.family) }, uniquingKeysWith: { first, _ in first })
            for (field, text) in texts {
                var inField = Set<Character>()
                for character in text where (lacking.contains(character) || fallbacks[character] != nil) && inField.insert(character).inserted {
                    if lacking.contains(character) {
                        if reported.insert("\(field)\u{0}\(character)").inserted { missing.append((character, field)) }
                    } else if let family = fallbacks[character] {
                        let warning = "“\(character)” in \(field) is drawn with \(family), which the main fonts lack"
                        if reported.insert(warning).inserted { warnings.append(warning) }
                    }
                }
            }
        }
        return (missing, warnings)
    }
}

/// A computation running on another thread; `value()` waits for its result.
private final class Concurrent<Value: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<Value, any Error>?

    init(_ body: @escaping @Sendable () throws -> Value) {
        Thread.detachNewThread {
            self.result = Result(catching: body)
            self.done.signal()
        }
    }

    func value() throws -> Value {
        done.wait()
        done.signal()  // later calls return at once
        return try result!.get()
    }
}

/// The sRGB ICC profile of PDF/A output intents, read once from Debian's icc-profiles-free.
public enum ColorProfile {
    private static let loaded: Result<[UInt8], ReportError> = {
        switch InputFile.read(PDFArchival.colorProfilePath, limit: 1 << 20) {
        case let .success(bytes): return .success(bytes)
        case let .failure(problem):
            return .failure(.missingColorProfile("the sRGB colour profile \(PDFArchival.colorProfilePath) cannot be read (\(problem)); install Debian's icc-profiles-free (Scripts/setup does)"))
        }
    }()

    public static func sRGB() throws -> [UInt8] { try loaded.get() }
}
