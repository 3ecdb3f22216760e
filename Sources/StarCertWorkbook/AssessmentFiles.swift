import Foundation
import Spreadsheet
import StarCertCore

/// The kinds of file an assessment is written in, told by the file's extension.
public enum AssessmentFormat: String, Sendable, CaseIterable {
    case yaml
    case json
    case workbook = "xlsx"

    /// The format of `path`: `.yaml`/`.yml`, `.json` or `.xlsx`; nil for anything else.
    public init?(path: String) {
        switch (path as NSString).pathExtension.lowercased() {
        case "yaml", "yml": self = .yaml
        case "json": self = .json
        case "xlsx": self = .workbook
        default: return nil
        }
    }

    /// Why `path` names no format StarCert reads, said for the file's user.
    public static func refusal(for path: String) -> String {
        switch (path as NSString).pathExtension.lowercased() {
        case "xls", "et": return "`\(path)` is an old binary workbook; expected an .xlsx workbook (save it as Excel 工作簿 (*.xlsx))"
        case "ods": return "`\(path)` is an OpenDocument spreadsheet; expected an .xlsx workbook (save it as Excel 2007-365 (.xlsx))"
        case "csv": return "`\(path)` is a CSV file, which keeps one sheet without formats; expected the .xlsx workbook `starcert init` writes"
        default: return "`\(path)` has no extension StarCert reads; expected .yaml, .yml, .json or .xlsx"
        }
    }
}

/// Reading, writing and converting assessments in every format: the one place the front ends
/// and the document pipeline go to for an assessment file.
public enum AssessmentFiles {
    /// Reads the assessment at `path` by its extension (YAML and JSON by the YAML reader, `.xlsx`
    /// as the scoring workbook); every diagnostic names the file and its line or sheet and cell.
    public static func parse(fileAt path: String, catalog: StandardCatalog) -> ParsedAssessment {
        guard AssessmentFormat(path: path) == .workbook else {
            if ["xls", "et", "ods", "csv"].contains((path as NSString).pathExtension.lowercased()) {
                return failed(path, AssessmentFormat.refusal(for: path), source: [])
            }
            let parsed = AssessmentParser(catalog: catalog).parse(fileAt: path)
            // A workbook under another name: said as such, not as a broken text.
            if parsed.assessment == nil, parsed.source.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
                return failed(path, "`\(path)` is a ZIP package (a workbook?), not a YAML or JSON text; expected a workbook named .xlsx", source: parsed.source)
            }
            return parsed
        }
        switch InputFile.read(path, limit: workbookLimit) {
        case let .success(bytes):
            let folder = (path as NSString).deletingLastPathComponent
            return parseWorkbook(bytes, file: path, baseDirectory: folder.isEmpty ? "." : folder, catalog: catalog)
        case let .failure(problem):
            return failed(path, "cannot open the workbook: \(problem); expected a readable .xlsx workbook", source: [])
        }
    }

    /// A workbook may carry its photos: it may be larger than a text file.
    public static let workbookLimit = 64 << 20

    /// Reads `bytes` as the scoring workbook `file`.
    public static func parseWorkbook(_ bytes: [UInt8], file: String, baseDirectory: String, catalog: StandardCatalog) -> ParsedAssessment {
        parseWorkbook(bytes, file: file, baseDirectory: baseDirectory, parser: AssessmentParser(catalog: catalog))
    }

    static func parseWorkbook(_ bytes: [UInt8], file: String, baseDirectory: String, parser: AssessmentParser) -> ParsedAssessment {
        let catalog = parser.catalog
        let workbook: Workbook
        do {
            workbook = try Workbook(bytes)
        } catch {
            return failed(file, "cannot read the workbook: \(error); expected an .xlsx workbook as `starcert init -o FILE.xlsx` writes it", source: bytes)
        }
        var reading = WorkbookReading(workbook: workbook, file: file, catalog: catalog)
        let root = reading.document()
        return parser.parse(document: root, log: reading.log, preceding: reading.problems, baseDirectory: baseDirectory,
                            source: bytes, pictures: reading.pictures)
    }

    private static func failed(_ file: String, _ message: String, source: [UInt8]) -> ParsedAssessment {
        AssessmentParser(catalog: StandardCatalog(standards: [])).parse(
            document: nil, log: DiagnosticLog(file: file), preceding: [Diagnostic(.error, at: SourceLocation(file: file, line: 0, column: 0), message)],
            baseDirectory: ".", source: source, pictures: [:])
    }

    /// The blank assessment for `standard` in `format`: YAML with every item commented, or the
    /// scoring workbook.
    public static func blank(for standard: Standard, format: AssessmentFormat, date: CalendarDate) throws(WorkbookWriteError) -> [UInt8] {
        switch format {
        case .yaml, .json: Array(AssessmentTemplate.yaml(for: standard, date: date).utf8)
        case .workbook: try WorkbookWriting.workbook(standard: standard, assessment: nil) { $0.file }
        }
    }

    /// `assessment` written in `format` for the file at `path`: photos named relative to its folder.
    /// Pictures that travelled inside a workbook are returned as files to write beside it.
    public static func write(_ assessment: Assessment, standard: Standard, format: AssessmentFormat, to path: String) throws(WorkbookWriteError) -> [(path: String, bytes: [UInt8])] {
        let folder = (path as NSString).deletingLastPathComponent
        var extracted: [(path: String, bytes: [UInt8])] = []
        var names: [String: String] = [:]
        let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        for record in assessment.itemRecords {
            for (index, photo) in record.photos.enumerated() {
                guard let bytes = photo.embedded, names[photo.resolvedPath] == nil else { continue }
                let kind = bytes.starts(with: [0xFF, 0xD8]) ? "jpg" : "png"
                let name = "\(stem)-photos/\(record.itemID)-\(index + 1).\(kind)"
                names[photo.resolvedPath] = name
                extracted.append(((folder.isEmpty ? name : (folder as NSString).appendingPathComponent(name)), bytes))
            }
        }
        let photoPath: (Assessment.Photo) -> String = { photo in
            names[photo.resolvedPath] ?? relativePath(of: photo.resolvedPath, from: folder.isEmpty ? "." : folder)
        }
        let main: [UInt8]
        switch format {
        case .yaml: main = Array(AssessmentExport.yaml(assessment, photoPath: photoPath).utf8)
        case .json: main = Array(AssessmentExport.json(assessment, photoPath: photoPath).utf8)
        case .workbook: main = try WorkbookWriting.workbook(standard: standard, assessment: assessment, photoPath: photoPath)
        }
        return [(path, main)] + extracted
    }

    /// `path` as seen from `folder`: relative when both lie under one root, absolute otherwise.
    static func relativePath(of path: String, from folder: String) -> String {
        let current = FileManager.default.currentDirectoryPath
        func components(_ value: String) -> [String] {
            let absolute = value.hasPrefix("/") ? value : (current as NSString).appendingPathComponent(value)
            return (absolute as NSString).standardizingPath.split(separator: "/").map(String.init)
        }
        let target = components(path)
        let base = components(folder)
        var shared = 0
        while shared < min(target.count, base.count), target[shared] == base[shared] { shared += 1 }
        guard shared > 0 || path.hasPrefix("/") == false else { return (path as NSString).standardizingPath }
        let ups = Array(repeating: "..", count: base.count - shared)
        return (ups + target[shared...]).joined(separator: "/")
    }
}

extension AssessmentFiles {
    /// An archived assessment (`source`, stored as `name`) read by its format, its photos' files
    /// not looked for (they stayed beside the file it was read from).
    public static func parseArchived(_ source: [UInt8], name: String, catalog: StandardCatalog) -> ParsedAssessment {
        var parser = AssessmentParser(catalog: catalog)
        parser.checksPhotoFiles = false
        return AssessmentFormat(path: name) == .workbook
            ? parseWorkbook(source, file: name, baseDirectory: ".", parser: parser)
            : parser.parse(source, file: name, baseDirectory: ".")
    }

    /// Writes `assessment` to `output` in the format its extension names, with any pictures it
    /// carried, all or nothing: an output that exists (without `replacing`) or a format that
    /// would lose something is refused. Returns the paths written. (`convert` checks the input
    /// first, as `check` does: `AssessmentConversion` in the application layer.)
    public static func save(_ assessment: Assessment, standard: Standard, to output: String, replacing: Bool) throws(SetupFailure) -> [String] {
        guard let format = AssessmentFormat(path: output) else { throw .refused(AssessmentFormat.refusal(for: output)) }
        let files: [(path: String, bytes: [UInt8])]
        do {
            files = try write(assessment, standard: standard, format: format, to: output)
        } catch {
            throw .refused("cannot write \(output) without losing content: \(error)")
        }
        if !replacing, let existing = files.first(where: { FileManager.default.fileExists(atPath: $0.path) }) {
            throw .refused("\(existing.path) already exists; pass --force to replace it")
        }
        do {
            for folder in Set(files.dropFirst().map { ($0.path as NSString).deletingLastPathComponent }) {
                try AtomicFile.makeFolder(URL(fileURLWithPath: folder), followingLinks: false)
            }
            try AtomicFile.write(files)
        } catch {
            throw .unusable(error)
        }
        return files.map(\.path)
    }
}

extension AssessmentFiles {
    /// An archived assessment (`source`, stored as `name`) in its other dress: the scoring
    /// workbook for a YAML or JSON file, YAML for a workbook (with the pictures it carried).
    /// Photos keep the names they were given; nil when the stored file does not read.
    public static func companion(of source: [UInt8], name: String, catalog: StandardCatalog) -> [(path: String, bytes: [UInt8])]? {
        let stem = (name as NSString).deletingPathExtension
        let parsed = parseArchived(source, name: name, catalog: catalog)
        guard let assessment = parsed.assessment, let standard = parsed.standard else { return nil }
        let format: AssessmentFormat = AssessmentFormat(path: name) == .workbook ? .yaml : .workbook
        return try? write(assessment, standard: standard, format: format, to: stem + "." + (format == .yaml ? "yaml" : "xlsx"))
    }
}
