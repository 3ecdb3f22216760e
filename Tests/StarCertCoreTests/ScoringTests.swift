import StarCertCore
import StarCertTestSupport
import Testing

@Suite struct ScoringTests {
    let standard: Standard

    init() throws {
        standard = try Fixtures.standard()
    }

    func evaluate(_ percents: [String: Int], kind: String = "initial", vetoPassed: Bool = true) throws -> Evaluation {
        let text = AssessmentFixture.yaml(standard: standard, percents: percents, kind: kind, vetoPassed: vetoPassed)
        let parsed = try AssessmentFixture.parse(text)
        let assessment = try #require(parsed.assessment, "\(parsed.errors)")
        return Evaluation(assessment: assessment, standard: standard)
    }

    @Test func itemScoreIsPointsTimesPercentInHundredths() throws {
        let evaluation = try evaluate(["4.2.2": 85, "4.4.4": 33, "4.6": 7])
        let scores = Dictionary(uniqueKeysWithValues: evaluation.items.map { ($0.item.id, $0.score.description) })
        #expect(scores["4.2.2"] == "4.25")
        #expect(scores["4.4.4"] == "0.33")
        #expect(scores["4.6"] == "0.70")
        let section = try #require(evaluation.sections.first { $0.section.id == "4.2" })
        #expect(section.score == section.items.reduce(.zero) { $0 + $1.score })
    }

    @Test(arguments: [(6999, 1), (7000, 2), (7999, 2), (8000, 3), (8999, 3), (9000, 4), (9499, 4), (9500, 5)])
    func thresholdsAreComparedWithTheExactTotal(hundredths: Int, stars: Int) throws {
        let percents = try #require(AssessmentFixture.percents(forTotal: hundredths, standard: standard))
        let evaluation = try evaluate(percents)
        #expect(evaluation.total == Points(hundredths: hundredths))
        #expect(evaluation.starLevel?.stars == stars)
        #expect(evaluation.decision == .certified)
    }

    /// Adding item scores as Double can fall just below a threshold the exact total reaches;
    /// search for such an assessment and check that StarCert awards the level.
    @Test func exactTotalReachesAThresholdThatDoubleArithmeticMisses() throws {
        var random = SplitMix64(seed: 20_260_401)
        let oneTenth = try #require(standard.items.first { $0.points == 1 })
        var found: (percents: [String: Int], threshold: Int)?
        search: for _ in 0..<200_000 {
            var percents: [String: Int] = [:]
            var hundredths = 0
            for item in standard.items where item.id != oneTenth.id {
                let percent = Int.random(in: 50...100, using: &random)
                percents[item.id] = percent
                hundredths += percent * item.points
            }
            for threshold in [7000, 8000, 9000, 9500] where (0...100).contains(threshold - hundredths) {
                percents[oneTenth.id] = threshold - hundredths
                let doubleSum = standard.items.reduce(0.0) { $0 + Double($1.points * percents[$1.id]!) / 100.0 }
                if doubleSum < Double(threshold) / 100.0 {
                    found = (percents, threshold)
                    break search
                }
            }
        }
        let (percents, threshold) = try #require(found, "no case found where Double addition falls below a threshold")
        let evaluation = try evaluate(percents)
        #expect(evaluation.total == Points(hundredths: threshold))
        #expect(evaluation.starLevel?.minimum == Points(hundredths: threshold))
    }

    @Test func aFailedVetoMeansNoStarLevelWhateverTheTotal() throws {
        let evaluation = try evaluate(Dictionary(uniqueKeysWithValues: standard.items.map { ($0.id, 100) }), vetoPassed: false)
        #expect(evaluation.total == Points(100))
        #expect(evaluation.starLevel == nil)
        #expect(evaluation.decision == .vetoed)
        #expect(evaluation.failedVetoItems == ["4.1.1"])
    }

    @Test func aSelfAssessmentGetsAnIndicativeLevel() throws {
        let evaluation = try evaluate(Dictionary(uniqueKeysWithValues: standard.items.map { ($0.id, 90) }), kind: "self-assessment")
        #expect(evaluation.decision == .selfAssessment)
        #expect(evaluation.starLevel?.stars == 4)
    }

    @Test func summaryJSONHasTheDocumentedShape() throws {
        let json = try evaluate(["4.1.2": 95]).summaryJSON.serialized()
        #expect(json.hasPrefix("{\n  \"standard\": \"Q/BJKB 006-2026\",\n  \"total\": \""))
        #expect(json.contains("\"max\": \"100.00\""))
        #expect(json.contains("\"id\": \"4.1.2\",\n          \"title\": \"合规运行评价机制\",\n          \"points\": \"6.00\",\n          \"percent\": 95,\n          \"band\": 5,\n          \"score\": \"5.70\""))
    }

    @Test func pointsPrintWithTwoDecimals() {
        #expect(Points(hundredths: 8735).description == "87.35")
        #expect(Points(hundredths: 5).description == "0.05")
        #expect(Points(hundredths: -50).description == "-0.50")
        #expect(Points(decimal: "94.9") == Points(hundredths: 9490))
        #expect(Points(decimal: "9.999") == nil)
        #expect(Points(decimal: "1e2") == nil)
    }
}
