import Typesetting

/// A certificate on one A4 landscape page: bilingual text in fixed boxes that wrap and then
/// shrink to fit, stars, and a QR code.
struct CertificateDocument {
    /// The smallest sizes the organization's texts may shrink to: below these they would not be
    /// legible on a framed certificate, and `issue` refuses rather than cut them.
    static let minimumSizes = (name: 10.0, englishName: 7.0, address: 7.5, scope: 7.5)

    let model: CertificateModel
    private let words: CertificateModel.Wording

    init(model: CertificateModel) {
        self.model = model
        words = model.wording
    }

    func build() -> Document {
        let page = Size.a4Landscape
        let metadata = DocumentMetadata(
            title: words.documentTitle,
            author: model.issuer.name, subject: "\(model.standardID) \(model.standardTitle)",
            keywords: ([model.standardID, model.organizationName, model.creditCode, model.isSpecimen ? words.specimen : words.number]
                + (model.signedPayload.map { ["starcert-signed:" + $0] } ?? [])).joined(separator: ", "),
            creator: "StarCert", creationDate: model.issueDate.startISO8601(inTimeZone: model.issuer.timeZone), language: "zh-CN")
        let sequence = PageSequence(size: page, margins: EdgeInsets(all: 40), blocks: [.placed(texts(page), drawing: frame(page))])
        return Document(metadata: metadata, sequences: [sequence])
    }


    private func centered(_ spans: [Span], size: Length, bold: Bool = false, font: FontRole = .sans, color: Color = Theme.ink) -> Paragraph {
        Paragraph(spans, style: TextStyle(font: font, size: size, bold: bold, color: color, lineSpacing: 1.05, alignment: .center))
    }

    private func texts(_ page: Size) -> [FittedText] {
        let left: Length = 96
        let width = page.width - 2 * left
        var texts: [FittedText] = [
            FittedText(centered([Span(words.title)], size: 28, bold: true, color: Theme.navy), frame: Rect(x: left, y: 52, width: width, height: 40), minimumSize: 20, headingLevel: 1),
            FittedText(centered([Span(words.titleEnglish)], size: 13, color: Theme.muted), frame: Rect(x: left, y: 92, width: width, height: 20), minimumSize: 9),
            FittedText(centered([Span(words.numberLabel), Span(words.number, bold: !model.isSpecimen, verbatim: true)], size: 9.5, color: Theme.muted), frame: Rect(x: left, y: 116, width: width, height: 14), minimumSize: 7, name: model.isSpecimen ? nil : CertificateField.number.rawValue),
            FittedText(centered([Span(words.certify)], size: 11, font: .serif), frame: Rect(x: left, y: 142, width: width, height: 16), minimumSize: 8),
            FittedText(centered([Span(model.organizationName)], size: 22, bold: true, font: .serif, color: Theme.ink), frame: Rect(x: left, y: 160, width: width, height: 36), minimumSize: Self.minimumSizes.name, name: CertificateField.name.rawValue),
        ]
        if let english = model.organizationNameEnglish {
            texts.append(FittedText(centered([Span(english)], size: 12, font: .serif, color: Theme.muted), frame: Rect(x: left, y: 197, width: width, height: 18), minimumSize: Self.minimumSizes.englishName, name: CertificateField.englishName.rawValue))
        }
        let detailStyle = TextStyle(font: .serif, size: 10.5, color: Theme.ink, lineSpacing: 1.05, alignment: .center)
        texts += [
            FittedText(Paragraph([Span(words.creditCodeLabel), Span(model.creditCode, bold: true)], style: detailStyle), frame: Rect(x: left, y: 220, width: width, height: 15), minimumSize: 7, name: CertificateField.creditCode.rawValue),
            FittedText(Paragraph([Span(words.addressLabel), Span(model.address)], style: detailStyle), frame: Rect(x: left, y: 236, width: width, height: 28), minimumSize: Self.minimumSizes.address, name: CertificateField.address.rawValue),
            FittedText(Paragraph([Span(words.scopeLabel), Span(model.scope)], style: detailStyle), frame: Rect(x: left, y: 265, width: width, height: 44), minimumSize: Self.minimumSizes.scope, name: CertificateField.scope.rawValue),
            FittedText(Paragraph([Span(words.statement)], style: detailStyle), frame: Rect(x: left, y: 312, width: width, height: 16), minimumSize: 7),
            FittedText(Paragraph([Span(words.statementEnglish)], style: detailStyle.with { $0.size = 9.5; $0.color = Theme.muted }), frame: Rect(x: left, y: 328, width: width, height: 15), minimumSize: 6),
            FittedText(centered([Span(model.levelName)], size: 15, bold: true, color: Theme.navy), frame: Rect(x: left, y: 392, width: width, height: 20), minimumSize: 9),
            FittedText(centered([Span(model.levelNameEnglish ?? "")], size: 10, color: Theme.muted), frame: Rect(x: left, y: 412, width: width, height: 14), minimumSize: 7),
            FittedText(centered([Span(words.score)], size: 10.5), frame: Rect(x: left, y: 428, width: width, height: 15), minimumSize: 7),
        ]
        let infoStyle = TextStyle(font: .sans, size: 9.5, color: Theme.ink, lineSpacing: 1.1)
        let info: [(String, CertificateField?)] = [
            (words.issued, nil), (words.validUntil, nil), (words.issuer, .issuerName), (words.issuerEnglish, .issuerEnglishName),
        ] + (model.issuer.approvalNumber.map { [(words.approvalNumber + $0, .approvalNumber)] } ?? [])
        for (index, (line, field)) in info.enumerated() {
            texts.append(FittedText(Paragraph(line, style: infoStyle), frame: Rect(x: 70, y: 466 + Double(index) * 14, width: 470, height: 14),
                                    minimumSize: 6.5, name: field?.rawValue))
        }
        texts.append(FittedText(centered([Span(words.verify)], size: 7.5, color: Theme.muted), frame: Rect(x: page.width - 170, y: 540, width: 100, height: 12), minimumSize: 6,
                                link: model.verificationURL))
        if model.isSpecimen {
            texts.append(FittedText(centered([Span(words.specimen)], size: 12, bold: true, color: Theme.alert), frame: Rect(x: page.width - 190, y: 44, width: 120, height: 24), minimumSize: 8))
            texts.append(FittedText(centered([Span(words.specimenNote)], size: 8, color: Theme.alert), frame: Rect(x: 96, y: 447, width: page.width - 192, height: 12), minimumSize: 6))
        }
        return texts
    }

    private func frame(_ page: Size) -> Drawing {
        var elements: [Drawing.Element] = []
        if model.isSpecimen {
            // A pale watermark behind the text.
            elements.append(.text(Paragraph(words.specimenWatermark, style: TextStyle(font: .sans, size: 88, bold: true, color: Color(hex: 0xFAEEEE), alignment: .center)), frame: Rect(x: 0, y: 230, width: page.width, height: 120)))
        }
        elements += [
            .rectangle(Rect(x: 20, y: 20, width: page.width - 40, height: page.height - 40), fill: nil, stroke: Theme.navy, lineWidth: 2.2),
            .rectangle(Rect(x: 27, y: 27, width: page.width - 54, height: page.height - 54), fill: nil, stroke: Theme.gold, lineWidth: 0.8),
        ]
        if model.isSpecimen {
            elements.append(.rectangle(Rect(x: page.width - 190, y: 44, width: 120, height: 24), fill: nil, stroke: Theme.alert, lineWidth: 1.2))
        }
        let starSize: Length = 30
        let starsWidth = Double(model.maximumStars) * starSize + Double(model.maximumStars - 1) * 8
        elements.append(.figure(alternativeText: words.starsAlternative, StarGeometry.row(
            filled: model.stars, total: model.maximumStars, origin: Point(x: (page.width - starsWidth) / 2, y: 352), size: starSize, gap: 8)))
        if let logo = model.issuer.logo {
            let height: Length = 34
            let width = min(110, height * Double(logo.pixelWidth) / Double(logo.pixelHeight))
            elements.append(.figure(alternativeText: words.logoAlternative, [
                .image(logo, frame: Rect(x: 44, y: 40, width: width, height: width * Double(logo.pixelHeight) / Double(logo.pixelWidth)))]))
        }
        if let seal = model.issuer.seal {
            let side: Length = 84
            let aspect = Double(seal.pixelWidth) / Double(seal.pixelHeight)
            elements.append(.figure(alternativeText: words.sealAlternative, [
                .image(seal, frame: Rect(x: 470, y: 462, width: side * min(aspect, 1), height: side / max(aspect, 1)))]))
        }
        elements.append(.figure(alternativeText: words.qrAlternative, [
            .qrCode(payload: model.verificationURL, frame: Rect(x: page.width - 160, y: 458, width: 80, height: 80), color: Theme.ink)]))
        elements.append(.line(from: Point(x: 70, y: 462), to: Point(x: page.width - 180, y: 462), color: Theme.rule, width: 0.5))
        return Drawing(size: page, elements: elements)
    }
}

/// The certificate's texts that come from the assessment or the issuer profile: never cut on a signed certificate.
public enum CertificateField: String, CaseIterable, Sendable {
    /// The key of the field in the assessment's `organization` or in the issuer profile.
    public var key: String {
        switch self {
        case .name: return "name"
        case .englishName: return "name_en"
        case .creditCode: return "credit_code"
        case .address: return "address"
        case .scope: return "scope"
        case .number: return "certificate_number_pattern"
        case .issuerName: return "name"
        case .issuerEnglishName: return "name_en"
        case .approvalNumber: return "approval_number"
        }
    }

    case name = "the organization's name"
    case englishName = "the organization's English name"
    case creditCode = "the credit code"
    case address = "the organization's address"
    case scope = "the organization's scope"
    case number = "the certificate number"
    case issuerName = "the issuer's name"
    case issuerEnglishName = "the issuer's English name"
    case approvalNumber = "the issuer's approval number"
}
