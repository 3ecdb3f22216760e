import Foundation
import Typesetting

/// Five-pointed stars drawn as vector polygons.
enum StarGeometry {
    /// The points of a star with its bounding circle's centre at `center`.
    static func points(center: Point, radius: Length) -> [Point] {
        let inner = radius * 0.382
        return (0..<10).map { index in
            let angle = -Double.pi / 2 + Double(index) * Double.pi / 5
            let r = index.isMultiple(of: 2) ? radius : inner
            return Point(x: center.x + r * cos(angle), y: center.y + r * sin(angle))
        }
    }

    /// A row of `total` stars, the first `filled` in gold, starting at `origin` (top left).
    static func row(filled: Int, total: Int, origin: Point, size: Length, gap: Length) -> [Drawing.Element] {
        (0..<total).map { index in
            let center = Point(x: origin.x + size / 2 + Double(index) * (size + gap), y: origin.y + size / 2 + size * 0.04)
            let fill = index < filled ? Theme.gold : Theme.emptyStar
            return .polygon(points(center: center, radius: size / 2), fill: fill, stroke: nil, lineWidth: 0)
        }
    }
}
