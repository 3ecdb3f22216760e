import Foundation
import GRDB
import PDFObjects
import StarCertApp
import StarCertArchive
import StarCertIssuing
import StarCertTestSupport
import Testing
import Typesetting

@Suite struct IssuingTests {
    @Test func issueThenVerifyRoundTrips() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        let issued = try fixture.run(["issue", "four-star-certification.yaml", "vetoed-certification.yaml", "-o", "out", "--date", "2026-06-10", "--jobs", "1"])
        #expect(issued.status == 0, "\(issued.stderr)")
        #expect(issued.stdout.contains("four-star-certification.yaml: archived as evaluation 1, certificate KB-ASM-2026-000001"))
        #expect(issued.stdout.contains("vetoed-certification.yaml: archived as evaluation 2, no certificate (vetoed)"))
        let certificate = fixture.folder.appendingPathComponent("out/four-star-certification/certificate.pdf")
        let text = try PDFInspection.text(Array(try Data(contentsOf: certificate)))
        #expect(text.contains("KB-ASM-2026-000001"))
        #expect(!text.contains("SPECIMEN"))
        #expect(!FileManager.default.fileExists(atPath: fixture.folder.appendingPathComponent("out/vetoed-certification/certificate.pdf").path))

        let byFile = try fixture.run(["verify", "out/four-star-certification/certificate.pdf"])
        #expect(byFile.status == 0)
        #expect(byFile.stdout.hasPrefix("certificate KB-ASM-2026-000001: authentic 真实; status 状态: 有效 (valid) — issued\n"))
        #expect(byFile.stdout.contains("untouched since signing") && byFile.stdout.contains("organization 组织: 北京华信家电服务有限公司"))
        #expect(try fixture.run(["verify", "KB-ASM-2026-000001"]).status == 0)
        let archive = try Archive(path: fixture.archive, access: .readOnly)
        let record = try archive.certificate("KB-ASM-2026-000001")
        let qr = "\(IssuingFixture.verificationBase)?n=KB-ASM-2026-000001&sig=\(record.signature)"
        #expect(try fixture.run(["verify", qr]).status == 0)
        let forged = try fixture.run(["verify", qr.replacingOccurrences(of: "sig=", with: "sig=A")])
        #expect(forged.status == 1)
        #expect(forged.stdout.contains("NOT AUTHENTIC"))
        // A QR text is authentic only when it is exactly what was issued: claims appended, another
        // host or path, the parameters in another order.
        let altered = [
            qr + "&stars=5", qr + "&n=KB-ASM-2026-000002", qr.replacingOccurrences(of: "verify.kunbiao.cn", with: "verify.kunbiao.cn.evil.example"),
            qr.replacingOccurrences(of: "https://verify.kunbiao.cn/c", with: "https://evil.example/c"),
            qr.replacingOccurrences(of: "/c?", with: "/x?"), "\(IssuingFixture.verificationBase)?sig=\(record.signature)&n=KB-ASM-2026-000001",
        ]
        for text in altered {
            let result = try fixture.run(["verify", text])
            #expect(result.status == 1 && result.stdout.contains("NOT AUTHENTIC") && result.stdout.contains("not exactly the one issued"), "\(text): \(result.stdout)")
        }
        let withoutProfile = try fixture.run(["verify", qr, "--issuer", "missing.yaml"])
        #expect(withoutProfile.status == 1)

        // Offline, with only the public key: the signature embedded in the PDF is checked.
        let offline = try StarCertExecutable.run(["verify", certificate.path, "--issuer-cert", fixture.folder.appendingPathComponent("issuer.crt").path])
        #expect(offline.status == 0)
        #expect(offline.stdout.contains("authentic"))
        // An archive named but missing is an error, not a silent offline check.
        let named = try StarCertExecutable.run(["verify", certificate.path, "--archive", "/nonexistent/archive.sqlite"])
        #expect(named.status == 1)
        #expect(named.stderr.contains("there is no archive at /nonexistent/archive.sqlite"))
    }

    /// Reports verify like certificates: with the archive, found by their SHA-256 and matched to
    /// their evaluation, their signature checked against the archive's signers; a vetoed report too.
    @Test func reportsVerifyWithTheArchive() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        try fixture.run(["issue", "four-star-certification.yaml", "vetoed-certification.yaml", "-o", "out", "--date", "2026-06-10", "--jobs", "1"]).expectSuccess()
        let vetoed = try fixture.run(["verify", "out/vetoed-certification/report.pdf"])
        #expect(vetoed.status == 0, "\(vetoed.stdout)\(vetoed.stderr)")
        #expect(vetoed.stdout.contains(": authentic") && vetoed.stdout.contains("issued as report.pdf of evaluation 2")
                && vetoed.stdout.contains("decision vetoed, no certificate") && vetoed.stdout.contains("judged at the issue time the archive recorded"), "\(vetoed.stdout)")
        let certified = try fixture.run(["verify", "out/four-star-certification/report.pdf"])
        #expect(certified.status == 0 && certified.stdout.contains("decision certified, certificate KB-ASM-2026-000001")
                && certified.stdout.contains("有效 (valid)"), "\(certified.stdout)")
        // An archive whose only evaluations are vetoed knows its signer too (recorded with each evaluation).
        let vetoedOnly = try IssuingFixture()
        defer { vetoedOnly.remove() }
        try vetoedOnly.run(["issue", "vetoed-certification.yaml", "-o", "out", "--date", "2026-06-10"]).expectSuccess()
        let alone = try vetoedOnly.run(["verify", "out/vetoed-certification/report.pdf"])
        #expect(alone.status == 0 && alone.stdout.contains(": authentic"), "\(alone.stdout)")
        // Offline, the signer and what the signed revision says the report is.
        let offline = try StarCertExecutable.run(["verify", "out/vetoed-certification/report.pdf", "--issuer-cert", "issuer.crt"], in: fixture.folder,
                                                 environment: ["STARCERT_ARCHIVE": fixture.folder.appendingPathComponent("none.sqlite").path])
        #expect(offline.status == 0 && offline.stdout.contains("signed report data 报告签名数据")
                && offline.stdout.contains("report number 报告编号: KB-ASM-2026-0203") && offline.stdout.contains("organization 组织: 上海东辰智能设备服务有限公司")
                && offline.stdout.contains("decision 结论: vetoed") && offline.stdout.contains("certificate 证书编号: none"), "\(offline.stdout)")
        // A certified report names its certificate, also offline.
        let certifiedOffline = try StarCertExecutable.run(["verify", "out/four-star-certification/report.pdf", "--issuer-cert", "issuer.crt"], in: fixture.folder,
                                                          environment: ["STARCERT_ARCHIVE": fixture.folder.appendingPathComponent("none.sqlite").path])
        #expect(certifiedOffline.status == 0 && certifiedOffline.stdout.contains("certificate 证书编号: KB-ASM-2026-000001")
                && certifiedOffline.stdout.contains("star level 星级: 4") && certifiedOffline.stdout.contains("score 得分: 91.55"), "\(certifiedOffline.stdout)")
        let printed = try ExternalProgram.run(URL(fileURLWithPath: "/usr/bin/pdftotext"), [
            fixture.folder.appendingPathComponent("out/four-star-certification/report.pdf").path, "-",
        ])
        #expect(printed.stdout.contains("证书编号") && printed.stdout.contains("KB-ASM-2026-000001"), "the report prints its certificate's number")
        // The certificate's status is the report's: suspended, the report no longer passes as valid.
        try fixture.run(["cert", "suspend", "KB-ASM-2026-000001", "--reason", "监督审核发现严重不符合"]).expectSuccess()
        #expect(try fixture.run(["verify", "out/four-star-certification/report.pdf"]).status == 1)
        // A changed report is not the issued one.
        var bytes = Array(try Data(contentsOf: fixture.folder.appendingPathComponent("out/vetoed-certification/report.pdf")))
        bytes[3000] ^= 0x01
        try Data(bytes).write(to: fixture.folder.appendingPathComponent("changed.pdf"))
        let changed = try fixture.run(["verify", "changed.pdf"])
        #expect(changed.status == 1 && changed.stdout.contains("NOT AUTHENTIC") && changed.stdout.contains("the archive holds no document with this file's SHA-256"),
                "\(changed.stdout)")
    }

    @Test func anyChangedByteOrFieldIsDetected() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        try fixture.run(["issue", "four-star-certification.yaml", "-o", "out", "--date", "2026-06-10"]).expectSuccess()
        let original = Array(try Data(contentsOf: fixture.folder.appendingPathComponent("out/four-star-certification/certificate.pdf")))
        let tampered = fixture.folder.appendingPathComponent("tampered.pdf")
        let trust = fixture.folder.appendingPathComponent("issuer.crt")
        var random = SplitMix64(seed: 7)
        // Bytes before the signature's end (the signed bytes, the signature itself) and after it.
        let reading = try #require(try PDFSignatureReading.last(in: original))
        let contents = reading.byteRange[1] + 1
        let signatureEnd = contents + reading.contents.count * 2
        let positions = (0..<10).map { _ in Int.random(in: 0..<contents, using: &random) } + [contents + 10, signatureEnd - 1, original.count - 3]
        for index in positions {
            var bytes = original
            bytes[index] = bytes[index] == UInt8(ascii: "0") ? UInt8(ascii: "7") : bytes[index] ^ UInt8.random(in: 1...255, using: &random)
            try Data(bytes).write(to: tampered)
            let result = try fixture.run(["verify", "tampered.pdf", "--issuer-cert", "issuer.crt"])
            #expect(result.status == 1, "a change at byte \(index) went unnoticed")
            #expect(result.stdout.contains("NOT AUTHENTIC") || result.stderr.contains("error"), "byte \(index): \(result.stdout)")
            #expect(try !PDFJudges.pyHankoAccepts(tampered, trust: trust), "pyHanko accepted a change at byte \(index)")
        }
        // The zeros after the signature hold nothing either (pyHanko ignores them; StarCert refuses).
        var padded = original
        padded[signatureEnd + 100] = UInt8(ascii: "7")
        try Data(padded).write(to: tampered)
        let hidden = try fixture.run(["verify", "tampered.pdf", "--issuer-cert", "issuer.crt"])
        #expect(hidden.status == 1 && hidden.stdout.contains("holds data after the signature"), "\(hidden.stdout)")
        // A field of the signed data changed (the organization name, the same length so that the
        // file's structure still reads) is named against the archive; the data is read from the
        // signed revision's document information, never found by scanning bytes.
        let archive = try Archive(path: fixture.archive, access: .readOnly)
        var canonical = try archive.certificate("KB-ASM-2026-000001").canonical
        #expect(canonical.organization == "北京华信家电服务有限公司")
        canonical.organization = "北京伪造家电服务有限公司"
        let forgedPayload = Data(canonical.text.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        let forged = replaceKeywords(in: original, payload: forgedPayload + "." + (try archive.certificate("KB-ASM-2026-000001").signature))
        try Data(forged).write(to: tampered)
        let result = try fixture.run(["verify", "tampered.pdf"])
        #expect(result.status == 1)
        #expect(forged.count == original.count)
        #expect(result.stdout.contains("organization differs from the issued certificate"), "\(result.stdout)")
        #expect(result.stdout.contains("the signed bytes were changed"), "\(result.stdout)")
        #expect(!result.stdout.contains("untouched"), "\(result.stdout)")
        // Bytes appended after signing.
        try Data(original + Array("% appended\n".utf8)).write(to: tampered)
        let appended = try fixture.run(["verify", "tampered.pdf", "--issuer-cert", "issuer.crt"])
        #expect(appended.status == 1)
        #expect(appended.stdout.contains("the file was changed after it was signed"))
    }

    /// The certificate PDF with the signed data in its (newest) Keywords replaced by `payload`, the
    /// rest of the keywords kept.
    func replaceKeywords(in pdf: [UInt8], payload: String) -> [UInt8] {
        guard let start = pdf.ranges(of: Array("/Keywords <".utf8)).last?.upperBound,
              let end = pdf[start...].firstIndex(of: UInt8(ascii: ">")),
              let keywords = PDFText.decode("<" + String(decoding: pdf[start..<end], as: UTF8.self) + ">"),
              let marker = keywords.range(of: "starcert-signed:")
        else { return pdf }
        let kept = keywords[..<marker.upperBound]
        let rest = keywords[marker.upperBound...].drop { !$0.isWhitespace && $0 != "," }
        let hex = "FEFF" + (kept + payload + rest).utf16.map { String(format: "%04X", $0) }.joined()
        return Array(pdf[..<start]) + Array(hex.utf8) + Array(pdf[end...])
    }

    @Test func statusChangesAreRecordedAndReported() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        try fixture.run(["issue", "four-star-certification.yaml", "-o", "out", "--date", "2026-06-10"]).expectSuccess()
        try fixture.run(["cert", "suspend", "KB-ASM-2026-000001", "--reason", "监督审核发现严重不符合"]).expectSuccess()
        var result = try fixture.run(["verify", "KB-ASM-2026-000001"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("暂停 (suspended) — 监督审核发现严重不符合"))
        try fixture.run(["cert", "restore", "KB-ASM-2026-000001", "--reason", "整改验证通过"]).expectSuccess()
        #expect(try fixture.run(["verify", "KB-ASM-2026-000001"]).status == 0)
        try fixture.run(["cert", "withdraw", "KB-ASM-2026-000001", "--reason", "企业申请注销"]).expectSuccess()
        result = try fixture.run(["verify", "KB-ASM-2026-000001"])
        #expect(result.stdout.contains("撤销 (withdrawn) — 企业申请注销"))
        let again = try fixture.run(["cert", "restore", "KB-ASM-2026-000001", "--reason", "x"])
        #expect(again.status == 1)
        #expect(again.stderr.contains("withdrawn; a withdrawal is final"))
        let history = try Archive(path: fixture.archive, access: .readOnly).certificate("KB-ASM-2026-000001").history.map(\.status)
        #expect(history == [.valid, .suspended, .valid, .withdrawn])
    }

    @Test func certificatesExpireByDate() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        try fixture.example("early.yaml") {
            $0.replacingOccurrences(of: "start: 2026-05-10", with: "start: 2022-02-24").replacingOccurrences(of: "end: 2026-05-12", with: "end: 2022-02-26")
        }
        try fixture.run(["issue", "early.yaml", "-o", "out", "--date", "2022-03-01"]).expectSuccess()
        let record = try Archive(path: fixture.archive, access: .readOnly).certificate("KB-ASM-2022-000001")
        #expect(record.canonical.expires == "2025-02-28")
        #expect(record.status(on: "2025-02-28").status == .valid)
        #expect(record.status(on: "2025-03-01").status == .expired)
        let result = try fixture.run(["verify", "KB-ASM-2022-000001"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("过期 (expired)"))
    }

    @Test func aCorrectionIsANewVersionAndBothStayReadable() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        try fixture.run(["issue", "four-star-certification.yaml", "-o", "out", "--date", "2026-06-10"]).expectSuccess()
        try fixture.run(["issue", "four-star-certification.yaml", "-o", "out2", "--date", "2026-06-11", "--replaces", "1"]).expectSuccess()
        let archive = try Archive(path: fixture.archive, access: .readOnly)
        let rows = try archive.evaluations()
        #expect(rows.map(\.replaces) == [nil, 1])
        #expect(rows.map(\.certificateNumber) == ["KB-ASM-2026-000001", "KB-ASM-2026-000002"])
        #expect(try archive.documents(of: 1).count == 4)
        let missing = try fixture.run(["issue", "four-star-certification.yaml", "-o", "out3", "--replaces", "99"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("--replaces 99: there is no evaluation 99 in"))
    }

    @Test func aNewReportComparesWithEarlierEvaluations() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        let text = try String(contentsOf: Fixtures.fourStar, encoding: .utf8)
        try text.replacingOccurrences(of: "start: 2026-05-10", with: "start: 2025-05-10").replacingOccurrences(of: "end: 2026-05-12", with: "end: 2025-05-12")
            .replacingOccurrences(of: "percent: 95", with: "percent: 80")
            .write(to: fixture.folder.appendingPathComponent("earlier.yaml"), atomically: true, encoding: .utf8)
        try fixture.run(["issue", "earlier.yaml", "-o", "out", "--date", "2025-06-01"]).expectSuccess()
        try fixture.run(["issue", "four-star-certification.yaml", "-o", "out", "--date", "2026-06-10"]).expectSuccess()
        let report = try PDFInspection.text(Array(try Data(contentsOf: fixture.folder.appendingPathComponent("out/four-star-certification/report.pdf"))))
        #expect(report.contains("历次评价对比"))
        #expect(report.contains("上次（2025 年 5 月") && report.contains("本次（2026 年 5 月"))
        // 4.1.2 went from 80 % to 95 % of 6 points: 4.80 → 5.70.
        #expect(report.contains("4.80") && report.contains("+0.90"))
        #expect(report.contains("2025 年 5 月 12 日") && report.contains("2026 年 5 月 12 日"))
        let html = try String(contentsOf: fixture.folder.appendingPathComponent("out/four-star-certification/report.html"), encoding: .utf8)
        #expect(html.contains("历次评价对比") && html.contains("+0.90"))
        let first = try PDFInspection.text(Array(try Data(contentsOf: fixture.folder.appendingPathComponent("out/earlier/report.pdf"))))
        #expect(!first.contains("历次评价对比"))
    }

    @Test func theProfilesLogoAndSealAppear() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        let profile = fixture.folder.appendingPathComponent("issuer.yaml")
        try String(contentsOf: profile, encoding: .utf8)
            .replacingOccurrences(of: "# logo: logo.png", with: "logo: photos/dashboard.png")
            .replacingOccurrences(of: "# seal: seal.png", with: "seal: photos/dashboard.png")
            .write(to: profile, atomically: true, encoding: .utf8)
        try fixture.run(["issue", "four-star-certification.yaml", "-o", "out", "--date", "2026-06-10"]).expectSuccess()
        let certificate = fixture.folder.appendingPathComponent("out/four-star-certification/certificate.pdf").path
        let images = try ExternalProgram.run("pdfimages", ["-list", certificate]).stdout.split(separator: "\n").dropFirst(2)
        #expect(images.count == 2)
        let html = try String(contentsOf: fixture.folder.appendingPathComponent("out/four-star-certification/certificate.html"), encoding: .utf8)
        #expect(html.contains("class=\"seal\" src=\"data:image/png;base64,"))
        let report = fixture.folder.appendingPathComponent("out/four-star-certification/report.pdf").path
        let reportImages = try ExternalProgram.run("pdfimages", ["-list", "-f", "1", "-l", "1", report]).stdout.split(separator: "\n").dropFirst(2)
        #expect(reportImages.count == 1, "no logo on the cover")
    }

    @Test func theArchiveListsShowsAndExports() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        try fixture.run(["issue", "four-star-certification.yaml", "vetoed-certification.yaml", "-o", "out", "--date", "2026-06-10", "--jobs", "1"]).expectSuccess()
        let list = try fixture.run(["archive", "list"])
        #expect(list.stdout.contains("北京华信家电服务有限公司") && list.stdout.contains("KB-ASM-2026-000001") && list.stdout.contains("vetoed"))
        let show = try fixture.run(["archive", "show", "1"])
        #expect(show.stdout.contains("certificate.pdf") && show.stdout.contains("sha256") && show.stdout.contains("valid  issued"))
        let json = try fixture.run(["archive", "export", "--format", "json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 2)
        #expect(rows[0]["certificate"] as? String == "KB-ASM-2026-000001")
        #expect(rows[0]["status"] as? String == "valid")
        #expect(rows[1]["certificate"] is NSNull)
        let csv = try fixture.run(["archive", "export", "--format", "csv"]).stdout.components(separatedBy: "\r\n")
        #expect(csv[0] == "id,archived_at,organization,credit_code,standard,kind,audit_end,total,star_level,decision,certificate,status,status_code,replaces")
        #expect(csv[1].hasSuffix(",北京华信家电服务有限公司,91110108MA01C2XK3R,Q/BJKB 006-2026,initial,2026-05-12,91.55,4,certified,KB-ASM-2026-000001,valid,01,"))
        try fixture.run(["archive", "files", "1", "-o", "restored"]).expectSuccess()
        let restored = try FileManager.default.contentsOfDirectory(atPath: fixture.folder.appendingPathComponent("restored").path).sorted()
        #expect(restored == ["certificate.html", "certificate.pdf", "four-star-certification.xlsx", "four-star-certification.yaml", "report.html", "report.pdf"])
        #expect(try Data(contentsOf: fixture.folder.appendingPathComponent("restored/four-star-certification.yaml")) == (try Data(contentsOf: Fixtures.fourStar)))
        // The archived evaluation as the auditor's workbook too: it scores as the archive recorded.
        try FileManager.default.copyItem(at: fixture.folder.appendingPathComponent("photos"), to: fixture.folder.appendingPathComponent("restored/photos"))
        let scored = try fixture.run(["score", "restored/four-star-certification.xlsx", "--json"])
        #expect(scored.status == 0 && scored.stdout.contains("\"total\": \"91.55\""), "\(scored.stderr)")
    }

    @Test func issuedRecordsAreLocked() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        try fixture.run(["issue", "four-star-certification.yaml", "-o", "out", "--date", "2026-06-10"]).expectSuccess()
        let queue = try DatabaseQueue(path: fixture.archive)
        for statement in ["UPDATE evaluation SET total_hundredths = 9999", "DELETE FROM document", "UPDATE certificate SET number = 'X'",
                          "DELETE FROM certificate_status"] {
            #expect(throws: DatabaseError.self) { try queue.write { try $0.execute(sql: statement) } }
        }
        #expect(try fixture.run(["archive", "verify"]).status == 0)
    }

    @Test func keysAreNeverReplacedAndPrivate() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        let attributes = try FileManager.default.attributesOfItem(atPath: fixture.folder.appendingPathComponent("issuer.key").path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let again = try fixture.run(["keys", "init"])
        #expect(again.status == 1)
        #expect(again.stderr.contains("already exists; StarCert never replaces a signing key"))
    }

    @Test func aDamagedOrNewerArchiveIsAClearError() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: fixture.archive))
        let damaged = try fixture.run(["archive", "list"])
        #expect(damaged.status == 1)
        #expect(damaged.stderr.contains("is not a StarCert archive (it is not an SQLite database); it was not changed"))
        try FileManager.default.removeItem(atPath: fixture.archive)
        try fixture.run(["issue", "vetoed-certification.yaml", "-o", "out"]).expectSuccess()
        let queue = try DatabaseQueue(path: fixture.archive)
        try queue.write { try $0.execute(sql: "PRAGMA user_version = 9") }
        let newer = try fixture.run(["archive", "list"])
        #expect(newer.status == 1)
        #expect(newer.stderr.contains("was written by a newer StarCert"))
    }

    @Test func anIssuerProfileWithMistakesIsNamedWithPositions() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        let profile = fixture.folder.appendingPathComponent("issuer.yaml")
        let text = try String(contentsOf: profile, encoding: .utf8)
            .replacingOccurrences(of: "validity_years: 3", with: "validity_years: three")
            .replacingOccurrences(of: "certificate_number_pattern: KB-ASM-{year}-{seq:06}", with: "certificate_number_pattern: KB-ASM-{year}")
        try text.write(to: profile, atomically: true, encoding: .utf8)
        let result = try fixture.run(["issue", "four-star-certification.yaml", "-o", "out"])
        #expect(result.status == 1)
        let lines = text.components(separatedBy: "\n")
        func line(_ needle: String) -> Int { (lines.firstIndex { $0.hasPrefix(needle) } ?? -1) + 1 }
        #expect(result.stderr.contains("issuer.yaml:\(line("certificate_number_pattern")):29: error: `certificate_number_pattern` has no {seq}"))
        #expect(result.stderr.contains("issuer.yaml:\(line("validity_years")):17: error: `validity_years` is `three`"))
    }
}

@Suite struct ConcurrencyAndCrashTests {
    /// Numbers, certificates and documents agree: no gaps, no duplicates, nothing half-written.
    static func checkConsistency(_ path: String) throws -> Int {
        // Killed before its first evaluation was ready, `issue` made no archive; opening one here
        // would make an empty database in its place.
        guard FileManager.default.fileExists(atPath: path) else { return 0 }
        let queue = try DatabaseQueue(path: path)
        return try queue.read { db in
            let sequences = try Int.fetchAll(db, sql: "SELECT sequence FROM certificate ORDER BY sequence")
            #expect(sequences == sequences.indices.map { $0 + 1 })
            let last = try Int.fetchOne(db, sql: "SELECT last FROM number_series") ?? 0
            #expect(last == sequences.count)
            let orphans = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM evaluation e WHERE e.certificate_number IS NOT NULL AND
                  ((SELECT COUNT(*) FROM document d WHERE d.evaluation_id = e.id) != 4 OR
                   (SELECT COUNT(*) FROM certificate c WHERE c.evaluation_id = e.id) != 1)
                """) ?? -1
            #expect(orphans == 0)
            #expect(try String.fetchAll(db, sql: "PRAGMA integrity_check") == ["ok"])
            return sequences.count
        }
    }

    @Test func twoProcessesIssuingAtOnceNeverShareOrSkipANumber() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        try fixture.run(["issue", "vetoed-certification.yaml", "-o", "warm"]).expectSuccess()
        let first = try fixture.copies(5, prefix: "a")
        let second = try fixture.copies(5, prefix: "b")
        let results = try [first, second].map { try fixture.startIssuing($0) }
        for process in results { process.waitUntilExit() }
        #expect(results.allSatisfy { $0.terminationStatus == 0 })
        #expect(try Self.checkConsistency(fixture.archive) == 10)
        let numbers = try Archive(path: fixture.archive, access: .readOnly).evaluations().compactMap(\.certificateNumber)
        #expect(Set(numbers) == Set((1...10).map { String(format: "KB-ASM-2026-%06d", $0) }))
    }

    /// `archive verify` run again and again while `issue` commits (first into an archive without a
    /// write-ahead log yet): every check reads one consistent snapshot and finds nothing wrong.
    @Test func archiveVerifyDuringIssuingRaisesNoFalseAlarm() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        try fixture.run(["issue", "vetoed-certification.yaml", "-o", "first", "--date", "2026-06-10"]).expectSuccess()
        let process = try fixture.startIssuing(try fixture.copies(6, prefix: "c"))
        var checks = 0
        while process.isRunning || checks == 0 {
            let result = try fixture.run(["archive", "verify"])
            #expect(result.status == 0 && !result.stdout.contains("missing") && !result.stdout.contains("differs"), "\(result.stdout)\(result.stderr)")
            checks += 1
        }
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(checks > 1, "issuing ended before a second check")
        #expect(try fixture.run(["archive", "verify"]).status == 0)
    }

    @Test func killingIssueAtRandomMomentsLeavesTheArchiveConsistent() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        let files = try fixture.copies(3, prefix: "k")
        var random = SplitMix64(seed: 2026)
        for _ in 0..<25 {
            let process = try fixture.startIssuing(files)
            // Issuing three files (render, PDF/A, sign, archive) takes one to two seconds here.
            usleep(UInt32.random(in: 50_000...2_500_000, using: &random))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            _ = try Self.checkConsistency(fixture.archive)
        }
        let issued = try Self.checkConsistency(fixture.archive)
        #expect(issued > 0, "no issue ever completed a transaction before being killed")
        #expect(try Archive(path: fixture.archive, access: .readOnly).integrityProblems().isEmpty)
    }
}
