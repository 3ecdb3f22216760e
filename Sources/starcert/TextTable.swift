/// A plain-text table for the terminal that aligns Chinese (double-width) and Latin text.
struct TextTable {
    enum Alignment { case left, right }

    var columns: [(title: String, alignment: Alignment)]
    private var rows: [[String]?] = []

    init(columns: [(title: String, alignment: Alignment)]) {
        self.columns = columns
    }

    mutating func add(_ cells: [String]) { rows.append(cells) }
    mutating func addRule() { rows.append(nil) }

    func render() -> String {
        var widths = columns.map { Self.width($0.title) }
        for case let row? in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], Self.width(cell)) }
        }
        func line(_ cells: [String]) -> String {
            zip(cells, zip(widths, columns)).map { cell, layout in
                let padding = String(repeating: " ", count: layout.0 - Self.width(cell))
                return layout.1.alignment == .left ? cell + padding : padding + cell
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        let rule = String(repeating: "─", count: widths.reduce(0, +) + 2 * (widths.count - 1))
        var lines = [line(columns.map(\.title)), rule]
        for row in rows { lines.append(row.map(line) ?? rule) }
        return lines.joined(separator: "\n")
    }

    /// Columns a text takes in a terminal: two for East Asian wide characters.
    static func width(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { sum, scalar in
            switch scalar.value {
            case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF,
                 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD:
                return sum + 2
            case 0x0300...0x036F, 0x200B...0x200F:
                return sum
            default:
                return sum + 1
            }
        }
    }
}
