import StarCertCore

/// The human-readable result of `starcert score`.
enum ScoreTable {
    static func render(_ evaluation: Evaluation) -> String {
        let standard = evaluation.standard
        let assessment = evaluation.assessment
        var table = TextTable(columns: [
            ("条款 Item", .left), ("名称 Title", .left), ("分值 Points", .right),
            ("得分率 Percent", .right), ("档次 Band", .right), ("得分 Score", .right),
        ])
        let judgements = Dictionary(uniqueKeysWithValues: assessment.vetoJudgements.map { ($0.itemID, $0) })
        for section in evaluation.sections {
            if let only = section.items.first, section.items.count == 1, only.item.id == section.section.id,
               section.section.vetoItems.isEmpty {
                table.add([section.section.id, section.section.title, only.maximum.description,
                           "\(only.percent)%", "\(only.band.number)", only.score.description])
                continue
            }
            table.add([section.section.id, section.section.title, section.maximum.description, "", "", section.score.description])
            for veto in section.section.vetoItems {
                let passed = judgements[veto.id]?.passed ?? false
                table.add(["  " + veto.id, veto.title + "（否决项）", "—", passed ? "符合" : "不符合", "", passed ? "pass" : "VETO"])
            }
            for item in section.items {
                table.add(["  " + item.item.id, item.item.title, item.maximum.description,
                           "\(item.percent)%", "\(item.band.number)", item.score.description])
            }
        }
        table.addRule()
        table.add(["总分 Total", "", evaluation.standard.maximum.description, "", "", evaluation.total.description])

        var lines = [
            "\(standard.id) \(standard.title)",
            "\(assessment.organization.name)（\(assessment.organization.creditCode)）",
            "\(assessment.kind.chineseName) \(assessment.kind.rawValue) · \(assessment.audit.start) – \(assessment.audit.end)",
            "",
            table.render(),
            "",
        ]
        if let level = evaluation.starLevel {
            let stars = String(repeating: "★", count: level.stars) + String(repeating: "☆", count: standard.starLevels.count - level.stars)
            let note = evaluation.decision == .selfAssessment ? "（自我评价，仅供参考 indicative）" : ""
            lines.append("星级 Star level: \(stars) \(level.name)（\(level.requirement)）\(note)")
        } else {
            lines.append("星级 Star level: none — 一票否决 (veto item \(evaluation.failedVetoItems.joined(separator: ", ")) failed)")
        }
        lines.append("结论 Decision: \(evaluation.decision.rawValue)")
        return lines.joined(separator: "\n")
    }
}
