import StarCertCore
import StarCertTemplates

/// What a certificate states, bilingual, before layout. Made only for certified evaluations.
public struct CertificateModel: Sendable {
    public let organizationName: String
    public let organizationNameEnglish: String?
    public let address: String
    public let creditCode: String
    public let scope: String
    public let standardID: String
    public let standardTitle: String
    public let standardTitleEnglish: String?
    public let stars: Int
    public let maximumStars: Int
    public let levelName: String
    public let levelNameEnglish: String?
    public let total: String
    public let maximum: String
    /// Nil until issuance assigns one; a certificate without a number is a specimen.
    public let number: String?
    public let issueDate: CalendarDate
    public let expiryDate: CalendarDate
    public let issuer: Issuer
    public let verificationURL: String
    public var isSpecimen: Bool { number == nil }
    /// The certificate's bilingual wording (`Templates/labels/certificate.yaml`).
    public let text: Labels

    /// Nil unless the decision is `certified`: vetoed evaluations and self-assessments get no certificate.
    /// Signed data carried in the PDF's metadata so the file can be checked offline.
    public let signedPayload: String?

    /// A specimen until issuance gives `number`, `verificationURL` and `issueDate`. Nil unless the
    /// decision is `certified`: vetoed evaluations and self-assessments get no certificate.
    public init?(
        _ evaluation: Evaluation, text: Labels, issuer: Issuer = .builtInDefault, validityYears: Int = 3,
        number: String? = nil, issueDate: CalendarDate? = nil, verificationURL: String? = nil, signedPayload: String? = nil
    ) {
        guard evaluation.decision == .certified, let level = evaluation.starLevel else { return nil }
        let organization = evaluation.assessment.organization
        organizationName = organization.name
        organizationNameEnglish = organization.nameEnglish
        address = organization.address
        creditCode = organization.creditCode.value
        scope = organization.scope
        standardID = evaluation.standard.id
        standardTitle = evaluation.standard.title
        standardTitleEnglish = evaluation.standard.titleEnglish
        stars = level.stars
        maximumStars = evaluation.standard.starLevels.count
        levelName = level.name
        levelNameEnglish = level.nameEnglish
        total = evaluation.total.description
        maximum = evaluation.standard.maximum.description
        self.number = number
        self.signedPayload = signedPayload
        self.issueDate = issueDate ?? evaluation.assessment.audit.end
        expiryDate = Self.expiry(from: self.issueDate, years: validityYears)
        self.issuer = issuer
        self.text = text
        let query = [
            ("specimen", "1"), ("code", creditCode), ("standard", standardID), ("stars", String(level.stars)),
            ("total", total), ("issued", self.issueDate.description),
        ].map { "\($0.0)=\(URLText.percentEncoded($0.1))" }.joined(separator: "&")
        self.verificationURL = verificationURL ?? "\(issuer.verificationBaseURL)?\(query)"
    }

    /// Every line of the certificate, worded from `text`; the PDF and the HTML both print these.
    public var wording: Wording {
        Wording(
            title: text["title"], titleEnglish: text["title-en"],
            numberLabel: text.format("number", ["number": ""]), number: number ?? text["number.pending"],
            certify: text["certify"], creditCodeLabel: text["credit-code"], addressLabel: text["address"], scopeLabel: text["scope"],
            statement: text.format("statement", ["id": standardID, "title": standardTitle]),
            statementEnglish: text.format("statement-en", ["id": standardID, "title_en": standardTitleEnglish ?? standardTitle]),
            score: text.format("score", ["total": total, "max": maximum]),
            issued: text.format("issued", ["chinese": issueDate.chinese, "iso": issueDate.description]),
            validUntil: text.format("valid-until", ["chinese": expiryDate.chinese, "iso": expiryDate.description]),
            issuer: text.format("issuer", ["issuer": issuer.name]), issuerEnglish: issuer.nameEnglish, approvalNumber: text["approval-number"],
            verify: text["verify"], specimen: text["specimen"], specimenWatermark: text["specimen-watermark"], specimenNote: text["specimen-note"],
            documentTitle: text.format(isSpecimen ? "document-title.specimen" : "document-title", ["organization": organizationName]),
            starsAlternative: "\(levelName)（\(stars)/\(maximumStars) ★）" + (levelNameEnglish.map { " \($0)" } ?? ""),
            qrAlternative: "\(text["verify"])：\(verificationURL)",
            sealAlternative: "\(issuer.name) 印章 seal", logoAlternative: "\(issuer.name) 标志 logo")
    }

    public struct Wording: Sendable {
        public let title, titleEnglish, numberLabel, number, certify, creditCodeLabel, addressLabel, scopeLabel: String
        public let statement, statementEnglish, score, issued, validUntil, issuer, issuerEnglish, approvalNumber: String
        public let verify, specimen, specimenWatermark, specimenNote, documentTitle: String
        /// Alternative texts of the certificate's pictures, for tagged PDF.
        public let starsAlternative, qrAlternative, sealAlternative, logoAlternative: String
    }

    /// The day before the same date `years` later (a certificate issued 2026-05-12 for three
    /// years is valid until 2029-05-11).
    public static func expiry(from date: CalendarDate, years: Int) -> CalendarDate {
        let year = date.year + years
        // 29 February's anniversary in a common year is 1 March: valid until 28 February.
        let anniversary = CalendarDate(year: year, month: date.month, day: date.day)
            ?? CalendarDate(year: year, month: 3, day: 1)!
        if anniversary.day > 1 { return CalendarDate(year: year, month: anniversary.month, day: anniversary.day - 1)! }
        if anniversary.month > 1 {
            let month = anniversary.month - 1
            return CalendarDate(year: year, month: month, day: CalendarDate.daysIn(month: month, year: year))!
        }
        return CalendarDate(year: year - 1, month: 12, day: 31)!
    }
}
