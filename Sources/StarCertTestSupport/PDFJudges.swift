import Foundation

/// Independent judges of StarCert's PDFs, from PyPI in `.build/pdf-venv` (made by Scripts/setup):
/// pyHanko for signatures, pikepdf for PDF/A and structure trees; and qpdf from Debian.
public enum PDFJudges {
    static let venv = Fixtures.packageRoot.appendingPathComponent(".build/pdf-venv/bin")

    public static func tool(_ name: String) throws -> URL {
        let url = venv.appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw FixtureError("\(url.path) is missing; run Scripts/setup (it installs pyHanko and pikepdf for the tests)")
        }
        return url
    }

    /// `pyhanko sign validate` with `trust` as the only trust root, no revocation checks: the
    /// summary line (`…:INTACT:TRUSTED,UNTOUCHED` for a good signature) and the exit status.
    public static func pyHanko(_ file: URL, trust: URL) throws -> (status: Int32, summary: String) {
        let result = try ExternalProgram.run(try tool("pyhanko"), [
            "sign", "validate", "--trust", trust.path, "--trust-replace", "--no-revocation-check", file.path,
        ])
        return (result.status, (result.stdout + result.stderr).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Whether pyHanko judges the signature INTACT, TRUSTED and UNTOUCHED.
    public static func pyHankoAccepts(_ file: URL, trust: URL) throws -> Bool {
        let judged = try pyHanko(file, trust: trust)
        return judged.status == 0 && judged.summary.hasSuffix(":INTACT:TRUSTED,UNTOUCHED")
    }

    /// pikepdf's PDF/A-2b verdict of the file's unsigned revision (`PDF/A-2b: pass`, or the findings).
    public static func pdfa(_ file: URL) throws -> String {
        try inspect("pdfa", file)
    }

    /// The structure tree, one element per line, indented by two spaces per level.
    public static func structure(_ file: URL) throws -> [String] {
        try inspect("structure", file).split(separator: "\n").map(String.init)
    }

    /// The last signature as pyHanko reads and validates it against `trust`: `subfilter=…`,
    /// `signed-attributes=…`, `docmdp=…`, `coverage=…`, `modifications=…`, `valid=…`.
    public static func pades(_ file: URL, trust: URL) throws -> [String] {
        let result = try ExternalProgram.run(try tool("python"), [
            Fixtures.packageRoot.appendingPathComponent("Scripts/pdf-inspect.py").path, "pades", file.path, trust.path,
        ])
        guard result.status == 0 else { throw FixtureError("pdf-inspect.py pades failed: \(result.stderr)") }
        return result.stdout.split(separator: "\n").map(String.init)
    }

    /// `Lang=…`, `Marked=…` and `pdfaid=…` of the catalog and metadata.
    public static func catalog(_ file: URL) throws -> [String] {
        try inspect("catalog", file).split(separator: "\n").map(String.init)
    }

    static func inspect(_ command: String, _ file: URL) throws -> String {
        let result = try ExternalProgram.run(try tool("python"), [Fixtures.packageRoot.appendingPathComponent("Scripts/pdf-inspect.py").path, command, file.path])
        guard result.status == 0 else { throw FixtureError("pdf-inspect.py \(command) failed: \(result.stderr)") }
        return result.stdout
    }

    /// Whether `qpdf --check` finds the file clean.
    public static func qpdfAccepts(_ file: URL) throws -> Bool {
        try ExternalProgram.run("qpdf", ["--check", file.path]).status == 0
    }
}
