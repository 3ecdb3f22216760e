import Foundation

/// Looks at rendered PDFs the way a reader would: extracted text, word boxes, and
/// low-resolution page images, through poppler-utils.
public enum PDFInspection {
    public struct Word: Sendable {
        public let text: String
        public let xMin: Double
        public let yMin: Double
        public let xMax: Double
        public let yMax: Double
    }

    public struct PageWords: Sendable {
        public let width: Double
        public let height: Double
        public let words: [Word]
    }

    static func temporaryFile(_ bytes: [UInt8]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("starcert-\(UUID().uuidString).pdf")
        try Data(bytes).write(to: url)
        return url
    }

    /// `pdftotext` of the whole document, pages separated by form feeds.
    public static func text(_ pdf: [UInt8]) throws -> String {
        let file = try temporaryFile(pdf)
        defer { try? FileManager.default.removeItem(at: file) }
        return try ExternalProgram.run("pdftotext", [file.path, "-"]).stdout
    }

    /// The names of the fonts embedded in the document (`pdffonts`), without subset tags.
    public static func fontNames(_ pdf: [UInt8]) throws -> Set<String> {
        let file = try temporaryFile(pdf)
        defer { try? FileManager.default.removeItem(at: file) }
        let listing = try ExternalProgram.run("pdffonts", [file.path]).stdout
        return Set(listing.split(separator: "\n").dropFirst(2).compactMap { line in
            line.split(separator: " ").first.map { name in String(name.drop { $0 != "+" }.dropFirst()) }
        })
    }

    /// Every word with its box, page by page (`pdftotext -bbox`).
    public static func words(_ pdf: [UInt8]) throws -> [PageWords] {
        let file = try temporaryFile(pdf)
        defer { try? FileManager.default.removeItem(at: file) }
        let html = try ExternalProgram.run("pdftotext", ["-bbox", file.path, "-"]).stdout
        var pages: [PageWords] = []
        for chunk in html.components(separatedBy: "<page ").dropFirst() {
            let width = Double(attribute("width", in: chunk) ?? "0") ?? 0
            let height = Double(attribute("height", in: chunk) ?? "0") ?? 0
            var words: [Word] = []
            for part in chunk.components(separatedBy: "<word ").dropFirst() {
                guard let xMin = attribute("xMin", in: part).flatMap(Double.init), let yMin = attribute("yMin", in: part).flatMap(Double.init),
                      let xMax = attribute("xMax", in: part).flatMap(Double.init), let yMax = attribute("yMax", in: part).flatMap(Double.init),
                      let start = part.firstIndex(of: ">"), let end = part.range(of: "</word>")
                else { continue }
                words.append(Word(text: String(part[part.index(after: start)..<end.lowerBound]), xMin: xMin, yMin: yMin, xMax: xMax, yMax: yMax))
            }
            pages.append(PageWords(width: width, height: height, words: words))
        }
        return pages
    }

    private static func attribute(_ name: String, in text: String) -> String? {
        guard let range = text.range(of: "\(name)=\"") else { return nil }
        let rest = text[range.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }

    /// Each page as a grid of mean grey levels (0 = black … 15 = white), one text line per grid row:
    /// a low-resolution picture of the page that survives tiny rendering differences.
    public static func greyGrids(_ pdf: [UInt8], dpi: Int = 12, block: Int = 3) throws -> [String] {
        let file = try temporaryFile(pdf)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("starcert-pages-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer {
            try? FileManager.default.removeItem(at: file)
            try? FileManager.default.removeItem(at: folder)
        }
        _ = try ExternalProgram.run("pdftoppm", ["-r", String(dpi), "-gray", file.path, folder.appendingPathComponent("page").path])
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".pgm") }.sorted()
        return try names.map { name in
            let data = Array(try Data(contentsOf: folder.appendingPathComponent(name)))
            return grid(pgm: data, block: block)
        }
    }

    static func grid(pgm: [UInt8], block: Int) -> String {
        // P5 header: magic, width, height, maximum, each separated by white space.
        var fields: [Int] = []
        var index = 2
        while fields.count < 3 {
            while index < pgm.count, pgm[index] == 0x20 || pgm[index] == 0x0A || pgm[index] == 0x0D || pgm[index] == 0x09 { index += 1 }
            var value = 0
            while index < pgm.count, (0x30...0x39).contains(pgm[index]) { value = value * 10 + Int(pgm[index] - 0x30); index += 1 }
            fields.append(value)
        }
        index += 1
        let (width, height) = (fields[0], fields[1])
        let pixels = Array(pgm[index...])
        var rows: [String] = []
        for top in stride(from: 0, to: height, by: block) {
            var row = ""
            for left in stride(from: 0, to: width, by: block) {
                var sum = 0
                var count = 0
                for y in top..<min(top + block, height) {
                    for x in left..<min(left + block, width) {
                        sum += Int(pixels[y * width + x])
                        count += 1
                    }
                }
                row += String(sum / count / 16, radix: 16)
            }
            rows.append(row)
        }
        return rows.joined(separator: "\n")
    }

    /// How many grid cells of two pages differ by more than `tolerance` grey levels.
    public static func differingCells(_ a: String, _ b: String, tolerance: Int = 2) -> Int {
        let left = Array(a.utf8)
        let right = Array(b.utf8)
        guard left.count == right.count else { return max(left.count, right.count) }
        func level(_ byte: UInt8) -> Int { Int(String(UnicodeScalar(byte)), radix: 16) ?? 0 }
        return zip(left, right).filter { $0 != 0x0A && abs(level($0) - level($1)) > tolerance }.count
    }
}

/// Golden files: compared in tests, rewritten when `STARCERT_RECORD=1`.
public enum Golden {
    public static var recording: Bool { ProcessInfo.processInfo.environment["STARCERT_RECORD"] == "1" }

    public static func url(_ name: String, folder: URL) -> URL { folder.appendingPathComponent(name) }

    /// The stored golden, after writing `actual` in its place when recording.
    public static func expected(_ name: String, actual: String, folder: URL) throws -> String {
        let file = url(name, folder: folder)
        if recording {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try actual.write(to: file, atomically: true, encoding: .utf8)
        }
        guard let stored = try? String(contentsOf: file, encoding: .utf8) else {
            throw FixtureError("no golden file \(file.path); record it with STARCERT_RECORD=1 swift test")
        }
        return stored
    }
}
