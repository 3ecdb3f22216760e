import StarCertCore
import StarCertTemplates

/// Everything an evaluation report says, as text and numbers, before any layout. The PDF and
/// the HTML are both built from this one model, so they never disagree on a number, a label or
/// a sentence.
public struct ReportModel: Sendable {
    public struct Field: Sendable, Hashable {
        public let label: String
        public let value: String
    }

    public struct SectionRow: Sendable {
        public let id: String
        public private(set) var title: String
        public let points: String
        public let score: String
        /// Score as a share of the section's points, in tenths of a percent (950 = 95.0 %).
        public let permille: Int
        public var percentText: String { "\(permille / 10).\(permille % 10)%" }
    }

    public struct Finding: Sendable {
        public let text: String
        /// The severity as worded in the report's language, e.g. 一般.
        public let severity: String?
        public let isMajor: Bool
    }

    public struct Photo: Sendable {
        public let path: String
        public let caption: String?
    }

    public struct ItemDetail: Sendable {
        public let id: String
        public private(set) var title: String
        /// `4.2.1 部门与岗位设置（得分率 100%，得分 3.00）`.
        public let heading: String
        public let points: String
        public let percent: Int
        public let band: Int
        /// `评分档次：第 5 档（80%–100%）`.
        public let bandHeading: String
        public let bandDescriptors: [String]
        public let score: String
        public let requirements: [String]
        public let evidence: [String]
        public let strengths: [String]
        public let findings: [Finding]
        public let photos: [Photo]
    }

    public struct VetoDetail: Sendable {
        public let id: String
        public private(set) var title: String
        public let heading: String
        /// The title as shown in the section's table row.
        public let rowTitle: String
        public let passed: Bool
        /// 符合 / 不符合.
        public let result: String
        /// 通过 / 否决.
        public let scoreText: String
        public let requirements: [String]
        public let evidence: [String]
        public let findings: [Finding]
    }

    public struct SectionDetail: Sendable {
        public let id: String
        public private(set) var title: String
        /// `4.2 服务体系（14.00 分，得分 12.90）`.
        public let heading: String
        public let points: String
        public let score: String
        public let veto: [VetoDetail]
        public let items: [ItemDetail]
        /// The section is scored as one item with its own number: its heading carries the item's
        /// figures, and neither a table of one row nor the item's heading is shown.
        public let isScoredAsOneItem: Bool
    }

    public struct FindingRow: Sendable {
        public let number: Int
        public let itemID: String
        public let itemTitle: String
        public let text: String
        public let severity: String
        public let isMajor: Bool
    }

    public struct BandRow: Sendable {
        public let label: String
        public let descriptors: [String]
    }

    public struct StarRow: Sendable {
        public let stars: Int
        public let name: String
        public let requirement: String
    }

    public struct Signatory: Sendable {
        public let name: String
        public let role: String
    }

    public let labels: Labels
    public private(set) var title: String
    public let subtitle: String
    public let standardLine: String
    public let organizationName: String
    /// The left of every page's running header: the title, and the report number when there is
    /// one, so that a loose page can be traced. The number is set as typed.
    public private(set) var runningTitle: [TextPiece]
    public private(set) var coverFields: [Field]
    public let issuer: Issuer
    public let reportDate: String

    public let total: String
    public let maximum: String
    /// The maximum as written in prose: `100`.
    public let fullMarks: String
    /// Stars reached, or nil when vetoed.
    public let stars: Int?
    public let maximumStars: Int
    public let levelName: String
    public let decision: Evaluation.Decision
    /// The one-line verdict under the stars.
    public let decisionLabel: String
    public let decisionStatement: String
    public let vetoNotice: String?
    public let sectionRows: [SectionRow]
    public let sections: [SectionDetail]
    public let findings: [FindingRow]
    public let bands: [BandRow]
    public let starLevels: [StarRow]
    public let interpretations: [String]
    public let signatories: [Signatory]
    /// Comparison with earlier evaluations of the same organization, when the archive has any.
    public let history: History?

    /// Every text that came from the assessment file, with where it came from, for the glyph check.
    public let userTexts: [(field: String, text: String)]

    public let documentTitle: String
    public let subject: String
    public let keywords: String
    /// The audit's last day at midnight, Beijing time: the documents' creation date.
    public let creationDate: String

    /// How an issued report differs from a plain one: it names the certificate its evaluation
    /// earned, and carries what it is (`ReportFacts`) in its keywords for the signature to cover.
    public struct Issue: Sendable {
        public var certificateNumber: String?
        /// Who reviewed the evaluation and who decided the certification, when others than the
        /// audit team did (ISO/IEC 17065 7.5, 7.6).
        public var reviewer: String?
        public var decider: String?
        /// What a surveillance's decision did to the certificate: `maintained`, `suspended` or
        /// `withdrawn`, with the decider's reason.
        public var surveillanceDecision: (outcome: String, reason: String)?

        public init(certificateNumber: String?, reviewer: String? = nil, decider: String? = nil, surveillanceDecision: (outcome: String, reason: String)? = nil) {
            self.certificateNumber = certificateNumber
            self.reviewer = reviewer
            self.decider = decider
            self.surveillanceDecision = surveillanceDecision
        }
    }

    /// The report as a draft (submitted, not yet reviewed and decided): titled and headed as one on
    /// every page, its cover saying that it is no certification result.
    public mutating func markAsDraft() {
        title = labels.format("report.draft-title", ["title": title])
        runningTitle = labels.pieces("report.draft-title", ["title": ""]).flatMap { piece in
            piece.placeholder == "title" ? runningTitle : [TextPiece(piece.text)]
        }
        coverFields.insert(Field(label: labels["cover.draft"], value: labels["cover.draft-notice"]), at: 0)
    }

    public init(_ evaluation: Evaluation, labels: Labels, issuer: Issuer = .builtInDefault, previous: [PreviousEvaluation] = [], issue: Issue? = nil) {
        let assessment = evaluation.assessment
        let standard = evaluation.standard
        let organization = assessment.organization
        let english = !labels.isChinese
        func title(_ chinese: String, _ inEnglish: String?) -> String { english ? (inEnglish ?? chinese) : chinese }
        func date(_ day: CalendarDate) -> String { Self.date(day, labels) }
        self.labels = labels
        self.issuer = issuer
        let selfAssessment = assessment.kind == .selfAssessment
        let suffix = selfAssessment ? ".self-assessment" : ""
        let reportTitle = labels["report.title" + suffix]
        self.title = reportTitle
        subtitle = labels["report.subtitle" + suffix]
        let standardTitle = title(standard.title, standard.titleEnglish)
        standardLine = labels.format("report.standard-line", ["id": standard.id, "title": standardTitle])
        organizationName = organization.name
        runningTitle = assessment.reportNumber.map { number in
            labels.pieces("report.running-title", ["title": reportTitle, "number": number]).map { TextPiece($0.text, asTyped: $0.placeholder == "number") }
        } ?? [TextPiece(reportTitle)]
        reportDate = date(assessment.audit.end)
        let separator = labels["list.separator"]

        var fields = [Field(label: labels["cover.organization"], value: organization.name)]
        if let nameEnglish = organization.nameEnglish { fields.append(Field(label: labels["cover.name-en"], value: nameEnglish)) }
        fields += [
            Field(label: labels["cover.credit-code"], value: organization.creditCode.value),
            Field(label: labels["cover.address"], value: organization.address),
            Field(label: labels["cover.scope"], value: organization.scope),
            Field(label: labels["cover.kind"], value: labels["kind.\(assessment.kind.rawValue)"]),
            Field(label: labels["cover.dates"], value: Self.dateRange(assessment.audit.start, assessment.audit.end, labels)),
        ]
        if !assessment.audit.sites.isEmpty {
            fields.append(Field(label: labels["cover.sites"], value: assessment.audit.sites.joined(separator: "\n")))
        }
        if !assessment.audit.team.isEmpty {
            let team = assessment.audit.team.map { labels.format("team.member", ["name": $0.name, "role": labels["role.\($0.role.rawValue)"]]) }
            fields.append(Field(label: labels["cover.team"], value: team.joined(separator: separator)))
        }
        fields.append(Field(label: labels["cover.issuer" + suffix], value: english ? issuer.nameEnglish : issuer.name))
        if let number = assessment.reportNumber { fields.append(Field(label: labels["cover.report-no"], value: number)) }
        if let number = issue?.certificateNumber { fields.append(Field(label: labels["cover.certificate-no"], value: number)) }
        if let reviewer = issue?.reviewer { fields.append(Field(label: labels["cover.reviewer"], value: reviewer)) }
        if let decider = issue?.decider { fields.append(Field(label: labels["cover.decider"], value: decider)) }
        if let decided = issue?.surveillanceDecision, let number = issue?.certificateNumber {
            fields.append(Field(label: labels["cover.decision"], value: labels.format("decision.\(decided.outcome)", ["number": number, "reason": decided.reason])))
        }
        fields.append(Field(label: labels["cover.report-date"], value: reportDate))
        coverFields = fields

        total = evaluation.total.description
        maximum = standard.maximum.description
        fullMarks = Self.prose(standard.maximum)
        stars = evaluation.starLevel?.stars
        maximumStars = standard.starLevels.count
        let levelNames = standard.starLevels.map { title($0.name, $0.nameEnglish) }
        let requirements = Self.thresholdTexts(standard, labels)
        levelName = evaluation.starLevel.map { levelNames[$0.stars - 1] } ?? labels["summary.no-level"]
        decision = evaluation.decision
        decisionLabel = labels["summary.decision.\(evaluation.decision.rawValue)"]
        var values = ["organization": organization.name, "total": evaluation.total.description, "max": fullMarks, "standard": standard.id]
        if let level = evaluation.starLevel {
            values["level"] = levelNames[level.stars - 1]
            values["requirement"] = requirements[level.stars - 1]
        }
        let judgements = assessment.vetoJudgements
        let failed = evaluation.failedVetoItems.compactMap { id in standard.vetoItems.first { $0.id == id } }
        values["items"] = failed.map { labels.format("summary.veto-item", ["id": $0.id, "title": title($0.title, $0.titleEnglish)]) }.joined(separator: separator)
        decisionStatement = labels.format("summary.statement.\(evaluation.decision.rawValue)", values)
        if evaluation.decision == .vetoed {
            let reasons = judgements.filter { !$0.passed }.flatMap(\.findings).map(\.text)
            let reasonText = reasons.isEmpty ? "" : labels.format("summary.veto-reasons", ["reasons": reasons.joined(separator: labels["summary.veto-reason-separator"])])
            vetoNotice = labels.format("summary.veto-notice", ["items": values["items"]!, "reasons": reasonText])
        } else {
            vetoNotice = nil
        }

        sectionRows = evaluation.sections.map { section in
            SectionRow(id: section.section.id, title: title(section.section.title, section.section.titleEnglish), points: section.maximum.description,
                       score: section.score.description, permille: Self.permille(section.score, of: section.section.points))
        }
        func finding(_ finding: Assessment.Finding) -> Finding {
            Finding(text: finding.text, severity: finding.severity.map { labels["severity.\($0.rawValue)"] }, isMajor: finding.severity == .major)
        }
        let judgementsByID = Dictionary(uniqueKeysWithValues: judgements.map { ($0.itemID, $0) })
        sections = evaluation.sections.map { section in
            let sectionTitle = title(section.section.title, section.section.titleEnglish)
            let single = section.section.vetoItems.isEmpty && section.items.count == 1 && section.items[0].item.id == section.section.id
            return SectionDetail(
                id: section.section.id, title: sectionTitle,
                heading: labels.format(single ? "details.section.single-item" : "details.section",
                                       ["id": section.section.id, "title": sectionTitle, "points": section.maximum.description, "score": section.score.description,
                                        "percent": String(section.items.first?.percent ?? 0)]),
                points: section.maximum.description, score: section.score.description,
                veto: section.section.vetoItems.map { veto in
                    let judgement = judgementsByID[veto.id]
                    let passed = judgement?.passed ?? false
                    let vetoTitle = title(veto.title, veto.titleEnglish)
                    let result = labels[passed ? "details.veto.passed" : "details.veto.failed"]
                    return VetoDetail(
                        id: veto.id, title: vetoTitle, heading: labels.format("details.veto", ["id": veto.id, "title": vetoTitle, "result": result]),
                        rowTitle: labels.format("details.veto-row", ["title": vetoTitle]), passed: passed, result: result,
                        scoreText: labels[passed ? "details.veto.passed-score" : "details.veto.failed-score"],
                        requirements: veto.requirements, evidence: judgement?.evidence ?? [], findings: (judgement?.findings ?? []).map(finding))
                },
                items: section.items.map { result in
                    let itemTitle = title(result.item.title, result.item.titleEnglish)
                    return ItemDetail(
                        id: result.item.id, title: itemTitle,
                        heading: labels.format("details.item", ["id": result.item.id, "title": itemTitle, "percent": String(result.percent), "score": result.score.description]),
                        points: result.maximum.description, percent: result.percent, band: result.band.number,
                        bandHeading: labels.format("details.band", ["band": String(result.band.number), "range": result.band.label]),
                        bandDescriptors: result.band.descriptors, score: result.score.description, requirements: result.item.requirements,
                        evidence: result.record.evidence, strengths: result.record.strengths, findings: result.record.findings.map(finding),
                        photos: result.record.photos.map { Photo(path: $0.resolvedPath, caption: $0.caption) })
                },
                isScoredAsOneItem: single)
        }

        var rows: [FindingRow] = []
        for section in sections {
            for veto in section.veto {
                for finding in veto.findings {
                    rows.append(FindingRow(number: rows.count + 1, itemID: veto.id, itemTitle: veto.title, text: finding.text, severity: finding.severity ?? "—", isMajor: finding.isMajor))
                }
            }
            for item in section.items {
                for finding in item.findings {
                    rows.append(FindingRow(number: rows.count + 1, itemID: item.id, itemTitle: item.title, text: finding.text, severity: finding.severity ?? "—", isMajor: finding.isMajor))
                }
            }
        }
        findings = rows

        bands = standard.bands.map { BandRow(label: $0.label, descriptors: $0.descriptors) }
        starLevels = standard.starLevels.map { StarRow(stars: $0.stars, name: levelNames[$0.stars - 1], requirement: requirements[$0.stars - 1]) }
        let boundaries = standard.bands.dropFirst().map { "\($0.fromPercent)%" }.joined(separator: separator)
        interpretations = [
            labels["method.rule.score"],
            labels.format("method.rule.boundary.\(standard.bandBoundary.rawValue)", ["boundaries": boundaries]),
            labels["method.rule.no-rounding"],
            labels.format("method.rule.lowest", ["points": standard.starLevels.count > 1 ? Self.prose(standard.starLevels[1].minimum) : fullMarks, "level": levelNames[0]]),
            labels.format("method.rule.veto", ["items": standard.vetoItems.map(\.id).joined(separator: separator)]),
            labels["method.rule.self-assessment"],
        ]
        signatories = assessment.audit.team.map { Signatory(name: $0.name, role: labels["role.\($0.role.rawValue)"]) }
        history = Self.history(previous, evaluation, labels, levelNames: levelNames)

        var texts: [(String, String)] = [
            ("organization.name", organization.name), ("organization.address", organization.address),
            ("organization.scope", organization.scope),
        ]
        if let nameEnglish = organization.nameEnglish { texts.append(("organization.name_en", nameEnglish)) }
        if let number = assessment.reportNumber { texts.append(("report_no", number)) }
        for (index, site) in assessment.audit.sites.enumerated() { texts.append(("audit.sites[\(index + 1)]", site)) }
        for (index, member) in assessment.audit.team.enumerated() { texts.append(("audit.team[\(index + 1)].name", member.name)) }
        for judgement in judgements {
            for (index, line) in judgement.evidence.enumerated() { texts.append(("veto.\(judgement.itemID).evidence[\(index + 1)]", line)) }
            for (index, finding) in judgement.findings.enumerated() { texts.append(("veto.\(judgement.itemID).findings[\(index + 1)]", finding.text)) }
        }
        for record in assessment.itemRecords {
            let prefix = "items.\(record.itemID)"
            for (index, line) in record.evidence.enumerated() { texts.append(("\(prefix).evidence[\(index + 1)]", line)) }
            for (index, line) in record.strengths.enumerated() { texts.append(("\(prefix).strengths[\(index + 1)]", line)) }
            for (index, finding) in record.findings.enumerated() { texts.append(("\(prefix).findings[\(index + 1)]", finding.text)) }
            for (index, photo) in record.photos.enumerated() where photo.caption != nil { texts.append(("\(prefix).photos[\(index + 1)].caption", photo.caption!)) }
        }
        userTexts = texts

        documentTitle = labels["report.title" + suffix] + (english ? " — " : "——") + organization.name
        subject = "\(standard.id) \(standardTitle)"
        // What the report is, readable offline from the signed revision's document information.
        keywords = [standard.id, english ? "after-sales service maturity" : "售后服务成熟度", organization.name, organization.creditCode.value, assessment.reportNumber,
                    levelName, issue.map { ReportFacts(evaluation, certificateNumber: $0.certificateNumber).keyword }]
            .compactMap { $0 }.joined(separator: ", ")
        creationDate = assessment.audit.end.startISO8601(inTimeZone: issuer.timeZone)
    }

    /// A number of points as written in a sentence: `100` rather than `100.00`, but `91.55` as is.
    static func prose(_ points: Points) -> String {
        points.hundredths % 100 == 0 ? String(points.hundredths / 100) : points.description
    }

    /// Each star level's threshold in words (`90 分及以上`; the lowest level: `70 分以下`).
    static func thresholdTexts(_ standard: Standard, _ labels: Labels) -> [String] {
        standard.starLevels.enumerated().map { index, level in
            if index == 0, standard.starLevels.count > 1 {
                return labels.format("method.threshold.below", ["points": prose(standard.starLevels[1].minimum)])
            }
            return labels.format("method.threshold.from", ["points": prose(level.minimum)])
        }
    }

    /// Tenths of a percent, rounded half up, from exact integers.
    static func permille(_ score: Points, of points: Int) -> Int {
        guard points > 0 else { return 0 }
        return (score.hundredths * 20 + points) / (2 * points)
    }

    static func date(_ day: CalendarDate, _ labels: Labels, key: String = "date") -> String {
        labels.format(key, ["year": String(day.year), "month": String(day.month), "day": String(day.day), "iso": day.description])
    }

    static func dateRange(_ start: CalendarDate, _ end: CalendarDate, _ labels: Labels) -> String {
        if start == end { return date(start, labels) }
        let endKey = start.year != end.year ? "date" : start.month != end.month ? "date.range.end.same-year" : "date.range.end.same-month"
        return labels.format("date.range", ["start": date(start, labels), "end": date(end, labels, key: endKey)])
    }
}

/// A piece of a text: set by the Chinese spacing rules, or as typed (a code such as a report number).
public struct TextPiece: Hashable, Sendable {
    public var text: String
    public var asTyped: Bool

    public init(_ text: String, asTyped: Bool = false) {
        self.text = text
        self.asTyped = asTyped
    }
}
