import Foundation
import GRDB
import PDFObjects
import StarCertApp
import StarCertArchive
import StarCertCore
import StarCertDocuments
import StarCertIssuing
import StarCertTestSupport
import Testing

/// Cases a hostile probe found beyond the first tests, kept as tests of their classes.
@Suite struct CarelessInputTests {
    func profile(_ fixture: IssuingFixture, replacing old: String, with new: String) throws {
        precondition(IssuingFixture.profile.contains(old))
        try IssuingFixture.profile.replacingOccurrences(of: old, with: new)
            .write(to: fixture.folder.appendingPathComponent("issuer.yaml"), atomically: true, encoding: .utf8)
    }

    @Test(arguments: [
        ("KB-{seq:1000000}", "has no {seq} or {seq:N}"), ("KB-{seq:99}", "pads the sequence to 99 digits"),
        ("KB-{seq:06}-{seq:03}", "has {seq} more than once"), ("KB-{year}-{year}-{seq}", "has {year} more than once"),
        ("KB-{month}-{seq}", "has a placeholder other than {year} and {seq}"), ("KB/{year}/{seq}", "may hold only letters, digits and - _ ."),
        (String(repeating: "X", count: 40) + "{seq}", "is 45 characters long, more than the 40 allowed"),
    ])
    func numberPatternsThatCannotNumberAreRefused(_ pattern: String, _ problem: String) throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        try profile(fixture, replacing: "KB-ASM-{year}-{seq:06}", with: pattern)
        let result = try fixture.run(["issue", "four-star-certification.yaml", "-o", "out", "--date", "2026-06-10"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("issuer.yaml:8:29: error: `certificate_number_pattern` \(problem)"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: fixture.archive))
    }

    @Test func aRefusedIssueLeavesNoArchiveBehind() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        let result = try fixture.run(["issue", "no-such.yaml", "-o", "out", "--date", "2026-06-10"])
        #expect(result.status == 1 && !result.stderr.contains("created a new archive"))
        #expect(!FileManager.default.fileExists(atPath: fixture.archive))
    }

    @Test func aJournalWithoutItsDatabaseIsNotTakenIntoANewArchive() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        try Data("leftover".utf8).write(to: URL(fileURLWithPath: fixture.archive + "-wal"))
        let initialise = try fixture.run(["archive", "init"])
        #expect(initialise.status == 1 && initialise.stderr.contains("-wal is there without the database it belongs to"))
        #expect(!FileManager.default.fileExists(atPath: fixture.archive))
    }

    @Test func readingNeverLeavesFilesBesideTheArchive() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        try fixture.run(["issue", "four-star-certification.yaml", "-o", "out", "--date", "2026-06-10"]).expectSuccess()
        #expect(!FileManager.default.fileExists(atPath: fixture.archive + "-wal"))
        for command in [["archive", "list"], ["archive", "verify"], ["verify", "KB-ASM-2026-000001"], ["archive", "export"]] {
            #expect(try fixture.run(command).status == 0, "\(command)")
            #expect(!FileManager.default.fileExists(atPath: fixture.archive + "-wal") && !FileManager.default.fileExists(atPath: fixture.archive + "-shm"), "\(command)")
        }
    }

    @Test(arguments: [("name: 北京华信家电服务有限公司", "name: \"北京华信\\u0301家电服务有限公司\"", "the organization's `name` holds a combining mark (U+301)"),
                      ("name: 北京华信家电服务有限公司", "name: (待填写)单位名称", "still holds the （待填写） placeholder")])
    func invisibleMarksAndHalfWidthPlaceholdersAreRefused(_ old: String, _ new: String, _ problem: String) throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        try fixture.example("careless.yaml") { $0.replacingOccurrences(of: old, with: new) }
        let result = try fixture.run(["issue", "careless.yaml", "-o", "out", "--date", "2026-06-10"])
        #expect(result.status == 1 && result.stderr.contains(problem), "\(result.stderr)")
    }

    @Test func theProfilesTimeZoneIsAPlaceNotAnAbbreviation() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        for zone in ["CST", "EST", "Factory"] {
            try profile(fixture, replacing: "time_zone: Asia/Shanghai", with: "time_zone: \(zone)")
            let result = try fixture.run(["issue", "four-star-certification.yaml", "-o", "out", "--date", "2026-06-10"])
            #expect(result.status == 1 && result.stderr.contains("`time_zone` is `\(zone)`, not a time zone named by its place"), "\(zone)")
        }
    }

    @Test func aWithdrawnCertificateIsNotRevivedByACorrection() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        try fixture.run(["issue", "four-star-certification.yaml", "-o", "out", "--date", "2026-06-10"]).expectSuccess()
        try fixture.run(["cert", "withdraw", "KB-ASM-2026-000001", "--reason", "企业申请注销"]).expectSuccess()
        let result = try fixture.run(["issue", "four-star-certification.yaml", "-o", "again", "--date", "2026-06-11", "--replaces", "1"])
        #expect(result.status == 1 && result.stderr.contains("was withdrawn, and a withdrawal is final"))
    }

    @Test func outputsThatCannotBeWrittenAreFoundBeforeNumbering() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        try FileManager.default.createDirectory(at: fixture.folder.appendingPathComponent("out/four-star-certification/certificate.html"), withIntermediateDirectories: true)
        let result = try fixture.run(["issue", "four-star-certification.yaml", "-o", "out", "--date", "2026-06-10"])
        #expect(result.status == 1 && result.stderr.contains("something other than a file stands there (a folder)") && result.stderr.contains("nothing was issued"))
        #expect(!FileManager.default.fileExists(atPath: fixture.archive))
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.folder.appendingPathComponent("out/four-star-certification").path) == ["certificate.html"])
        try Data("x".utf8).write(to: fixture.folder.appendingPathComponent("plain-file"))
        let onFile = try fixture.run(["issue", "four-star-certification.yaml", "-o", "plain-file", "--date", "2026-06-10"])
        #expect(onFile.status == 1 && onFile.stderr.contains("plain-file is not a folder; nothing was issued"), "\(onFile.stderr)")
    }

    @Test func badArgumentsAreEscapedAndExitOne() throws {
        let result = try StarCertExecutable.run(["issue", "x.yaml", "--date", "\u{1B}]0;pwned\u{7}2026-06-10"])
        #expect(result.status == 1)
        #expect(!result.stderr.contains("\u{1B}") && result.stderr.contains("\\u{1B}]0;pwned\\u{7}"))
        #expect(try StarCertExecutable.run(["issue", "x.yaml", "--date", "2026-02-29"]).status == 1)
        #expect(try StarCertExecutable.run(["--version"]).status == 0)
    }

    /// A header that claims four components (CMYK) over no real image data does not decode whole:
    /// refused as damaged. (Real CMYK JPEGs are converted to RGB: see PictureCleaningTests.)
    @Test func aPictureThatDoesNotDecodeWholeIsRefused() throws {
        // A minimal baseline JPEG header with four components, then an empty scan and the end marker.
        var jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x14, 0x08, 0x00, 0x10, 0x00, 0x10, 0x04]
        for component in 1...4 { jpeg += [UInt8(component), 0x11, 0x00] }
        jpeg += [0xFF, 0xDA, 0x00, 0x02, 0x00, 0x00, 0xFF, 0xD9]
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("cmyk.jpg").path
        try Data(jpeg).write(to: URL(fileURLWithPath: path))
        #expect(throws: PictureError.self) { try Picture.load(path, for: "a test") }
        do { _ = try Picture.load(path, for: "a test") } catch { #expect(error.problem.contains("the JPEG data is damaged or cut short"), "\(error)") }
    }

    @Test func aLeapDayCertificateRunsToTheEndOfFebruary() {
        let issued = CalendarDate(year: 2024, month: 2, day: 29)!
        #expect(CertificateModel.expiry(from: issued, years: 3).description == "2027-02-28")
        #expect(CertificateModel.expiry(from: issued, years: 4).description == "2028-02-28")
        #expect(CertificateModel.expiry(from: CalendarDate(year: 2026, month: 1, day: 1)!, years: 3).description == "2028-12-31")
    }
}
