import Foundation
import StarCertTemplates
import Typesetting

/// The report and the certificate as single self-contained HTML files (inline CSS and SVG,
/// photos as data URIs), from the same models as the PDFs and the Mustache templates in
/// `Templates/html/`. Every value is HTML-escaped by the templates (`{{…}}`); no template uses
/// unescaped output.
public struct HTMLDocuments: Sendable {
    private let library: TemplateLibrary

    /// Loads `report.mustache`, `certificate.mustache` and their partials from `folder`.
    public init(folder: URL) throws(TemplateError) {
        library = try TemplateLibrary(folder: folder, required: ["report", "certificate"])
    }

    /// The templates in the `html` folder of `templates`.
    public init(templates: DocumentTemplates) throws(TemplateError) {
        try self.init(folder: templates.folder.appendingPathComponent("html"))
    }

    public func report(_ model: ReportModel, images: [String: ImageData]) throws(TemplateError) -> String {
        placingGaps(try library.render("report", spacedContext(ReportContext(model, images: images).values)))
    }

    public func certificate(_ model: CertificateModel) throws(TemplateError) -> String {
        placingGaps(try library.render("certificate", spacedContext(CertificateContext(model).values)))
    }
}

/// Values of a template context that are not running text: metadata, a certificate's number (a
/// code, set as issued), and CSS strings (running headers as typed).
private let unspacedKeys: Set<String> = ["documentTitle", "author", "subject", "keywords", "number", "runningTitleCSS", "runningOrganizationCSS", "footerCSS"]

/// Stands in rendered HTML for a Han–Latin gap until `placingGaps` replaces it. No text can hold
/// it: YAML, XML (workbooks) and StarCert's JSON reader refuse control characters.
private let gapMark: Unicode.Scalar = "\u{1}"

/// Every text of a template context marked where the PDF sets a Han–Latin gap.
private func spacedContext(_ context: [String: Any]) -> [String: Any] {
    context.reduce(into: [:]) { result, entry in result[entry.key] = unspacedKeys.contains(entry.key) ? entry.value : spaced(entry.value) }
}

private func spaced(_ value: Any) -> Any {
    switch value {
    case let text as String: return markingHanLatinGaps([Span(text)], with: gapMark)
    // Dictionaries and arrays of any element type cast to these two.
    case let values as [String: Any]: return values.mapValues(spaced)
    case let list as [Any]: return list.map(spaced)
    default: return value
    }
}

/// `html` with each gap mark drawn as a quarter-em gap that is no character of the text, so that
/// copying, searching the page and screen readers get the text as typed: in HTML text an empty
/// `<span class="g">` (its `::before` draws a four-per-em space with no spoken alternative), in SVG
/// text the next character moved a quarter em; in attribute values (alternative texts, labels) and
/// anywhere else the mark is dropped. Chromium's own `text-autospace` adds an eighth of an em only.
private func placingGaps(_ html: String) -> String {
    guard html.unicodeScalars.contains(gapMark) else { return html }
    var out = String.UnicodeScalarView()
    var scalars = html.unicodeScalars[...]
    var svgDepth = 0
    /// Elements whose content is not markup: nothing but the mark is looked for until they end.
    var rawUntil: String?
    while let scalar = scalars.popFirst() {
        if scalar == gapMark {
            guard rawUntil == nil else { continue }
            if svgDepth > 0 {
                guard let next = scalars.first, next != "<" else { continue }
                scalars.removeFirst()
                out.append(contentsOf: "<tspan dx=\"0.25em\">".unicodeScalars)
                out.append(next)
                out.append(contentsOf: "</tspan>".unicodeScalars)
            } else {
                out.append(contentsOf: "<span class=\"g\"></span>".unicodeScalars)
            }
            continue
        }
        out.append(scalar)
        guard scalar == "<" else { continue }
        // A tag: copied whole, marks in its attribute values dropped.
        var tag = String.UnicodeScalarView()
        while let inside = scalars.popFirst() {
            if inside == gapMark { continue }
            out.append(inside)
            if inside == ">" { break }
            tag.append(inside)
        }
        var name = String(String(tag).prefix { !$0.isWhitespace }).lowercased()
        let selfClosing = tag.last == "/"
        if name.hasSuffix("/") { name.removeLast() }
        if let raw = rawUntil {
            if name == raw { rawUntil = nil }
            continue
        }
        switch name {
        case "svg" where !selfClosing: svgDepth += 1
        case "/svg": svgDepth = max(0, svgDepth - 1)
        case "style", "script", "title": rawUntil = "/" + name
        default: break
        }
    }
    return String(out)
}

/// Label keys as Mustache names: `summary.heading` becomes `summary_heading`.
private func labelValues(_ labels: Labels) -> [String: String] {
    var values: [String: String] = [:]
    for key in labels.keys {
        values[key.replacingOccurrences(of: ".", with: "_").replacingOccurrences(of: "-", with: "_")] = labels[key]
    }
    return values
}

private func number(_ value: Double) -> String { String(format: "%.2f", value) }

/// A picture as a `data:` address.
private func dataURI(_ image: ImageData) -> String {
    "data:\(image.format == .jpeg ? "image/jpeg" : "image/png");base64," + Data(image.bytes).base64EncodedString()
}

/// Text for a printed page's running header (CSS generated content, in a margin box that does not
/// grow): as typed, and a text longer than two lines of the box shortened with an ellipsis, as the
/// PDF's running header shows it (the whole text stands on the cover).
private func runningText(_ text: String) -> String {
    text.count > runningTextCharacters ? String(text.prefix(runningTextCharacters - 1)) + "…" : text
}

/// Two lines of a running header's half of the page, in Han characters at 8 pt.
private let runningTextCharacters = 56

/// `text` as a CSS string literal: quotes, backslashes, markup characters and every invisible or
/// control character escaped, so that no text can end the string or the style sheet.
func cssString(_ text: String) -> String {
    var literal = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"", "\\", "<", ">", "&", "'":
            literal += "\\" + String(scalar.value, radix: 16) + " "
        default:
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.properties.generalCategory == .format
                || scalar.properties.generalCategory == .lineSeparator || scalar.properties.generalCategory == .paragraphSeparator {
                literal += "\\" + String(scalar.value, radix: 16) + " "
            } else {
                literal.unicodeScalars.append(scalar)
            }
        }
    }
    return literal + "\""
}

/// A page label such as `第 {page} 页 共 {pages} 页` as a CSS `content` value with page counters.
func cssPageCounter(_ label: String) -> String {
    var parts: [String] = []
    var rest = Substring(label)
    while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
        let name = rest[rest.index(after: open)..<close]
        if !rest[..<open].isEmpty { parts.append(cssString(String(rest[..<open]))) }
        parts.append(name == "pages" ? "counter(pages)" : name == "page" ? "counter(page)" : cssString(String(rest[open...close])))
        rest = rest[rest.index(after: close)...]
    }
    if !rest.isEmpty { parts.append(cssString(String(rest))) }
    return parts.joined(separator: " ")
}

/// Stars as SVG polygons in a box `size` high.
private func starPolygons(filled: Int, total: Int, size: Double, gap: Double) -> [[String: Any]] {
    (0..<total).map { index in
        let center = Point(x: size / 2 + Double(index) * (size + gap), y: size / 2 + size * 0.04)
        let points = StarGeometry.points(center: center, radius: size / 2).map { "\(number($0.x)),\(number($0.y))" }.joined(separator: " ")
        return ["points": points, "filled": index < filled]
    }
}

private struct ReportContext {
    let values: [String: Any]

    init(_ model: ReportModel, images: [String: ImageData]) {
        // A picture shown more than once is embedded once, in an SVG definition each use refers to.
        let uses = Dictionary(model.sections.flatMap { $0.items.flatMap(\.photos) }.map { ($0.path, 1) }, uniquingKeysWith: +)
        let repeated = uses.filter { $0.value > 1 && images[$0.key] != nil }.keys.sorted()
        let sharedPictures = Dictionary(uniqueKeysWithValues: repeated.enumerated().map { ($1, "picture-\($0 + 1)") })
        let definitions: [[String: Any]] = repeated.map { path in
            let image = images[path]!
            return ["id": sharedPictures[path]!, "src": dataURI(image), "width": image.pixelWidth, "height": image.pixelHeight]
        }
        let labels = model.labels
        let chartRowHeight = 22.0
        let chartRows = model.sectionRows.enumerated().map { index, row -> [String: Any] in
            let y = Double(index) * chartRowHeight
            return ["label": "\(row.id) \(row.title)", "y": number(y + 4), "textY": number(y + 15),
                    "width": number(4 * Double(row.permille) / 10), "share": number(Double(row.permille) / 10), "percent": row.percentText]
        }
        let starText = model.stars.map { labels.format("html.stars", ["stars": String($0), "total": String(model.maximumStars)]) } ?? labels["html.no-stars"]
        func findings(_ list: [ReportModel.Finding]) -> [[String: Any]] {
            list.map { ["text": $0.text, "severity": $0.severity.map { labels.format("details.severity", ["severity": $0]) } ?? "", "major": $0.isMajor] }
        }
        let sections = model.sections.map { section -> [String: Any] in
            [
                "id": section.id, "heading": section.heading, "hasTable": !section.isScoredAsOneItem,
                "vetoRows": section.veto.map { ["id": $0.id, "title": $0.rowTitle, "result": $0.result, "score": $0.scoreText, "failed": !$0.passed] },
                "itemRows": section.items.map { ["id": $0.id, "title": $0.title, "points": $0.points, "percent": "\($0.percent)%", "band": $0.band, "score": $0.score] },
                "vetos": section.veto.map { veto -> [String: Any] in
                    ["heading": veto.heading, "requirements": veto.requirements, "evidence": veto.evidence, "findings": findings(veto.findings),
                     "hasEvidence": !veto.evidence.isEmpty, "hasFindings": !veto.findings.isEmpty]
                },
                "items": section.items.map { item -> [String: Any] in
                    [
                        "heading": item.heading, "headed": !section.isScoredAsOneItem, "requirements": item.requirements, "bandHeading": item.bandHeading,
                        "descriptors": item.bandDescriptors, "evidence": item.evidence, "strengths": item.strengths,
                        "findings": findings(item.findings), "hasEvidence": !item.evidence.isEmpty,
                        "hasStrengths": !item.strengths.isEmpty, "hasFindings": !item.findings.isEmpty,
                        "photos": item.photos.compactMap { photo -> [String: Any]? in
                            guard let image = images[photo.path] else { return nil }
                            var values: [String: Any] = [
                                "caption": photo.caption.map { labels.format("details.caption", ["caption": $0]) } ?? "",
                                "alt": photo.caption ?? labels.format("html.photo-alt", ["item": "\(item.id) \(item.title)"]),
                                "width": image.pixelWidth, "height": image.pixelHeight,
                            ]
                            if let shared = sharedPictures[photo.path] { values["shared"] = shared } else { values["src"] = dataURI(image) }
                            return values
                        },
                    ]
                },
            ]
        }
        var history: [String: Any] = [:]
        if let comparison = model.history {
            history = [
                "previousColumn": comparison.previousColumn, "currentColumn": comparison.currentColumn,
                "rows": comparison.rows.enumerated().map { index, row -> [String: Any] in
                    let y = Double(index) * chartRowHeight + 18
                    return ["id": row.id, "title": row.title, "previous": row.previous, "current": row.current, "change": row.change,
                            "label": "\(row.id) \(row.title)", "textY": number(y + 12), "previousY": number(y + 2), "currentY": number(y + 9),
                            "previousWidth": number(4 * Double(row.previousPermille) / 10), "currentWidth": number(4 * Double(row.currentPermille) / 10)]
                },
                "levels": comparison.levels.map { ["date": $0.date, "total": $0.total, "level": $0.level] },
                "chartHeight": number(Double(comparison.rows.count) * chartRowHeight + 24),
            ]
        }
        values = [
            "sharedPictures": definitions, "hasSharedPictures": !definitions.isEmpty,
            "hasHistory": model.history != nil, "history": history,
            "lang": model.labels.language,
            "l": labelValues(labels),
            "runningTitleCSS": cssString(runningText(model.runningTitle.map(\.text).joined())), "runningOrganizationCSS": cssString(runningText(model.organizationName)),
            "footerCSS": cssPageCounter(labels["report.footer"]),
            "documentTitle": model.documentTitle, "author": model.issuer.name, "subject": model.subject, "keywords": model.keywords,
            "issuerName": labels.isChinese ? model.issuer.name : model.issuer.nameEnglish,
            "title": model.title, "subtitle": model.subtitle, "standardLine": model.standardLine,
            "organizationName": model.organizationName,
            "coverFields": model.coverFields.map { ["label": $0.label, "lines": $0.value.components(separatedBy: "\n")] },
            "totalLabel": labels.format("summary.total", ["max": model.fullMarks]), "total": model.total,
            "stars": starPolygons(filled: model.stars ?? 0, total: model.maximumStars, size: 28, gap: 6),
            "starsWidth": number(Double(model.maximumStars) * 34 - 6), "starText": starText,
            "levelName": model.levelName, "vetoed": model.stars == nil, "decisionLabel": model.decisionLabel,
            "decisionStatement": model.decisionStatement, "vetoNotice": model.vetoNotice ?? "", "hasVetoNotice": model.vetoNotice != nil,
            "sectionRows": model.sectionRows.map { ["id": $0.id, "title": $0.title, "points": $0.points, "score": $0.score, "percent": $0.percentText] },
            "maximum": model.maximum,
            "chartRows": chartRows, "chartHeight": number(Double(model.sectionRows.count) * chartRowHeight + 24),
            "chartTicks": stride(from: 0, through: 100, by: 20).map { ["x": number(4 * Double($0)), "label": "\($0)%"] },
            "chartAxisY": number(Double(model.sectionRows.count) * chartRowHeight + 4),
            "chartTickY": number(Double(model.sectionRows.count) * chartRowHeight + 18),
            "sections": sections,
            "findings": model.findings.map { ["number": $0.number, "itemID": $0.itemID, "text": $0.text, "severity": $0.severity, "major": $0.isMajor] },
            "hasFindings": !model.findings.isEmpty,
            "bands": model.bands.map { ["label": $0.label, "descriptors": $0.descriptors] },
            "starLevels": model.starLevels.map { ["stars": String(repeating: "★", count: $0.stars), "name": $0.name, "requirement": $0.requirement] },
            "interpretations": model.interpretations,
            "signatories": model.signatories.map { ["name": $0.name, "role": $0.role] },
            "signatureIssuer": labels.format("signatures.issuer", ["issuer": labels.isChinese ? model.issuer.name : model.issuer.nameEnglish]),
            "signatureDate": labels.format("signatures.date", ["date": model.reportDate]),
        ]
    }
}

private struct CertificateContext {
    let values: [String: Any]

    init(_ model: CertificateModel) {
        let words = model.wording
        var qrPath = ""
        var qrSize = 0
        if let matrix = QRCode.encode(model.verificationURL) {
            qrSize = matrix.width
            qrPath = matrix.darkRuns.map { "M\($0.column) \($0.row)h\($0.length)v1h-\($0.length)z" }.joined()
        }
        // Long texts get smaller type so the certificate stays one page (the PDF shrinks to fit the same way).
        func size(_ text: String, base: Double, fits: Int, minimum: Double) -> String {
            let count = text.count
            return number(count <= fits ? base : max(minimum, base * sqrt(Double(fits) / Double(count))))
        }
        values = [
            "documentTitle": words.documentTitle, "author": model.issuer.name,
            "title": words.title, "titleEnglish": words.titleEnglish, "numberLabel": words.numberLabel, "number": words.number,
            "certify": words.certify, "organizationName": model.organizationName, "organizationNameEnglish": model.organizationNameEnglish ?? "",
            "nameSize": size(model.organizationName, base: 22, fits: 30, minimum: 9),
            "creditCodeLabel": words.creditCodeLabel, "creditCode": model.creditCode,
            "addressLabel": words.addressLabel, "address": model.address,
            "scopeLabel": words.scopeLabel, "scope": model.scope, "scopeSize": size(model.scope, base: 10.5, fits: 120, minimum: 5.5),
            "statement": words.statement, "statementEnglish": words.statementEnglish,
            "stars": starPolygons(filled: model.stars, total: model.maximumStars, size: 30, gap: 8),
            "starsWidth": number(Double(model.maximumStars) * 38 - 8),
            "levelName": model.levelName, "levelNameEnglish": model.levelNameEnglish ?? "", "score": words.score,
            "issued": words.issued, "validUntil": words.validUntil, "issuer": words.issuer, "issuerEnglish": words.issuerEnglish,
            "approval": model.issuer.approvalNumber.map { words.approvalNumber + $0 } ?? "",
            "hasSeal": model.issuer.seal != nil, "hasApproval": model.issuer.approvalNumber != nil,
            "seal": model.issuer.seal.map(dataURI) ?? "",
            "verify": words.verify, "verificationURL": model.verificationURL, "qrPath": qrPath, "qrViewBox": qrSize + 8,
            "specimen": model.isSpecimen, "specimenLabel": words.specimen, "specimenNote": words.specimenNote,
            "specimenWatermark": words.specimenWatermark,
        ]
    }
}
