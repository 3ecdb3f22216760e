/// A published evaluation standard, loaded from a definition file (see `StandardCatalog`).
public struct Standard: Sendable {
    public let id: String
    public let title: String
    public let titleEnglish: String?
    public let publisher: String
    public let publisherEnglish: String?
    public let published: CalendarDate?
    public let effective: CalendarDate?
    public let totalPoints: Int
    public let sections: [Section]
    public let bandBoundary: BandBoundary
    public let bands: [Band]
    public let starLevels: [StarLevel]

    /// A group of items with the points they share (e.g. 4.2 服务体系, 14 points).
    public struct Section: Sendable {
        public let id: String
        public let title: String
        public let titleEnglish: String?
        public let points: Int
        public let vetoItems: [VetoItem]
        public let items: [Item]
    }

    /// An item scored as a percentage of its points.
    public struct Item: Sendable {
        public let id: String
        public let title: String
        public let titleEnglish: String?
        public let points: Int
        /// The requirement bullets (要点) an auditor checks.
        public let requirements: [String]
        public let sectionID: String
    }

    /// An item judged pass or fail; failing it rules out any star level (一票否决).
    public struct VetoItem: Sendable {
        public let id: String
        public let title: String
        public let titleEnglish: String?
        public let requirements: [String]
        public let sectionID: String
    }

    /// Which band a percentage on the boundary between two bands belongs to.
    public enum BandBoundary: String, Sendable, CaseIterable {
        case higher
        case lower
    }

    /// A scoring band: a range of percentages and the descriptors that characterise it.
    public struct Band: Sendable, Equatable {
        /// 1 for the lowest band.
        public let number: Int
        public let fromPercent: Int
        public let toPercent: Int
        public let descriptors: [String]

        /// `80%–100%`.
        public var label: String { "\(fromPercent)%–\(toPercent)%" }
    }

    /// A star level and the lowest total that reaches it.
    public struct StarLevel: Sendable, Equatable {
        public let stars: Int
        public let minimum: Points
        public let name: String
        public let nameEnglish: String?
        /// The standard's own wording of the threshold, e.g. `80 分及以上`.
        public let requirement: String
    }

    public var items: [Item] { sections.flatMap(\.items) }
    public var vetoItems: [VetoItem] { sections.flatMap(\.vetoItems) }
    public var maximum: Points { Points(totalPoints) }

    public func item(_ id: String) -> Item? { items.first { $0.id == id } }
    public func section(_ id: String) -> Section? { sections.first { $0.id == id } }

    /// The band a percentage falls in, following the standard's boundary rule.
    /// 0 always lies in the lowest band and 100 in the highest.
    public func band(forPercent percent: Int) -> Band {
        let fitting: Band?
        switch bandBoundary {
        case .higher:
            fitting = bands.last { $0.fromPercent <= percent }
        case .lower:
            fitting = bands.first { percent <= $0.toPercent }
        }
        return fitting ?? (percent <= 0 ? bands[0] : bands[bands.count - 1])
    }

    /// The star level an exact total reaches; no rounding happens before the comparison.
    public func starLevel(for total: Points) -> StarLevel {
        starLevels.last { $0.minimum <= total } ?? starLevels[0]
    }
}
