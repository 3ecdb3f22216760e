/// An assessment written back as an assessment file (format 1), YAML or JSON, so that reading
/// it again gives the same assessment: every text quoted as written, ids as text, dates as
/// `YYYY-MM-DD`, photos named by `photoPath` (relative to where the file is written).
public enum AssessmentExport {
    public static func yaml(_ assessment: Assessment, photoPath: (Assessment.Photo) -> String) -> String {
        var lines: [String] = []
        appendYAML(document(assessment, photoPath: photoPath), indent: "", into: &lines)
        return lines.joined(separator: "\n") + "\n"
    }

    public static func json(_ assessment: Assessment, photoPath: (Assessment.Photo) -> String) -> String {
        document(assessment, photoPath: photoPath).serialized() + "\n"
    }

    static func document(_ assessment: Assessment, photoPath: (Assessment.Photo) -> String) -> JSONValue {
        func texts(_ values: [String]) -> JSONValue { .array(values.map(JSONValue.string)) }
        func findings(_ values: [Assessment.Finding]) -> JSONValue {
            .array(values.map { finding in
                .object([("text", .string(finding.text))] + (finding.severity.map { [("severity", .string($0.rawValue))] } ?? []))
            })
        }
        var top: [(String, JSONValue)] = [
            ("format", .integer(assessment.format)), ("standard", .string(assessment.standardID)), ("kind", .string(assessment.kind.rawValue)),
        ]
        if let number = assessment.reportNumber { top.append(("report_no", .string(number))) }
        if let number = assessment.certificateNumber { top.append(("certificate", .string(number))) }
        let organization = assessment.organization
        var organizationFields: [(String, JSONValue)] = [("name", .string(organization.name))]
        if let english = organization.nameEnglish { organizationFields.append(("name_en", .string(english))) }
        organizationFields += [("credit_code", .string(organization.creditCode.value)), ("address", .string(organization.address)),
                               ("scope", .string(organization.scope))]
        if let code = organization.regionCode { organizationFields.append(("region_code", .string(code))) }
        if let code = organization.industryCode { organizationFields.append(("industry_code", .string(code))) }
        top.append(("organization", .object(organizationFields)))
        let audit = assessment.audit
        var auditFields: [(String, JSONValue)] = [("start", .string(audit.start.description)), ("end", .string(audit.end.description))]
        if let mode = audit.mode { auditFields.append(("mode", .string(mode.rawValue))) }
        if let days = audit.personDays { auditFields.append(("person_days", .string(days))) }
        auditFields += [
            ("sites", texts(audit.sites)),
            ("team", .array(audit.team.map { .object([("name", .string($0.name)), ("role", .string($0.role.rawValue))]) })),
        ]
        top.append(("audit", .object(auditFields)))
        if !assessment.vetoJudgements.isEmpty {
            top.append(("veto", .object(assessment.vetoJudgements.map { judgement in
                (judgement.itemID, .object([("passed", .bool(judgement.passed)), ("evidence", texts(judgement.evidence)),
                                            ("findings", findings(judgement.findings))]))
            })))
        }
        top.append(("items", .object(assessment.itemRecords.map { record in
            var fields: [(String, JSONValue)] = [("percent", .integer(record.percent)), ("evidence", texts(record.evidence)),
                                                 ("strengths", texts(record.strengths)), ("findings", findings(record.findings))]
            if !record.photos.isEmpty {
                fields.append(("photos", .array(record.photos.map { photo in
                    .object([("file", .string(photoPath(photo)))] + (photo.caption.map { [("caption", .string($0))] } ?? []))
                })))
            }
            return (record.itemID, .object(fields))
        })))
        return .object(top)
    }

    /// Block YAML: mappings and lists on lines of their own, every text double-quoted (the JSON
    /// escapes are YAML's too), empty lists as `[]`.
    private static func appendYAML(_ value: JSONValue, indent: String, into lines: inout [String]) {
        guard case let .object(members) = value else { return }
        for (key, member) in members {
            let name = key.allSatisfy({ $0.isASCII && ($0.isLetter || $0 == "_") }) ? key : JSONValue.quote(key)
            switch member {
            case .object:
                lines.append("\(indent)\(name):")
                appendYAML(member, indent: indent + "  ", into: &lines)
            case let .array(elements) where elements.isEmpty:
                lines.append("\(indent)\(name): []")
            case let .array(elements):
                lines.append("\(indent)\(name):")
                for element in elements {
                    if case let .object(fields) = element {
                        lines.append("\(indent)  - " + "{" + fields.map { "\($0.0): \(scalar($0.1))" }.joined(separator: ", ") + "}")
                    } else {
                        lines.append("\(indent)  - \(scalar(element))")
                    }
                }
            default:
                lines.append("\(indent)\(name): \(scalar(member))")
            }
        }
    }

    private static func scalar(_ value: JSONValue) -> String {
        switch value {
        case let .string(text): JSONValue.quote(text)
        case let .integer(number): String(number)
        case let .bool(flag): flag ? "true" : "false"
        default: value.serialized()
        }
    }
}
