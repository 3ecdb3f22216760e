import StarCertCore
import StarCertTemplates

/// An earlier evaluation of the same organization, as the archive recorded it.
public struct PreviousEvaluation: Sendable {
    public let auditEnd: CalendarDate
    public let total: Points
    public let stars: Int?
    public let decision: Evaluation.Decision
    /// Section scores by section id.
    public let sectionScores: [String: Points]

    public init(auditEnd: CalendarDate, total: Points, stars: Int?, decision: Evaluation.Decision, sectionScores: [String: Points]) {
        self.auditEnd = auditEnd
        self.total = total
        self.stars = stars
        self.decision = decision
        self.sectionScores = sectionScores
    }
}

extension ReportModel {
    /// Section scores then and now, and the star levels over time; present when earlier evaluations exist.
    public struct History: Sendable {
        public struct Row: Sendable {
            public let id: String
            public let title: String
            public let previous: String
            public let current: String
            /// Signed difference, e.g. `+0.45`.
            public let change: String
            public let previousPermille: Int
            public let currentPermille: Int
        }

        public struct Level: Sendable {
            public let date: String
            public let total: String
            public let level: String
        }

        public let previousColumn: String
        public let currentColumn: String
        public let rows: [Row]
        public let levels: [Level]
    }

    static func history(_ previous: [PreviousEvaluation], _ evaluation: Evaluation, _ labels: Labels, levelNames: [String]) -> History? {
        guard let last = previous.last else { return nil }
        let rows = evaluation.sections.map { section -> History.Row in
            let before = last.sectionScores[section.section.id] ?? .zero
            let difference = section.score - before
            return History.Row(
                id: section.section.id, title: labels.isChinese ? section.section.title : (section.section.titleEnglish ?? section.section.title),
                previous: before.description, current: section.score.description,
                change: (difference.hundredths > 0 ? "+" : "") + difference.description,
                previousPermille: permille(before, of: section.section.points), currentPermille: permille(section.score, of: section.section.points))
        }
        func level(_ stars: Int?) -> String { stars.map { levelNames[$0 - 1] } ?? labels["summary.no-level"] }
        let levels = previous.map { History.Level(date: date($0.auditEnd, labels), total: $0.total.description, level: level($0.stars)) }
            + [History.Level(date: date(evaluation.assessment.audit.end, labels), total: evaluation.total.description, level: level(evaluation.starLevel?.stars))]
        return History(
            previousColumn: labels.format("history.column.previous", ["date": date(last.auditEnd, labels)]),
            currentColumn: labels.format("history.column.current", ["date": date(evaluation.assessment.audit.end, labels)]),
            rows: rows, levels: levels)
    }
}
