/// A position in a source file; lines and columns count from 1, columns in characters.
/// Line 0 stands for the file as a whole (it could not be opened). In a workbook the place is a
/// sheet and cell (`评分表!F12`), and line and column only order the diagnostics.
public struct SourceLocation: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    /// `评分表!F12` for a cell of a workbook.
    public var cell: String?

    public init(file: String, line: Int, column: Int, cell: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.cell = cell
    }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }

    public var description: String {
        if let cell { return "\(file):\(cell)" }
        return line == 0 ? file : "\(file):\(line):\(column)"
    }
}

/// One problem found in an input file.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Sendable {
        case error
        case warning
    }

    public var severity: Severity
    public var location: SourceLocation
    public var message: String

    public init(_ severity: Severity, at location: SourceLocation, _ message: String) {
        self.severity = severity
        self.location = location
        self.message = message
    }

    /// GCC style: `FILE:LINE:COL: error: MESSAGE`.
    public var description: String { "\(location): \(severity.rawValue): \(message)" }
}

/// Collects the diagnostics of one file and hands them out in order of position.
public struct DiagnosticLog: Sendable {
    public let file: String
    private var entries: [Diagnostic] = []

    /// Names the cell a line and column stand for, in a workbook read as a document tree.
    package let cellName: (@Sendable (_ line: Int, _ column: Int) -> String?)?

    public init(file: String) {
        self.file = file
        cellName = nil
    }

    package init(file: String, cellName: @escaping @Sendable (_ line: Int, _ column: Int) -> String?) {
        self.file = file
        self.cellName = cellName
    }

    package func location(line: Int, column: Int) -> SourceLocation {
        SourceLocation(file: file, line: line, column: column, cell: line == 0 ? nil : cellName?(line, column))
    }

    package func location(of position: SourcePosition) -> SourceLocation {
        location(line: position.line, column: position.column)
    }

    public mutating func error(_ message: String, line: Int, column: Int) {
        entries.append(Diagnostic(.error, at: location(line: line, column: column), message))
    }

    public mutating func warning(_ message: String, line: Int, column: Int) {
        entries.append(Diagnostic(.warning, at: location(line: line, column: column), message))
    }

    package mutating func append(_ diagnostic: Diagnostic) {
        entries.append(diagnostic)
    }

    public var hasErrors: Bool { entries.contains { $0.severity == .error } }

    /// All diagnostics sorted by position; diagnostics at one position keep the order they were found in.
    public var sorted: [Diagnostic] {
        entries.enumerated()
            .sorted { ($0.element.location, $0.offset) < ($1.element.location, $1.offset) }
            .map(\.element)
    }
}
