/// Cells of CSV files StarCert writes (exports, the public register).
public enum CSV {
    /// A CSV cell: quoted when needed, and prefixed with `'` when a spreadsheet would read it as a
    /// formula (`=`, `+`, `-`, `@`, a tab or a return first, also in their full-width forms).
    public static func field(_ value: String) -> String {
        var value = value
        if let first = value.unicodeScalars.first, "=+-@\t\r＝＋－＠".unicodeScalars.contains(first) { value = "'" + value }
        return value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value
    }

    /// A code (a credit code, a certificate number) as a cell a spreadsheet keeps as text: one
    /// that would read as a number (`914403001921761234` → 9.14E+17, `0012` → 12) is written as the
    /// text formula `="…"`, which Excel, WPS and LibreOffice show as the code itself.
    public static func code(_ value: String) -> String {
        let looksNumeric = !value.isEmpty && value.allSatisfy { $0.isASCII && ($0.isNumber || $0 == "." || $0 == "E" || $0 == "e") }
            && value.first?.isNumber == true
        guard looksNumeric else { return field(value) }
        return "\"=\"\"" + value + "\"\"\""
    }
}
