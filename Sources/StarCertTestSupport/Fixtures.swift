import Foundation
import StarCertCore

/// Paths and files the tests share.
public enum Fixtures {
    /// The package's root folder.
    public static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static let examples = packageRoot.appendingPathComponent("Examples")

    public static func example(_ name: String) -> URL { examples.appendingPathComponent(name) }

    public static let fourStar = example("four-star-certification.yaml")
    public static let vetoed = example("vetoed-certification.yaml")

    /// The shipped standards; tests fail loudly if the shipped definitions are broken.
    public static func catalog() throws -> StandardCatalog {
        try StandardCatalog.installed(environment: [:])
    }

    public static func standard() throws -> Standard {
        guard let standard = try catalog().standard("Q/BJKB 006-2026") else {
            throw FixtureError("Q/BJKB 006-2026 is not among the shipped standards")
        }
        return standard
    }

    /// A fresh empty folder under the system's temporary folder.
    public static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("starcert-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

public struct FixtureError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Builds assessment files for tests: every item of a standard with a given percent.
public enum AssessmentFixture {
    /// A complete, valid assessment as YAML; items missing from `percents` get 80 %.
    public static func yaml(
        standard: Standard,
        percents: [String: Int] = [:],
        kind: String = "initial",
        vetoPassed: Bool = true
    ) -> String {
        var lines = [
            "format: 1",
            "standard: \"\(standard.id)\"",
            "kind: \(kind)",
            "organization:",
            "  name: 测试服务有限公司",
            "  credit_code: 91110108MA01C2XK3R",
            "  address: 北京市海淀区测试路 1 号",
            "  scope: 家用电器维修服务",
            "audit:",
            "  start: 2026-05-10",
            "  end: 2026-05-12",
            "  team:",
            "    - {name: 张三, role: leader}",
            "veto:",
        ]
        for veto in standard.vetoItems {
            lines += ["  \"\(veto.id)\":", "    passed: \(vetoPassed)", "    evidence: [营业执照]"]
            if !vetoPassed { lines.append("    findings: [存在行政处罚]") }
        }
        lines.append("items:")
        for item in standard.items {
            let percent = percents[item.id] ?? 80
            lines += ["  \"\(item.id)\":", "    percent: \(percent)", "    evidence: [制度文件]"]
            if percent < 60 { lines.append("    findings: [不足之处]") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Percents (in the standard's item order) whose exact total is `hundredths` / 100 points.
    /// Fills the largest items first, so the one-point item takes the last hundredths.
    public static func percents(forTotal hundredths: Int, standard: Standard) -> [String: Int]? {
        var remaining = hundredths
        var result: [String: Int] = [:]
        for item in standard.items.sorted(by: { $0.points > $1.points }) {
            let percent = min(100, remaining / item.points)
            result[item.id] = percent
            remaining -= percent * item.points
        }
        return remaining == 0 ? result : nil
    }

    /// Parses `text` as an assessment file named `file`, with photos resolved against `folder`.
    public static func parse(_ text: String, file: String = "test.yaml", folder: String = ".") throws -> ParsedAssessment {
        AssessmentParser(catalog: try Fixtures.catalog()).parse(Array(text.utf8), file: file, baseDirectory: folder)
    }
}

/// A small seedable random number generator (SplitMix64), so searches in tests are repeatable.
public struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
