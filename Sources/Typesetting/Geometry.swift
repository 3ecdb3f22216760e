/// A length in PDF points (1/72 inch).
public typealias Length = Double

public extension Length {
    /// Millimetres to points.
    static func mm(_ value: Double) -> Length { value * 72 / 25.4 }
}

public struct Point: Hashable, Sendable {
    public var x: Length
    public var y: Length
    public init(x: Length, y: Length) { self.x = x; self.y = y }
}

public struct Size: Hashable, Sendable {
    public var width: Length
    public var height: Length
    public init(width: Length, height: Length) { self.width = width; self.height = height }

    public static let a4Portrait = Size(width: 595.276, height: 841.89)
    public static let a4Landscape = Size(width: 841.89, height: 595.276)
}

public struct Rect: Hashable, Sendable {
    public var x: Length
    public var y: Length
    public var width: Length
    public var height: Length

    public init(x: Length, y: Length, width: Length, height: Length) {
        self.x = x; self.y = y; self.width = width; self.height = height
    }

    public var maxX: Length { x + width }
    public var maxY: Length { y + height }

    public func contains(_ other: Rect, tolerance: Length = 0.01) -> Bool {
        other.x >= x - tolerance && other.y >= y - tolerance
            && other.maxX <= maxX + tolerance && other.maxY <= maxY + tolerance
    }
}

public struct EdgeInsets: Hashable, Sendable {
    public var top: Length
    public var right: Length
    public var bottom: Length
    public var left: Length

    public init(top: Length, right: Length, bottom: Length, left: Length) {
        self.top = top; self.right = right; self.bottom = bottom; self.left = left
    }

    public init(all: Length) { self.init(top: all, right: all, bottom: all, left: all) }
}

/// An RGB colour with components from 0 to 1.
public struct Color: Hashable, Sendable {
    public var red: Double
    public var green: Double
    public var blue: Double

    public init(red: Double, green: Double, blue: Double) {
        self.red = red; self.green = green; self.blue = blue
    }

    /// `0x1F4E79`.
    public init(hex: UInt32) {
        self.init(red: Double((hex >> 16) & 0xFF) / 255, green: Double((hex >> 8) & 0xFF) / 255, blue: Double(hex & 0xFF) / 255)
    }

    public static let black = Color(hex: 0x000000)
    public static let white = Color(hex: 0xFFFFFF)
}
