import Foundation
import StarCertTestSupport
import Testing

/// A folder with the examples and their photos, for commands run as a user would.
struct Workspace {
    let folder: URL

    init() throws {
        folder = try Fixtures.temporaryFolder()
        try FileManager.default.copyItem(at: Fixtures.examples.appendingPathComponent("photos"), to: folder.appendingPathComponent("photos"))
        try FileManager.default.copyItem(at: Fixtures.fourStar, to: folder.appendingPathComponent("four-star-certification.yaml"))
    }

    func url(_ name: String) -> URL { folder.appendingPathComponent(name) }

    /// Writes a copy of the four-star example, edited.
    @discardableResult
    func example(_ name: String, _ edit: (String) -> String = { $0 }) throws -> String {
        try edit(String(contentsOf: Fixtures.fourStar, encoding: .utf8)).write(to: url(name), atomically: true, encoding: .utf8)
        return name
    }

    /// Runs starcert in the folder, killed after 60 s so a hang fails the test instead of the run.
    func run(_ arguments: [String]) throws -> StarCertExecutable.Result {
        try ExternalProgram.run(URL(fileURLWithPath: "/usr/bin/timeout"), ["60", try StarCertExecutable.url().path] + arguments, in: folder)
    }

    /// Every file under the folder, relative paths, sorted.
    func files() -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: folder.path)
        return (enumerator?.allObjects as? [String] ?? []).sorted()
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }
}

@Suite struct HostileFileTests {
    @Test(arguments: ["check", "score", "report"])
    func onlyRegularFilesAreReadAsInputs(_ command: String) throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        #expect(mkfifo(workspace.url("fifo.yaml").path, 0o644) == 0)
        try FileManager.default.createDirectory(at: workspace.url("folder.yaml"), withIntermediateDirectories: false)
        for (input, kind) in [("fifo.yaml", "a FIFO (named pipe)"), ("folder.yaml", "a folder"), ("/dev/zero", "a device"), ("/dev/null", "a device")] {
            let result = try workspace.run([command, input] + (command == "report" ? ["-o", "out"] : []))
            #expect(result.status == 1, "\(command) \(input): \(result.stderr)")
            #expect(result.stderr.contains("cannot open the assessment file: it is \(kind), not a regular file"), "\(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: workspace.url("out").path))
    }

    @Test func picturesThatAreNotRegularFilesOrDamagedAreNamedWithTheirItem() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        #expect(mkfifo(workspace.url("photos/pipe.jpg").path, 0o644) == 0)
        let jpeg = try Data(contentsOf: workspace.url("photos/spare-parts.jpg"))
        try jpeg.prefix(jpeg.count / 2).write(to: workspace.url("photos/truncated.jpg"))
        var png = try Data(contentsOf: workspace.url("photos/dashboard.png"))
        png.replaceSubrange(60..<200, with: Data(repeating: 0x5A, count: 140))
        try png.write(to: workspace.url("photos/damaged.png"))
        // A PNG header that claims 100,000 × 100,000 pixels (10 gigapixels), with no data behind it.
        var huge = Array(png.prefix(33))
        huge.replaceSubrange(16..<24, with: [0, 1, 0x86, 0xA0, 0, 1, 0x86, 0xA0])
        try Data(huge).write(to: workspace.url("photos/huge.png"))
        let cases = [
            ("pipe.jpg", "cannot be used: it is a FIFO (named pipe), not a regular file"),
            ("truncated.jpg", "the JPEG data is damaged or cut short"),
            ("damaged.png", "the PNG data is damaged"),
            ("huge.png", "is 100000 × 100000 pixels, more than the 40 megapixels allowed"),
        ]
        for (name, problem) in cases {
            let file = try workspace.example("bad-\(name).yaml") { $0.replacingOccurrences(of: "photos/spare-parts.jpg", with: "photos/\(name)") }
            let lines = try String(contentsOf: workspace.url(file), encoding: .utf8).components(separatedBy: "\n")
            let index = try #require(lines.firstIndex { $0.contains(name) })
            let line = index + 1
            let column = lines[index].distance(from: lines[index].startIndex, to: lines[index].range(of: "photos/\(name)")!.lowerBound) + 1
            for command in [["check", file], ["report", file, "-o", "out-\(name)"]] {
                let result = try workspace.run(command)
                #expect(result.status == 1, "\(command): \(result.stderr)")
                #expect(result.stderr.contains("\(file):\(line):\(column): error: photo 1 of item 4.4.1 `photos/\(name)`"), "\(result.stderr)")
                #expect(result.stderr.contains(problem), "\(name): \(result.stderr)")
            }
            #expect(!FileManager.default.fileExists(atPath: workspace.url("out-\(name)").path))
        }
    }

    @Test func aPictureUsedTwiceIsEmbeddedOnceInTheHTML() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let file = try workspace.example("twice.yaml") { $0.replacingOccurrences(of: "photos/dashboard.png", with: "photos/spare-parts.jpg") }
        try workspace.run(["report", file, "-o", "out", "--format", "html"]).expectSuccess()
        let html = try String(contentsOf: workspace.url("out/report.html"), encoding: .utf8)
        // Once, and as StarCert wrote it again from its pixels, not as the file was.
        #expect(html.components(separatedBy: "data:image/jpeg;base64,").count == 2, "the picture is embedded more than once")
        let original = try Data(contentsOf: workspace.url("photos/spare-parts.jpg")).base64EncodedString()
        #expect(!html.contains(original.prefix(200)))
        #expect(html.components(separatedBy: "<use href=\"#picture-1\"/>").count == 3)
    }

    @Test func aVeryLongUnbrokenTextWrapsAcrossPagesInsideThem() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let long = String(repeating: "售后服务记录ABCDEFGHIJ0123456789", count: 12_000)
        let file = try workspace.example("long.yaml") {
            $0.replacingOccurrences(of: "      - 专用工具与检测设备清单", with: "      - \(long)\n      - 专用工具与检测设备清单")
        }
        #expect(try String(contentsOf: workspace.url(file), encoding: .utf8).contains(long))
        let result = try workspace.run(["report", file, "-o", "out", "--format", "pdf"])
        #expect(result.status == 0, "\(result.stderr)")
        let pdf = Array(try Data(contentsOf: workspace.url("out/report.pdf")))
        let pages = try PDFInspection.words(pdf)
        #expect(pages.count > 40)
        for page in pages {
            #expect(page.words.allSatisfy { $0.xMin >= 0 && $0.xMax <= page.width && $0.yMin >= 0 && $0.yMax <= page.height })
        }
    }

    @Test func outputFoldersStayInsideTheOutputFolderAndApart() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try FileManager.default.createDirectory(at: workspace.url("a"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: workspace.url("b"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: workspace.url("a/photos"), withDestinationURL: workspace.url("photos"))
        try FileManager.default.createSymbolicLink(at: workspace.url("b/photos"), withDestinationURL: workspace.url("photos"))
        for name in ["...yaml", "..yaml", ".hidden.yaml", "a/same.yaml", "b/same.yaml"] { try workspace.example(name) }
        let inputs = ["...yaml", "..yaml", ".hidden.yaml", "a/same.yaml", "b/same.yaml", "./a/same.yaml", "four-star-certification.yaml"]
        let result = try workspace.run(["report"] + inputs + ["-o", "out", "--format", "html", "--jobs", "1"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("./a/same.yaml: warning: the same file as a/same.yaml; rendered once"))
        let folders = try FileManager.default.contentsOfDirectory(atPath: workspace.url("out").path).sorted()
        #expect(folders == ["four-star-certification", "hidden", "input", "input-2", "same", "same-2"])
        let outside = workspace.files().filter { $0.hasSuffix("report.html") && !$0.hasPrefix("out/") }
        #expect(outside.isEmpty)
    }
}

@Suite struct TerminalAndExportTests {
    @Test func controlCharactersFromInputsAreEscapedOnTheTerminal() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let file = try workspace.example("escape.yaml") { $0 + "\"\\e[2J\\e]0;owned\\a\": 1\n" }
        let result = try workspace.run(["check", file])
        #expect(!result.stderr.contains("\u{1B}") && !result.stderr.contains("\u{7}"))
        #expect(result.stderr.contains("unknown field `\\u{1B}[2J\\u{1B}]0;owned\\u{7}`"), "\(result.stderr)")
    }

    @Test func statusChangesNeedAReason() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        try fixture.run(["issue", "four-star-certification.yaml", "-o", "out", "--date", "2026-06-10"]).expectSuccess()
        for reason in ["", "   ", "\u{202E}"] {
            let result = try fixture.run(["cert", "suspend", "KB-ASM-2026-000001", "--reason", reason])
            #expect(result.status == 1, "reason \(reason.debugDescription)")
            #expect(result.stderr.contains("a status change needs a reason") || result.stderr.contains("the reason holds"))
        }
    }

    @Test func csvCellsThatWouldRunAsFormulasAreNeutralised() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        for (index, name) in ["=HYPERLINK(\"http://x\")", "+1+1", "-2", "@SUM(A1)", "＝1"].enumerated() {
            try fixture.example("f\(index).yaml") {
                $0.replacingOccurrences(of: "name: 北京华信家电服务有限公司", with: "name: \"\(name.replacingOccurrences(of: "\"", with: "\\\""))\"")
            }
            try fixture.run(["issue", "f\(index).yaml", "-o", "out", "--date", "2026-06-10"]).expectSuccess()
        }
        let csv = try fixture.run(["archive", "export", "--format", "csv"]).stdout.components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }
        #expect(csv.count == 5)
        let organizations = csv.map { row in row.split(separator: ",", omittingEmptySubsequences: false).dropFirst(2).first.map(String.init) ?? "" }
        #expect(organizations == ["\"'=HYPERLINK(\"\"http://x\"\")\"", "'+1+1", "'-2", "'@SUM(A1)", "'＝1"])
    }
}
