import StarCertCore

/// Everything an evaluation report says, as text and numbers, before any layout. The PDF (and
/// later the HTML) are built from this one model, so they never disagree on a number or a sentence.
public struct ReportModel: Sendable {
    public struct Field: Sendable, Hashable {
        public let label: String
        public let value: String
    }

    public struct SectionRow: Sendable {
        public let id: String
        public let title: String
        public let points: String
        public let score: String
        /// Score as a share of the section's points, in tenths of a percent (950 = 95.0 %).
        public let permille: Int
        public var percentText: String { "\(permille / 10).\(permille % 10)%" }
    }

    public struct Finding: Sendable {
        public let text: String
        public let severity: String?
    }

    public struct Photo: Sendable {
        public let path: String
        public let caption: String?
    }

    public struct ItemDetail: Sendable {
        public let id: String
        public let title: String
        public let points: String
        public let percent: Int
        public let band: Int
        public let bandLabel: String
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
        public let title: String
        public let passed: Bool
        public let requirements: [String]
        public let evidence: [String]
        public let findings: [Finding]
    }

    public struct SectionDetail: Sendable {
        public let id: String
        public let title: String
        public let points: String
        public let score: String
        public let veto: [VetoDetail]
        public let items: [ItemDetail]
    }

    public struct FindingRow: Sendable {
        public let number: Int
        public let itemID: String
        public let itemTitle: String
        public let text: String
        public let severity: String
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

    public let title: String
    public let titleEnglish: String
    public let standardLine: String
    public let organizationName: String
    public let coverFields: [Field]
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
    public let decisionStatement: String
    public let vetoNotice: String?
    public let sectionRows: [SectionRow]
    public let sections: [SectionDetail]
    public let findings: [FindingRow]
    public let bands: [BandRow]
    public let boundaryRule: String
    public let starLevels: [StarRow]
    public let interpretations: [String]
    public let signatories: [Signatory]

    /// Every text that came from the assessment file, with where it came from, for the glyph check.
    public let userTexts: [(field: String, text: String)]

    public let documentTitle: String
    public let subject: String
    public let keywords: String
    /// The audit's last day at midnight, Beijing time: the PDFs' creation date.
    public let creationDate: String

    public init(_ evaluation: Evaluation, issuer: Issuer = .builtInDefault) {
        let assessment = evaluation.assessment
        let standard = evaluation.standard
        let organization = assessment.organization
        self.issuer = issuer
        let selfAssessment = assessment.kind == .selfAssessment
        title = selfAssessment ? "售后服务成熟度自我评价报告" : "售后服务成熟度评价报告"
        titleEnglish = selfAssessment ? "After-Sales Service Maturity Self-Assessment Report" : "After-Sales Service Maturity Evaluation Report"
        standardLine = "依据 \(standard.id)《\(standard.title)》"
        organizationName = organization.name
        reportDate = assessment.audit.end.chinese

        var fields = [Field(label: "受评价组织", value: organization.name)]
        if let english = organization.nameEnglish { fields.append(Field(label: "英文名称", value: english)) }
        fields += [
            Field(label: "统一社会信用代码", value: organization.creditCode.value),
            Field(label: "地址", value: organization.address),
            Field(label: "评价范围", value: organization.scope),
            Field(label: "评价类型", value: assessment.kind.chineseName),
            Field(label: "评价日期", value: Self.dateRange(assessment.audit.start, assessment.audit.end)),
        ]
        if !assessment.audit.sites.isEmpty {
            fields.append(Field(label: "评价地点", value: assessment.audit.sites.joined(separator: "\n")))
        }
        if !assessment.audit.team.isEmpty {
            fields.append(Field(label: "评价组", value: assessment.audit.team.map { "\($0.name)（\($0.role.chineseName)）" }.joined(separator: "、")))
        }
        fields.append(Field(label: selfAssessment ? "评价标准发布机构" : "评价机构", value: issuer.name))
        if let number = assessment.reportNumber { fields.append(Field(label: "报告编号", value: number)) }
        fields.append(Field(label: "报告日期", value: assessment.audit.end.chinese))
        coverFields = fields

        total = evaluation.total.description
        maximum = standard.maximum.description
        fullMarks = Self.prose(standard.maximum)
        stars = evaluation.starLevel?.stars
        maximumStars = standard.starLevels.count
        levelName = evaluation.starLevel?.name ?? "不予评定星级"
        decision = evaluation.decision
        let judgements = assessment.vetoJudgements
        let fullMarks = Self.prose(standard.maximum)
        switch evaluation.decision {
        case .certified:
            decisionStatement = "经评价，\(organization.name)售后服务成熟度评价总得分为 \(evaluation.total) 分（满分 \(fullMarks) 分），"
                + "否决项均符合要求，达到\(evaluation.starLevel!.name)（\(evaluation.starLevel!.requirement)）。"
            vetoNotice = nil
        case .selfAssessment:
            decisionStatement = "\(organization.name)按\(standard.id)进行自我评价，总得分为 \(evaluation.total) 分（满分 \(fullMarks) 分），"
                + "对应\(evaluation.starLevel!.name)（\(evaluation.starLevel!.requirement)）。本结果为自我评价，星级仅供参考，不构成认证结论。"
            vetoNotice = nil
        case .vetoed:
            let failed = evaluation.failedVetoItems.compactMap { id in standard.vetoItems.first { $0.id == id } }
            let names = failed.map { "\($0.id)「\($0.title)」" }.joined(separator: "、")
            decisionStatement = "\(organization.name)售后服务成熟度评价各评分项合计 \(evaluation.total) 分（满分 \(fullMarks) 分），"
                + "但否决项 \(names)不符合要求。依据\(standard.id)，实行一票否决，不予评定星级，不颁发证书。"
            let reasons = judgements.filter { !$0.passed }.flatMap(\.findings).map(\.text)
            vetoNotice = "一票否决：否决项 \(names)不符合要求" + (reasons.isEmpty ? "。" : "——" + reasons.joined(separator: "；") + "。")
        }

        sectionRows = evaluation.sections.map { section in
            SectionRow(id: section.section.id, title: section.section.title, points: section.maximum.description,
                       score: section.score.description, permille: Self.permille(section.score, of: section.section.points))
        }
        let judgementsByID = Dictionary(uniqueKeysWithValues: judgements.map { ($0.itemID, $0) })
        sections = evaluation.sections.map { section in
            SectionDetail(
                id: section.section.id, title: section.section.title, points: section.maximum.description, score: section.score.description,
                veto: section.section.vetoItems.map { veto in
                    let judgement = judgementsByID[veto.id]
                    return VetoDetail(id: veto.id, title: veto.title, passed: judgement?.passed ?? false, requirements: veto.requirements,
                                      evidence: judgement?.evidence ?? [], findings: (judgement?.findings ?? []).map(Self.finding))
                },
                items: section.items.map { result in
                    ItemDetail(
                        id: result.item.id, title: result.item.title, points: result.maximum.description, percent: result.percent,
                        band: result.band.number, bandLabel: result.band.label, bandDescriptors: result.band.descriptors,
                        score: result.score.description, requirements: result.item.requirements, evidence: result.record.evidence,
                        strengths: result.record.strengths, findings: result.record.findings.map(Self.finding),
                        photos: result.record.photos.map { Photo(path: $0.resolvedPath, caption: $0.caption) })
                })
        }

        var rows: [FindingRow] = []
        for section in sections {
            for veto in section.veto { for finding in veto.findings { rows.append(FindingRow(number: rows.count + 1, itemID: veto.id, itemTitle: veto.title, text: finding.text, severity: finding.severity ?? "—")) } }
            for item in section.items { for finding in item.findings { rows.append(FindingRow(number: rows.count + 1, itemID: item.id, itemTitle: item.title, text: finding.text, severity: finding.severity ?? "—")) } }
        }
        findings = rows

        bands = standard.bands.map { BandRow(label: $0.label, descriptors: $0.descriptors) }
        boundaryRule = standard.bandBoundary == .higher
            ? "得分率恰为档次分界值（20%、40%、60%、80%）时归入较高档次，100% 归入最高档次。"
            : "得分率恰为档次分界值时归入较低档次。"
        starLevels = standard.starLevels.map { StarRow(stars: $0.stars, name: $0.name, requirement: $0.requirement) }
        interpretations = [
            "各评分项得分 = 该项分值 × 得分率；得分以百分之一分为单位精确计算，小计与总分为各项得分的精确合计，不作四舍五入。",
            boundaryRule,
            "星级按精确总分与各星级要求分值比较确定，比较前不作取整：79.99 分为二星级，80.00 分为三星级。",
            "总分低于 70 分且否决项均符合要求的，评定为一星级。",
            "否决项（\(standard.vetoItems.map(\.id).joined(separator: "、"))）不符合要求的，实行一票否决：不论总分高低，均不予评定星级，不颁发证书。",
            "自我评价所得星级仅供参考，不构成认证结论。",
        ]
        signatories = assessment.audit.team.map { Signatory(name: $0.name, role: $0.role.chineseName) }

        var texts: [(String, String)] = [
            ("organization.name", organization.name), ("organization.address", organization.address),
            ("organization.scope", organization.scope),
        ]
        if let english = organization.nameEnglish { texts.append(("organization.name_en", english)) }
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

        documentTitle = "\(title)——\(organization.name)"
        subject = "\(standard.id) \(standard.title)"
        keywords = [standard.id, "售后服务成熟度", organization.name, organization.creditCode.value, assessment.reportNumber].compactMap { $0 }.joined(separator: ", ")
        creationDate = "\(assessment.audit.end)T00:00:00+08:00"
    }

    /// A number of points as written in a sentence: `100` rather than `100.00`, but `91.55` as is.
    static func prose(_ points: Points) -> String {
        points.hundredths % 100 == 0 ? String(points.hundredths / 100) : points.description
    }

    static func finding(_ finding: Assessment.Finding) -> Finding {
        Finding(text: finding.text, severity: finding.severity?.chineseName)
    }

    /// Tenths of a percent, rounded half up, from exact integers.
    static func permille(_ score: Points, of points: Int) -> Int {
        guard points > 0 else { return 0 }
        return (score.hundredths * 20 + points) / (2 * points)
    }

    static func dateRange(_ start: CalendarDate, _ end: CalendarDate) -> String {
        if start == end { return start.chinese }
        if start.year == end.year, start.month == end.month { return "\(start.chinese)至\(end.day)日" }
        if start.year == end.year { return "\(start.chinese)至\(end.month)月\(end.day)日" }
        return "\(start.chinese)至\(end.chinese)"
    }
}
