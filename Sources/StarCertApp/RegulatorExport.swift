import Foundation
import Spreadsheet
import StarCertArchive
import StarCertCore
import StarCertWorkbook

/// `cnca export --month YYYY-MM`: the month's certificate events, audits and planned audits as
/// the regulator's workbook (or one CSV per sheet), built from the archive, checked field by field
/// before anything is written, and logged in the archive.
public enum RegulatorExport {
    public enum Format: String, Sendable, CaseIterable { case xlsx, csv }

    public struct Request: Sendable {
        public var month: String
        public var output: String
        public var format: Format
        public var checkOnly: Bool
        public var allowMissing: Bool
        public var archivePath: String
        public var issuerProfile: String
        /// Who exports (for the log); nil for the system's user name.
        public var by: String?
        /// A definition file instead of the installed one.
        public var definition: String?

        public init(month: String, output: String, format: Format, checkOnly: Bool, allowMissing: Bool, archivePath: String, issuerProfile: String,
                    by: String?, definition: String?) {
            self.month = month
            self.output = output
            self.format = format
            self.checkOnly = checkOnly
            self.allowMissing = allowMissing
            self.archivePath = archivePath
            self.issuerProfile = issuerProfile
            self.by = by
            self.definition = definition
        }
    }

    public struct Outcome: Sendable {
        /// Rows per sheet, in the definition's order.
        public let rows: [(sheet: String, count: Int)]
        /// Missing values written empty (`--allow-missing`).
        public let warnings: [String]
        /// What changed since the last export of the month (empty when there was none).
        public let changes: [String]
        public let previousExport: String?
        public let files: [String]
    }

    /// One row before it is checked: its values by field, what it stands for, and where a missing
    /// value is to be supplied.
    struct Record {
        var values: [RegulatorField: String]
        /// `certificate KB-…-000001 (issued 2026-11-02)`.
        let subject: String
        /// Where the organization's and the audit's facts come from.
        let source: String
        /// Identifies the row across exports of the month.
        let key: String
    }

    public static func run(_ request: Request) throws(SetupFailure) -> Outcome {
        guard let monthStart = CalendarDate(iso: request.month + "-01"), request.month.count == 7, CalendarDate.supportedYears.contains(monthStart.year) else {
            throw .refused("--month is `\(TerminalText.quoted(request.month))`, not a month StarCert reports; expected YYYY-MM from \(CalendarDate.supportedYears.lowerBound) to \(CalendarDate.supportedYears.upperBound), e.g. 2026-11")
        }
        if let by = request.by, by.trimmingCharacters(in: .whitespaces).isEmpty || by.count > 100 || HiddenCharacter.first(in: by, allowingLineBreaks: false) != nil {
            throw .refused("--by must name a person in one line of visible text (at most 100 characters)")
        }
        if !request.checkOnly { try checkOutput(request) }
        let profile = try CertificationDesk.loadProfile(request.issuerProfile)
        // The body's name and approval number head every row.
        if !profile.issuanceProblems.isEmpty { throw .diagnostics(profile.issuanceProblems) }
        let today = profile.today()
        guard monthStart <= today else { throw .refused("the month \(request.month) has not begun (today is \(today)); expected a month up to the current one") }
        let definition: RegulatorDefinition
        if let path = request.definition { definition = try RegulatorDefinition.load(file: path) } else { definition = try RegulatorDefinition.installed() }
        let archive: Archive
        do { archive = try Archive(path: request.archivePath, access: request.checkOnly ? .readOnly : .readWrite) } catch { throw .unusable(error) }
        let records: Archive.MonthRecords
        do { records = try archive.monthRecords(request.month, rules: profile.programme) } catch { throw .unusable(error) }
        let catalog: StandardCatalog
        do { catalog = try StandardCatalog.installed() } catch { throw .installation(error) }
        let monthEnd = CalendarDate(year: monthStart.year, month: monthStart.month, day: CalendarDate.daysIn(month: monthStart.month, year: monthStart.year))!
        var builder = RowBuilder(records: records, profile: profile, catalog: catalog, monthEnd: monthEnd)
        let rows: [RegulatorDefinition.RowKind: [Record]] = [
            .certificates: builder.certificateRecords(), .team: builder.teamRecords(), .plans: builder.planRecords(),
        ]
        var problems: [String] = builder.problems.reduce(into: []) { unique, problem in if !unique.contains(problem) { unique.append(problem) } }
        var warnings: [String] = []
        var tables: [(sheet: RegulatorDefinition.Sheet, cells: [[String]])] = []
        for sheet in definition.sheets {
            var cells: [[String]] = []
            for (index, record) in (rows[sheet.rows] ?? []).enumerated() {
                var line: [String] = []
                for column in sheet.columns {
                    let value = record.values[column.field] ?? ""
                    let place = "\(sheet.name) row \(index + 2) (\(record.subject)): \(column.header) (\(column.field.rawValue))"
                    if value.isEmpty {
                        if column.required {
                            let message = "\(place) is missing; \(Self.remedy(column.field, source: record.source))"
                            if request.allowMissing { warnings.append(message) } else { problems.append(message) }
                        }
                    } else if Self.eventDays.contains(column.field), sheet.rows != .plans, !value.hasPrefix(request.month + "-") {
                        problems.append("\(place) is \(value), outside \(request.month); expected a day of the month reported")
                    } else if let problem = Self.problem(value, column: column, definition: definition) {
                        problems.append("\(place) \(problem)")
                    } else if value.utf16.count > Self.cellLimit {
                        problems.append("\(place) holds \(value.count) characters, more than a workbook cell keeps (\(Self.cellLimit)); expected a shorter text")
                    }
                    line.append(value)
                }
                cells.append(line)
            }
            tables.append((sheet, cells))
        }
        if !problems.isEmpty {
            let here = SourceLocation(file: "cnca export \(request.month)", line: 0, column: 0)
            throw .diagnostics(problems.map { Diagnostic(.error, at: here, $0) }
                + [Diagnostic(.error, at: here, "\(problems.count) problem\(problems.count == 1 ? "" : "s"); nothing was written")])
        }
        let counts = tables.map { ($0.sheet.name, $0.cells.count) }
        if today <= monthEnd { warnings.append("\(request.month) is not over yet (today is \(today)); its report may still change") }
        let pending = records.programmes.filter { programme in
            Archive.statusByTheRules(programme, on: min(monthEnd, today), rules: profile.programme).map { !(monthEnd < $0.since) } ?? false
        }
        if !pending.isEmpty {
            warnings.append("the rules change the status of \(pending.map(\.number).joined(separator: ", ")) by \(min(monthEnd, today)), which `starcert lifecycle apply` has not recorded yet; those changes are not in this export")
        }
        if request.checkOnly { return Outcome(rows: counts, warnings: warnings, changes: [], previousExport: nil, files: []) }

        let logged = Self.loggedRows(tables)
        let previous: RegulatorExportRow?
        do { previous = try archive.lastRegulatorExport(request.month) } catch { throw .unusable(error) }
        let changes = previous.map { Self.changes(from: $0.rows, to: tables) } ?? []
        let files: [(path: String, bytes: [UInt8])]
        switch request.format {
        case .xlsx: files = [(request.output, try workbook(tables))]
        case .csv:
            let base = ["csv", "xlsx"].contains((request.output as NSString).pathExtension.lowercased()) ? (request.output as NSString).deletingPathExtension : request.output
            files = tables.map { table in ("\(base)-\(table.sheet.name).csv", csv(table.sheet, table.cells)) }
        }
        do { try AtomicFile.write(files) } catch { throw .refused("\(error)") }
        let row = RegulatorExportRow(month: request.month, format: request.format.rawValue,
                                     files: files.map { "\(($0.path as NSString).lastPathComponent) \(sha256Hex($0.bytes))" }.joined(separator: "\n"),
                                     rows: logged, at: Archive.timestamp(), actor: request.by ?? ProcessInfo.processInfo.userName)
        do { try archive.logRegulatorExport(row) } catch {
            throw .refused("\(error). The files were written; the export was not logged")
        }
        return Outcome(rows: counts, warnings: warnings, changes: changes, previousExport: previous?.at, files: files.map(\.path))
    }

    /// The days that date a row's event: they fall in the month reported.
    static let eventDays: Set<RegulatorField> = [.decisionDate, .changeDate, .suspensionStart, .withdrawalDate]

    /// The most characters (UTF-16 code units) a workbook cell keeps.
    static let cellLimit = 32_767

    /// Refuses an output that is not a workbook (or CSV prefix) of its own: never the archive,
    /// a key, the profile or the definition in use.
    static func checkOutput(_ request: Request) throws(SetupFailure) {
        let name = (request.output as NSString).lastPathComponent
        switch request.format {
        case .xlsx:
            guard (request.output as NSString).pathExtension.lowercased() == "xlsx" else {
                throw .refused("-o \(TerminalText.quoted(request.output)) is not an .xlsx file name; expected e.g. -o \(request.month).xlsx (--format csv writes CSV)")
            }
        case .csv:
            guard !name.isEmpty, !request.output.hasSuffix("/"), name != ".", name != ".." else {
                throw .refused("-o \(TerminalText.quoted(request.output)) names no file; expected a prefix such as -o \(request.month), which writes \(request.month)-SHEET.csv")
            }
        }
        func resolved(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path }
        let output = resolved(request.output)
        for taken in [request.archivePath, request.archivePath + "-wal", request.archivePath + "-shm", request.issuerProfile] + (request.definition.map { [$0] } ?? [])
        where resolved(taken) == output {
            throw .refused("-o \(TerminalText.quoted(request.output)) is \(TerminalText.quoted(taken)), which the export reads; expected a file of its own")
        }
    }

    /// What to do about a missing value.
    static func remedy(_ field: RegulatorField, source: String) -> String {
        switch field {
        case .organizationRegionCode: return "expected `organization.region_code` (地区代码) in the assessment of \(source)"
        case .organizationIndustryCode: return "expected `organization.industry_code` (行业代码) in the assessment of \(source)"
        case .auditMode: return "expected `audit.mode` (审核方式: FS01, FS02 or FS03) in the assessment of \(source)"
        case .auditPersonDays: return "expected `audit.person_days` (审核人日) in the assessment of \(source)"
        case .bodyApprovalNumber, .bodyName: return "expected it in the issuer profile"
        default: return "the archive does not hold it for \(source)"
        }
    }

    /// Why `value` cannot stand in `column`, or nil.
    static func problem(_ value: String, column: RegulatorDefinition.Column, definition: RegulatorDefinition) -> String? {
        if column.field == .organizationCreditCode, case let .failure(problem) = CreditCode.validate(value) {
            return "`\(TerminalText.quoted(value))` is not a valid unified social credit code (\(problem)); expected 18 characters with the GB 32100 check character"
        }
        guard let table = column.code, let codes = definition.codes[table] else { return nil }
        let known = Set(codes.map(\.code))
        if column.field == .organizationRegionCode {
            return known.contains(String(value.prefix(2))) ? nil
                : "`\(TerminalText.quoted(value))` is not in a province of the table `\(table)`; expected a GB/T 2260 code whose first two digits are one of \(codes.map(\.code).joined(separator: ", "))"
        }
        return known.contains(value) ? nil : "`\(TerminalText.quoted(value))` is not a code of the table `\(table)`; expected one of \(codes.map(\.code).joined(separator: ", "))"
    }

    // MARK: Writing

    static func workbook(_ tables: [(sheet: RegulatorDefinition.Sheet, cells: [[String]])]) throws(SetupFailure) -> [UInt8] {
        var draft = WorkbookDraft()
        draft.recalculateOnOpen = false
        for (sheet, cells) in tables {
            var page = SheetDraft(name: sheet.name)
            page.firstScrollingRow = 2
            // As wide as the longest entry of the column (a wide character takes two units), within reason.
            func units(_ text: String) -> Int { text.unicodeScalars.reduce(0) { $0 + ($1.value >= 0x2E80 ? 2 : 1) } }
            for (column, definition) in sheet.columns.enumerated() {
                page.set(1, column + 1, .text(definition.header), CellStyle(font: .bold, fill: .header, format: .text))
                let widest = ([units(definition.header)] + cells.map { units($0[column]) }).max() ?? 0
                page.columnWidths[column + 1] = String(max(8, min(60, widest + 2)))
            }
            for (index, line) in cells.enumerated() {
                for (column, value) in line.enumerated() where !value.isEmpty {
                    if sheet.columns[column].field.isDate, let date = CalendarDate(iso: value) {
                        page.set(index + 2, column + 1, .number(String(CellReading.serial(of: date))), CellStyle(format: .date))
                    } else {
                        page.set(index + 2, column + 1, .text(value), CellStyle(format: .text))
                    }
                }
            }
            draft.sheets.append(page)
        }
        return draft.bytes
    }

    /// A sheet as CSV: UTF-8 with a byte-order mark, CRLF, every value as typed (codes keep their
    /// leading zeros; a value a spreadsheet would run as a formula gets a leading apostrophe).
    static func csv(_ sheet: RegulatorDefinition.Sheet, _ cells: [[String]]) -> [UInt8] {
        let lines = [sheet.columns.map { CSV.field($0.header) }.joined(separator: ",")] + cells.map { $0.map(CSV.field).joined(separator: ",") }
        return Array(("\u{FEFF}" + lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    // MARK: The log and what changed

    static func loggedRows(_ tables: [(sheet: RegulatorDefinition.Sheet, cells: [[String]])]) -> String {
        JSONValue.object(tables.map { table in
            (table.sheet.name, .array(([table.sheet.columns.map(\.header)] + table.cells).map { .array($0.map(JSONValue.string)) }))
        }).serialized()
    }

    /// Rows added, changed and removed since the export logged as `previous` (rows are matched by
    /// their first columns up to the first date: the certificate, the event, the person).
    static func changes(from previous: String, to tables: [(sheet: RegulatorDefinition.Sheet, cells: [[String]])]) -> [String] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(previous.utf8)) as? [String: [[String]]] else { return ["the last export's rows could not be read"] }
        var changes: [String] = []
        for (sheet, cells) in tables {
            let headers = sheet.columns.map(\.header)
            let before = object[sheet.name] ?? []
            let beforeHeaders = before.first ?? []
            let old = before.dropFirst().map { Dictionary(zip(beforeHeaders, $0), uniquingKeysWith: { first, _ in first }) }
            let new = cells.map { Dictionary(zip(headers, $0), uniquingKeysWith: { first, _ in first }) }
            let keyHeaders = sheet.columns.filter { [.certificateNumber, .memberName, .certificateStatusCode, .auditActivityCode, .planActivityCode, .reportType].contains($0.field) }.map(\.header)
            func key(_ row: [String: String]) -> String {
                keyHeaders.compactMap { header in row[header].flatMap { $0.isEmpty ? nil : "\(header) \($0)" } }.joined(separator: ", ")
            }
            var remaining = old
            for row in new {
                if let match = remaining.firstIndex(where: { $0 == row }) {
                    remaining.remove(at: match)
                } else if let match = remaining.firstIndex(where: { key($0) == key(row) }) {
                    let differing = Set(headers).union(beforeHeaders).filter { (remaining[match][$0] ?? "") != (row[$0] ?? "") }.sorted()
                    changes.append("\(sheet.name): changed \(key(row)): " + (differing.isEmpty ? "the columns differ (the definition changed)"
                        : differing.map { "\($0) `\(remaining[match][$0] ?? "")` → `\(row[$0] ?? "")`" }.joined(separator: ", ")))
                    remaining.remove(at: match)
                } else {
                    changes.append("\(sheet.name): added \(key(row))")
                }
            }
            for row in remaining { changes.append("\(sheet.name): removed \(key(row))") }
        }
        for (name, rows) in object.sorted(by: { $0.key < $1.key }) where !tables.contains(where: { $0.sheet.name == name }) {
            changes.append("\(name): the sheet is no longer exported (\(max(0, rows.count - 1)) rows)")
        }
        return changes
    }
}

/// Turns the archive's records of a month into rows of values by field.
struct RowBuilder {
    let records: Archive.MonthRecords
    let profile: IssuerProfile
    let catalog: StandardCatalog
    let monthEnd: CalendarDate
    var problems: [String] = []
    private var assessments: [Int64: Assessment] = [:]
    private var unreadable: Set<Int64> = []

    init(records: Archive.MonthRecords, profile: IssuerProfile, catalog: StandardCatalog, monthEnd: CalendarDate) {
        self.records = records
        self.profile = profile
        self.catalog = catalog
        self.monthEnd = monthEnd
    }

    /// The archived assessment of evaluation `id`, read once.
    mutating func assessment(_ id: Int64) -> Assessment? {
        if let known = assessments[id] { return known }
        guard let row = records.evaluations[id], !unreadable.contains(id) else { return nil }
        let parsed = AssessmentFiles.parseArchived(Array(row.assessment), name: row.assessmentName, catalog: catalog)
        guard let assessment = parsed.assessment else {
            unreadable.insert(id)
            problems.append("the archived assessment of evaluation \(id) cannot be read (\(parsed.errors.first?.message ?? "unreadable"))")
            return nil
        }
        assessments[id] = assessment
        return assessment
    }

    /// The values every row about certificate `number` shares.
    mutating func certificateValues(_ number: String, evaluation: Int64?) -> [RegulatorField: String] {
        var values: [RegulatorField: String] = [.bodyApprovalNumber: profile.approvalNumber, .bodyName: profile.name, .certificateNumber: number]
        if let row = records.certificates[number], let canonical = CanonicalCertificate(text: row.canonical) {
            values[.organizationName] = canonical.organization
            values[.organizationCreditCode] = canonical.creditCode
            values[.certificateScope] = canonical.scope
            values[.certificateStandard] = canonical.standard
            values[.certificateStarLevel] = String(canonical.starLevel)
            values[.certificateIssued] = canonical.issued
            values[.certificateExpires] = canonical.expires
            values[.certificateFirstIssued] = records.firstIssued[canonical.creditCode]
            if let facts = PrintedFacts(json: row.printed) { values[.organizationAddress] = facts.address }
            // The audit decided on first, then the one that issued the certificate.
            for id in [evaluation, row.evaluationID].compactMap({ $0 }) {
                guard let organization = assessment(id)?.organization else { continue }
                values[.organizationNameEnglish] = values[.organizationNameEnglish] ?? organization.nameEnglish
                values[.organizationRegionCode] = values[.organizationRegionCode] ?? organization.regionCode
                values[.organizationIndustryCode] = values[.organizationIndustryCode] ?? organization.industryCode
                values[.organizationAddress] = values[.organizationAddress] ?? organization.address
            }
        }
        return values
    }

    /// The audit's values from the evaluation a decision was made on.
    mutating func auditValues(_ step: CycleStepRow, into values: inout [RegulatorField: String]) {
        values[.auditActivityCode] = step.activity.regulatorCode
        values[.auditStageCode] = step.activity == .initial ? "0102" : step.activity == .recertification ? "0201" : "03"
        if step.activity == .surveillance { values[.auditSurveillanceNumber] = String(step.sequence) }
        let credit = values[.organizationCreditCode] ?? ""
        values[.auditRecertifications] = String(records.recertifications.filter { $0.creditCode == credit && $0.day <= step.decidedOn }.count)
        values[.decisionDate] = step.decidedOn
        values[.decisionDecider] = step.decider
        values[.decisionReviewer] = step.reviewer
        if let assessment = assessment(records.latestCorrection(of: step.evaluationID)) {
            values[.auditStart] = assessment.audit.start.description
            values[.auditEnd] = assessment.audit.end.description
            values[.auditMode] = assessment.audit.mode?.rawValue
            values[.auditPersonDays] = assessment.audit.personDays
            if assessment.audit.end.description > step.decidedOn {
                problems.append("evaluation \(step.evaluationID): the audit ends on \(assessment.audit.end), after its decision on \(step.decidedOn); expected an audit ended by its decision")
            }
        }
    }

    /// One row per decision, status change and lone issue of the month, in the order they happened.
    mutating func certificateRecords() -> [RegulatorExport.Record] {
        var dated: [(day: String, order: Int, record: RegulatorExport.Record)] = []
        for step in records.decisions {
            let number = step.newCertificate ?? step.certificate
            var values = certificateValues(number, evaluation: step.evaluationID)
            auditValues(step, into: &values)
            switch step.outcome {
            case .suspended:
                values[.certificateStatusCode] = Archive.Status.suspended.regulatorCode
                values[.suspensionStart] = step.decidedOn
                values[.changeDate] = step.decidedOn
            case .withdrawn:
                values[.certificateStatusCode] = Archive.Status.withdrawn.regulatorCode
                values[.withdrawalDate] = step.decidedOn
                values[.changeDate] = step.decidedOn
            default:
                values[.certificateStatusCode] = Archive.Status.valid.regulatorCode
                if records.restoringDecisions.contains(step.evaluationID) {
                    values[.suspensionEnd] = step.decidedOn
                    values[.changeDate] = step.decidedOn
                }
            }
            if let reason = reasonOf(step) { values[step.outcome == .withdrawn ? .withdrawalReason : .suspensionReason] = reason }
            if step.newCertificate != nil, step.activity != .initial {
                values[.changeReplaced] = "1"
                values[.changeReplacementDate] = step.decidedOn
                values[.changeFormerNumber] = step.certificate
                values[.changeDate] = step.decidedOn
                values[.reportType] = "02"
            } else {
                values[.changeReplaced] = "0"
                values[.reportType] = step.newCertificate != nil ? "01" : "04"
            }
            let subject = "certificate \(number), \(step.activity.rawValue) decided \(step.decidedOn)"
            dated.append((step.decidedOn, dated.count, RegulatorExport.Record(values: values, subject: subject, source: "evaluation \(step.evaluationID)",
                                                                             key: "decision \(step.evaluationID)")))
        }
        for change in records.statusChanges {
            let day = change.day(in: profile.zone)
            var values = certificateValues(change.number, evaluation: nil)
            values[.certificateStatusCode] = change.status.regulatorCode
            values[.changeDate] = day
            values[.changeReplaced] = "0"
            values[.reportType] = "04"
            switch change.status {
            case .suspended:
                values[.suspensionStart] = day
                values[.suspensionReason] = change.reason
            case .withdrawn:
                values[.withdrawalDate] = day
                values[.withdrawalReason] = change.reason
            case .valid:
                values[.suspensionEnd] = day
            default:
                break
            }
            if let rule = change.rule { values[.reportRemarks] = "rule: \(rule)" }
            let subject = "certificate \(change.number), \(change.status.rawValue) from \(day)"
            dated.append((day, dated.count, RegulatorExport.Record(values: values, subject: subject,
                                                                  source: "evaluation \(records.certificates[change.number]?.evaluationID ?? 0)",
                                                                  key: "status \(change.id ?? 0)")))
        }
        for issued in records.issuedAlone {
            guard let certificate = records.certificates[issued.number] else { continue }
            var values = certificateValues(issued.number, evaluation: nil)
            values[.certificateStatusCode] = Archive.Status.valid.regulatorCode
            let evaluation = records.evaluations[certificate.evaluationID]
            values[.auditActivityCode] = evaluation?.kind == .recertification ? "02" : "01"
            if let assessment = assessment(certificate.evaluationID) {
                values[.auditStart] = assessment.audit.start.description
                values[.auditEnd] = assessment.audit.end.description
                values[.auditMode] = assessment.audit.mode?.rawValue
                values[.auditPersonDays] = assessment.audit.personDays
            }
            values[.decisionDate] = certificate.issuedOn
            if let replaced = evaluation?.replaces, let former = records.evaluations[replaced]?.certificateNumber {
                values[.changeReplaced] = "1"
                values[.changeFormerNumber] = former
                values[.changeReplacementDate] = certificate.issuedOn
                values[.changeDate] = certificate.issuedOn
                values[.reportType] = "02"
                values[.reportRemarks] = "correction of evaluation \(replaced)"
            } else {
                values[.changeReplaced] = "0"
                values[.reportType] = "01"
            }
            dated.append((certificate.issuedOn, dated.count, RegulatorExport.Record(values: values, subject: "certificate \(issued.number), issued \(certificate.issuedOn)",
                                                                                   source: "evaluation \(certificate.evaluationID)", key: "issued \(issued.number)")))
        }
        return dated.sorted { ($0.day, $0.order) < ($1.day, $1.order) }.map(\.record)
    }

    /// The reason a decision suspended or withdrew, from the certificate's history.
    func reasonOf(_ step: CycleStepRow) -> String? {
        guard step.outcome == .suspended || step.outcome == .withdrawn else { return nil }
        return records.decisionReasons[step.evaluationID]
    }

    /// One row per audit team member of each decision of the month.
    mutating func teamRecords() -> [RegulatorExport.Record] {
        var rows: [RegulatorExport.Record] = []
        for step in records.decisions {
            let number = step.newCertificate ?? step.certificate
            var shared = certificateValues(number, evaluation: step.evaluationID)
            auditValues(step, into: &shared)
            guard let assessment = assessment(records.latestCorrection(of: step.evaluationID)) else { continue }
            for member in assessment.audit.team {
                var values = shared
                values[.memberName] = member.name
                values[.memberRoleCode] = ["leader": "01", "member": "02", "expert": "03", "observer": "04"][member.role.rawValue]
                rows.append(RegulatorExport.Record(values: values, subject: "certificate \(number), \(member.name)", source: "evaluation \(step.evaluationID)",
                                                   key: "team \(step.evaluationID) \(member.name)"))
            }
        }
        return rows
    }

    /// One row per audit due in the three months after the month.
    mutating func planRecords() -> [RegulatorExport.Record] {
        let horizon = monthEnd.adding(months: 3)
        return records.programmes.filter { $0.next.by > monthEnd && !(horizon < $0.next.by) }.map { programme in
            var values: [RegulatorField: String] = [
                .bodyApprovalNumber: profile.approvalNumber, .bodyName: profile.name, .certificateNumber: programme.number,
                .organizationName: programme.organization, .organizationCreditCode: programme.creditCode,
                .planActivityCode: programme.next.activity.regulatorCode, .planDueBy: programme.next.by.description,
                .certificateStatusCode: programme.status.regulatorCode,
            ]
            if programme.next.activity == .surveillance { values[.planSurveillanceNumber] = String(programme.next.sequence) }
            return RegulatorExport.Record(values: values, subject: "certificate \(programme.number), due \(programme.next.by)",
                                          source: "certificate \(programme.number)", key: "plan \(programme.number)")
        }
    }
}
