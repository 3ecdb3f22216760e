import Foundation
import StarCertCore
import Typesetting

/// The kinds of file `starcert report` writes.
public enum OutputFormat: String, CaseIterable, Sendable {
    case pdf
    case html
}

/// The documents of one evaluation, in the formats asked for.
public struct RenderedDocuments {
    /// PDF bytes, when PDF was asked for.
    public let report: [UInt8]?
    /// Only for certified evaluations.
    public let certificate: [UInt8]?
    public let reportHTML: String?
    public let certificateHTML: String?
    public let reportPages: Int
    /// Compromises worth telling the user about (a fallback font, text shrunk to its minimum).
    public let warnings: [String]
}

public enum ReportError: Error, CustomStringConvertible {
    /// Characters no configured font can show, with the assessment fields they are in.
    case unshowableCharacters([(character: Character, field: String)])
    case unreadablePhoto(String)

    public var description: String {
        switch self {
        case let .unshowableCharacters(list):
            let described = list.map { entry in
                let codes = entry.character.unicodeScalars.map { "U+" + String($0.value, radix: 16, uppercase: true) }.joined(separator: " ")
                return "“\(entry.character)” (\(codes)) in \(entry.field)"
            }
            return "the fonts cannot show \(described.joined(separator: ", ")); replace these characters or add a font that has them to Fonts/ (see Fonts/README.md)"
        case let .unreadablePhoto(path):
            return "the photo \(path) cannot be read as a JPEG or PNG picture"
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

    /// The report laid out into pages, after the glyph check (for tests and previews).
    public func layoutReport(_ model: ReportModel) throws -> LaidOutDocument {
        _ = try checkGlyphs(model)
        return typesetter.layout(ReportDocument(model: model, images: try loadImages(model)).build())
    }

    public func layoutCertificate(_ model: CertificateModel) -> LaidOutDocument {
        typesetter.layout(CertificateDocument(model: model).build())
    }

    /// The report and, for a certified evaluation, the certificate in each of `formats`; nothing is
    /// written. Throws before anything is drawn when user text holds characters the fonts lack or a
    /// photo cannot be read.
    public func render(_ evaluation: Evaluation, formats: Set<OutputFormat> = [.pdf], issuer: Issuer = .builtInDefault) throws -> RenderedDocuments {
        let model = try CertificateModel(evaluation, text: templates.certificate, issuer: issuer)
        var alongside: Concurrent<(pdf: [UInt8]?, html: String?, warnings: [String])>?
        if drawsCertificateAlongside, let model {
            let (fonts, templates, html) = (fonts, templates, formats.contains(.html) ? try html() : nil)
            alongside = Concurrent { try ReportRenderer(fonts: fonts, templates: templates, html: html).renderCertificate(model, formats: formats) }
        }
        defer { _ = try? alongside?.value() }
        let report = try renderReport(evaluation, formats: formats, issuer: issuer)
        let certificate = try alongside?.value() ?? model.map { try renderCertificate($0, formats: formats) }
        return RenderedDocuments(
            report: report.pdf, certificate: certificate?.pdf, reportHTML: report.html, certificateHTML: certificate?.html,
            reportPages: report.pages, warnings: report.warnings + (certificate?.warnings ?? []))
    }

    /// The report alone, in each of `formats`.
    public func renderReport(_ evaluation: Evaluation, formats: Set<OutputFormat>, issuer: Issuer = .builtInDefault, previous: [PreviousEvaluation] = []) throws
        -> (pdf: [UInt8]?, html: String?, pages: Int, warnings: [String])
    {
        let model = ReportModel(evaluation, labels: templates.labels, issuer: issuer, previous: previous)
        var warnings = try checkGlyphs(model)
        let images = try loadImages(model)
        var pdf: [UInt8]?
        var pages = 0
        if formats.contains(.pdf) {
            let laidOut = typesetter.layout(ReportDocument(model: model, images: images).build())
            warnings += laidOut.warnings
            pages = laidOut.pages.count
            pdf = try typesetter.pdf(laidOut)
        }
        return (pdf, formats.contains(.html) ? try html().report(model, images: images) : nil, pages, warnings)
    }

    /// A certificate in each of `formats`.
    public func renderCertificate(_ model: CertificateModel, formats: Set<OutputFormat>) throws -> (pdf: [UInt8]?, html: String?, warnings: [String]) {
        var pdf: [UInt8]?
        var warnings: [String] = []
        if formats.contains(.pdf) {
            let laidOut = layoutCertificate(model)
            warnings = laidOut.warnings
            pdf = try typesetter.pdf(laidOut)
        }
        return (pdf, formats.contains(.html) ? try html().certificate(model) : nil, warnings)
    }

    /// Errors for characters no font has; warnings for characters drawn from a fallback font.
    private func checkGlyphs(_ model: ReportModel) throws -> [String] {
        var missing: [(Character, String)] = []
        var warnings: [String] = []
        // Each distinct character once, for both roles.
        var seen = Set<Character>()
        let distinct = String(model.userTexts.flatMap(\.text).filter { seen.insert($0).inserted })
        for role in FontRole.allCases {
            let coverage = typesetter.coverage(of: distinct, role: role)
            if coverage.isComplete { continue }
            for (field, text) in model.userTexts {
                for character in coverage.missing where text.contains(character) && !missing.contains(where: { $0.0 == character && $0.1 == field }) {
                    missing.append((character, field))
                }
                for (character, family) in coverage.fallbacks where text.contains(character) {
                    let warning = "“\(character)” in \(field) is drawn with \(family), which the main fonts lack"
                    if !warnings.contains(warning) { warnings.append(warning) }
                }
            }
        }
        if !missing.isEmpty { throw ReportError.unshowableCharacters(missing) }
        return warnings
    }

    private func loadImages(_ model: ReportModel) throws -> [String: ImageData] {
        var images: [String: ImageData] = [:]
        for photo in model.sections.flatMap({ $0.items.flatMap(\.photos) }) where images[photo.path] == nil {
            guard let data = FileManager.default.contents(atPath: photo.path), let image = ImageData(bytes: Array(data)) else {
                throw ReportError.unreadablePhoto(photo.path)
            }
            images[photo.path] = image
        }
        return images
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
