import Foundation
import GRDB
import PDFObjects
import StarCertApp
import StarCertArchive
import StarCertIssuing
import StarCertTestSupport
import Testing

/// `issue` refuses, before anything is numbered or signed, whatever a certificate must not say:
/// exit 1, the field named, nothing archived, nothing written.
@Suite struct RefusalTests {
    /// Runs `issue` on `file` and checks that it was refused with every `messages`, and that
    /// nothing was archived or written.
    func expectRefused(_ fixture: IssuingFixture, _ arguments: [String], _ messages: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try fixture.run(["issue"] + arguments + ["-o", "refused"])
        #expect(result.status == 1, "\(result.stderr)", sourceLocation: sourceLocation)
        for message in messages {
            #expect(result.stderr.contains(message), "expected “\(message)” in:\n\(result.stderr)", sourceLocation: sourceLocation)
        }
        #expect(!FileManager.default.fileExists(atPath: fixture.folder.appendingPathComponent("refused").path), sourceLocation: sourceLocation)
        if FileManager.default.fileExists(atPath: fixture.archive) {
            #expect(try Archive(path: fixture.archive, access: .readOnly).evaluations().isEmpty, sourceLocation: sourceLocation)
        }
    }

    @Test func theProfileThatIssuerInitWroteIsRefusedFieldByField() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        try expectRefused(fixture, ["four-star-certification.yaml", "--issuer", "issuer-template.yaml", "--date", "2026-06-10"], [
            "issuer-template.yaml:3:7: error: `name` still holds the placeholder",
            "issuer-template.yaml:4:10: error: `name_en` still holds the placeholder",
            "issuer-template.yaml:5:10: error: `address` still holds the placeholder",
            "issuer-template.yaml:6:18: error: `approval_number` still holds the placeholder",
            "issuer-template.yaml:9:24: error: `verification_base_url` is on the reserved or example host verify.example.invalid",
        ])
    }

    @Test(arguments: [
        ("https://example.com/c", "reserved or example host example.com"),
        ("https://verify.example.org/c", "reserved or example host verify.example.org"),
        ("https://verify.test/c", "reserved or example host verify.test"),
        ("https://localhost/c", "not an IP address or a local name"),
        ("https://0x7f.1/c", "not an IP address or a local name"),
        ("https://verify.kunbiao.cn:8443/c", "names the port 8443"),
        ("https://verify.kunbiao.cn/c%20d", "a path with characters other than"),
        ("https://verify.xn--kgbechtv/c", "reserved or example host verify.xn--kgbechtv"),
        ("https://x.onion/c", "reserved or example host x.onion"),
        ("https://192.168.1.20/c", "not an IP address or a local name"),
        ("https://[::1]/c", "not an IP address or a local name"),
        ("https://intranet/c", "not an IP address or a local name"),
        ("http://verify.kunbiao.cn/c", "is not an https address"),
        ("https://verify.kunbiao.cn/c?x=1", "has a query, fragment or user name"),
    ])
    func verificationAddressesNobodyCanReachAreRefused(_ address: String, _ problem: String) throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        try IssuingFixture.profile.replacingOccurrences(of: IssuingFixture.verificationBase, with: address)
            .write(to: fixture.folder.appendingPathComponent("issuer.yaml"), atomically: true, encoding: .utf8)
        try expectRefused(fixture, ["four-star-certification.yaml", "--date", "2026-06-10"], ["`verification_base_url` ", problem])
    }

    @Test(arguments: ["initial", "self-assessment"])
    func assessmentPlaceholdersAreRefused(_ kind: String) throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        try fixture.example("draft.yaml") {
            $0.replacingOccurrences(of: "kind: initial", with: "kind: \(kind)")
                .replacingOccurrences(of: "name: 北京华信家电服务有限公司", with: "name: （待填写）单位名称")
                .replacingOccurrences(of: "credit_code: 91110108MA01C2XK3R", with: "credit_code: 91110000600037341L")
        }
        try expectRefused(fixture, ["draft.yaml", "--date", "2026-06-10"], [
            "error: the organization's `name` still holds the （待填写） placeholder",
            "error: the credit code is still the sample from `starcert init`",
        ])
    }

    @Test func datesAreChecked() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        try expectRefused(fixture, ["four-star-certification.yaml", "--date", "2026-05-11"],
                          ["the issue date 2026-05-11 is before the audit's last day 2026-05-12"])
        try expectRefused(fixture, ["four-star-certification.yaml", "--date", "2099-01-01"], ["the issue date 2099-01-01 is after today"])
        try expectRefused(fixture, ["four-star-certification.yaml", "--date", "1999-12-31"],
                          ["the issue date 1999-12-31 is outside the years StarCert accepts"])
        try fixture.example("future.yaml") {
            $0.replacingOccurrences(of: "start: 2026-05-10", with: "start: 2098-05-10").replacingOccurrences(of: "end: 2026-05-12", with: "end: 2098-05-12")
        }
        try expectRefused(fixture, ["future.yaml"], ["the audit ends on 2098-05-12, after today"])
        try fixture.example("ancient.yaml") {
            $0.replacingOccurrences(of: "start: 2026-05-10", with: "start: 0001-01-01").replacingOccurrences(of: "end: 2026-05-12", with: "end: 9999-12-31")
        }
        try expectRefused(fixture, ["ancient.yaml"], ["`audit.start` is 0001-01-01, outside the years StarCert accepts", "`audit.end` is 9999-12-31"])
        let garbage = try fixture.run(["issue", "four-star-certification.yaml", "--date", "2026-02-30"])
        #expect(garbage.status != 0)
        #expect(garbage.stderr.contains("--date"))
    }

    @Test func textsTheCertificateCannotShowWholeAreRefusedWithTheExcess() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        let scope = String(repeating: "家用空调、冰箱、洗衣机、厨房电器、热水器的安装、维修、保养、备件供应及客户咨询服务；", count: 8)
        let name = String(repeating: "北京华信家电服务", count: 30) + "有限公司"
        try fixture.example("long.yaml") {
            $0.replacingOccurrences(of: "scope: 家用空调、冰箱、洗衣机的安装、维修、保养、备件供应及客户咨询服务", with: "scope: \(scope)")
                .replacingOccurrences(of: "name: 北京华信家电服务有限公司", with: "name: \(name)")
        }
        let result = try fixture.run(["issue", "long.yaml", "--date", "2026-06-10", "-o", "refused"])
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        let scopeLine = try #require(lines.first { $0.contains("the organization's scope does not fit") })
        #expect(scopeLine.contains("even at 7.5 pt, the smallest legible size"))
        let counts = scopeLine.matches(of: /(\d+) of its (\d+) characters are too many/).first
        // (the value's characters: the label 认证范围 is not counted)
        #expect(counts.map { Int($0.output.2)! == scope.count && Int($0.output.1)! > 0 } == true, "\(scopeLine)")
        let nameLine = try #require(lines.first { $0.contains("the organization's name does not fit") })
        #expect(nameLine.contains("even at 10 pt"))
        // `report` writes the report, and no specimen that would show the texts cut.
        let report = try fixture.run(["report", "long.yaml", "-o", "specimen"])
        #expect(report.status == 0)
        #expect(report.stderr.contains("no specimen certificate is written, and `starcert issue` refuses it"))
        let written = try FileManager.default.contentsOfDirectory(atPath: fixture.folder.appendingPathComponent("specimen").path).sorted()
        #expect(written == ["report.html", "report.pdf"])
    }

    @Test func aCorrectionMustBeOfTheSameOrganizationAndReplacesOnce() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        try fixture.run(["issue", "four-star-certification.yaml", "-o", "first", "--date", "2026-06-10"]).expectSuccess()
        try fixture.example("other.yaml") { $0.replacingOccurrences(of: "credit_code: 91110108MA01C2XK3R", with: "credit_code: 91110105MA00ABCD1G") }
        let other = try fixture.run(["issue", "other.yaml", "--replaces", "1", "-o", "x", "--date", "2026-06-11"])
        #expect(other.status == 1)
        #expect(other.stderr.contains("--replaces 1: evaluation 1 is of another organization (credit code 91110108MA01C2XK3R"))
        try fixture.run(["issue", "four-star-certification.yaml", "--replaces", "1", "-o", "second", "--date", "2026-06-11"]).expectSuccess()
        let twice = try fixture.run(["issue", "four-star-certification.yaml", "--replaces", "1", "-o", "third", "--date", "2026-06-12"])
        #expect(twice.status == 1)
        #expect(twice.stderr.contains("--replaces 1: evaluation 1 was already replaced by evaluation 2"))
        let old = try fixture.run(["verify", "KB-ASM-2026-000001"])
        #expect(old.status == 1)
        #expect(old.stdout.contains("已替换 (superseded) — replaced by certificate KB-ASM-2026-000002 (evaluation 2)"))
        #expect(old.stdout.contains("superseded by certificate KB-ASM-2026-000002"))
        #expect(try fixture.run(["verify", "KB-ASM-2026-000002"]).status == 0)
        #expect(try Archive(path: fixture.archive, access: .readOnly).evaluations().count == 2)
    }

    @Test func aKeyOthersCanReadOrThatDoesNotMatchIsRefused() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        let key = fixture.folder.appendingPathComponent("issuer.key").path
        #expect(chmod(key, 0o644) == 0)
        try expectRefused(fixture, ["four-star-certification.yaml", "--date", "2026-06-10"],
                          ["issuer.key: the private key can be read by others (mode 644); expected mode 600"])
        #expect(chmod(key, 0o600) == 0)
        let other = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: other) }
        try StarCertExecutable.run(["keys", "init", "--keys", other.path, "--issuer", fixture.folder.appendingPathComponent("issuer.yaml").path]).expectSuccess()
        try FileManager.default.removeItem(atPath: fixture.folder.appendingPathComponent("issuer.crt").path)
        try FileManager.default.copyItem(at: other.appendingPathComponent("issuer.crt"), to: fixture.folder.appendingPathComponent("issuer.crt"))
        try expectRefused(fixture, ["four-star-certification.yaml", "--date", "2026-06-10"],
                          ["the private key does not match the certificate"])
    }

    @Test func hiddenCharactersInTheProfileAreRefused() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        try IssuingFixture.profile.replacingOccurrences(of: "name: 北京坤标检验认证有限公司", with: "name: \"北京坤标\\u202E检验认证有限公司\"")
            .write(to: fixture.folder.appendingPathComponent("issuer.yaml"), atomically: true, encoding: .utf8)
        try expectRefused(fixture, ["four-star-certification.yaml", "--date", "2026-06-10"],
                          ["issuer.yaml:1:7: error: `name` holds a bidirectional control, which reorders the text around it (U+202E) at character 5"])
    }
}
