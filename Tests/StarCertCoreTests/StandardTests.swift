import Foundation
import StarCertCore
import StarCertTestSupport
import Testing

@Suite struct StandardTests {
    let standard: Standard

    init() throws {
        standard = try Fixtures.standard()
    }

    @Test func sectionsAddUpToOneHundredPoints() {
        #expect(standard.sections.count == 13)
        #expect(standard.sections.reduce(0) { $0 + $1.points } == 100)
        #expect(standard.totalPoints == 100)
        for section in standard.sections {
            #expect(section.items.reduce(0) { $0 + $1.points } == section.points, "section \(section.id)")
        }
    }

    @Test func itemsAndVetoMatchTheStandardText() {
        #expect(standard.items.count == 20)
        #expect(standard.vetoItems.map(\.id) == ["4.1.1"])
        let expected: [String: Int] = [
            "4.1.2": 6, "4.2.1": 3, "4.2.2": 5, "4.2.3": 6, "4.3.1": 3, "4.3.2": 3, "4.3.3": 3,
            "4.4.1": 3, "4.4.2": 3, "4.4.3": 2, "4.4.4": 1, "4.5": 4, "4.6": 10, "4.7": 10,
            "4.8": 8, "4.9": 8, "4.10": 4, "4.11": 4, "4.12": 9, "4.13": 5,
        ]
        #expect(Dictionary(uniqueKeysWithValues: standard.items.map { ($0.id, $0.points) }) == expected)
        #expect(standard.items.allSatisfy { !$0.requirements.isEmpty })
        #expect(standard.item("4.3.2")?.requirements.count == 5)
        #expect(standard.item("4.4.4")?.requirements.first == "搭建数字化售后资产管理线上管控平台。")
    }

    @Test(arguments: [
        (0, 1), (19, 1), (20, 2), (39, 2), (40, 3), (59, 3), (60, 4), (79, 4), (80, 5), (99, 5), (100, 5),
    ])
    func boundaryPercentBelongsToTheHigherBand(percent: Int, band: Int) {
        #expect(standard.band(forPercent: percent).number == band)
    }

    @Test func bandsCarryThreeDescriptorsEach() {
        #expect(standard.bands.map(\.label) == ["0%–20%", "20%–40%", "40%–60%", "60%–80%", "80%–100%"])
        #expect(standard.bands.allSatisfy { $0.descriptors.count == 3 })
    }

    @Test(arguments: [
        (0, 1), (6999, 1), (7000, 2), (7999, 2), (8000, 3), (8999, 3), (9000, 4), (9499, 4), (9500, 5), (10000, 5),
    ])
    func starLevelFollowsTheExactTotal(hundredths: Int, stars: Int) {
        #expect(standard.starLevel(for: Points(hundredths: hundredths)).stars == stars)
    }
}

/// Broken copies of the shipped definition, each of which must be refused with a positioned error.
@Suite struct StandardDefinitionTests {
    static func shippedText() throws -> String {
        let url = Fixtures.packageRoot.appendingPathComponent("Sources/StarCertCore/Standards/Q-BJKB-006-2026.yaml")
        return try String(contentsOf: url, encoding: .utf8)
    }

    static func line(of needle: String, in text: String) -> Int {
        let lines = text.components(separatedBy: "\n")
        return (lines.firstIndex { $0.contains(needle) } ?? -1) + 1
    }

    func errors(loading text: String) -> [String] {
        switch StandardDefinition.load(Array(text.utf8), file: "std.yaml") {
        case .success: return []
        case let .failure(failure): return failure.diagnostics.filter { $0.severity == .error }.map(\.description)
        }
    }

    @Test func shippedDefinitionLoads() throws {
        #expect(errors(loading: try Self.shippedText()).isEmpty)
    }

    @Test func itemPointsThatMissTheSectionTotalAreNamed() throws {
        let text = try Self.shippedText().replacingOccurrences(of: "        title: 沟通交流\n        title_en: Communication\n        points: 5", with: "        title: 沟通交流\n        title_en: Communication\n        points: 4")
        let sectionLine = Self.line(of: "points: 14", in: text)
        let found = errors(loading: text)
        #expect(found.contains("std.yaml:\(sectionLine):13: error: the items of section 4.2 add up to 13 points; expected the section's 14"))
        #expect(found.contains { $0.contains("the sections' points add up to 99") } == false)
    }

    @Test func sectionsThatMissTheTotalAreNamed() throws {
        let text = try Self.shippedText()
            .replacingOccurrences(of: "    points: 5\n    items:\n      - id: \"4.13\"", with: "    points: 6\n    items:\n      - id: \"4.13\"")
            .replacingOccurrences(of: "        title_en: Monitoring and Continual Improvement\n        points: 5", with: "        title_en: Monitoring and Continual Improvement\n        points: 6")
        let found = errors(loading: text)
        #expect(found == ["std.yaml:\(Self.line(of: "total_points:", in: text)):15: error: the sections' points add up to 101; expected `total_points` (100)"])
    }

    @Test func aGapBetweenBandsIsRefused() throws {
        let text = try Self.shippedText().replacingOccurrences(of: "  - band: 3\n    from: 40", with: "  - band: 3\n    from: 45")
        let found = errors(loading: text)
        #expect(found == ["std.yaml:\(Self.line(of: "from: 45", in: text)):11: error: band 3 starts at 45%; expected 40% so that the bands leave no gap and do not overlap"])
    }

    @Test func fallingThresholdsAreRefused() throws {
        let text = try Self.shippedText().replacingOccurrences(of: "  - stars: 4\n    from: 90", with: "  - stars: 4\n    from: 79.5")
        let found = errors(loading: text)
        #expect(found == ["std.yaml:\(Self.line(of: "from: 79.5", in: text)):11: error: star level 4 starts at 79.50 points, not above the previous level's 80.00; expected rising thresholds"])
    }

    @Test func aRepeatedItemIdIsRefused() throws {
        let text = try Self.shippedText().replacingOccurrences(of: "      - id: \"4.3.3\"", with: "      - id: \"4.3.2\"")
        let found = errors(loading: text)
        let second = text.components(separatedBy: "\n").enumerated().filter { $0.element.contains("- id: \"4.3.2\"") }.map { $0.offset + 1 }
        #expect(second.count == 2)
        #expect(found == ["std.yaml:\(second[1]):13: error: item id 4.3.2 is used twice (first on line \(second[0])); expected unique item ids"])
    }

    @Test func aDuplicateKeyIsRefused() throws {
        let text = try Self.shippedText().replacingOccurrences(of: "total_points: 100\n", with: "total_points: 100\ntotal_points: 90\n")
        #expect(errors(loading: text) == ["std.yaml:\(Self.line(of: "total_points: 90", in: text)):1: error: duplicate key `total_points` in the standard definition, first given on line \(Self.line(of: "total_points: 100", in: text)); expected each key once"])
    }

    @Test func anotherStandardIsAddedAsADataFile() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = try Self.shippedText()
            .replacingOccurrences(of: "id: Q/BJKB 006-2026", with: "id: Q/BJKB 006-2027")
            .replacingOccurrences(of: "effective: 2026-04-01", with: "effective: 2027-01-01")
        try text.write(to: folder.appendingPathComponent("next.yaml"), atomically: true, encoding: .utf8)
        let catalog = try StandardCatalog.installed(environment: ["STARCERT_STANDARDS": folder.path])
        #expect(catalog.standards.map(\.id).sorted() == ["Q/BJKB 006-2026", "Q/BJKB 006-2027"])
        #expect(catalog.defaultStandard?.id == "Q/BJKB 006-2027")
    }

    @Test func aBrokenExtraDefinitionStopsTheCatalogWithItsPosition() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "schema: 1\nid: X\n".write(to: folder.appendingPathComponent("x.yaml"), atomically: true, encoding: .utf8)
        #expect(throws: DiagnosedFailure.self) {
            try StandardCatalog.installed(environment: ["STARCERT_STANDARDS": folder.path])
        }
    }
}
