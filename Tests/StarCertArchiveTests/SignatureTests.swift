import Crypto
import Foundation
import PDFObjects
@testable import StarCertArchive
@testable import StarCertIssuing
import StarCertTestSupport
import SwiftASN1
import Testing
import X509

/// Issued PDFs are PAdES-signed, PDF/A-2b and tagged; each claim is checked by a judge StarCert
/// did not write (pyHanko, pikepdf, qpdf) as well as by `starcert verify`.
@Suite struct SignatureTests {
    /// Every issued PDF is a PAdES baseline signature (B-B) as pyHanko reads it, and a certification
    /// signature: a change made after signing is reported by pyHanko and by poppler's pdfsig.
    @Test func issuedPDFsArePAdESBaselineCertificationSignatures() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        try fixture.run(["issue", "four-star-certification.yaml", "vetoed-certification.yaml", "-o", "out", "--date", "2026-06-10"]).expectSuccess()
        let trust = fixture.folder.appendingPathComponent("issuer.crt")
        for file in ["four-star-certification/certificate.pdf", "four-star-certification/report.pdf", "vetoed-certification/report.pdf"] {
            let url = fixture.folder.appendingPathComponent("out/" + file)
            #expect(try PDFJudges.pades(url, trust: trust) == [
                "subfilter=/ETSI.CAdES.detached", "signed-attributes=content_type,message_digest,signing_certificate_v2",
                "docmdp=NO_CHANGES", "coverage=ENTIRE_FILE", "modifications=NONE", "valid=True",
            ], "\(file)")
            let pdfsig = try ExternalProgram.run("pdfsig", [url.path]).stdout
            #expect(pdfsig.contains("Signature Type: ETSI.CAdES.detached") && pdfsig.contains("Total document signed")
                    && pdfsig.contains("Signature Validation: Signature is Valid."), "\(pdfsig)")
        }
        // An overlay added by an incremental update after signing: a new annotation on the page.
        let signed = Array(try Data(contentsOf: fixture.folder.appendingPathComponent("out/four-star-certification/certificate.pdf")))
        let file = try PDFFile(signed)
        let page = try #require(file.pageNumbers.first)
        var update = PDFIncrementalUpdate(file)
        let note = update.add("<< /Type /Annot /Subtype /FreeText /Rect [ 100 100 400 140 ] /Contents (98.60 \\(5 stars\\)) /DA (/Helv 24 Tf 0 g) >>")
        let pageDictionary = PDFDictionary(try #require(file.dictionary(page)))
        let annotations = pageDictionary.references(inArray: "Annots").map { "\($0) 0 R" } + ["\(note) 0 R"]
        update.replace(page, with: pageDictionary.adding([("Annots", "[ " + annotations.joined(separator: " ") + " ]")]))
        let overlaid = fixture.folder.appendingPathComponent("overlaid.pdf")
        try Data(update.written()).write(to: overlaid)
        let judged = try PDFJudges.pades(overlaid, trust: trust)
        #expect(judged.contains("coverage=ENTIRE_REVISION") && !judged.contains("modifications=NONE"), "\(judged)")
        #expect(try !PDFJudges.pyHankoAccepts(overlaid, trust: trust))
        #expect(try ExternalProgram.run("pdfsig", [overlaid.path]).stdout.contains("Not total document signed"))
        let verified = try fixture.run(["verify", "overlaid.pdf", "--issuer-cert", "issuer.crt"])
        #expect(verified.status == 1 && verified.stdout.contains("the file was changed after it was signed"), "\(verified.stdout)")
    }

    @Test func issuedPDFsAreArchivalTaggedAndSigned() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        try fixture.run(["issue", "four-star-certification.yaml", "-o", "out", "--date", "2026-06-10"]).expectSuccess()
        for name in ["certificate.pdf", "report.pdf"] {
            let file = fixture.folder.appendingPathComponent("out/four-star-certification/\(name)")
            let verdict = try PDFJudges.pdfa(file)
            #expect(verdict.hasPrefix("PDF/A-2b: pass"), "\(name): \(verdict)")
            #expect(try PDFJudges.qpdfAccepts(file), "\(name)")
            #expect(try PDFJudges.catalog(file) == ["Lang=zh-CN", "Marked=True", "pdfaid=2B"])
            let tree = try PDFJudges.structure(file)
            #expect(tree.first == "Document")
            // Every element hangs under the one Document; figures all carry alternative text.
            #expect(tree.dropFirst().allSatisfy { $0.hasPrefix("  ") })
            #expect(tree.filter { $0.contains("Figure") }.allSatisfy { $0.contains("alt=") && !$0.hasSuffix("alt=") })
        }
        let certificate = try PDFJudges.structure(fixture.folder.appendingPathComponent("out/four-star-certification/certificate.pdf"))
        #expect(certificate[1] == "  H1")
        #expect(certificate.contains("    Link"))
        #expect(certificate.contains { $0.hasPrefix("  Figure alt=四星级") })
        #expect(certificate.contains { $0.hasPrefix("  Figure alt=扫码验证 Scan to verify：https://verify.kunbiao.cn/c?n=KB-ASM-2026-000001&sig=") })
        let report = try PDFJudges.structure(fixture.folder.appendingPathComponent("out/four-star-certification/report.pdf"))
        // The summary chapter: a heading, the result panel as a figure, the scores table with header cells.
        let summary = try #require(report.firstIndex(of: "  H1"))
        #expect(report[summary + 1].hasPrefix("  Figure alt=评价总分"))
        #expect(report.contains("      TH scope=Column") && report.contains("      TD") && report.contains("    TR"))
        #expect(!report.contains("      TH"), "every header cell says what it heads")
        #expect(report.contains("    LI") && report.contains("      Lbl") && report.contains("      LBody"))
        #expect(report.contains { $0.hasPrefix("  Figure alt=丰台备件中心库") })
        #expect(report.contains("  H2") && report.contains("  H3") && report.contains("  H4"))
        // Heading levels never skip one (H1 → H3), in the order a reader meets them.
        var level = 0
        for line in report where line.hasPrefix("  H") && line.count == 4 {
            let next = Int(String(line.last!))!
            #expect(next <= level + 1, "H\(level) is followed by \(line)")
            level = next
        }
        #expect(level > 0)
    }

    @Test func textCopiedOutReadsInOrderWithoutStraySpaces() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        try fixture.run(["issue", "four-star-certification.yaml", "-o", "out", "--date", "2026-06-10"]).expectSuccess()
        let pdf = Array(try Data(contentsOf: fixture.folder.appendingPathComponent("out/four-star-certification/report.pdf")))
        let text = try PDFInspection.text(pdf)
        #expect(text.contains("北京华信家电服务有限公司"))
        #expect(!text.contains("北 京") && !text.contains("服 务"))
        let title = try #require(text.range(of: "售后服务成熟度评价报告"))
        let organization = try #require(text.range(of: "北京华信家电服务有限公司"))
        #expect(title.lowerBound < organization.lowerBound)
    }

    @Test func theSameInputKeyAndDateDifferOnlyInSignatures() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        for run in ["a", "b"] {
            try fixture.run(["issue", "four-star-certification.yaml", "-o", run, "--date", "2026-06-10", "--archive", "\(run).sqlite"]).expectSuccess()
        }
        func masked(_ name: String, _ run: String) throws -> String {
            let bytes = try Data(contentsOf: fixture.folder.appendingPathComponent("\(run)/four-star-certification/\(name)"))
            return String(decoding: bytes, as: UTF8.self)
                .replacing(/\/Contents <[0-9A-F]+>/, with: "/Contents <>").replacing(/\/M \(D:\d+Z\)/, with: "/M ()")
        }
        #expect(try masked("report.pdf", "a") == (try masked("report.pdf", "b")))
        let first = try Archive(path: fixture.folder.appendingPathComponent("a.sqlite").path, access: .readOnly).certificate("KB-ASM-2026-000001")
        let second = try Archive(path: fixture.folder.appendingPathComponent("b.sqlite").path, access: .readOnly).certificate("KB-ASM-2026-000001")
        // The certificate data is the same, down to the hash of the report before signing; only the
        // ECDSA signature over it differs (its nonce is random).
        #expect(first.canonical == second.canonical)
    }

    @Test func reportPDFAIsArchivalUnsignedAndRepeatable() throws {
        let workspace = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: workspace) }
        for run in ["a", "b"] {
            try StarCertExecutable.run(["report", Fixtures.fourStar.path, "-o", workspace.appendingPathComponent(run).path, "--pdfa", "--format", "pdf"]).expectSuccess()
        }
        let a = try Data(contentsOf: workspace.appendingPathComponent("a/report.pdf"))
        #expect(a == (try Data(contentsOf: workspace.appendingPathComponent("b/report.pdf"))))
        #expect(try PDFJudges.pdfa(workspace.appendingPathComponent("a/report.pdf")).hasPrefix("PDF/A-2b: pass"))
        #expect(try PDFJudges.pdfa(workspace.appendingPathComponent("a/certificate.pdf")).hasPrefix("PDF/A-2b: pass"))
        #expect(!String(decoding: a, as: UTF8.self).contains("/ByteRange"))
    }

    /// A P-256 key and a certificate for it with the given validity and key usage.
    static func identity(validFrom: Date, until: Date, usage: KeyUsage = KeyUsage(digitalSignature: true, nonRepudiation: true)) throws -> SigningIdentity {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName { CommonName("测试认证机构") }
        let publicKey = Certificate.PublicKey(key.publicKey)
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(bytes: [0x11, 0x22, 0x33]), publicKey: publicKey, notValidBefore: validFrom, notValidAfter: until,
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions { Critical(usage); Critical(BasicConstraints.notCertificateAuthority) },
            issuerPrivateKey: Certificate.PrivateKey(key))
        return SigningIdentity(privateKey: key, chain: [certificate])
    }

    static func write(_ identity: SigningIdentity, to folder: URL) throws -> (key: String, certificate: String) {
        let key = folder.appendingPathComponent("k.pem")
        let certificate = folder.appendingPathComponent("c.pem")
        try (identity.privateKey.pemRepresentation + "\n").write(to: key, atomically: true, encoding: .utf8)
        try (identity.certificate.serializeAsPEM().pemString + "\n").write(to: certificate, atomically: true, encoding: .utf8)
        return (key.path, certificate.path)
    }

    @Test func keysThatCannotSignAreRefusedOnImport() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let now = Date()
        let cases: [(SigningIdentity, String)] = [
            (try Self.identity(validFrom: now.addingTimeInterval(-800 * 86_400), until: now.addingTimeInterval(-400 * 86_400)), "the certificate expired on"),
            (try Self.identity(validFrom: now.addingTimeInterval(30 * 86_400), until: now.addingTimeInterval(400 * 86_400)), "the certificate is valid only from"),
            (try Self.identity(validFrom: now.addingTimeInterval(-86_400), until: now.addingTimeInterval(400 * 86_400), usage: KeyUsage(keyEncipherment: true)),
             "key usage does not allow signing documents"),
        ]
        for (index, (identity, problem)) in cases.enumerated() {
            let files = try Self.write(identity, to: folder)
            let result = try StarCertExecutable.run(["keys", "import", "--key", files.key, "--chain", files.certificate, "--keys", folder.appendingPathComponent("keys-\(index)").path])
            #expect(result.status == 1)
            #expect(result.stderr.contains(problem), "\(result.stderr)")
        }
        let good = try Self.identity(validFrom: now.addingTimeInterval(-86_400), until: now.addingTimeInterval(400 * 86_400))
        let other = try Self.identity(validFrom: now.addingTimeInterval(-86_400), until: now.addingTimeInterval(400 * 86_400))
        let goodFiles = try Self.write(good, to: folder)
        let otherCertificate = folder.appendingPathComponent("other.pem")
        try (other.certificate.serializeAsPEM().pemString + "\n").write(to: otherCertificate, atomically: true, encoding: .utf8)
        let mismatched = try StarCertExecutable.run(["keys", "import", "--key", goodFiles.key, "--chain", otherCertificate.path, "--keys", folder.appendingPathComponent("mismatch").path])
        #expect(mismatched.stderr.contains("the private key does not match the certificate"))
        try StarCertExecutable.run(["keys", "import", "--key", goodFiles.key, "--chain", goodFiles.certificate, "--keys", folder.appendingPathComponent("ok").path]).expectSuccess()
        let attributes = try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent("ok/issuer.key").path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }

    /// A signature is judged when it was made: a certificate signed while the issuer's certificate
    /// was valid stays authentic after it expires; offline, a certificate is valid through the last
    /// day it prints and expired (exit 1) from the next.
    @Test func signaturesAreJudgedAtSigningTimeAndCertificatesByTheirValidity() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        try fixture.run(["issue", "four-star-certification.yaml", "-o", "out", "--date", "2026-06-10"]).expectSuccess()
        let issued = Array(try Data(contentsOf: fixture.folder.appendingPathComponent("out/four-star-certification/certificate.pdf")))
        let unsigned = try #require(try PDFSignatureReading.last(in: issued)?.unsignedRevision)
        let now = Date()
        let old = try Self.identity(validFrom: now.addingTimeInterval(-800 * 86_400), until: now.addingTimeInterval(-400 * 86_400))
        let files = try Self.write(old, to: fixture.folder)
        // The same certificate signed after the issuer certificate ended is not authentic.
        try Data(try PDFSigning.sign(unsigned, with: old, at: now, reason: "late")).write(to: fixture.folder.appendingPathComponent("late.pdf"))
        let late = try fixture.run(["verify", "late.pdf", "--issuer-cert", files.certificate, "--date", "2026-06-10"])
        #expect(late.status == 1 && late.stdout.contains("expired on"), "\(late.stdout)")
        // Offline validity: the genuine certificate (valid until 2029-06-09) on the last day and the next.
        let certificate = "out/four-star-certification/certificate.pdf"
        let offline = try fixture.run(["verify", certificate, "--issuer-cert", "issuer.crt", "--date", "2029-06-09"])
        #expect(offline.status == 0 && offline.stdout.contains("有效 (valid)"), "\(offline.stdout)")
        let nextDay = try fixture.run(["verify", certificate, "--issuer-cert", "issuer.crt", "--date", "2029-06-10"])
        #expect(nextDay.status == 1 && nextDay.stdout.contains("authentic") && nextDay.stdout.contains("过期 (expired)"), "\(nextDay.stdout)")
    }

    /// Issued in June 2026 with an issuer certificate that ends in July 2027, checked in August 2027
    /// (faketime runs both commands at those dates): still authentic — judged at the issue — and
    /// expired, with or without the archive.
    @Test func aCertificateStaysAuthenticAfterItsIssuerCertificateExpires() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        let profile = fixture.folder.appendingPathComponent("issuer.yaml")
        try String(contentsOf: profile, encoding: .utf8).replacingOccurrences(of: "validity_years: 3", with: "validity_years: 1")
            .write(to: profile, atomically: true, encoding: .utf8)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let key = try Self.identity(validFrom: calendar.date(from: DateComponents(year: 2026, month: 1, day: 1))!,
                                    until: calendar.date(from: DateComponents(year: 2027, month: 7, day: 1))!)
        let files = try Self.write(key, to: fixture.folder)
        try StarCertExecutable.run(["keys", "import", "--key", files.key, "--chain", files.certificate, "--keys", "k"], in: fixture.folder).expectSuccess()
        let starcert = try StarCertExecutable.url().path
        var environment = ProcessInfo.processInfo.environment
        environment["STARCERT_ARCHIVE"] = fixture.archive
        func at(_ time: String, _ arguments: [String], archive: Bool = true) throws -> StarCertExecutable.Result {
            var used = environment
            if !archive { used["STARCERT_ARCHIVE"] = fixture.folder.appendingPathComponent("no-archive.sqlite").path }
            return try ExternalProgram.run(URL(fileURLWithPath: "/usr/bin/faketime"), [time, starcert] + arguments, in: fixture.folder, environment: used)
        }
        try at("2026-06-10 10:00:00", ["issue", "four-star-certification.yaml", "-o", "out", "--date", "2026-06-10", "--keys", "k"]).expectSuccess()
        let certificate = "out/four-star-certification/certificate.pdf"
        let archived = try at("2027-08-01 10:00:00", ["verify", certificate, "--issuer-cert", "k/issuer.crt"])
        #expect(archived.status == 1, "\(archived.stdout)")
        #expect(archived.stdout.contains(": authentic") && archived.stdout.contains("过期 (expired)"), "\(archived.stdout)")
        #expect(archived.stdout.contains("judged at the issue time the archive recorded (2026-06-10T"), "\(archived.stdout)")
        let offline = try at("2027-08-01 10:00:00", ["verify", certificate, "--issuer-cert", "k/issuer.crt"], archive: false)
        #expect(offline.status == 1 && offline.stdout.contains(": authentic") && offline.stdout.contains("过期 (expired)"), "\(offline.stdout)")
        #expect(offline.stdout.contains("at the signing time claimed by the signer (2026-06-10T"), "\(offline.stdout)")
        // Checked on its last valid day, it is authentic and valid.
        let lastDay = try at("2027-06-09 10:00:00", ["verify", certificate, "--issuer-cert", "k/issuer.crt"], archive: false)
        #expect(lastDay.status == 0 && lastDay.stdout.contains("有效 (valid)"), "\(lastDay.stdout)")
    }

    /// Another certificate's signed data hidden in a photo (a JPEG comment) neither reaches the report
    /// (pictures are written again from their pixels) nor could make it that certificate: the signed
    /// data is read from the document information of the signed revision, never found by scanning.
    @Test func signedDataHiddenInAPhotoIsNotTakenForTheDocuments() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        try fixture.run(["issue", "four-star-certification.yaml", "-o", "first", "--date", "2026-06-10"]).expectSuccess()
        let certificate = Array(try Data(contentsOf: fixture.folder.appendingPathComponent("first/four-star-certification/certificate.pdf")))
        let keywords = try #require(certificate.ranges(of: Array("/Keywords <FEFF".utf8)).last)
        let end = try #require(certificate[keywords.upperBound...].firstIndex(of: UInt8(ascii: ">")))
        let smuggled = Array("\n/Keywords <FEFF".utf8) + Array(certificate[keywords.upperBound...end]) + Array("\n".utf8)
        // The photo with a comment segment (FF FE, length) carrying the certificate's keywords.
        let photo = fixture.folder.appendingPathComponent("photos/spare-parts.jpg")
        var jpeg = Array(try Data(contentsOf: photo))
        let length = smuggled.count + 2
        jpeg.insert(contentsOf: [0xFF, 0xFE, UInt8(length >> 8), UInt8(length & 0xFF)] + smuggled, at: 2)
        try Data(jpeg).write(to: fixture.folder.appendingPathComponent("photos/smuggled.jpg"))
        try fixture.example("with-photo.yaml") { text in
            text.replacingOccurrences(of: "photos/spare-parts.jpg", with: "photos/smuggled.jpg")
                .replacingOccurrences(of: "name: 北京华信家电服务有限公司", with: "name: 北京华信家电维修有限公司")
        }
        try fixture.run(["issue", "with-photo.yaml", "-o", "second", "--date", "2026-06-10"]).expectSuccess()
        let report = fixture.folder.appendingPathComponent("second/with-photo/report.pdf")
        let bytes = Array(try Data(contentsOf: report))
        let embedded = bytes.firstRange(of: smuggled) != nil
        let result = try StarCertExecutable.run(["verify", report.path, "--issuer-cert", "issuer.crt"], in: fixture.folder,
                                                environment: ["STARCERT_ARCHIVE": fixture.folder.appendingPathComponent("none.sqlite").path])
        // Pictures reach the PDF as pixels only, written again by StarCert: the comment is gone.
        #expect(!embedded)
        #expect(!result.stdout.contains("KB-ASM-2026-000001") && !result.stdout.contains("signed data 签名数据"),
                "embedded as is: \(embedded); \(result.stdout)")
    }

    /// With a timestamp service in the profile every signature carries a signature timestamp
    /// (PAdES B-T): a real RFC 3161 service on loopback (OpenSSL's `ts` behind a small HTTP server)
    /// answers, pyHanko judges the files valid with the timestamp, and `verify` judges the signer at
    /// the timestamp's time. A service that does not answer stops the issue before anything is numbered.
    @Test func aTimestampServiceMakesSignaturesBT() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        let authority = try TimestampAuthority(folder: fixture.folder.appendingPathComponent("tsa"))
        defer { authority.stop() }
        let profile = fixture.folder.appendingPathComponent("issuer.yaml")
        let plain = try String(contentsOf: profile, encoding: .utf8)
        var environment = ProcessInfo.processInfo.environment
        environment["STARCERT_ARCHIVE"] = fixture.archive
        // No answer: refused, nothing archived.
        try (plain + "timestamp_url: http://127.0.0.1:1/tsa\n").write(to: profile, atomically: true, encoding: .utf8)
        let refused = try StarCertExecutable.run(["issue", "four-star-certification.yaml", "-o", "refused", "--date", "2026-06-10"], in: fixture.folder, environment: environment)
        #expect(refused.status == 1 && refused.stderr.contains("the timestamp service http://127.0.0.1:1/tsa"), "\(refused.stderr)")
        // Nothing numbered or archived (the transaction that would have numbered it rolled back).
        if FileManager.default.fileExists(atPath: fixture.archive) {
            let archive = try Archive(path: fixture.archive, access: .readOnly)
            #expect(try archive.evaluations().isEmpty)
        }
        // Answered: timestamped signatures.
        try (plain + "timestamp_url: \(authority.url)\n").write(to: profile, atomically: true, encoding: .utf8)
        try StarCertExecutable.run(["issue", "four-star-certification.yaml", "-o", "out", "--date", "2026-06-10"], in: fixture.folder, environment: environment).expectSuccess()
        for name in ["certificate.pdf", "report.pdf"] {
            let file = fixture.folder.appendingPathComponent("out/four-star-certification/" + name)
            let judged = try ExternalProgram.run(Fixtures.packageRoot.appendingPathComponent(".build/pdf-venv/bin/pyhanko"), [
                "sign", "validate", "--trust", fixture.folder.appendingPathComponent("issuer.crt").path, "--trust", authority.rootCertificate.path,
                "--trust-replace", "--no-revocation-check", file.path,
            ])
            #expect(judged.status == 0 && judged.stdout.contains(":INTACT:TRUSTED,TIMESTAMP_TOKEN<INTACT:TRUSTED>,UNTOUCHED"), "\(name): \(judged.stdout)\(judged.stderr)")
        }
        var offline = environment
        offline["STARCERT_ARCHIVE"] = fixture.folder.appendingPathComponent("none.sqlite").path
        let certificate = "out/four-star-certification/certificate.pdf"
        let stamped = try StarCertExecutable.run(["verify", certificate, "--issuer-cert", "issuer.crt", "--timestamp-trust", "tsa/ca.crt"], in: fixture.folder, environment: offline)
        #expect(stamped.status == 0 && stamped.stdout.contains("judged at the time of the signature timestamp by CN=StarCert Test Timestamp Authority"), "\(stamped.stdout)")
        // A root trusted for documents is not trusted for timestamps.
        let documentRoot = try StarCertExecutable.run(["verify", certificate, "--issuer-cert", "issuer.crt", "--trust", "tsa/ca.crt"], in: fixture.folder, environment: offline)
        #expect(documentRoot.stdout.contains("was not used") && !documentRoot.stdout.contains("judged at the time of the signature timestamp"), "\(documentRoot.stdout)")
        // Without the service's root the timestamp is named and not used.
        let untrusted = try StarCertExecutable.run(["verify", certificate, "--issuer-cert", "issuer.crt"], in: fixture.folder, environment: offline)
        #expect(untrusted.status == 0 && untrusted.stdout.contains("the signature timestamp") && untrusted.stdout.contains("was not used"), "\(untrusted.stdout)")
    }

    /// The issuer's certificate must outlive what it signs; a certificate that a validator must
    /// refuse is refused at import.
    @Test func signingKeysMustOutliveAndBeUnderstood() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        let now = Date()
        // Valid for two more years: a three-year certificate issued today would outlive it.
        let short = try Self.identity(validFrom: now.addingTimeInterval(-86_400), until: now.addingTimeInterval(730 * 86_400))
        let files = try Self.write(short, to: fixture.folder)
        let imported = try StarCertExecutable.run(["keys", "import", "--key", files.key, "--chain", files.certificate, "--keys", "short"], in: fixture.folder)
        #expect(imported.status == 0 && imported.stderr.contains("less than one validity period"), "\(imported.stderr)")
        let refused = try fixture.run(["issue", "four-star-certification.yaml", "-o", "out", "--date", "2026-06-10", "--keys", "short"])
        #expect(refused.status == 1 && refused.stderr.contains("the issuer's signing certificate is valid until"), "\(refused.stderr)")
        // Nothing numbered or archived (the transaction that would have numbered it rolled back).
        if FileManager.default.fileExists(atPath: fixture.archive) {
            let archive = try Archive(path: fixture.archive, access: .readOnly)
            #expect(try archive.evaluations().isEmpty)
        }
        // `keys init` makes one that outlives validity_years with margin.
        let created = try fixture.run(["keys", "init", "--keys", "long"])
        let until = Calendar(identifier: .gregorian).component(.year, from: now) + 3 + SigningIdentity.marginYears
        #expect(created.stdout.contains("valid until \(until)-"), "\(created.stdout)")
        // An unknown critical extension: refused at import.
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName { CommonName("测试认证机构") }
        let unknown = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(bytes: [0x42]), publicKey: Certificate.PublicKey(key.publicKey),
            notValidBefore: now.addingTimeInterval(-86_400), notValidAfter: now.addingTimeInterval(2_000 * 86_400), issuer: name, subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(KeyUsage(digitalSignature: true, nonRepudiation: true))
                Certificate.Extension(oid: [1, 3, 6, 1, 4, 1, 99999, 1], critical: true, value: [0x05, 0x00])
            },
            issuerPrivateKey: Certificate.PrivateKey(key))
        let strange = try Self.write(SigningIdentity(privateKey: key, chain: [unknown]), to: fixture.folder)
        let refusedImport = try StarCertExecutable.run(["keys", "import", "--key", strange.key, "--chain", strange.certificate, "--keys", "strange"], in: fixture.folder)
        #expect(refusedImport.status == 1 && refusedImport.stderr.contains("critical extension StarCert does not understand"), "\(refusedImport.stderr)")
    }

    @Test func aForgedCopiedOrExpiredSignatureIsNotAuthentic() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        try fixture.run(["issue", "four-star-certification.yaml", "-o", "out", "--date", "2026-06-10"]).expectSuccess()
        let issued = Array(try Data(contentsOf: fixture.folder.appendingPathComponent("out/four-star-certification/certificate.pdf")))
        let now = Date()
        // Signed by another key under the same name: not the issuer's certificate.
        let impostor = try Self.identity(validFrom: now.addingTimeInterval(-86_400), until: now.addingTimeInterval(400 * 86_400))
        let unsigned = try #require(try PDFSignatureReading.last(in: issued)?.unsignedRevision)
        try Data(try PDFSigning.sign(unsigned, with: impostor, reason: "forged")).write(to: fixture.folder.appendingPathComponent("impostor.pdf"))
        let forged = try fixture.run(["verify", "impostor.pdf", "--issuer-cert", "issuer.crt"])
        #expect(forged.status == 1 && forged.stdout.contains("NOT AUTHENTIC") && forged.stdout.contains("the signer cannot be trusted"), "\(forged.stdout)")
        #expect(try !PDFJudges.pyHankoAccepts(fixture.folder.appendingPathComponent("impostor.pdf"), trust: fixture.folder.appendingPathComponent("issuer.crt")))
        // Signed by a key whose certificate has expired.
        let expired = try Self.identity(validFrom: now.addingTimeInterval(-800 * 86_400), until: now.addingTimeInterval(-400 * 86_400))
        try Data(try PDFSigning.sign(unsigned, with: expired, reason: "old")).write(to: fixture.folder.appendingPathComponent("expired.pdf"))
        let files = try Self.write(expired, to: fixture.folder)
        let old = try fixture.run(["verify", "expired.pdf", "--issuer-cert", files.certificate])
        #expect(old.status == 1 && old.stdout.contains("expired on"), "\(old.stdout)")
        // The unsigned revision alone (the signed metadata without the PDF signature).
        try Data(unsigned).write(to: fixture.folder.appendingPathComponent("copied.pdf"))
        let copied = try fixture.run(["verify", "copied.pdf", "--issuer-cert", "issuer.crt"])
        #expect(copied.status == 1 && copied.stdout.contains("carries no PDF signature"))
        // Without any certificate to trust, offline: a clear reason, not a pass.
        let untrusted = try StarCertExecutable.run(["verify", fixture.folder.appendingPathComponent("out/four-star-certification/certificate.pdf").path])
        #expect(untrusted.status == 1 && untrusted.stdout.contains("no issuer certificate to check it against"))
    }
}
