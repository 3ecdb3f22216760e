import Foundation
import StarCertCore

/// The regulator's monthly report as a body's definition file describes it (`Templates/cnca/`):
/// the sheets, their headers in order, the field each column holds, and the code tables. Checked
/// on load: every problem is an error with its line and column, and nothing is exported from a
/// definition with errors.
public struct RegulatorDefinition: Sendable {
    public let title: String
    public let codes: [String: [(code: String, name: String)]]
    public let sheets: [Sheet]

    public struct Sheet: Sendable {
        public let name: String
        public let rows: RowKind
        public let columns: [Column]
    }

    public struct Column: Sendable {
        public let header: String
        public let field: RegulatorField
        public let required: Bool
        /// The code table the value must belong to.
        public let code: String?
    }

    /// What one row of a sheet stands for.
    public enum RowKind: String, Sendable, CaseIterable {
        /// One certificate event of the month: issued, decided on, changed, suspended, withdrawn, expired, restored.
        case certificates
        /// One audit team member of an audit decided in the month.
        case team
        /// One audit due in the three months after the month.
        case plans
    }

    /// The definition shipped with StarCert.
    public static func installed() throws(SetupFailure) -> RegulatorDefinition {
        let path: String
        do { path = try Resources.locate().templates.appendingPathComponent("cnca/monthly-report.yaml").path } catch { throw .installation(error) }
        return try load(file: path)
    }

    public static func load(file: String) throws(SetupFailure) -> RegulatorDefinition {
        switch InputFile.read(file, limit: InputFile.Limit.document) {
        case let .success(bytes):
            var reader = YAMLReader(file: file)
            let definition = read(bytes, reader: &reader)
            reader.finish()
            guard !reader.log.hasErrors, let definition else { throw .diagnostics(reader.log.sorted) }
            return definition
        case let .failure(problem):
            throw .refused("cannot open the regulator report definition \(file): \(problem)")
        }
    }

    /// Characters a sheet name may not hold (Office Open XML).
    static let forbiddenInSheetNames = Set("[]:*?/\\")

    static func read(_ bytes: [UInt8], reader r: inout YAMLReader) -> RegulatorDefinition? {
        let what = "the regulator report definition"
        guard let root = r.document(bytes, expected: "a regulator report definition (format 1)"), let top = r.fields(root, of: what) else { return nil }
        r.checkKeys(top, known: ["format", "title", "codes", "sheets"], of: what, severity: .error)
        if let node = r.required("format", in: top, of: what, expected: "1"), let format = r.wholeNumber(node, "`format`", in: 1...100), format != 1 {
            r.error("format \(format) is not supported; expected 1", at: node)
        }
        let title = r.required("title", in: top, of: what, expected: "the report's title").flatMap { r.text($0, "`title`", singleLine: true) } ?? ""
        var codes: [String: [(code: String, name: String)]] = [:]
        if let node = r.required("codes", in: top, of: what, expected: "the code tables"), let tables = r.fields(node, of: "`codes`") {
            for table in tables.entries {
                guard let entries = r.fields(table.value, of: "the code table `\(table.key)`") else { continue }
                var list: [(String, String)] = []
                for entry in entries.entries {
                    guard !entry.key.isEmpty, entry.key.allSatisfy({ $0.isASCII && ($0.isNumber || $0.isUppercase) }) else {
                        r.error("the code `\(TerminalText.quoted(entry.key))` of table `\(table.key)` is not upper-case letters and digits; expected a code such as 01 or FS01 (quote codes with leading zeros)", at: entry.keyNode)
                        continue
                    }
                    if let name = r.text(entry.value, "the name of code `\(entry.key)`", singleLine: true) { list.append((entry.key, name)) }
                }
                if list.isEmpty { r.error("the code table `\(table.key)` is empty; expected at least one code", at: table.value) }
                codes[table.key] = list
            }
        }
        var sheets: [Sheet] = []
        if let node = r.required("sheets", in: top, of: what, expected: "the sheets in order"),
           let list = r.list(node, "`sheets`", expected: "a list of sheets") {
            if list.isEmpty { r.error("`sheets` is empty; expected at least one sheet", at: node) }
            for sheetNode in list {
                guard let fields = r.fields(sheetNode, of: "a sheet") else { continue }
                r.checkKeys(fields, known: ["name", "rows", "columns"], of: "a sheet", severity: .error)
                let nameNode = r.required("name", in: fields, of: "a sheet", expected: "the sheet's name")
                let name = nameNode.flatMap { r.text($0, "the sheet's `name`", singleLine: true) }
                if let name, let nameNode {
                    if name.isEmpty || name.utf16.count > 31 || name.contains(where: forbiddenInSheetNames.contains) || name.hasPrefix("'") || name.hasSuffix("'")
                        || name.lowercased() == "history" {
                        r.error("the sheet name `\(TerminalText.quoted(name))` cannot name a workbook sheet; expected 1 to 31 characters without [ ] : * ? / \\, not beginning or ending with ' and not History", at: nameNode)
                    } else if let other = sheets.first(where: { $0.name.lowercased() == name.lowercased() }) {
                        r.error("the sheet `\(TerminalText.quoted(name))` is given twice (as `\(TerminalText.quoted(other.name))` before; workbooks compare sheet names without letter case); expected each sheet once", at: nameNode)
                    }
                }
                let kind = r.required("rows", in: fields, of: "a sheet", expected: RowKind.allCases.map(\.rawValue).joined(separator: " | "))
                    .flatMap { r.choice($0, "the sheet's `rows`", as: RowKind.self) }
                var columns: [Column] = []
                if let columnsNode = r.required("columns", in: fields, of: "a sheet", expected: "the sheet's columns in order"),
                   let columnList = r.list(columnsNode, "`columns`", expected: "a list of columns") {
                    if columnList.isEmpty { r.error("the sheet has no columns; expected at least one", at: columnsNode) }
                    if columnList.count > 1_000 { r.error("the sheet has \(columnList.count) columns; expected at most 1,000", at: columnsNode) }
                    for columnNode in columnList {
                        guard let column = r.fields(columnNode, of: "a column") else { continue }
                        r.checkKeys(column, known: ["header", "field", "required", "code"], of: "a column", severity: .error)
                        let headerNode = r.required("header", in: column, of: "a column", expected: "the header the official template has")
                        let header = headerNode.flatMap { r.text($0, "the column's `header`", singleLine: true) }
                        if let header, let headerNode {
                            if header.trimmingCharacters(in: .whitespaces).isEmpty { r.error("the header is empty; expected the template's header", at: headerNode) }
                            if columns.contains(where: { $0.header == header }) { r.error("the header `\(TerminalText.quoted(header))` is given twice in this sheet; expected each header once", at: headerNode) }
                        }
                        let fieldNode = r.required("field", in: column, of: "a column", expected: "one of StarCert's fields")
                        let field = fieldNode.flatMap { r.choice($0, "the column's `field`", as: RegulatorField.self) }
                        if let field, let kind, let fieldNode, !field.rowKinds.contains(kind) {
                            r.error("the field `\(field.rawValue)` has no value in a `\(kind.rawValue)` row; expected one of the fields of such rows (\(RegulatorField.allCases.filter { $0.rowKinds.contains(kind) }.map(\.rawValue).joined(separator: ", ")))", at: fieldNode)
                        }
                        var required = false
                        if let node = column["required"]?.value, let value = r.boolean(node, "`required`") { required = value }
                        var code: String?
                        if let node = r.optional("code", in: column), let table = r.text(node, "`code`", singleLine: true) {
                            if codes[table] == nil { r.error("there is no code table `\(TerminalText.quoted(table))`; expected one of \(codes.keys.sorted().joined(separator: ", "))", at: node) }
                            if let field, field.isDate { r.error("the field `\(field.rawValue)` is a date, which no code table holds; expected no `code` here", at: node) }
                            code = table
                        }
                        if let field, let header { columns.append(Column(header: header, field: field, required: required, code: code)) }
                    }
                }
                if let name, let kind { sheets.append(Sheet(name: name, rows: kind, columns: columns)) }
            }
        }
        return RegulatorDefinition(title: title, codes: codes, sheets: sheets)
    }
}

/// What StarCert can write into a column of the regulator's report.
public enum RegulatorField: String, Sendable, CaseIterable {
    case bodyApprovalNumber = "body.approval_number"
    case bodyName = "body.name"
    case organizationName = "organization.name"
    case organizationNameEnglish = "organization.name_en"
    case organizationCreditCode = "organization.credit_code"
    case organizationRegionCode = "organization.region_code"
    case organizationIndustryCode = "organization.industry_code"
    case organizationAddress = "organization.address"
    case certificateNumber = "certificate.number"
    case certificateFirstIssued = "certificate.first_issued"
    case certificateStandard = "certificate.standard"
    case certificateScope = "certificate.scope"
    case certificateStarLevel = "certificate.star_level"
    case certificateIssued = "certificate.issued"
    case certificateExpires = "certificate.expires"
    case certificateStatusCode = "certificate.status_code"
    case auditActivityCode = "audit.activity_code"
    case auditStageCode = "audit.stage_code"
    case auditRecertifications = "audit.recertifications"
    case auditSurveillanceNumber = "audit.surveillance_number"
    case auditStart = "audit.start"
    case auditEnd = "audit.end"
    case auditPersonDays = "audit.person_days"
    case auditMode = "audit.mode"
    case decisionReviewer = "decision.reviewer"
    case decisionDecider = "decision.decider"
    case decisionDate = "decision.date"
    case suspensionReason = "suspension.reason"
    case suspensionStart = "suspension.start"
    case suspensionEnd = "suspension.end"
    case withdrawalReason = "withdrawal.reason"
    case withdrawalDate = "withdrawal.date"
    case changeDate = "change.date"
    case changeReplaced = "change.replaced"
    case changeReplacementDate = "change.replacement_date"
    case changeFormerNumber = "change.former_number"
    case reportType = "report.type"
    case reportRemarks = "report.remarks"
    case memberName = "member.name"
    case memberRoleCode = "member.role_code"
    case planActivityCode = "plan.activity_code"
    case planSurveillanceNumber = "plan.surveillance_number"
    case planDueBy = "plan.due_by"

    /// The rows that carry the field.
    public var rowKinds: Set<RegulatorDefinition.RowKind> {
        switch self {
        case .bodyApprovalNumber, .bodyName, .certificateNumber, .certificateStatusCode, .organizationName, .organizationCreditCode:
            return [.certificates, .team, .plans]
        case .memberName, .memberRoleCode: return [.team]
        case .auditStageCode, .auditStart, .auditEnd, .auditMode, .decisionReviewer, .decisionDecider, .decisionDate: return [.certificates, .team]
        case .planActivityCode, .planSurveillanceNumber, .planDueBy: return [.plans]
        default: return [.certificates]
        }
    }

    /// Dates are written as dates; everything else as text.
    public var isDate: Bool {
        switch self {
        case .certificateFirstIssued, .certificateIssued, .certificateExpires, .auditStart, .auditEnd, .decisionDate, .suspensionStart, .suspensionEnd,
             .withdrawalDate, .changeDate, .changeReplacementDate, .planDueBy: return true
        default: return false
        }
    }
}
