/// The result of scoring an assessment against its standard: exact item, section and total scores,
/// the star level and the decision.
public struct Evaluation: Sendable {
    public let standard: Standard
    public let assessment: Assessment
    public let sections: [SectionResult]
    public let total: Points
    /// The star level the total reaches, or nil when a veto item failed.
    public let starLevel: Standard.StarLevel?
    public let decision: Decision
    /// Ids of the veto items that failed.
    public let failedVetoItems: [String]

    public enum Decision: String, Sendable, Codable, CaseIterable {
        /// A certification evaluation that reached a star level.
        case certified
        /// A veto item failed: no star level and no certificate, whatever the total.
        case vetoed
        /// A company's own assessment: the star level is indicative only.
        case selfAssessment = "self-assessment"
    }

    public struct SectionResult: Sendable {
        public let section: Standard.Section
        public let items: [ItemResult]
        public let score: Points
        public var maximum: Points { Points(section.points) }
    }

    public struct ItemResult: Sendable {
        public let item: Standard.Item
        public let record: Assessment.ItemRecord
        public let band: Standard.Band
        public let score: Points
        public var percent: Int { record.percent }
        public var maximum: Points { Points(item.points) }
    }

    /// Scores `assessment`, which must have been read against `standard` (one record per item).
    public init(assessment: Assessment, standard: Standard) {
        precondition(assessment.standardID == standard.id, "assessment and standard differ")
        let records = Dictionary(uniqueKeysWithValues: assessment.itemRecords.map { ($0.itemID, $0) })
        sections = standard.sections.map { section in
            let items = section.items.map { item in
                let record = records[item.id]!
                return ItemResult(
                    item: item, record: record, band: standard.band(forPercent: record.percent),
                    score: Points.share(of: item.points, percent: record.percent))
            }
            return SectionResult(section: section, items: items, score: items.reduce(.zero) { $0 + $1.score })
        }
        total = sections.reduce(.zero) { $0 + $1.score }
        failedVetoItems = assessment.vetoJudgements.filter { !$0.passed }.map(\.itemID)
        if !failedVetoItems.isEmpty {
            decision = .vetoed
            starLevel = nil
        } else {
            decision = assessment.kind == .selfAssessment ? .selfAssessment : .certified
            starLevel = standard.starLevel(for: total)
        }
        self.standard = standard
        self.assessment = assessment
    }

    public var items: [ItemResult] { sections.flatMap(\.items) }
}
