import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import PDFObjects
import StarCertArchive
import StarCertCore
@testable import StarCertServer
import StarCertTestSupport
import Testing

/// An archive with two issued certificates (one corrected) and a vetoed evaluation, and the site over it.
struct ServedArchive {
    let fixture: IssuingFixture
    let site: Site

    /// The correction (certificate KB-ASM-2026-000002, issued 2026-06-11) keeps the expiry of the
    /// certificate it replaces: 2029-06-09.
    init() throws {
        fixture = try IssuingFixture()
        try fixture.run(["issue", "four-star-certification.yaml", "vetoed-certification.yaml", "-o", "out", "--date", "2026-06-10", "--jobs", "1"]).expectSuccess()
        try fixture.run(["issue", "four-star-certification.yaml", "-o", "corrected", "--date", "2026-06-11", "--replaces", "1"]).expectSuccess()
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        site = try StarCertServer.site(ServerOptions(archive: fixture.archive, issuerProfile: fixture.folder.appendingPathComponent("issuer.yaml").path), logger: logger)
    }

    func test(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await StarCertServer.application(site).test(.router, body)
    }

    func signature(_ number: String) throws -> String {
        try Archive(path: fixture.archive, access: .readOnly).certificate(number).signature
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }
}

@Suite(.serialized) struct RouteTests {
    static let securityHeaders: [(HTTPField.Name, String)] = [
        (.contentSecurityPolicy, "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
        (.xContentTypeOptions, "nosniff"), (HTTPField.Name("Referrer-Policy")!, "no-referrer"),
    ]

    /// The status comes first, in its colour; a matching QR code is a plain note after it, never a
    /// green box of its own; the page shows everything the certificate prints.
    @Test func theQRTargetShowsStatusFirstThenEverythingTheCertificatePrints() async throws {
        let served = try ServedArchive()
        defer { served.fixture.remove() }
        let signature = try served.signature("KB-ASM-2026-000002")
        try await served.test { client in
            let page = try await client.execute(uri: "/c?n=KB-ASM-2026-000002&sig=\(signature)", method: .get).text
            let box = try #require(page.range(of: "<section class=\"status-box valid\""))
            let check = try #require(page.range(of: "二维码与签发记录一致"))
            let fields = try #require(page.range(of: "id=\"fields-heading\""))
            #expect(box.lowerBound < check.lowerBound && check.lowerBound < fields.lowerBound, "status, then the QR check, then the facts")
            #expect(!page.contains("class=\"alert\"") && !page.contains("class=\"ok\""))
            #expect(page.contains("该证书有效：2026-06-11 颁发，有效期至 2029-06-09（含当日）。"))
            for printed in ["北京华信家电服务有限公司", "<dd lang=\"en\">Beijing Huaxin Home Appliance Service Co., Ltd.</dd>", "91110108MA01C2XK3R",
                            "北京市海淀区西三环北路 87 号国际财经中心 B 座 12 层", "Q/BJKB 006-2026", "91.55 / 100.00", "2029-06-09",
                            "北京坤标检验认证有限公司", "<dd lang=\"en\">Beijing Kunbiao Inspection and Certification Co., Ltd.</dd>", "CNCA-R-2019-123"] {
                #expect(page.contains(printed), "\(printed)")
            }
            // The stars are read as text.
            #expect(page.contains("role=\"img\" aria-label=\"四星级售后服务能力成熟度（4/5 星）\""), "\(page)")
            // Never the report's evidence or findings.
            #expect(!page.contains("岗位达标复核记录"))
            // The English page names each text in its language.
            let english = try await client.execute(uri: "/c/KB-ASM-2026-000002?lang=en", method: .get).text
            #expect(english.contains("<html lang=\"en\">") && english.contains("<dd lang=\"zh-CN\">北京华信家电服务有限公司</dd>"))
            #expect(english.contains("<dd>Beijing Huaxin Home Appliance Service Co., Ltd.</dd>") && english.contains("<dd lang=\"zh-CN\">北京坤标检验认证有限公司</dd>"))
            #expect(english.contains("This certificate is valid: issued 2026-06-11, valid through 2029-06-09."))
        }
    }

    /// A QR code altered in any way is red at the top, the archived facts below it marked as what
    /// this body actually issued — and nothing green on the page.
    @Test func aTamperedQRCodeIsRedAndTheIssuedRecordIsMarkedAsSuch() async throws {
        let served = try ServedArchive()
        defer { served.fixture.remove() }
        let signature = try served.signature("KB-ASM-2026-000002")
        let altered = signature.dropLast() + (signature.last == "A" ? "B" : "A")
        try await served.test { client in
            for uri in ["/c?n=KB-ASM-2026-000002&sig=\(signature)&stars=5", "/c?n=KB-ASM-2026-000002&sig=\(altered)", "/c?n=KB-ASM-2026-000002",
                        "/c?n=KB-ASM-2026-000002&sig=", "/c?n=KB-ASM-2026-000002&sig=\(signature)&sig=\(altered)"] {
                let response = try await client.execute(uri: uri, method: .get)
                let page = response.text
                #expect(response.status == .ok)
                let alert = try #require(page.range(of: "<p class=\"alert\" role=\"alert\">二维码与签发记录不一致"), "\(uri)")
                let record = try #require(page.range(of: "本机构实际签发的证书"), "\(uri)")
                #expect(alert.lowerBound < record.lowerBound)
                #expect(!page.contains("status-box valid") && !page.contains("class=\"ok\"") && !page.contains("<p class=\"check\">"), "\(uri)")
            }
        }
    }

    /// Only a valid certificate shows green; every other status says so in a box of its own colour,
    /// with the day it began (and the successor of a superseded one), on the page and in the API's
    /// history alike.
    @Test func everyStatusIsStatedFirstInItsOwnColour() async throws {
        let served = try ServedArchive()
        defer { served.fixture.remove() }
        try served.fixture.run(["cert", "suspend", "KB-ASM-2026-000002", "--reason", "监督审核发现严重不符合"]).expectSuccess()
        let today = IssuerProfile.today(inTimeZone: "Asia/Shanghai").description
        try await served.test { client in
            let superseded = try await client.execute(uri: "/c/KB-ASM-2026-000001?lang=en", method: .get).text
            #expect(superseded.contains("<section class=\"status-box superseded\"") && superseded.contains("href=\"/c/KB-ASM-2026-000002?lang=en\""))
            #expect(superseded.contains("was replaced on ") && superseded.contains("by certificate KB-ASM-2026-000002 and is no longer valid"))
            let suspended = try await client.execute(uri: "/c/KB-ASM-2026-000002", method: .get).text
            #expect(suspended.contains("<section class=\"status-box suspended\"") && suspended.contains("该证书自 \(today) 起暂停"))
            #expect(!suspended.contains("status-box valid"))
            // The page's history and the API's list the same events.
            let pageEvents = suspended.components(separatedBy: "<li>").count - 1
            let record = try await client.execute(uri: "/api/v1/certificates/KB-ASM-2026-000002", method: .get)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(buffer: record.body)) as? [String: Any])
            #expect((object["history"] as? [Any])?.count == pageEvents && pageEvents == 2)
        }
        try served.fixture.run(["cert", "withdraw", "KB-ASM-2026-000002", "--reason", "暂停期满未整改"]).expectSuccess()
        try await served.test { client in
            let withdrawn = try await client.execute(uri: "/c/KB-ASM-2026-000002", method: .get).text
            #expect(withdrawn.contains("<section class=\"status-box withdrawn\"") && withdrawn.contains("该证书已于 \(today) 撤销，不再有效。"))
        }
    }

    /// Expired from the day after the last valid day: said in the status box, and listed as an
    /// event by the page and the API alike.
    @Test func anExpiredCertificateSaysSinceWhen() async throws {
        let served = try ServedArchive()
        defer { served.fixture.remove() }
        let archive = try Archive(path: served.fixture.archive, access: .readOnly)
        let certificate = try #require(try await archive.publicCertificate("KB-ASM-2026-000002", today: "2029-06-10", zone: TimeZone(identifier: "Asia/Shanghai")!))
        let values = served.site.certificateValues(certificate, language: .zh)
        #expect(values["statusClass"] as? String == "expired")
        #expect(values["statement"] as? String == "该证书已过期：有效期至 2029-06-09，自 2029-06-10 起失效。")
        let history = try #require(values["history"] as? [[String: String]])
        #expect(history.last?["at"] == "2029-06-10" && history.last?["category"] == "有效期届满")
        guard case let .object(fields) = served.site.json(certificate), case let .array(events)? = fields.first(where: { $0.0 == "history" })?.1 else {
            Issue.record("no history in the API's record")
            return
        }
        #expect(events.count == history.count)
    }

    @Test func everyBadRequestGetsTheSamePlainErrorPageAndTheHeaders() async throws {
        let served = try ServedArchive()
        defer { served.fixture.remove() }
        try await served.test { client in
            var notFound: String?
            // (A number that could be one of this body's gets its own page: see aNumberNeverIssued….)
            for uri in ["/c/%3Cscript%3E", "/c/..", "/c/../../etc/passwd", "/c/" + String(repeating: "A", count: 65),
                        "/no/such/page", "/s/short", "/s/AAAAAAAAAAAAAAAAAAAAAA", "/s/AAAAAAAAAAAAAAAAAAAAAA/report.pdf",
                        "/api/v1/certificates/nope", "/c?n=%00"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .notFound, "\(uri)")
                    for (name, value) in Self.securityHeaders { #expect(response.headers[name] == value, "\(uri) \(name)") }
                    if uri.hasPrefix("/api") { return }
                    notFound = notFound ?? response.text
                    #expect(response.text == notFound, "\(uri) answers differently from other unknown addresses")
                    #expect(!response.text.contains("error:") && !response.text.contains("Swift"))
                }
            }
            try await client.execute(uri: "/?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E", method: .get) { response in
                #expect(response.status == .ok)
                #expect(!response.text.contains("<script>") && response.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            }
            try await client.execute(uri: "/healthz", method: .get) { response in #expect(response.text == "ok\n") }
        }
    }

    @Test func searchFindsByNumberCreditCodeOrNamePrefixInPages() async throws {
        let served = try ServedArchive()
        defer { served.fixture.remove() }
        try await served.test { client in
            for query in ["KB-ASM-2026-000002", "91110108ma01c2xk3r", "北京华信"] {
                let encoded = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                try await client.execute(uri: "/api/v1/certificates?q=\(encoded)", method: .get) { response in
                    #expect(response.status == .ok, "\(query)")
                    let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                    let numbers = (object?["certificates"] as? [[String: Any]])?.compactMap { $0["number"] as? String } ?? []
                    #expect(numbers.contains("KB-ASM-2026-000002"), "\(query): \(numbers)")
                }
            }
            try await client.execute(uri: "/?q=%E5%8C%97%E4%BA%AC&page=1", method: .get) { response in
                #expect(response.text.contains("共 2 张证书"))
            }
            try await client.execute(uri: "/api/v1/certificates", method: .get) { response in #expect(response.status == .badRequest) }
        }
    }

    @Test func theRegisterListsValidCertificatesWithASafeCSV() async throws {
        let served = try ServedArchive()
        defer { served.fixture.remove() }
        try await served.test { client in
            try await client.execute(uri: "/register", method: .get) { response in
                #expect(response.text.contains("KB-ASM-2026-000002") && !response.text.contains(">KB-ASM-2026-000001<"))
                // One page: no way back or on; Chinese pages link without a language parameter.
                #expect(!response.text.contains("上一页") && !response.text.contains("下一页") && !response.text.contains("?lang=\""))
                #expect(response.text.components(separatedBy: "lang=en").count == 2, "only the link to the English page")
            }
            try await client.execute(uri: "/register.csv", method: .get) { response in
                // A UTF-8 byte-order mark first, for spreadsheet programs.
                #expect(Array(response.body.readableBytesView.prefix(3)) == [0xEF, 0xBB, 0xBF])
                let lines = String(response.text.drop { $0 == "\u{FEFF}" }).components(separatedBy: "\r\n").filter { !$0.isEmpty }
                #expect(lines.first == "number,status,status_code,organization,credit_code,standard,star_level,score,issued,expires")
                #expect(lines.count == 2 && lines[1].hasPrefix("KB-ASM-2026-000002,valid,\"=\"\"01\"\"\",北京华信家电服务有限公司,"))
            }
        }
    }

    /// Pages are kept between requests; a change written by another process must show on the next one.
    @Test func aStatusChangeShowsAtOnceOnPagesServedBefore() async throws {
        let served = try ServedArchive()
        defer { served.fixture.remove() }
        // Many requests at once, before and after a change: each sees one whole state.
        @Sendable func pages(_ client: any TestClientProtocol, _ uri: String) async throws -> [String] {
            try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<16 { group.addTask { Self.withoutCheckTime(try await client.execute(uri: uri, method: .get).text) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        try await served.test { client in
            let before = try await pages(client, "/c/KB-ASM-2026-000002")
            #expect(Set(before).count == 1 && before[0].contains("status-box valid"))
            let record = try await client.execute(uri: "/api/v1/certificates/KB-ASM-2026-000002", method: .get)
            #expect(record.text.contains("\"status\": \"valid\""))
        }
        try served.fixture.run(["cert", "suspend", "KB-ASM-2026-000002", "--reason", "监督审核发现严重不符合"]).expectSuccess()
        try await served.test { client in
            let after = try await pages(client, "/c/KB-ASM-2026-000002")
            #expect(Set(after).count == 1 && after[0].contains("status-box suspended") && !after[0].contains("status-box valid"))
            let changed = try await client.execute(uri: "/api/v1/certificates/KB-ASM-2026-000002", method: .get)
            #expect(changed.text.contains("\"status\": \"suspended\""))
            // Unknown numbers are never kept as found, nor found ones as unknown.
            #expect(try await client.execute(uri: "/c/KB-ASM-2026-000099", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/c/KB-ASM-2026-000002", method: .get).status == .ok)
        }
    }

    @Test func theJSONAPIHasETagsAndAnOpenAPIDocument() async throws {
        let served = try ServedArchive()
        defer { served.fixture.remove() }
        try await served.test { client in
            let first = try await client.execute(uri: "/api/v1/certificates/KB-ASM-2026-000002", method: .get)
            // A status is never kept by a cache without asking again: no-cache, with a validator.
            #expect(first.status == .ok && first.headers[.cacheControl] == "no-cache")
            let tag = try #require(first.headers[.eTag])
            // If-None-Match compares weakly: a W/ prefix, a list, and `*` all match.
            for header in ["W/" + tag, "\"other\", " + tag, "*"] {
                let weak = try await client.execute(uri: "/api/v1/certificates/KB-ASM-2026-000002", method: .get, headers: [.ifNoneMatch: header])
                #expect(weak.status == .notModified, "\(header)")
            }
            let other = try await client.execute(uri: "/api/v1/certificates/KB-ASM-2026-000002", method: .get, headers: [.ifNoneMatch: "\"other\""])
            #expect(other.status == .ok)
            let page = try await client.execute(uri: "/c/KB-ASM-2026-000002", method: .get)
            #expect(page.headers[.cacheControl] == "no-cache" && page.headers[.eTag] != nil)
            let pageAgain = try await client.execute(uri: "/c/KB-ASM-2026-000002", method: .get, headers: [.ifNoneMatch: try #require(page.headers[.eTag])])
            #expect(pageAgain.status == .notModified)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(buffer: first.body)) as? [String: Any])
            #expect(object["status"] as? String == "valid" && object["star_level"] as? Int == 4 && object["organization"] as? String == "北京华信家电服务有限公司")
            let again = try await client.execute(uri: "/api/v1/certificates/KB-ASM-2026-000002", method: .get, headers: [.ifNoneMatch: tag])
            #expect(again.status == .notModified && again.body.readableBytes == 0)
            let openAPI = try await client.execute(uri: "/api/v1/openapi.json", method: .get)
            let document = try #require(try JSONSerialization.jsonObject(with: Data(buffer: openAPI.body)) as? [String: Any])
            #expect((document["paths"] as? [String: Any])?.keys.contains("/api/v1/certificates/{number}") == true)
        }
    }

    static func multipart(_ file: [UInt8], boundary: String = "----starcert-test") -> (ByteBuffer, HTTPFields) {
        var body = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"c.pdf\"\r\nContent-Type: application/pdf\r\n\r\n".utf8)
        body += file
        body += Array("\r\n--\(boundary)--\r\n".utf8)
        return (ByteBuffer(bytes: body), [.contentType: "multipart/form-data; boundary=\(boundary)"])
    }

    @Test func verifyChecksAnUploadedPDF() async throws {
        let served = try ServedArchive()
        defer { served.fixture.remove() }
        let certificate = Array(try Data(contentsOf: served.fixture.folder.appendingPathComponent("corrected/four-star-certification/certificate.pdf")))
        try await served.test { client in
            let (body, headers) = Self.multipart(certificate)
            try await client.execute(uri: "/verify", method: .post, headers: headers, body: body) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("<p class=\"ok\">真实") && response.text.contains("文件自签名后未被改动"))
                #expect(response.text.contains("badge valid\">有效"))
            }
            var tampered = certificate
            tampered[2000] ^= 0x20
            let (changed, changedHeaders) = Self.multipart(tampered)
            try await client.execute(uri: "/verify", method: .post, headers: changedHeaders, body: changed) { response in
                #expect(response.text.contains("<p class=\"alert\" role=\"alert\">非真实"))
            }
            let (notPDF, notPDFHeaders) = Self.multipart(Array("<html>hello</html>".utf8))
            try await client.execute(uri: "/verify", method: .post, headers: notPDFHeaders, body: notPDF) { response in
                #expect(response.status == .badRequest && response.text.contains("不是 PDF 文件"))
            }
            let (huge, hugeHeaders) = Self.multipart(Array("%PDF-".utf8) + [UInt8](repeating: 0x20, count: 21 << 20))
            try await client.execute(uri: "/verify", method: .post, headers: hugeHeaders, body: huge) { response in
                #expect(response.status == .contentTooLarge)
                #expect(response.headers[.contentSecurityPolicy] != nil)
            }
        }
    }

    @Test func verifyRecognizesAnIssuedReport() async throws {
        let served = try ServedArchive()
        defer { served.fixture.remove() }
        let report = Array(try Data(contentsOf: served.fixture.folder.appendingPathComponent("out/vetoed-certification/report.pdf")))
        try await served.test { client in
            let (body, headers) = Self.multipart(report)
            try await client.execute(uri: "/verify", method: .post, headers: headers, body: body) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("<p class=\"ok\">真实"), "\(Self.findings(response.text))")
                #expect(Self.findings(response.text).contains { $0.contains("这是本机构签发的评价报告") && $0.contains("一票否决") && $0.contains("证书：无") },
                        "\(Self.findings(response.text))")
            }
        }
    }

    /// `/verify` judges the signer at the time of a signature timestamp whose service is trusted
    /// for timestamps (`serve --timestamp-trust`), and says so; without that root it names the
    /// timestamp as unused and judges at the archive's issue time.
    @Test func verifyUsesATrustedSignatureTimestamp() async throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        let authority = try TimestampAuthority(folder: fixture.folder.appendingPathComponent("tsa"))
        defer { authority.stop() }
        let profile = fixture.folder.appendingPathComponent("issuer.yaml")
        try (IssuingFixture.profile + "timestamp_url: \(authority.url)\n").write(to: profile, atomically: true, encoding: .utf8)
        var environment = ProcessInfo.processInfo.environment
        environment["STARCERT_ARCHIVE"] = fixture.archive
        try StarCertExecutable.run(["issue", "four-star-certification.yaml", "-o", "out", "--date", "2026-06-10"], in: fixture.folder, environment: environment)
            .expectSuccess()
        let certificate = Array(try Data(contentsOf: fixture.folder.appendingPathComponent("out/four-star-certification/certificate.pdf")))
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        for trusted in [true, false] {
            let options = ServerOptions(archive: fixture.archive, issuerProfile: profile.path, timestampTrust: trusted ? authority.rootCertificate.path : nil)
            let site = try StarCertServer.site(options, logger: logger)
            try await StarCertServer.application(site).test(.router) { client in
                let (body, headers) = Self.multipart(certificate)
                try await client.execute(uri: "/verify", method: .post, headers: headers, body: body) { response in
                    let page = response.text
                    #expect(page.contains("<p class=\"ok\">真实"))
                    if trusted {
                        #expect(page.contains("签名者的证书按可信时间戳的时间") && page.contains("StarCert Test Timestamp Authority")
                                && !page.contains("未被采用"), "\(page)")
                    } else {
                        #expect(page.contains("签名者的证书按本机构记录的签发时间") && page.contains("时间戳") && page.contains("未被采用"), "\(page)")
                    }
                }
            }
        }
    }

    /// A page without the time of the check (the one part that changes from minute to minute).
    static func withoutCheckTime(_ page: String) -> String {
        page.replacingOccurrences(of: #"<span class="checked-at">[^<]*</span>"#, with: "", options: .regularExpression)
    }

    /// The findings of `/verify` as a visitor reads them: the `<li>` items of the findings list.
    static func findings(_ page: String) -> [String] {
        guard let list = page.range(of: "<ul>"), let end = page.range(of: "</ul>", range: list.upperBound..<page.endIndex) else { return [] }
        return page[list.upperBound..<end.lowerBound].components(separatedBy: "<li>").dropFirst()
            .map { $0.replacingOccurrences(of: "</li>", with: "") }
    }

    /// Every kind of damage gives findings in the page's language that agree with each other and
    /// name nothing internal: no source file, no command-line option, no library's words.
    @Test func verifyFindingsAreWordedForVisitorsInThePagesLanguage() async throws {
        let served = try ServedArchive()
        defer { served.fixture.remove() }
        let certificate = Array(try Data(contentsOf: served.fixture.folder.appendingPathComponent("corrected/four-star-certification/certificate.pdf")))
        let reading = try #require(try PDFSignatureReading.last(in: certificate))
        var contentChanged = certificate
        contentChanged[2000] ^= 0x20
        var signatureChanged = certificate
        signatureChanged[reading.byteRange[1] + 200] = signatureChanged[reading.byteRange[1] + 200] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
        var rangeBroken = certificate
        let rangeStart = try #require(rangeBroken.firstRange(of: Array("/ByteRange [ 0 ".utf8)))
        rangeBroken[rangeStart.upperBound] = UInt8(ascii: "9")
        let uploads: [(name: String, bytes: [UInt8], authentic: Bool)] = [
            ("genuine", certificate, true), ("content changed", contentChanged, false), ("signature changed", signatureChanged, false),
            ("appended", certificate + Array("\n%% appended\n".utf8), false), ("unsigned revision", try #require(reading.unsignedRevision), false),
            ("byte range broken", rangeBroken, false), ("a bare PDF", Array("%PDF-1.7\n%%EOF\n".utf8), false),
        ]
        try await served.test { client in
            for upload in uploads {
                for english in [false, true] {
                    let (body, headers) = Self.multipart(upload.bytes)
                    try await client.execute(uri: english ? "/verify?lang=en" : "/verify", method: .post, headers: headers, body: body) { response in
                        let page = response.text
                        let findings = Self.findings(page)
                        #expect(!findings.isEmpty, "\(upload.name): no findings")
                        #expect(page.contains(english ? "Authentic:" : "<p class=\"ok\">真实") == upload.authentic, "\(upload.name)")
                        for finding in findings {
                            #expect(!finding.contains(".swift") && !finding.contains("--") && !finding.contains("CMS") && !finding.contains("Error"),
                                    "\(upload.name): \(finding)")
                            if !english {
                                // Chinese sentences: Latin letters only inside names (the signer's subject).
                                let latinWords = finding.split(whereSeparator: { !$0.isASCII || $0 == " " }).filter { $0.count > 3 && $0.allSatisfy(\.isLetter) }
                                #expect(finding.contains("签名者") || latinWords.isEmpty, "\(upload.name): \(finding)")
                            }
                        }
                        if !upload.authentic {
                            // A changed file is never also called unchanged.
                            #expect(!page.contains(english ? "unchanged since signing" : "文件自签名后未被改动"), "\(upload.name)")
                        }
                    }
                }
            }
        }
    }

    @Test func sharedLinksHandOutDocumentsAndRecordEveryDownload() async throws {
        let served = try ServedArchive()
        defer { served.fixture.remove() }
        let archive = try Archive(path: served.fixture.archive, access: .readWrite)
        let link = try archive.createShare(evaluation: 3, days: 30)
        let revoked = try archive.createShare(evaluation: 3, days: 30)
        try archive.revokeShare(revoked.id)
        let expired = try archive.createShare(evaluation: 3, days: 1, now: Date().addingTimeInterval(-2 * 86_400))
        #expect(link.token.count == 22)
        try await served.test { client in
            try await client.execute(uri: "/s/\(link.token)", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("/s/\(link.token)/report.pdf") && response.text.contains("/s/\(link.token)/certificate.pdf"))
            }
            try await client.execute(uri: "/s/\(link.token)/certificate.pdf", method: .get) { response in
                #expect(response.status == .ok && response.headers[.contentType] == "application/pdf")
                #expect(response.body.readableBytes > 10_000 && response.headers[.acceptRanges] == "none")
            }
            // HEAD is not a download; a Range request is answered whole (ranges are not served) and counts once.
            let head = try await client.execute(uri: "/s/\(link.token)/report.pdf", method: .head)
            #expect(head.status == .ok && head.body.readableBytes == 0)
            let ranged = try await client.execute(uri: "/s/\(link.token)/report.pdf", method: .get, headers: [.range: "bytes=0-99"])
            #expect(ranged.status == .ok && ranged.body.readableBytes > 10_000 && ranged.headers[.contentRange] == nil)
            // The link shows the certificate's status and leads to its public page.
            let page = try await client.execute(uri: "/s/\(link.token)", method: .get).text
            #expect(page.contains("status-box valid") && page.contains("href=\"/c/KB-ASM-2026-000002\""))
            let unknown = try await client.execute(uri: "/no/such/page", method: .get)
            for token in [revoked.token, expired.token] {
                try await client.execute(uri: "/s/\(token)", method: .get) { response in
                    #expect(response.status == .notFound && response.text == unknown.text)
                }
            }
        }
        let downloads = try archive.shares(of: 3).flatMap(\.downloads)
        #expect(downloads.map(\.document) == ["certificate.pdf", "report.pdf"])
        #expect(downloads.allSatisfy { $0.client != nil })
        let shown = try served.fixture.run(["archive", "show", "3"])
        #expect(shown.stdout.contains("link \(link.id): made") && shown.stdout.contains("2 download(s)") && shown.stdout.contains("certificate.pdf  from "))
        #expect(shown.stdout.contains("link \(revoked.id): made") && shown.stdout.contains("revoked"))
    }

    /// A withdrawn or superseded certificate's link says so and no longer hands out the
    /// certificate files (410); the report stays available.
    @Test func linksOfWithdrawnOrSupersededCertificatesWithholdTheCertificate() async throws {
        let served = try ServedArchive()
        defer { served.fixture.remove() }
        let archive = try Archive(path: served.fixture.archive, access: .readWrite)
        let superseded = try archive.createShare(evaluation: 1, days: 30)
        let withdrawn = try archive.createShare(evaluation: 3, days: 30)
        try served.fixture.run(["cert", "withdraw", "KB-ASM-2026-000002", "--reason", "暂停期满未整改"]).expectSuccess()
        try await served.test { client in
            for (link, status) in [(superseded, "superseded"), (withdrawn, "withdrawn")] {
                let page = try await client.execute(uri: "/s/\(link.token)", method: .get).text
                #expect(page.contains("status-box \(status)") && page.contains("此链接不再提供证书文件"), "\(status)")
                #expect(page.contains("/s/\(link.token)/report.pdf") && !page.contains("/s/\(link.token)/certificate.pdf"), "\(status)")
                for name in ["certificate.pdf", "certificate.html"] {
                    let refused = try await client.execute(uri: "/s/\(link.token)/\(name)", method: .get)
                    #expect(refused.status == .gone && refused.text.contains("该文件已不再提供"), "\(status) \(name)")
                }
                #expect(try await client.execute(uri: "/s/\(link.token)/report.pdf", method: .get).status == .ok)
            }
        }
    }

    @Test func searchVerifyAndLinksAreRateLimitedPerClient() async throws {
        let served = try ServedArchive()
        defer { served.fixture.remove() }
        try await served.test { client in
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<40 {
                let response = try await client.execute(uri: "/?q=KB", method: .get)
                statuses.append(response.status)
                // The true wait: one token comes back in half a second at 2 per second.
                if response.status == .tooManyRequests { #expect(response.headers[.retryAfter] == "1") }
            }
            #expect(statuses.prefix(30).allSatisfy { $0 == .ok })
            #expect(statuses.suffix(5).allSatisfy { $0 == .tooManyRequests })
            // The certificate pages are not limited (QR scans come from everywhere).
            let page = try await client.execute(uri: "/c/KB-ASM-2026-000002", method: .get)
            #expect(page.status == .ok)
        }
    }

    /// Clients share a bucket by their address; IPv6 addresses by their /64 network, so that one
    /// subscriber cannot take a new bucket with each of its addresses.
    @Test(arguments: [
        ("2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:ffff", true), ("2001:db8:1:2::1", "2001:db8:1:3::1", false),
        ("2001:DB8:1:2::5", "2001:db8:1:2:0:0:0:9", true), ("::ffff:192.0.2.7", "192.0.2.7", true), ("192.0.2.7", "192.0.2.8", false),
        ("fe80::1%eth0", "fe80::2", true),
    ])
    func rateLimitBucketsGroupIPv6By64(first: String, second: String, shared: Bool) {
        #expect((RateLimiter.bucket(of: first) == RateLimiter.bucket(of: second)) == shared, "\(RateLimiter.bucket(of: first)) / \(RateLimiter.bucket(of: second))")
    }

    /// Valid through the last day printed, expired from the next day — on the page and in the API.
    @Test func expiryBeginsTheDayAfterTheLastValidDay() async throws {
        let served = try ServedArchive()
        defer { served.fixture.remove() }
        let archive = try Archive(path: served.fixture.archive, access: .readOnly)
        let issued = try #require(try await archive.publicCertificate("KB-ASM-2026-000002", today: "2026-12-02", zone: TimeZone(identifier: "Asia/Shanghai")!))
        let lastDay = issued.listing.expires
        let onLastDay = try #require(try await archive.publicCertificate("KB-ASM-2026-000002", today: lastDay, zone: TimeZone(identifier: "Asia/Shanghai")!))
        #expect(onLastDay.listing.status == .valid)
        let nextDay = try #require(CalendarDate(iso: lastDay)?.nextDay.description)
        let after = try #require(try await archive.publicCertificate("KB-ASM-2026-000002", today: nextDay, zone: TimeZone(identifier: "Asia/Shanghai")!))
        #expect(after.listing.status == .expired && after.listing.statusSince == nextDay)
        #expect(CalendarDate(iso: "2028-12-31")?.nextDay.description == "2029-01-01" && CalendarDate(iso: "2028-02-28")?.nextDay.description == "2028-02-29")
    }

    /// A number written as this body writes them but never issued gets its own page: the document
    /// may be forged, and whom to tell — in either language, the number shown as text.
    @Test func aNumberNeverIssuedSaysTheDocumentMayBeForged() async throws {
        let served = try ServedArchive()
        defer { served.fixture.remove() }
        try await served.test { client in
            for (path, words) in [("/c/KB-ASM-2026-000099", ["本机构从未签发编号为「KB-ASM-2026-000099」的证书", "可能是伪造的", "北京市海淀区学院路 30 号", "CNCA-R-2019-123"]),
                                  ("/c/KB-ASM-2026-000099?lang=en", ["never issued a certificate numbered “KB-ASM-2026-000099”", "may be forged", "Beijing Kunbiao"]),
                                  ("/c?n=KB-ASM-2026-000098&sig=AAAA", ["「KB-ASM-2026-000098」"])] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == .notFound)
                #expect(response.headers[.cacheControl] == "no-cache")
                for word in words { #expect(response.text.contains(word), "\(path): \(word)") }
                #expect(!response.text.contains("该地址不存在") && !response.text.contains("does not exist"))
            }
            // An address that cannot be a number still gets the plain page.
            let plain = try await client.execute(uri: "/c/%3Cscript%3E", method: .get)
            #expect(plain.status == .notFound && !plain.text.contains("可能是伪造的"))
        }
    }
}

/// Methods, API errors and admission to `/verify`.
@Suite(.serialized) struct ProtocolTests {
    /// Every listed route answers its methods (not 404 or 405), and a known address asked with
    /// another method gets 405 naming them; OPTIONS gets them with 204.
    @Test func everyRouteAnswersTheMethodsItIsListedWithAndNoOther() async throws {
        let served = try ServedArchive()
        defer { served.fixture.remove() }
        let token = try Archive(path: served.fixture.archive, access: .readWrite).createShare(evaluation: 1, days: 30).token
        let concrete: [String: String] = [":number": "KB-ASM-2026-000001", ":token": token, ":document": "report.pdf"]
        let queries: [String: String] = ["api/v1/certificates": "?q=KB", "c": "?n=KB-ASM-2026-000001"]
        let routes = served.site.routes
        #expect(routes.count >= 12)
        try await served.test { client in
            for route in routes {
                let segments: [String] = route.path.split(separator: "/").map { concrete[String($0)] ?? String($0) }
                let path: String = "/" + segments.joined(separator: "/")
                let query: String = queries[route.path] ?? ""
                let allow: String = route.methods.map(\.rawValue).joined(separator: ", ")
                for method in route.methods where method != .post {
                    let response = try await client.execute(uri: path + query, method: method)
                    #expect(response.status != .notFound && response.status != .methodNotAllowed, "\(method) \(path): \(response.status)")
                }
                let others: [HTTPRequest.Method] = [.post, .put, .delete, .patch]
                for method in others where !route.methods.contains(method) {
                    let response = try await client.execute(uri: path + query, method: method)
                    #expect(response.status == .methodNotAllowed, "\(method) \(path)")
                    #expect(response.headers[.allow] == allow, "\(method) \(path)")
                }
                let options = try await client.execute(uri: path, method: .options)
                #expect(options.status == .noContent && options.headers[.allow] == allow, "OPTIONS \(path)")
            }
            // An address no route has stays 404 for every method.
            let nowhere = try await client.execute(uri: "/nothing/here", method: .delete)
            #expect(nowhere.status == .notFound)
        }
    }

    /// Every error under /api/ is problem JSON with its status, never an HTML page.
    @Test func apiErrorsAreProblemJSON() async throws {
        let served = try ServedArchive()
        defer { served.fixture.remove() }
        let tooLong: String = String(repeating: "%E5%8C%97", count: 201)
        let longest: String = String(repeating: "%E5%8C%97", count: 200)
        var cases: [(String, HTTPRequest.Method, Int)] = []
        cases.append(("/api/v1/certificates/KB-ASM-2026-000099", .get, 404))
        cases.append(("/api/v1/certificates/%3Cx%3E", .get, 404))
        cases.append(("/api/v1/nothing", .get, 404))
        cases.append(("/api/v1/certificates", .get, 400))
        cases.append(("/api/v1/certificates?q=%20%20", .get, 400))
        for blank in ["%0C", "%09%0A", "%E3%80%80", "%EF%BB%BF", "%E2%80%A8"] { cases.append(("/api/v1/certificates?q=\(blank)", .get, 400)) }
        cases.append(("/api/v1/certificates?q=\(tooLong)", .get, 400))
        for page in ["0", "abc", "100001", "99999999999999999999", "-1", "1.5", ""] {
            cases.append(("/api/v1/certificates?q=KB&page=\(page)", .get, 400))
        }
        cases.append(("/api/v1/certificates", .post, 405))
        cases.append(("/api/v1/certificates/KB-ASM-2026-000001", .delete, 405))
        let all = cases
        try await served.test { client in
            for (uri, method, status) in all {
                let response = try await client.execute(uri: uri, method: method)
                #expect(response.status.code == status, "\(method) \(uri)")
                #expect(response.headers[.contentType] == "application/problem+json", "\(method) \(uri)")
                let problem = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect(problem?["status"] as? Int == status, "\(uri)")
                #expect(problem?["title"] as? String == response.status.reasonPhrase, "\(uri)")
            }
            let exactly200 = try await client.execute(uri: "/api/v1/certificates?q=\(longest)", method: .get)
            #expect(exactly200.status == .ok)
            // Pages keep answering with pages.
            let page = try await client.execute(uri: "/c/KB-ASM-2026-000001", method: .post)
            #expect(page.status == .methodNotAllowed && page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.text.contains("不支持此请求方法"))
        }
    }

    /// Screen readers read the star level as text on every page that shows stars.
    @Test func starLevelsAreReadAsTextOnEveryPage() async throws {
        let served = try ServedArchive()
        defer { served.fixture.remove() }
        try await served.test { client in
            for (uri, text) in [("/register", "（4/5 星）"), ("/register?lang=en", "(4 of 5 stars)"), ("/?q=%E5%8C%97%E4%BA%AC", "（4/5 星）"),
                                ("/c/KB-ASM-2026-000002", "四星级"), ("/c/KB-ASM-2026-000002?lang=en", "(4 of 5 stars)")] {
                let page = try await client.execute(uri: uri, method: .get).text
                let stars = page.components(separatedBy: "<span class=\"stars\"").dropFirst()
                #expect(!stars.isEmpty, "\(uri)")
                for span in stars {
                    #expect(span.hasPrefix(" role=\"img\" aria-label=\"") && span.prefix(80).contains(text), "\(uri): \(span.prefix(80))")
                }
            }
        }
    }

    /// Status never kept by shared caches: no-cache with an ETag on every page and record that shows one.
    @Test func statusesAreRevalidatedNeverKept() async throws {
        let served = try ServedArchive()
        defer { served.fixture.remove() }
        let uris: [String] = ["/c/KB-ASM-2026-000001", "/register", "/register.csv", "/api/v1/certificates/KB-ASM-2026-000001", "/api/v1/certificates?q=KB"]
        try await served.test { client in
            for uri in uris {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == .ok, "\(uri)")
                #expect(response.headers[.cacheControl] == "no-cache" && response.headers[.eTag] != nil, "\(uri)")
                let tag: String = "W/" + (response.headers[.eTag] ?? "")
                let again = try await client.execute(uri: uri, method: .get, headers: [.ifNoneMatch: tag])
                // (The certificate page carries the minute of the check, so its tag changes each minute.)
                #expect(again.status == .notModified || uri.hasPrefix("/c/"), "\(uri)")
            }
        }
    }

    /// A declared body over the limit is refused before it is read; a full line of checks sends
    /// the next upload away at once with 503 and a Retry-After.
    @Test func uploadsAreAdmittedInBoundedNumbers() async throws {
        let gate = CheckGate(slots: 1, queueLimit: 1)
        #expect(await gate.enter())
        let waiting = Task { await gate.enter() }
        while await gate.waitingCount == 0 { await Task.yield() }
        #expect(await gate.enter() == false)
        do {
            _ = try await gate.admitted(retryAfter: 5) { 1 }
            Issue.record("admitted past a full line")
        } catch let error as HTTPError {
            #expect(error.status == .serviceUnavailable && error.headers[.retryAfter] == "5")
        }
        await gate.leave()
        #expect(await waiting.value)
        await gate.leave()
        let admitted = try await gate.admitted(retryAfter: 5) { 2 }
        #expect(admitted == 2)

        let served = try ServedArchive()
        defer { served.fixture.remove() }
        // Over a real socket: the headers alone, declaring 21 MiB, are answered at once.
        try await StarCertServer.application(served.site, port: 0).test(.live) { client in
            let port = try #require(client.port)
            let request: String = "POST /verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/pdf\r\nContent-Length: \(21 << 20)\r\n\r\n%PDF-"
            let answer = try await Self.exchange(port: port, request)
            #expect(answer.hasPrefix("HTTP/1.1 413"), "\(answer.prefix(200))")
        }
    }

    /// An upload that trickles in is cut off at the deadline with 408, and its slot is free again.
    @Test func aTrickledUploadIsCutOffAndFreesItsSlot() async throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        try fixture.run(["issue", "four-star-certification.yaml", "-o", "out", "--date", "2026-06-10"]).expectSuccess()
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let site = try StarCertServer.site(ServerOptions(archive: fixture.archive, issuerProfile: fixture.folder.appendingPathComponent("issuer.yaml").path,
                                                         verifyJobs: 1), uploadDeadline: .seconds(1), logger: logger)
        try await StarCertServer.application(site, port: 0).test(.live) { client in
            let port = try #require(client.port)
            for _ in 0..<3 {
                let started = ContinuousClock.now
                let answer = try await Self.exchange(port: port, "POST /verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/pdf\r\nContent-Length: 1000\r\n\r\n%PDF-")
                #expect(answer.hasPrefix("HTTP/1.1 408"), "\(answer.prefix(200))")
                // Without the deadline the answer would wait for the 15 s read timeout.
                #expect(ContinuousClock.now - started < .seconds(10))
            }
        }
    }

    /// Sends `request` over a TCP connection to loopback and reads the start of the answer (15 s at
    /// most), on a thread of its own: a blocking socket must not hold one of the few threads the
    /// server's tasks (and its deadlines) run on while other tests keep the rest busy.
    static func exchange(port: Int, _ request: String) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Swift.Result { try blockingExchange(port: port, request) }) }.start()
        }
    }

    private static func blockingExchange(port: Int, _ request: String) throws -> String {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        var timeout = timeval(tv_sec: 15, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let bytes = Array(request.utf8)
        // A server that answers and closes before the whole request is sent must not end the test
        // process with SIGPIPE.
        _ = bytes.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
        return String(decoding: buffer.prefix(max(0, count)), as: UTF8.self)
    }
}
