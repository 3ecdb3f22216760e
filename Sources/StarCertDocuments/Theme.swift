import Typesetting

/// The house style of StarCert's documents: colours and text styles.
enum Theme {
    static let ink = Color(hex: 0x1A1A1A)
    static let navy = Color(hex: 0x1F3A5F)
    static let muted = Color(hex: 0x5A6472)
    static let rule = Color(hex: 0x8C96A3)
    static let headerFill = Color(hex: 0xE6ECF3)
    static let subtleFill = Color(hex: 0xF4F6F9)
    static let gold = Color(hex: 0xC8961E)
    static let emptyStar = Color(hex: 0xD5D9DF)
    static let alert = Color(hex: 0xA4262C)
    static let alertFill = Color(hex: 0xFBECEC)
    static let bar = Color(hex: 0x3C6E9F)

    static let body = TextStyle(font: .serif, size: 10.5, color: ink, lineSpacing: 1.18, alignment: .justified)
    /// Running prose (the decision statement): the customary two-character first-line indent.
    static let prose = body.with { $0.firstLineIndent = 2 * $0.size }
    static let small = TextStyle(font: .serif, size: 9.5, color: ink, lineSpacing: 1.12, alignment: .justified)
    static let note = TextStyle(font: .serif, size: 9, color: muted, lineSpacing: 1.1, alignment: .justified)
    static let label = TextStyle(font: .sans, size: 9.5, bold: true, color: navy)
    static let cell = TextStyle(font: .sans, size: 9, color: ink, lineSpacing: 1.08)
    static let cellBold = cell.with { $0.bold = true }
    static let cellHeader = TextStyle(font: .sans, size: 9, bold: true, color: navy, lineSpacing: 1.05, alignment: .center)
    static let h1 = TextStyle(font: .sans, size: 15, bold: true, color: navy)
    static let h2 = TextStyle(font: .sans, size: 12.5, bold: true, color: navy)
    static let h3 = TextStyle(font: .sans, size: 10.5, bold: true, color: ink)
    static let running = TextStyle(font: .sans, size: 8, color: muted)

    static let tableStyle = TableStyle(ruleColor: rule, headerFill: headerFill)
    static let compactTableStyle = TableStyle(padding: EdgeInsets(top: 2.2, right: 5, bottom: 2.2, left: 5), ruleColor: rule, headerFill: headerFill)
}
