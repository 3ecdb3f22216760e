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
}
