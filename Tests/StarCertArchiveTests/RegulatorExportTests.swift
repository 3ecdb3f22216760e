import Foundation
@testable import StarCertApp
import StarCertTestSupport
import Testing

/// `cnca export`: the month's rows as a reader would count them, every refusal, the log and what
/// changed, read back by openpyxl.
@Suite struct RegulatorExportTests {
    /// An organization of the scripted month: its code, and what it went through.
    static let organizations: [(file: String, code: String, name: String, region: String)] = [
        ("a.yaml", "91110108MA01C2XK3R", "北京华信家电服务有限公司", "110108"),
        ("b.yaml", "91110105MA00000A1C", "北京朝阳家电服务有限公司", "110105"),
        ("c.yaml", "91310115MA1H00000X", "上海浦东家电服务有限公司", "310115"),
        ("d.yaml", "91440300MA5F00001A", "深圳南山家电服务有限公司", "440305"),
        ("e.yaml", "91330106MA2B000022", "杭州西湖家电服务有限公司", "330106"),
        ("f.yaml", "91320500MA1M00003J", "苏州工业园区家电服务有限公司", "320571"),
    ]

    /// The four-star example as `organization`'s evaluation of `kind`, with the regulator's fields.
    @discardableResult
    static func evaluation(_ fixture: IssuingFixture, _ name: String, of organization: Int, kind: String = "initial", audit: (String, String),
                           certificate: String? = nil, region: String? = nil, regulatorFields: Bool = true) throws -> String {
        let org = organizations[organization]
        return try LifecycleTests.evaluation(fixture, name, kind: kind, audit: audit, certificate: certificate) { text in
            var text = text.replacingOccurrences(of: "北京华信家电服务有限公司", with: org.name).replacingOccurrences(of: "91110108MA01C2XK3R", with: org.code)
            if regulatorFields {
                text = text.replacingOccurrences(of: "  credit_code:", with: "  region_code: \"\(region ?? org.region)\"\n  industry_code: O8011\n  credit_code:")
                    .replacingOccurrences(of: "  end: \(audit.1)", with: "  end: \(audit.1)\n  mode: FS01\n  person_days: 3.5")
            }
            return text
        }
    }

    /// June 2025: A suspended by the rules, B certified, C withdrawn at its suspension's limit,
    /// D expired, E surveilled; F's first surveillance is due in August.
    static func scriptedMonth() throws -> IssuingFixture {
        let fixture = try IssuingFixture()
        func issue(_ file: String, _ date: String) throws { try fixture.run(["issue", file, "-o", "out/\(date)", "--date", date]).expectSuccess() }
        try evaluation(fixture, "a.yaml", of: 0, audit: ("2024-05-27", "2024-05-28")); try issue("a.yaml", "2024-06-02")
        try evaluation(fixture, "b.yaml", of: 1, audit: ("2025-06-03", "2025-06-04")); try issue("b.yaml", "2025-06-10")
        try evaluation(fixture, "c.yaml", of: 2, audit: ("2023-11-28", "2023-11-29")); try issue("c.yaml", "2023-12-05")
        try evaluation(fixture, "d.yaml", of: 3, audit: ("2022-06-06", "2022-06-07")); try issue("d.yaml", "2022-06-15")
        try evaluation(fixture, "d1.yaml", of: 3, kind: "surveillance", audit: ("2023-05-22", "2023-05-23"), certificate: "KB-ASM-2022-000001"); try issue("d1.yaml", "2023-06-01")
        try evaluation(fixture, "d2.yaml", of: 3, kind: "surveillance", audit: ("2024-05-13", "2024-05-14"), certificate: "KB-ASM-2022-000001"); try issue("d2.yaml", "2024-05-20")
        try evaluation(fixture, "e.yaml", of: 4, audit: ("2024-06-12", "2024-06-13")); try issue("e.yaml", "2024-06-20")
        try evaluation(fixture, "e1.yaml", of: 4, kind: "surveillance", audit: ("2025-06-10", "2025-06-11"), certificate: "KB-ASM-2024-000002"); try issue("e1.yaml", "2025-06-18")
        try evaluation(fixture, "f.yaml", of: 5, audit: ("2024-08-05", "2024-08-06")); try issue("f.yaml", "2024-08-15")
        return fixture
    }

    /// The workbook's sheets as openpyxl reads them: rows of cells, dates as `date:YYYY-MM-DD`,
    /// text as `text:…`, with each sheet's header row first.
    static func readBack(_ path: URL) throws -> [String: [[String]]] {
        let script = """
            import json, sys, datetime, openpyxl
            book = openpyxl.load_workbook(sys.argv[1])
            def cell(value):
                if value is None: return ""
                if isinstance(value, datetime.datetime): return "date:" + value.date().isoformat()
                if isinstance(value, str): return "text:" + value
                return "other:" + repr(value)
            print(json.dumps({name: [[cell(c) for c in row] for row in book[name].iter_rows(values_only=True)] for name in book.sheetnames}, ensure_ascii=False))
            """
        let result = try ExternalProgram.run(try PDFJudges.tool("python3"), ["-c", script, path.path])
        guard result.status == 0, let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: [[String]]] else {
            throw FixtureError("openpyxl could not read \(path.path): \(result.stderr)")
        }
        return object
    }

    @Test func aMonthExportsTheRowsAReaderCountsByHand() throws {
        let fixture = try Self.scriptedMonth()
        defer { fixture.remove() }
        // Before the rules are applied: B's certification and E's surveillance.
        let first = try fixture.run(["cnca", "export", "--month", "2025-06", "-o", "june.xlsx", "--by", "李报送"])
        #expect(first.status == 0 && first.stdout.contains("rows: 证书信息表 2, 审核结果信息表 6, 审核计划信息表 1"), "\(first.stdout)\(first.stderr)")
        try fixture.run(["lifecycle", "apply", "--date", "2025-06-30"]).expectSuccess()
        let again = try fixture.run(["cnca", "export", "--month", "2025-06", "-o", "june.xlsx", "--by", "李报送"])
        #expect(again.status == 0 && again.stdout.contains("rows: 证书信息表 5, 审核结果信息表 6"), "\(again.stdout)\(again.stderr)")
        #expect(again.stdout.contains("since the export of") && again.stdout.components(separatedBy: "证书信息表: added").count - 1 == 3, "\(again.stdout)")
        let book = try Self.readBack(fixture.folder.appendingPathComponent("june.xlsx"))
        #expect(Array(book.keys).sorted() == ["审核结果信息表", "审核计划信息表", "证书信息表"])
        let certificates = try #require(book["证书信息表"])
        let header = certificates[0]
        #expect(header.first == "text:机构批准号" && header.count == 36 && header.last == "text:备注")
        func column(_ name: String) -> [String] {
            let index = header.firstIndex(of: "text:" + name)!
            return certificates.dropFirst().map { $0[index] }
        }
        #expect(column("证书编号") == ["text:KB-ASM-2024-000001", "text:KB-ASM-2023-000001", "text:KB-ASM-2025-000001", "text:KB-ASM-2022-000001", "text:KB-ASM-2024-000002"])
        #expect(column("证书状态代码") == ["text:02", "text:03", "text:01", "text:05", "text:01"])
        #expect(column("认证审核活动代码") == ["", "", "text:01", "", "text:03"])
        #expect(column("上报类型") == ["text:04", "text:04", "text:01", "text:04", "text:04"])
        #expect(column("变更日期") == ["date:2025-06-03", "date:2025-06-07", "", "date:2025-06-15", ""])
        #expect(column("暂停开始日期").first == "date:2025-06-03" && column("撤销日期")[1] == "date:2025-06-07")
        #expect(column("统一社会信用代码")[2] == "text:91110105MA00000A1C" && column("组织所在地区代码")[2] == "text:110105")
        #expect(column("审核人日数")[2] == "text:3.5" && column("审核方式代码")[2] == "text:FS01" && column("监督次数")[4] == "text:1")
        let team = try #require(book["审核结果信息表"])
        #expect(team.count == 7 && team[1][2] == "text:0102" && team[4][2] == "text:03" && team[1][6] == "text:01" && team[1][3] == "date:2025-06-03")
        let plans = try #require(book["审核计划信息表"])
        #expect(plans.count == 2 && plans[1][1] == "text:KB-ASM-2024-000003" && plans[1][4] == "text:03" && plans[1][6] == "date:2025-08-15")
        // LibreOffice Calc opens it and saves it again: the same sheets, headers, codes as text and dates as dates.
        let resaved = fixture.folder.appendingPathComponent("lo")
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = fixture.folder.path
        let office = try ExternalProgram.run(URL(fileURLWithPath: "/usr/bin/timeout"), ["180", "soffice", "--headless", "--norestore", "--convert-to", "xlsx",
                                                                                        "--outdir", resaved.path, fixture.folder.appendingPathComponent("june.xlsx").path],
                                             environment: environment)
        #expect(office.status == 0, "\(office.stderr)")
        #expect(try Self.readBack(resaved.appendingPathComponent("june.xlsx")) == book)
        // The same month again, as CSV: nothing changed, one file per sheet with a byte-order mark.
        let csv = try fixture.run(["cnca", "export", "--month", "2025-06", "--format", "csv", "-o", "june"])
        #expect(csv.status == 0 && csv.stdout.contains("no change since the export of"), "\(csv.stdout)\(csv.stderr)")
        let sheet = try Data(contentsOf: fixture.folder.appendingPathComponent("june-证书信息表.csv"))
        #expect(Array(sheet.prefix(3)) == [0xEF, 0xBB, 0xBF] && String(decoding: sheet, as: UTF8.self).components(separatedBy: "\r\n").count == 7)
    }

    @Test func missingAndInvalidValuesAreRefusedNamingTheRowAndField() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        try Self.evaluation(fixture, "bare.yaml", of: 1, audit: ("2025-06-03", "2025-06-04"), regulatorFields: false)
        try fixture.run(["issue", "bare.yaml", "-o", "out", "--date", "2025-06-10"]).expectSuccess()
        try Self.evaluation(fixture, "foreign.yaml", of: 2, audit: ("2025-06-03", "2025-06-04"), region: "990101")
        let unknownProvince = try fixture.run(["check", "foreign.yaml"])
        #expect(unknownProvince.status == 1 && unknownProvince.stderr.contains("`organization.region_code` is `990101`"), "\(unknownProvince.stderr)")
        try Self.evaluation(fixture, "foreign.yaml", of: 2, audit: ("2025-06-03", "2025-06-04"), region: "710101")
        try fixture.run(["issue", "foreign.yaml", "-o", "out2", "--date", "2025-06-11"]).expectSuccess()
        // A body whose definition lists only the mainland provinces: Taiwan's code is refused by the export.
        let definition = try String(contentsOf: Fixtures.packageRoot.appendingPathComponent("Templates/cnca/monthly-report.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "    \"71\": 台湾省\n", with: "")
        try definition.write(to: fixture.folder.appendingPathComponent("mainland.yaml"), atomically: true, encoding: .utf8)
        let refused = try fixture.run(["cnca", "export", "--month", "2025-06", "-o", "june.xlsx", "--definition", "mainland.yaml"])
        #expect(refused.status == 1, "\(refused.stdout)")
        #expect(refused.stderr.contains("证书信息表 row 2 (certificate KB-ASM-2025-000001, initial decided 2025-06-10): 组织所在地区代码 (organization.region_code) is missing; expected `organization.region_code`"), "\(refused.stderr)")
        #expect(refused.stderr.contains("审核结果信息表 row 2 (certificate KB-ASM-2025-000001, 王建国): 审核方式代码 (audit.mode) is missing"))
        #expect(refused.stderr.contains("组织所在地区代码 (organization.region_code) `710101` is not in a province of the table `region`"))
        #expect(!FileManager.default.fileExists(atPath: fixture.folder.appendingPathComponent("june.xlsx").path))
        let allowed = try fixture.run(["cnca", "export", "--month", "2025-06", "-o", "june.xlsx", "--allow-missing", "--definition", "mainland.yaml"])
        #expect(allowed.status == 1 && allowed.stderr.contains("710101") && !allowed.stderr.contains("warning:"), "invalid values are refused even then: \(allowed.stderr)")
        for (output, message) in [("archive.sqlite", "is not an .xlsx file name"), ("issuer.yaml", "is not an .xlsx file name"), ("x.csv", "is not an .xlsx file name")] {
            let clobber = try fixture.run(["cnca", "export", "--month", "2025-06", "-o", output, "--allow-missing"])
            #expect(clobber.status == 1 && clobber.stderr.contains(message), "\(output): \(clobber.stderr)")
        }
        let emptyPrefix = try fixture.run(["cnca", "export", "--month", "2025-06", "--format", "csv", "-o", "out/", "--allow-missing"])
        #expect(emptyPrefix.status == 1 && emptyPrefix.stderr.contains("names no file"), "\(emptyPrefix.stderr)")
        let checkOnly = try fixture.run(["cnca", "export", "--month", "2025-05", "--check"])
        #expect(checkOnly.status == 0 && checkOnly.stdout.contains("checked, nothing written — rows: 证书信息表 0"), "\(checkOnly.stdout)\(checkOnly.stderr)")
        for (month, message) in [("2025-13", "expected YYYY-MM"), ("2099-01", "has not begun"), ("June", "expected YYYY-MM"), ("1999-12", "expected YYYY-MM")] {
            let bad = try fixture.run(["cnca", "export", "--month", month, "-o", "x.xlsx"])
            #expect(bad.status == 1 && bad.stderr.contains(message), "\(month): \(bad.stderr)")
        }
        // Only the bare one left: written with its missing cells empty, each a warning.
        let onlyBare = try IssuingFixture()
        defer { onlyBare.remove() }
        try Self.evaluation(onlyBare, "bare.yaml", of: 1, audit: ("2025-06-03", "2025-06-04"), regulatorFields: false)
        try onlyBare.run(["issue", "bare.yaml", "-o", "out", "--date", "2025-06-10"]).expectSuccess()
        let written = try onlyBare.run(["cnca", "export", "--month", "2025-06", "-o", "june.xlsx", "--allow-missing"])
        #expect(written.status == 0 && written.stderr.components(separatedBy: "warning:").count - 1 == 5, "\(written.stderr)")
    }

    /// A correction in the month: the replaced certificate is reported as 注销 (04), the new one
    /// as a change with a new certificate (02) naming it, and the decision's audit facts are the
    /// corrected evaluation's.
    @Test func aCorrectionReportsBothCertificatesAndTheCorrectedFacts() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        try Self.evaluation(fixture, "b.yaml", of: 1, audit: ("2025-06-03", "2025-06-04"))
        try fixture.run(["issue", "b.yaml", "-o", "out", "--date", "2025-06-10"]).expectSuccess()
        try fixture.example("b2.yaml") { _ in
            try! String(contentsOf: fixture.folder.appendingPathComponent("b.yaml"), encoding: .utf8).replacingOccurrences(of: "person_days: 3.5", with: "person_days: 4")
        }
        try fixture.run(["issue", "b2.yaml", "-o", "corrected", "--date", "2025-06-12", "--replaces", "1"]).expectSuccess()
        let exported = try fixture.run(["cnca", "export", "--month", "2025-06", "-o", "june.xlsx"])
        #expect(exported.status == 0 && exported.stdout.contains("rows: 证书信息表 3, 审核结果信息表 3"), "\(exported.stdout)\(exported.stderr)")
        let sheet = try #require(try Self.readBack(fixture.folder.appendingPathComponent("june.xlsx"))["证书信息表"])
        func column(_ name: String) -> [String] {
            let index = sheet[0].firstIndex(of: "text:" + name)!
            return sheet.dropFirst().map { $0[index] }
        }
        #expect(column("证书编号") == ["text:KB-ASM-2025-000001", "text:KB-ASM-2025-000001", "text:KB-ASM-2025-000002"])
        #expect(column("证书状态代码") == ["text:01", "text:04", "text:01"] && column("上报类型") == ["text:01", "text:04", "text:02"])
        #expect(column("原证书编号")[2] == "text:KB-ASM-2025-000001" && column("审核人日数")[0] == "text:4")
    }

    /// Every value is checked against its column: credit codes by their check character, codes by
    /// their tables, region codes by their province.
    @Test func valuesAreCheckedAgainstTheirColumns() throws {
        let definition = try RegulatorDefinition.load(file: Fixtures.packageRoot.appendingPathComponent("Templates/cnca/monthly-report.yaml").path)
        let columns = Dictionary(uniqueKeysWithValues: definition.sheets[0].columns.map { ($0.field, $0) })
        let credit = try #require(columns[.organizationCreditCode])
        #expect(RegulatorExport.problem("91110108MA01C2XK3R", column: credit, definition: definition) == nil)
        #expect(RegulatorExport.problem("91110108MA01C2XK3S", column: credit, definition: definition)?.contains("not a valid unified social credit code") == true)
        let status = try #require(columns[.certificateStatusCode])
        #expect(RegulatorExport.problem("05", column: status, definition: definition) == nil)
        #expect(RegulatorExport.problem("5", column: status, definition: definition)?.contains("is not a code of the table `status`") == true)
        let region = try #require(columns[.organizationRegionCode])
        #expect(RegulatorExport.problem("440305", column: region, definition: definition) == nil)
        #expect(RegulatorExport.problem("990101", column: region, definition: definition)?.contains("not in a province") == true)
    }

    @Test func aDefinitionWithErrorsIsRefusedWithItsLinesAndColumns() throws {
        let fixture = try IssuingFixture()
        defer { fixture.remove() }
        let installed = try String(contentsOf: Fixtures.packageRoot.appendingPathComponent("Templates/cnca/monthly-report.yaml"), encoding: .utf8)
        for (edit, message) in [
            ({ (text: String) in text.replacingOccurrences(of: "field: body.name,", with: "field: body.nickname,") }, "the column's `field` is `body.nickname`"),
            ({ (text: String) in text.replacingOccurrences(of: "{header: 机构名称,", with: "{header: 机构批准号,") }, "the header `机构批准号` is given twice"),
            ({ (text: String) in text.replacingOccurrences(of: "code: report_type}", with: "code: report_kind}") }, "there is no code table `report_kind`"),
            ({ (text: String) in text.replacingOccurrences(of: "name: 审核计划信息表", with: "name: 审核/计划") }, "cannot name a workbook sheet"),
            ({ (text: String) in text.replacingOccurrences(of: "{header: 审核人员姓名, field: member.name", with: "{header: 审核人员姓名, field: plan.due_by") }, "has no value in a `team` row"),
        ] as [((String) -> String, String)] {
            try edit(installed).write(to: fixture.folder.appendingPathComponent("definition.yaml"), atomically: true, encoding: .utf8)
            let refused = try fixture.run(["cnca", "export", "--month", "2025-06", "--check", "--definition", "definition.yaml"])
            #expect(refused.status == 1 && refused.stderr.contains("definition.yaml:") && refused.stderr.contains(message), "\(message): \(refused.stderr)")
        }
    }
}
