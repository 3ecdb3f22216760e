import PropertyBased
import StarCertCore
import StarCertTestSupport
import Testing

@Suite struct ScoringProperties {
    let standard: Standard

    init() throws {
        standard = try Fixtures.standard()
    }

    func evaluate(_ percents: [Int]) throws -> Evaluation {
        let byID = Dictionary(uniqueKeysWithValues: zip(standard.items.map(\.id), percents))
        let parsed = try AssessmentFixture.parse(AssessmentFixture.yaml(standard: standard, percents: byID))
        let assessment = try #require(parsed.assessment, "\(parsed.errors)")
        return Evaluation(assessment: assessment, standard: standard)
    }

    @Test func totalIsTheSumOfItemScores() async throws {
        let count = standard.items.count
        await propertyCheck(count: 60, input: Gen.int(in: 0...100).array(of: count)) { percents in
            let evaluation = try evaluate(percents)
            let expected = zip(standard.items, percents).reduce(0) { $0 + $1.0.points * $1.1 }
            #expect(evaluation.total.hundredths == expected)
            #expect(evaluation.total == evaluation.items.reduce(.zero) { $0 + $1.score })
            #expect(evaluation.total == evaluation.sections.reduce(.zero) { $0 + $1.score })
        }
    }

    @Test func raisingAPercentNeverLowersTheTotalOrTheStarLevel() async throws {
        let count = standard.items.count
        await propertyCheck(
            count: 60,
            input: Gen.int(in: 0...100).array(of: count), Gen.int(in: 0..<count), Gen.int(in: 1...100)
        ) { percents, index, raise in
            var raised = percents
            raised[index] = min(100, percents[index] + raise)
            let before = try evaluate(percents)
            let after = try evaluate(raised)
            #expect(after.total >= before.total)
            #expect((after.starLevel?.stars ?? 0) >= (before.starLevel?.stars ?? 0))
        }
    }
}
