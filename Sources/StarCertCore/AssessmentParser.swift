import Foundation

/// The outcome of reading one assessment file: the assessment when it has no errors, and every
/// diagnostic (errors and warnings) in order of position.
public struct ParsedAssessment: Sendable {
    public let assessment: Assessment?
    public let standard: Standard?
    public let diagnostics: [Diagnostic]
    /// The bytes that were read: what an archive keeps, never read a second time.
    public let source: [UInt8]
    /// Texts still holding what `starcert init` wrote (errors, or warnings in a self-assessment).
    public let placeholders: [Diagnostic]

    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }
}

/// Reads and validates assessment files against `../docs/assessment-format.md`.
public struct AssessmentParser: Sendable {
    public let catalog: StandardCatalog
    /// Whether each photo must be a readable JPEG or PNG file; off where only the names matter
    /// (an archived assessment, whose photos stayed where it was written).
    package var checksPhotoFiles = true

    public init(catalog: StandardCatalog) {
        self.catalog = catalog
    }

    /// Reads the file at `path`; a missing or unreadable file is one error.
    public func parse(fileAt path: String) -> ParsedAssessment {
        switch InputFile.read(path, limit: InputFile.Limit.document) {
        case let .success(bytes):
            let folder = (path as NSString).deletingLastPathComponent
            return parse(bytes, file: path, baseDirectory: folder.isEmpty ? "." : folder)
        case let .failure(problem):
            var log = DiagnosticLog(file: path)
            log.error("cannot open the assessment file: \(problem); expected a readable YAML or JSON file", line: 0, column: 0)
            return ParsedAssessment(assessment: nil, standard: nil, diagnostics: log.sorted, source: [], placeholders: [])
        }
    }

    /// Reads `bytes` as the assessment file `file`; photo paths are resolved against `baseDirectory`.
    public func parse(_ bytes: [UInt8], file: String, baseDirectory: String) -> ParsedAssessment {
        var run = AssessmentReading(catalog: catalog, reader: YAMLReader(file: file), baseDirectory: baseDirectory)
        run.checksPhotoFiles = checksPhotoFiles
        var assessment: Assessment?
        if let root = run.reader.document(bytes, expected: AssessmentReading.expected) { assessment = run.read(root) }
        run.reader.finish()
        return parsed(run, assessment, source: bytes)
    }

    /// Reads an assessment already composed into a document tree from another format (a
    /// workbook): `log` names its places; `preceding` is what reading that format found (one
    /// problem per place: nothing more is said where it spoke); `pictures` are the embedded
    /// pictures by the name the tree's photos give them. `root` nil: the format could not be read.
    package func parse(document root: SourceNode?, log: DiagnosticLog, preceding: [Diagnostic], baseDirectory: String,
                       source: [UInt8], pictures: [String: [UInt8]]) -> ParsedAssessment {
        var run = AssessmentReading(catalog: catalog, reader: YAMLReader(log: log), baseDirectory: baseDirectory)
        run.embeddedPictures = pictures
        run.checksPhotoFiles = checksPhotoFiles
        let assessment = root.flatMap { run.read($0) }
        let spoken = Set(preceding.map(\.location))
        for diagnostic in preceding { run.reader.log.append(diagnostic) }
        let result = parsed(run, preceding.contains { $0.severity == .error } ? nil : assessment, source: source)
        return ParsedAssessment(assessment: result.assessment, standard: result.standard,
                                diagnostics: result.diagnostics.filter { !spoken.contains($0.location) || preceding.contains($0) },
                                source: source, placeholders: result.placeholders)
    }

    private func parsed(_ run: AssessmentReading, _ assessment: Assessment?, source bytes: [UInt8]) -> ParsedAssessment {
        let hasErrors = run.reader.log.hasErrors
        return ParsedAssessment(
            assessment: hasErrors ? nil : assessment,
            standard: run.standard,
            diagnostics: run.reader.log.sorted,
            source: bytes,
            placeholders: run.placeholders)
    }
}

/// One pass over one file.
private struct AssessmentReading {
    let catalog: StandardCatalog
    var reader: YAMLReader
    let baseDirectory: String
    var standard: Standard?
    var placeholders: [Diagnostic] = []
    var embeddedPictures: [String: [UInt8]] = [:]
    var checksPhotoFiles = true

    init(catalog: StandardCatalog, reader: YAMLReader, baseDirectory: String) {
        self.catalog = catalog
        self.reader = reader
        self.baseDirectory = baseDirectory
    }

    static let topKeys = ["format", "standard", "kind", "report_no", "certificate", "organization", "audit", "veto", "items"]
    static let expected = "an assessment file (format 1; see docs/assessment-format.md)"

    mutating func read(_ root: SourceNode) -> Assessment? {
        guard let top = reader.fields(root, of: "the assessment") else { return nil }
        reader.checkKeys(top, known: Self.topKeys, of: "the assessment", severity: .warning)

        var format: Int?
        if let node = reader.required("format", in: top, of: "the assessment", expected: "1") {
            format = reader.wholeNumber(node, "`format`", in: 1...1_000)
            if let value = format, value != 1 {
                reader.error("format \(value) is not supported; expected 1 (this StarCert reads assessment format 1)", at: node)
                format = nil
            }
        }
        let standardID = readStandard(top)
        let kind = reader.required("kind", in: top, of: "the assessment", expected: Self.kindChoices)
            .flatMap { reader.choice($0, "`kind`", as: Assessment.Kind.self) }
        let reportNumber = reader.optional("report_no", in: top).flatMap { reader.text($0, "`report_no`", singleLine: true) }
        let certificateNumber = reader.optional("certificate", in: top).flatMap { reader.text($0, "`certificate`", singleLine: true) }
        let organization = reader.required("organization", in: top, of: "the assessment", expected: "the organization's name, credit_code, address and scope")
            .flatMap { readOrganization($0, kind: kind) }
        let audit = reader.required("audit", in: top, of: "the assessment", expected: "the audit's start and end dates and team")
            .flatMap { readAudit($0, kind: kind) }
        let veto = readVeto(top)
        let items = readItems(top)

        guard let format, let standardID, let kind, let organization, let audit, let veto, let items else { return nil }
        var assessment = Assessment(
            format: format, standardID: standardID, kind: kind, reportNumber: reportNumber,
            organization: organization, audit: audit, vetoJudgements: veto, itemRecords: items)
        assessment.certificateNumber = certificateNumber
        return assessment
    }

    /// The provinces of GB/T 2260, by the first two digits of an administrative division code.
    static let provinces: Set<String> = ["11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43", "44",
                                         "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82"]

    /// `text` as person-days in canonical form (`3.5`, `4`), or nil: 0.5 to 999, one decimal at most.
    static func personDays(_ text: String) -> String? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = parts.first, (1...3).contains(whole.count), whole.allSatisfy({ $0.isASCII && $0.isNumber }),
              parts.count == 1 || (parts[1].count == 1 && parts[1].allSatisfy({ $0.isASCII && $0.isNumber })),
              let units = Int(whole), let tenths = parts.count == 2 ? Int(parts[1]) : 0
        else { return nil }
        let total = units * 10 + tenths
        guard (5...9_990).contains(total) else { return nil }
        return tenths == 0 ? String(units) : "\(units).\(tenths)"
    }

    static let kindChoices = Assessment.Kind.allCases.map(\.rawValue).joined(separator: " | ")

    private mutating func readStandard(_ top: Fields) -> String? {
        guard let node = reader.required("standard", in: top, of: "the assessment", expected: "the id of a standard, e.g. \(catalog.defaultStandard?.id ?? "Q/BJKB 006-2026")"),
              let id = reader.text(node, "`standard`")
        else { return nil }
        if let found = catalog.standard(id) {
            standard = found
            return id
        }
        let known = catalog.standards.map(\.id)
        var message = "unknown standard `\(id)`; expected one of: \(known.joined(separator: ", "))"
        if let suggestion = Suggestion.nearest(to: id, among: known) { message += " — did you mean `\(suggestion)`?" }
        reader.error(message, at: node)
        return nil
    }

    /// The organization; its texts reach the certificate, so they are single lines of visible text.
    /// Placeholders that `starcert init` wrote are errors unless the kind is self-assessment.
    private mutating func readOrganization(_ node: SourceNode, kind: Assessment.Kind?) -> Assessment.Organization? {
        let what = "`organization`"
        guard let fields = reader.fields(node, of: what) else { return nil }
        reader.checkKeys(fields, known: ["name", "name_en", "credit_code", "address", "scope", "region_code", "industry_code"], of: what, severity: .warning)
        let name = reader.required("name", in: fields, of: what, expected: "the organization's registered name")
            .flatMap { reader.text($0, "the organization's `name`", singleLine: true) }
        let nameEnglish = reader.optional("name_en", in: fields).flatMap { reader.text($0, "the organization's `name_en`", singleLine: true) }
        let address = reader.required("address", in: fields, of: what, expected: "the organization's address")
            .flatMap { reader.text($0, "the organization's `address`", singleLine: true) }
        let scope = reader.required("scope", in: fields, of: what, expected: "the scope of the evaluation")
            .flatMap { reader.text($0, "the organization's `scope`", singleLine: true) }
        var creditCode: CreditCode?
        if let codeNode = reader.required("credit_code", in: fields, of: what, expected: "the 18-character unified social credit code"),
           let text = reader.text(codeNode, "`credit_code`", singleLine: true) {
            switch CreditCode.validate(text) {
            case let .success(code):
                creditCode = code
                if code.value == AssessmentTemplate.placeholderCreditCode {
                    placeholder("the credit code is still the sample from `starcert init`; expected the organization's own code", at: codeNode, kind: kind)
                }
            case let .failure(problem):
                reader.error("the credit code `\(text)` is not valid: \(problem)", at: codeNode)
            }
        }
        for key in ["name", "name_en", "address", "scope"] {
            if let node = fields[key]?.value, case let .scalar(scalar) = node, AssessmentTemplate.placeholderMarks.contains(where: scalar.string.contains) {
                placeholder("the organization's `\(key)` still holds the \(AssessmentTemplate.placeholderMark) placeholder; expected the real \(key)", at: node, kind: kind)
            }
        }
        guard let name, let address, let scope, let creditCode else { return nil }
        var locations: [String: SourceLocation] = [:]
        for key in ["name", "name_en", "credit_code", "address", "scope"] {
            if let node = fields[key]?.value {
                locations[key] = reader.log.location(of: node.position)
            }
        }
        var organization = Assessment.Organization(name: name, nameEnglish: nameEnglish, creditCode: creditCode, address: address, scope: scope, locations: locations)
        if let node = reader.optional("region_code", in: fields), let code = reader.text(node, "`organization.region_code`", singleLine: true) {
            if code.count == 6, code.allSatisfy({ $0.isASCII && $0.isNumber }), Self.provinces.contains(String(code.prefix(2))) {
                organization.regionCode = code
            } else {
                reader.error("`organization.region_code` is `\(TerminalText.quoted(code))`; expected the six-digit administrative division code of GB/T 2260 (its first two digits a province, e.g. 11 Beijing), e.g. 110108", at: node)
            }
        }
        if let node = reader.optional("industry_code", in: fields), let code = reader.text(node, "`organization.industry_code`", singleLine: true) {
            if (1...5).contains(code.count), code.first.map({ $0.isASCII && $0.isUppercase }) == true, code.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }) {
                organization.industryCode = code
            } else {
                reader.error("`organization.industry_code` is `\(TerminalText.quoted(code))`; expected a GB/T 4754 code: a capital letter and up to four digits, e.g. O8011", at: node)
            }
        }
        return organization
    }

    /// A placeholder left from `starcert init`: an error where a certificate could follow, a
    /// warning in a self-assessment (a company's own workbook).
    private mutating func placeholder(_ message: String, at node: SourceNode, kind: Assessment.Kind?) {
        let location = reader.log.location(of: node.position)
        placeholders.append(Diagnostic(.error, at: location, message))
        if kind == .selfAssessment {
            reader.warning(message, at: node)
        } else {
            reader.error(kind == nil ? message : message + " (placeholders are errors when `kind` is \(kind!.rawValue))", at: node)
        }
    }

    private mutating func readAudit(_ node: SourceNode, kind: Assessment.Kind?) -> Assessment.Audit? {
        let what = "`audit`"
        guard let fields = reader.fields(node, of: what) else { return nil }
        reader.checkKeys(fields, known: ["start", "end", "sites", "team", "mode", "person_days"], of: what, severity: .warning)
        let start = reader.required("start", in: fields, of: what, expected: "the first day of the audit, YYYY-MM-DD")
            .flatMap { reader.date($0, "`audit.start`") }
        let endNode = reader.required("end", in: fields, of: what, expected: "the last day of the audit, YYYY-MM-DD")
        let end = endNode.flatMap { reader.date($0, "`audit.end`") }
        if let start, let end, let endNode, end < start {
            reader.error("the audit ends (\(end)) before it starts (\(start)); expected an end date on or after the start", at: endNode)
        }
        let sites = reader.optional("sites", in: fields).flatMap { reader.texts($0, "`audit.sites`") } ?? []
        let mode = reader.optional("mode", in: fields).flatMap { reader.choice($0, "`audit.mode`", as: Assessment.Audit.Mode.self) }
        var personDays: String?
        if let node = reader.optional("person_days", in: fields), let text = reader.text(node, "`audit.person_days`", singleLine: true) {
            personDays = Self.personDays(text)
            if personDays == nil {
                reader.error("`audit.person_days` is `\(TerminalText.quoted(text))`; expected the audit's person-days, a number from 0.5 to 999 with at most one decimal, e.g. 3.5", at: node)
            }
        }
        var team: [Assessment.TeamMember]? = []
        if let teamNode = reader.optional("team", in: fields) {
            team = readTeam(teamNode)
        }
        if kind != nil, kind != .selfAssessment, team?.isEmpty == true {
            let anchor = fields["team"]?.keyNode ?? node
            reader.error("the audit team is empty; expected at least one member when `kind` is \(kind!.rawValue), e.g. `- {name: 张三, role: leader}`", at: anchor)
        }
        guard let start, let end, let team, end >= start else { return nil }
        var audit = Assessment.Audit(start: start, end: end, sites: sites, team: team)
        audit.mode = mode
        audit.personDays = personDays
        return audit
    }

    private mutating func readTeam(_ node: SourceNode) -> [Assessment.TeamMember]? {
        guard let list = reader.list(node, "`audit.team`", expected: "members like `{name: 张三, role: leader}`") else { return nil }
        var team: [Assessment.TeamMember] = []
        var ok = true
        for (index, element) in list.enumerated() {
            let what = "team member \(index + 1)"
            guard let fields = reader.fields(element, of: what) else { ok = false; continue }
            reader.checkKeys(fields, known: ["name", "role"], of: what, severity: .warning)
            let name = reader.required("name", in: fields, of: what, expected: "the person's name")
                .flatMap { reader.text($0, "the name of \(what)", singleLine: true) }
            let role = reader.required("role", in: fields, of: what, expected: Assessment.TeamMember.Role.allCases.map(\.rawValue).joined(separator: " | "))
                .flatMap { reader.choice($0, "the role of \(what)", as: Assessment.TeamMember.Role.self) }
            if let name, let role { team.append(Assessment.TeamMember(name: name, role: role)) } else { ok = false }
        }
        if ok, !team.isEmpty, !team.contains(where: { $0.role == .leader }) {
            reader.warning("the audit team has no leader; the report's signature block expects one member with `role: leader`", at: node)
        }
        return ok ? team : nil
    }

    // MARK: Veto and scored items

    private mutating func readVeto(_ top: Fields) -> [Assessment.VetoJudgement]? {
        guard let standard else { return nil }
        let ids = standard.vetoItems.map(\.id)
        if ids.isEmpty, top["veto"] == nil { return [] }
        guard let node = reader.required("veto", in: top, of: "the assessment", expected: "a judgement (passed: true or false) for veto item \(ids.joined(separator: ", "))"),
              let (entries, complete) = itemEntries(node, key: top["veto"]?.keyNode, of: "`veto`", expectedIDs: ids, isVeto: true)
        else { return nil }
        var judgements: [Assessment.VetoJudgement] = []
        var ok = complete
        for entry in entries {
            if let judgement = readVetoJudgement(entry) { judgements.append(judgement) } else { ok = false }
        }
        return ok ? judgements : nil
    }

    private mutating func readItems(_ top: Fields) -> [Assessment.ItemRecord]? {
        guard let standard else { return nil }
        let ids = standard.items.map(\.id)
        guard let node = reader.required("items", in: top, of: "the assessment", expected: "a record with `percent` for each of the \(ids.count) scored items"),
              let (entries, complete) = itemEntries(node, key: top["items"]?.keyNode, of: "`items`", expectedIDs: ids, isVeto: false)
        else { return nil }
        var records: [Assessment.ItemRecord] = []
        var ok = complete
        for entry in entries {
            if let record = readItemRecord(entry) { records.append(record) } else { ok = false }
        }
        return ok ? records : nil
    }

    /// The known entries of `veto` or `items` in the standard's order, and whether every id was
    /// known and present (unknown and missing ids are reported).
    private mutating func itemEntries(_ node: SourceNode, key anchor: SourceNode?, of what: String, expectedIDs: [String], isVeto: Bool) -> (entries: [MappingEntry], complete: Bool)? {
        guard let standard, let fields = reader.fields(node, of: what) else { return nil }
        var ok = true
        let missing = expectedIDs.filter { fields[$0] == nil }
        for entry in fields.entries where !expectedIDs.contains(entry.key) {
            ok = false
            reader.error(unknownItemMessage(entry.key, in: what, standard: standard, isVeto: isVeto, missing: missing), at: entry.keyNode)
        }
        if !missing.isEmpty {
            ok = false
            let names = missing.map { id in "\(id) \(title(of: id, in: standard))" }
            let noun = isVeto ? "veto item" : "scored item"
                        reader.error(
                "\(what) lacks \(missing.count == 1 ? noun : noun + "s") \(names.joined(separator: ", ")); "
                    + "expected every \(noun) of \(standard.id) exactly once",
                at: anchor ?? node)
        }
        return (expectedIDs.compactMap { fields[$0] }, ok)
    }

    private func title(of id: String, in standard: Standard) -> String {
        standard.item(id)?.title ?? standard.vetoItems.first { $0.id == id }?.title ?? ""
    }

    /// Explains an id that is not an item here; a typo is matched first against the ids still missing.
    private func unknownItemMessage(_ id: String, in what: String, standard: Standard, isVeto: Bool, missing: [String]) -> String {
        let own = isVeto ? standard.vetoItems.map(\.id) : standard.items.map(\.id)
        let other = isVeto ? standard.items.map(\.id) : standard.vetoItems.map(\.id)
        if other.contains(id) {
            return isVeto
                ? "\(id) is a scored item, not a veto item; expected it under `items` with a `percent`"
                : "\(id) is a veto item (一票否决), not a scored item; expected it under `veto` with `passed: true` or `false`"
        }
        if let section = standard.section(id) {
            let parts = (isVeto ? section.vetoItems.map(\.id) : section.items.map(\.id))
            return "\(id) is a section of \(standard.id), not an item; expected its items \(parts.joined(separator: ", ")) instead"
        }
        var message = "unknown item id `\(id)` in \(what); expected an item of \(standard.id)"
        if let suggestion = Suggestion.nearest(to: id, among: missing) ?? Suggestion.nearest(to: id, among: own) {
            message += " — did you mean \(suggestion)?"
        }
        return message
    }

    private mutating func readVetoJudgement(_ entry: MappingEntry) -> Assessment.VetoJudgement? {
        let what = "veto item \(entry.key)"
        guard let fields = reader.fields(entry.value, of: what) else { return nil }
        reader.checkKeys(fields, known: ["passed", "evidence", "findings"], of: what, severity: .warning)
        let passed = reader.required("passed", in: fields, of: what, expected: "true or false")
            .flatMap { reader.boolean($0, "`passed` of \(what)") }
        let evidence = reader.optional("evidence", in: fields).flatMap { reader.texts($0, "the evidence of \(what)") }
        let findings = reader.optional("findings", in: fields).flatMap { readFindings($0, of: what) }
        if passed == false, (findings ?? []).isEmpty {
            reader.warning("\(what) failed but has no findings; expected the reason under `findings`, since it rules out any star level", at: entry.keyNode)
        }
        guard let passed else { return nil }
        var judgement = Assessment.VetoJudgement(itemID: entry.key, passed: passed, evidence: evidence ?? [], findings: findings ?? [])
        judgement.location = reader.log.location(of: entry.keyNode.position)
        return judgement
    }

    private mutating func readItemRecord(_ entry: MappingEntry) -> Assessment.ItemRecord? {
        let what = "item \(entry.key)"
        guard let fields = reader.fields(entry.value, of: what) else { return nil }
        reader.checkKeys(fields, known: ["percent", "evidence", "strengths", "findings", "photos"], of: what, severity: .warning)
        let percentNode = reader.required("percent", in: fields, of: what, expected: "a whole number from 0 to 100")
        let percent = percentNode.flatMap { reader.wholeNumber($0, "`percent` of \(what)", in: 0...100) }
        let evidence = reader.optional("evidence", in: fields).flatMap { reader.texts($0, "the evidence of \(what)") }
        let strengths = reader.optional("strengths", in: fields).flatMap { reader.texts($0, "the strengths of \(what)") }
        let findings = reader.optional("findings", in: fields).flatMap { readFindings($0, of: what) }
        let photos = reader.optional("photos", in: fields).flatMap { readPhotos($0, of: what) }

        if let percent, let percentNode {
            if percent % 5 != 0 {
                reader.warning("`percent` of \(what) is \(percent), not a multiple of 5; check it is not a typo", at: percentNode)
            }
            if percent < 60, fields["findings"] == nil || (findings?.isEmpty ?? false) {
                reader.warning("\(what) is scored \(percent)% (below 60%) without findings; expected findings that explain the shortfall", at: entry.keyNode)
            }
        }
        if fields["evidence"] == nil || (evidence?.isEmpty ?? false) {
            reader.warning("\(what) has no evidence; expected what was examined (documents, records, interviews, site checks)", at: entry.keyNode)
        }
        let optionalPartsOK = (fields["evidence"] == nil || evidence != nil) && (fields["strengths"] == nil || strengths != nil)
            && (fields["findings"] == nil || findings != nil) && (fields["photos"] == nil || photos != nil)
        guard let percent, optionalPartsOK else { return nil }
        var record = Assessment.ItemRecord(
            itemID: entry.key, percent: percent, evidence: evidence ?? [], strengths: strengths ?? [],
            findings: findings ?? [], photos: photos ?? [])
        record.location = reader.log.location(of: entry.keyNode.position)
        return record
    }

    private mutating func readFindings(_ node: SourceNode, of owner: String) -> [Assessment.Finding]? {
        if case .scalar = node {
            return reader.text(node, "the findings of \(owner)").map { [Assessment.Finding(text: $0, severity: nil)] }
        }
        guard let list = reader.list(node, "the findings of \(owner)", expected: "findings like `- {text: …, severity: minor}`") else { return nil }
        var findings: [Assessment.Finding] = []
        var ok = true
        for (index, element) in list.enumerated() {
            let what = "finding \(index + 1) of \(owner)"
            if case .scalar = element {
                if let text = reader.text(element, what) { findings.append(Assessment.Finding(text: text, severity: nil)) } else { ok = false }
                continue
            }
            guard let fields = reader.fields(element, of: what) else { ok = false; continue }
            reader.checkKeys(fields, known: ["text", "severity"], of: what, severity: .warning)
            let text = reader.required("text", in: fields, of: what, expected: "what falls short").flatMap { reader.text($0, "the text of \(what)") }
            var severity: Assessment.Finding.Severity?
            if let severityNode = reader.optional("severity", in: fields) {
                severity = reader.choice(severityNode, "the severity of \(what)", as: Assessment.Finding.Severity.self)
                if severity == nil { ok = false }
            }
            if let text { findings.append(Assessment.Finding(text: text, severity: severity)) } else { ok = false }
        }
        return ok ? findings : nil
    }

    private mutating func readPhotos(_ node: SourceNode, of owner: String) -> [Assessment.Photo]? {
        guard let list = reader.list(node, "the photos of \(owner)", expected: "photos like `- {file: photos/site.jpg, caption: …}`") else { return nil }
        var photos: [Assessment.Photo] = []
        var ok = true
        for (index, element) in list.enumerated() {
            let what = "photo \(index + 1) of \(owner)"
            var fileNode = element
            var caption: String?
            if case .mapping = element {
                guard let fields = reader.fields(element, of: what) else { ok = false; continue }
                reader.checkKeys(fields, known: ["file", "caption"], of: what, severity: .warning)
                guard let node = reader.required("file", in: fields, of: what, expected: "the picture's path, relative to this file") else { ok = false; continue }
                fileNode = node
                caption = reader.optional("caption", in: fields).flatMap { reader.text($0, "the caption of \(what)") }
            }
            guard let file = reader.text(fileNode, "the file of \(what)") else { ok = false; continue }
            if let bytes = embeddedPictures[file] {
                var photo = Assessment.Photo(file: file, resolvedPath: reader.log.file + "#" + file, caption: caption, location: reader.log.location(of: fileNode.position))
                photo.embedded = bytes
                photos.append(photo)
                continue
            }
            let resolved = file.hasPrefix("/") ? file : (baseDirectory as NSString).appendingPathComponent(file)
            if checksPhotoFiles, let problem = PhotoFile.problem(at: resolved) {
                reader.error("\(what) `\(file)` \(problem); expected a JPEG or PNG file (paths are relative to the assessment file)", at: fileNode)
                ok = false
                continue
            }
            photos.append(Assessment.Photo(file: file, resolvedPath: resolved, caption: caption,
                                           location: reader.log.location(of: fileNode.position)))
        }
        return ok ? photos : nil
    }
}

/// Checks that a photo is a regular file that starts as a JPEG or PNG; its size and whether it
/// decodes are checked before rendering (`DocumentPipeline`).
enum PhotoFile {
    static func problem(at path: String) -> String? {
        if let problem = InputFile.problem(at: path) {
            return problem == .missing ? "does not exist (looked for \(path))" : "cannot be used: \(problem)"
        }
        guard let handle = FileHandle(forReadingAtPath: path) else { return "cannot be read" }
        defer { try? handle.close() }
        let head = Array((try? handle.read(upToCount: 8)) ?? Data())
        if head.starts(with: [0xFF, 0xD8, 0xFF]) || head == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] { return nil }
        return "is neither a JPEG nor a PNG picture"
    }
}
