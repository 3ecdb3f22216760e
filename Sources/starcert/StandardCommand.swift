import ArgumentParser
import StarCertCore

struct StandardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "standard",
        abstract: "Show a standard's structure: sections, items, points, bands and star thresholds.",
        discussion: "Without an id, shows the most recent standard shipped; --list names them all."
    )

    @Argument(help: "The standard's id, e.g. \"Q/BJKB 006-2026\".")
    var id: String?

    @Flag(help: "List the standards StarCert knows.")
    var list = false

    @Flag(help: "Also print every requirement bullet (要点).")
    var requirements = false

    func run() throws {
        let catalog = try loadCatalog()
        if list {
            for standard in catalog.standards { Console.out("\(standard.id)\t\(standard.title)") }
            return
        }
        Console.out(describe(try resolveStandard(id, in: catalog)))
    }

    private func describe(_ standard: Standard) -> String {
        var lines = ["\(standard.id) \(standard.title)"]
        if let english = standard.titleEnglish { lines.append(english) }
        lines.append("\(standard.publisher) · total \(standard.maximum) points · \(standard.sections.count) sections, \(standard.items.count) scored items, \(standard.vetoItems.count) veto item(s)")
        lines.append("")
        var table = TextTable(columns: [("条款 Item", .left), ("名称 Title", .left), ("分值 Points", .right)])
        for section in standard.sections {
            table.add([section.id, section.title, section.maximum.description])
            for veto in section.vetoItems {
                table.add(["  " + veto.id, veto.title + "（一票否决）", "veto"])
                if requirements { veto.requirements.forEach { table.add(["", "  · " + $0, ""]) } }
            }
            for item in section.items {
                if item.id != section.id { table.add(["  " + item.id, item.title, Points(item.points).description]) }
                if requirements { item.requirements.forEach { table.add(["", "  · " + $0, ""]) } }
            }
        }
        lines.append(table.render())
        lines.append("")
        lines.append("评分档次 Scoring bands (a boundary value belongs to the \(standard.bandBoundary.rawValue) band; 100% to the top band):")
        for band in standard.bands {
            lines.append("  \(band.number)  \(band.label)")
            band.descriptors.forEach { lines.append("       ■ " + $0) }
        }
        lines.append("")
        lines.append("星级 Star levels (by the exact total):")
        for level in standard.starLevels {
            lines.append("  " + String(repeating: "★", count: level.stars).padding(toLength: 6, withPad: " ", startingAt: 0)
                + " from \(level.minimum)  \(level.name)（\(level.requirement)）")
        }
        return lines.joined(separator: "\n")
    }
}

extension Standard.Section {
    var maximum: Points { Points(points) }
}
