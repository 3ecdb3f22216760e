import Foundation

/// Signed data as text: a format line, then one `field=value` line per field, values with
/// backslashes and line breaks escaped, so that one text always reads back as the same fields.
package enum SignedFieldText {
    package static func text(format: String, _ fields: [(name: String, value: String)]) -> String {
        ([format] + fields.map { "\($0.name)=\(escape($0.value))" }).joined(separator: "\n")
    }

    /// The values of `names` in order, or nil unless `text` is exactly `format` then those fields.
    package static func values(of text: String, format: String, names: [String]) -> [String]? {
        let lines = text.components(separatedBy: "\n")
        guard lines.first == format, lines.count == names.count + 1 else { return nil }
        var values: [String] = []
        for (name, line) in zip(names, lines.dropFirst()) {
            guard line.hasPrefix(name + "=") else { return nil }
            values.append(unescape(String(line.dropFirst(name.count + 1))))
        }
        return values
    }

    static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }

    static func unescape(_ value: String) -> String {
        var out = ""
        var escaping = false
        for character in value {
            if escaping {
                out.append(character == "n" ? "\n" : character)
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else {
                out.append(character)
            }
        }
        return out
    }
}

/// URL-safe base64 without padding (RFC 4648 §5).
package enum Base64URL {
    package static func encode(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    package static func decode(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}

/// What a signed report says it is, as it prints it: carried in the keywords of the signed
/// revision (`starcert-report:` and this text in URL-safe base64), so that a report can be
/// identified offline from its signature alone.
public struct ReportFacts: Equatable, Sendable {
    public var reportNumber: String
    public var organization: String
    public var creditCode: String
    public var standard: String
    public var kind: Assessment.Kind
    public var decision: Evaluation.Decision
    /// 0 when no star level was reached (vetoed).
    public var starLevel: Int
    public var total: String
    public var auditEnd: String
    /// The certificate the report's evaluation earned, or empty.
    public var certificateNumber: String

    static let format = "starcert-report-v1"
    static let names = ["report_no", "organization", "credit_code", "standard", "kind", "decision", "star_level", "total", "audit_end", "certificate"]
    /// The marker before the encoded text in the keywords.
    public static let keywordPrefix = "starcert-report:"

    public init(reportNumber: String, organization: String, creditCode: String, standard: String, kind: Assessment.Kind,
                decision: Evaluation.Decision, starLevel: Int, total: String, auditEnd: String, certificateNumber: String) {
        self.reportNumber = reportNumber
        self.organization = organization
        self.creditCode = creditCode
        self.standard = standard
        self.kind = kind
        self.decision = decision
        self.starLevel = starLevel
        self.total = total
        self.auditEnd = auditEnd
        self.certificateNumber = certificateNumber
    }

    /// The facts of `evaluation`'s report, which names `certificateNumber` when it has one.
    public init(_ evaluation: Evaluation, certificateNumber: String?) {
        let assessment = evaluation.assessment
        self.init(reportNumber: assessment.reportNumber ?? "", organization: assessment.organization.name,
                  creditCode: assessment.organization.creditCode.value, standard: evaluation.standard.id, kind: assessment.kind,
                  decision: evaluation.decision, starLevel: evaluation.starLevel?.stars ?? 0, total: evaluation.total.description,
                  auditEnd: assessment.audit.end.description, certificateNumber: certificateNumber ?? "")
    }

    public var text: String {
        SignedFieldText.text(format: Self.format, zip(Self.names, [
            reportNumber, organization, creditCode, standard, kind.rawValue, decision.rawValue, String(starLevel), total, auditEnd, certificateNumber,
        ]).map { ($0, $1) })
    }

    public init?(text: String) {
        guard let values = SignedFieldText.values(of: text, format: Self.format, names: Self.names),
              let kind = Assessment.Kind(rawValue: values[4]), let decision = Evaluation.Decision(rawValue: values[5]),
              let stars = Int(values[6])
        else { return nil }
        self.init(reportNumber: values[0], organization: values[1], creditCode: values[2], standard: values[3], kind: kind, decision: decision,
                  starLevel: stars, total: values[7], auditEnd: values[8], certificateNumber: values[9])
    }

    /// The keyword that carries these facts.
    public var keyword: String { Self.keywordPrefix + Base64URL.encode(Data(text.utf8)) }

    /// The facts in a keywords text, nil when it carries none, and `.failure` when they are damaged.
    public static func inKeywords(_ keywords: String) -> Result<ReportFacts, FactsDamaged>? {
        guard let range = keywords.range(of: keywordPrefix) else { return nil }
        let token = String(keywords[range.upperBound...].prefix { !$0.isWhitespace && $0 != "," })
        guard let data = Base64URL.decode(token), let text = String(data: data, encoding: .utf8), let facts = ReportFacts(text: text) else {
            return .failure(FactsDamaged())
        }
        return .success(facts)
    }

    public struct FactsDamaged: Error, Sendable {}
}
