/// The problems that kept an input from being used; each has a file, line and column.
public struct DiagnosedFailure: Error, Sendable, CustomStringConvertible {
    public let diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// Reads a standard definition file and checks that it is consistent.
public enum StandardDefinition {
    /// Parses `bytes` (the YAML text of a definition) into a standard whose sums, bands,
    /// thresholds and ids have all been checked; otherwise every problem found.
    public static func load(_ bytes: [UInt8], file: String) -> Result<Standard, DiagnosedFailure> {
        var reader = YAMLReader(file: file)
        let standard = DefinitionParser().parse(bytes, reader: &reader)
        let diagnostics = reader.log.sorted
        if reader.log.hasErrors || standard == nil { return .failure(DiagnosedFailure(diagnostics)) }
        return .success(standard!)
    }
}

/// The parser behind `StandardDefinition`.
private struct DefinitionParser {
    private static let topKeys = [
        "schema", "id", "title", "title_en", "publisher", "publisher_en", "published", "effective",
        "total_points", "sections", "band_boundary", "bands", "star_levels",
    ]

    func parse(_ bytes: [UInt8], reader r: inout YAMLReader) -> Standard? {
        defer { r.finish() }
        guard let root = r.document(bytes, expected: "a standard definition"),
              let top = r.fields(root, of: "the standard definition")
        else { return nil }
        r.checkKeys(top, known: Self.topKeys, of: "the standard definition", severity: .error)

        if let schema = r.required("schema", in: top, of: "the standard definition", expected: "1"),
           let version = r.wholeNumber(schema, "`schema`", in: 0...Int.max), version != 1 {
            r.error("schema \(version) is not supported; this StarCert reads standard definitions of schema 1", at: schema)
        }
        let id = r.required("id", in: top, of: "the standard definition", expected: "the standard's code")
            .flatMap { r.text($0, "`id`") }
        let title = r.required("title", in: top, of: "the standard definition", expected: "the standard's title")
            .flatMap { r.text($0, "`title`") }
        let publisher = r.required("publisher", in: top, of: "the standard definition", expected: "the publisher's name")
            .flatMap { r.text($0, "`publisher`") }
        let titleEnglish = r.optional("title_en", in: top).flatMap { r.text($0, "`title_en`") }
        let publisherEnglish = r.optional("publisher_en", in: top).flatMap { r.text($0, "`publisher_en`") }
        let published = r.optional("published", in: top).flatMap { r.date($0, "`published`") }
        let effective = r.optional("effective", in: top).flatMap { r.date($0, "`effective`") }
        let totalNode = r.required("total_points", in: top, of: "the standard definition", expected: "a whole number of points")
        let total = totalNode.flatMap { r.wholeNumber($0, "`total_points`", in: 1...100_000) }

        let sections = r.required("sections", in: top, of: "the standard definition", expected: "a list of sections")
            .flatMap { parseSections($0, reader: &r) }
        if let sections, let total, let totalNode {
            let sum = sections.reduce(0) { $0 + $1.section.points }
            if sum != total {
                r.error("the sections' points add up to \(sum); expected `total_points` (\(total))", at: totalNode)
            }
        }
        checkUniqueIDs(sections ?? [], reader: &r)

        let boundary = r.required("band_boundary", in: top, of: "the standard definition", expected: "higher or lower")
            .flatMap { r.choice($0, "`band_boundary`", as: Standard.BandBoundary.self) }
        let bands = r.required("bands", in: top, of: "the standard definition", expected: "a list of scoring bands")
            .flatMap { parseBands($0, reader: &r) }
        let levels = r.required("star_levels", in: top, of: "the standard definition", expected: "a list of star levels")
            .flatMap { parseStarLevels($0, total: total, reader: &r) }

        guard let id, let title, let publisher, let total, let sections, let boundary, let bands, let levels,
              !r.log.hasErrors
        else { return nil }
        return Standard(
            id: id, title: title, titleEnglish: titleEnglish, publisher: publisher,
            publisherEnglish: publisherEnglish, published: published, effective: effective,
            totalPoints: total, sections: sections.map(\.section), bandBoundary: boundary,
            bands: bands, starLevels: levels)
    }

    private struct ParsedSection {
        let section: Standard.Section
        let sectionIDNode: SourceNode
        let idNodes: [(id: String, node: SourceNode)]
    }

    private func parseSections(_ node: SourceNode, reader r: inout YAMLReader) -> [ParsedSection]? {
        guard let list = r.list(node, "`sections`", expected: "sections"), !list.isEmpty else {
            if case .sequence = node { r.error("`sections` is empty; expected at least one section", at: node) }
            return nil
        }
        var parsed: [ParsedSection] = []
        for element in list {
            if let section = parseSection(element, reader: &r) { parsed.append(section) }
        }
        return parsed.count == list.count ? parsed : nil
    }

    private func parseSection(_ node: SourceNode, reader r: inout YAMLReader) -> ParsedSection? {
        guard let fields = r.fields(node, of: "a section") else { return nil }
        r.checkKeys(fields, known: ["id", "title", "title_en", "points", "veto", "items"], of: "a section", severity: .error)
        guard let idNode = r.required("id", in: fields, of: "a section", expected: "the section's number, e.g. \"4.2\""),
              let id = r.text(idNode, "the section id")
        else { return nil }
        let what = "section \(id)"
        let title = r.required("title", in: fields, of: what, expected: "the section's title").flatMap { r.text($0, "the title of \(what)") }
        let titleEnglish = r.optional("title_en", in: fields).flatMap { r.text($0, "the English title of \(what)") }
        let pointsNode = r.required("points", in: fields, of: what, expected: "a whole number of points")
        let points = pointsNode.flatMap { r.wholeNumber($0, "the points of \(what)", in: 1...100_000) }

        var idNodes: [(String, SourceNode)] = []
        var vetoItems: [Standard.VetoItem] = []
        if let vetoNode = r.optional("veto", in: fields), let list = r.list(vetoNode, "the veto items of \(what)", expected: "veto items") {
            for element in list {
                guard let entry = parseEntry(element, sectionID: id, scored: false, reader: &r) else { continue }
                idNodes.append((entry.id, entry.idNode))
                vetoItems.append(Standard.VetoItem(
                    id: entry.id, title: entry.title, titleEnglish: entry.titleEnglish,
                    requirements: entry.requirements, sectionID: id))
            }
        }
        var items: [Standard.Item] = []
        if let itemsNode = r.required("items", in: fields, of: what, expected: "a list of scored items"),
           let list = r.list(itemsNode, "the items of \(what)", expected: "items") {
            for element in list {
                guard let entry = parseEntry(element, sectionID: id, scored: true, reader: &r) else { continue }
                idNodes.append((entry.id, entry.idNode))
                items.append(Standard.Item(
                    id: entry.id, title: entry.title, titleEnglish: entry.titleEnglish, points: entry.points,
                    requirements: entry.requirements, sectionID: id))
            }
            if list.isEmpty { r.error("\(what) has no items; expected at least one scored item", at: itemsNode) }
        }
        if let points, let pointsNode, !items.isEmpty {
            let sum = items.reduce(0) { $0 + $1.points }
            if sum != points {
                r.error("the items of \(what) add up to \(sum) points; expected the section's \(points)", at: pointsNode)
            }
        }
        guard let title, let points else { return nil }
        let section = Standard.Section(
            id: id, title: title, titleEnglish: titleEnglish, points: points, vetoItems: vetoItems, items: items)
        return ParsedSection(section: section, sectionIDNode: idNode, idNodes: idNodes)
    }

    private struct Entry {
        let id: String
        let idNode: SourceNode
        let title: String
        let titleEnglish: String?
        let points: Int
        let requirements: [String]
    }

    private func parseEntry(_ node: SourceNode, sectionID: String, scored: Bool, reader r: inout YAMLReader) -> Entry? {
        let kind = scored ? "an item" : "a veto item"
        guard let fields = r.fields(node, of: kind) else { return nil }
        let known = ["id", "title", "title_en", "requirements"] + (scored ? ["points"] : [])
        r.checkKeys(fields, known: known, of: kind, severity: .error)
        guard let idNode = r.required("id", in: fields, of: kind, expected: "the item's number, e.g. \"4.2.1\""),
              let id = r.text(idNode, "the item id")
        else { return nil }
        let what = scored ? "item \(id)" : "veto item \(id)"
        if id != sectionID, !id.hasPrefix(sectionID + ".") {
            r.error("\(what) is listed under section \(sectionID); expected an id that starts with \(sectionID)", at: idNode)
        }
        let title = r.required("title", in: fields, of: what, expected: "the item's title").flatMap { r.text($0, "the title of \(what)") }
        let titleEnglish = r.optional("title_en", in: fields).flatMap { r.text($0, "the English title of \(what)") }
        var points = 0
        if scored {
            guard let value = r.required("points", in: fields, of: what, expected: "a whole number of points")
                .flatMap({ r.wholeNumber($0, "the points of \(what)", in: 1...100_000) })
            else { return nil }
            points = value
        }
        let requirements = r.required("requirements", in: fields, of: what, expected: "the list of requirement bullets (要点)")
            .flatMap { r.texts($0, "the requirements of \(what)") }
        guard let title, let requirements else { return nil }
        return Entry(id: id, idNode: idNode, title: title, titleEnglish: titleEnglish, points: points, requirements: requirements)
    }

    private func checkUniqueIDs(_ sections: [ParsedSection], reader r: inout YAMLReader) {
        var seenSections: [String: Int] = [:]
        var seenItems: [String: SourceNode] = [:]
        for parsed in sections {
            if seenSections[parsed.section.id] != nil {
                r.error("section \(parsed.section.id) is defined twice; expected unique section ids", at: parsed.sectionIDNode)
            }
            seenSections[parsed.section.id, default: 0] += 1
            for (id, node) in parsed.idNodes {
                if let first = seenItems[id] {
                    r.error("item id \(id) is used twice (first on line \(YAMLReader.position(first).line)); expected unique item ids", at: node)
                } else {
                    seenItems[id] = node
                }
            }
        }
    }

    private func parseBands(_ node: SourceNode, reader r: inout YAMLReader) -> [Standard.Band]? {
        guard let list = r.list(node, "`bands`", expected: "scoring bands") else { return nil }
        var bands: [Standard.Band] = []
        var previousEnd = 0
        for (index, element) in list.enumerated() {
            guard let fields = r.fields(element, of: "a band") else { continue }
            r.checkKeys(fields, known: ["band", "from", "to", "descriptors"], of: "a band", severity: .error)
            let what = "band \(index + 1)"
            let numberNode = r.required("band", in: fields, of: what, expected: "its number, counting from 1")
            let number = numberNode.flatMap { r.wholeNumber($0, "the number of \(what)", in: 1...100) }
            if let number, let numberNode, number != index + 1 {
                r.error("bands are numbered \(number) here; expected \(index + 1) (bands count from 1 in rising order)", at: numberNode)
            }
            let fromNode = r.required("from", in: fields, of: what, expected: "the lowest percentage of the band")
            let from = fromNode.flatMap { r.wholeNumber($0, "`from` of \(what)", in: 0...100) }
            let toNode = r.required("to", in: fields, of: what, expected: "the highest percentage of the band")
            let to = toNode.flatMap { r.wholeNumber($0, "`to` of \(what)", in: 0...100) }
            let descriptors = r.required("descriptors", in: fields, of: what, expected: "the band's descriptors")
                .flatMap { r.texts($0, "the descriptors of \(what)") }
            guard let from, let to, let fromNode, let descriptors else { continue }
            if from != previousEnd {
                r.error("\(what) starts at \(from)%; expected \(previousEnd)% so that the bands leave no gap and do not overlap", at: fromNode)
            }
            if to <= from {
                r.error("\(what) ends at \(to)%, not above its start \(from)%; expected a rising range", at: toNode ?? fromNode)
            }
            previousEnd = to
            bands.append(Standard.Band(number: index + 1, fromPercent: from, toPercent: to, descriptors: descriptors))
        }
        if bands.count == list.count, previousEnd != 100 {
            r.error("the bands end at \(previousEnd)%; expected the last band to reach 100%", at: node)
        }
        if list.isEmpty { r.error("`bands` is empty; expected bands covering 0% to 100%", at: node) }
        return bands.count == list.count && !list.isEmpty ? bands : nil
    }

    private func parseStarLevels(_ node: SourceNode, total: Int?, reader r: inout YAMLReader) -> [Standard.StarLevel]? {
        guard let list = r.list(node, "`star_levels`", expected: "star levels") else { return nil }
        var levels: [Standard.StarLevel] = []
        for (index, element) in list.enumerated() {
            guard let fields = r.fields(element, of: "a star level") else { continue }
            r.checkKeys(fields, known: ["stars", "from", "name", "name_en", "requirement"], of: "a star level", severity: .error)
            let what = "star level \(index + 1)"
            let starsNode = r.required("stars", in: fields, of: what, expected: "the number of stars")
            let stars = starsNode.flatMap { r.wholeNumber($0, "`stars` of \(what)", in: 1...10) }
            if let stars, let starsNode, stars != index + 1 {
                r.error("this level has \(stars) stars; expected \(index + 1) (levels are listed from one star upward)", at: starsNode)
            }
            let fromNode = r.required("from", in: fields, of: what, expected: "the lowest total that reaches the level")
            var minimum: Points?
            if let fromNode, let text = r.text(fromNode, "`from` of \(what)") {
                minimum = Points(decimal: text)
                if minimum == nil {
                    r.error("`from` of \(what) is `\(text)`; expected a number of points with at most two decimals", at: fromNode)
                }
            }
            let name = r.required("name", in: fields, of: what, expected: "the level's name").flatMap { r.text($0, "the name of \(what)") }
            let nameEnglish = r.optional("name_en", in: fields).flatMap { r.text($0, "the English name of \(what)") }
            let requirement = r.required("requirement", in: fields, of: what, expected: "the standard's wording of the threshold")
                .flatMap { r.text($0, "the requirement of \(what)") }
            guard let stars, let minimum, let fromNode, let name, let requirement else { continue }
            if let previous = levels.last, minimum <= previous.minimum {
                r.error("\(what) starts at \(minimum) points, not above the previous level's \(previous.minimum); expected rising thresholds", at: fromNode)
            }
            if levels.isEmpty, minimum != .zero {
                r.error("the lowest star level starts at \(minimum) points; expected 0 so that every total has a level", at: fromNode)
            }
            if let total, minimum > Points(total) {
                r.error("\(what) starts at \(minimum) points, above the \(total) points there are; expected a reachable threshold", at: fromNode)
            }
            levels.append(Standard.StarLevel(stars: stars, minimum: minimum, name: name, nameEnglish: nameEnglish, requirement: requirement))
        }
        if list.isEmpty { r.error("`star_levels` is empty; expected at least one level", at: node) }
        return levels.count == list.count && !list.isEmpty ? levels : nil
    }
}
