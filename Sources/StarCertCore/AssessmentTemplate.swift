/// The blank assessment `starcert init` writes: every item of a standard with its points and
/// requirement bullets as comments, ready for a company to fill in for a self-assessment.
public enum AssessmentTemplate {
    /// Marks the texts a company still has to replace; `check` warns while one is left.
    public static let placeholderMark = "（待填写）"
    /// The mark as found, also typed with half-width brackets.
    public static let placeholderMarks = ["（待填写）", "(待填写)", "（待填写)", "(待填写）"]
    /// A syntactically valid credit code standing in for the real one; `check` warns while it is left.
    public static let placeholderCreditCode = "91110000600037341L"

    public static func yaml(for standard: Standard, date: CalendarDate) -> String {
        var lines: [String] = []
        func add(_ line: String = "") { lines.append(line) }
        add("# \(standard.id) \(standard.title)")
        add("# 售后服务成熟度评价工作簿 — assessment workbook (format 1).")
        add("# Fill in every `percent` (a whole number 0–100: the share of the item's points earned),")
        add("# replace each \(placeholderMark) text and the credit code, then run: starcert check THIS-FILE")
        add("format: 1")
        add("standard: \(quoted(standard.id))")
        add("kind: self-assessment          # initial | surveillance | recertification | self-assessment")
        add("# report_no: KB-ASM-2026-0001  # optional: your own reference")
        add("# certificate: KB-ASM-2026-000001  # surveillance and recertification: the certificate it continues")
        add()
        add("organization:")
        add("  name: \(placeholderMark)单位名称")
        add("  # name_en: Example Co., Ltd.")
        add("  credit_code: \(placeholderCreditCode)   # 统一社会信用代码 (18 characters): replace")
        add("  address: \(placeholderMark)地址")
        add("  scope: \(placeholderMark)评价范围，例如：家用空调的安装、维修、保养及客户咨询服务")
        add()
        add("audit:")
        add("  start: \(date)              # YYYY-MM-DD")
        add("  end: \(date)")
        add("  # sites:")
        add("  #   - 总部及备件库")
        add("  team: []                     # required for other kinds: - {name: 张三, role: leader}  (leader | member | expert | observer)")
        add()
        if !standard.vetoItems.isEmpty {
            add("veto:                          # 一票否决: one failed veto item rules out any star level")
            for veto in standard.vetoItems {
                add("  # \(veto.id) \(veto.title)")
                for requirement in veto.requirements { add("  #   - \(requirement)") }
                add("  \(quoted(veto.id)):")
                add("    passed: true               # false if the requirement is not met; say why under findings")
                add("    evidence: []")
            }
            add()
        }
        add("items:")
        for section in standard.sections {
            add("  # ── \(section.id) \(section.title)（\(section.points) 分）")
            for item in section.items {
                if item.id != section.id || section.items.count > 1 {
                    add("  # \(item.id) \(item.title)（\(item.points) 分）")
                }
                add("  #   要点：")
                for requirement in item.requirements { add("  #   - \(requirement)") }
                add("  \(quoted(item.id)):")
                add("    percent:                   # 0–100 → score = \(item.points) × percent / 100")
                add("    evidence: []               # what was examined: documents, records, interviews, site checks")
                add("    strengths: []")
                add("    findings: []               # - {text: …, severity: minor}  (major | minor | observation)")
            }
        }
        add()
        add("# Scoring bands (\(standard.bands.map(\.label).joined(separator: ", "))); "
            + "a value on a boundary belongs to the \(standard.bandBoundary == .higher ? "higher" : "lower") band.")
        add("# Star levels: " + standard.starLevels.map { "\(String(repeating: "★", count: $0.stars)) \($0.requirement)" }.joined(separator: "; "))
        return lines.joined(separator: "\n") + "\n"
    }

    private static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
