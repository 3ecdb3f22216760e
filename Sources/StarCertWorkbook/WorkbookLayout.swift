import Spreadsheet
import StarCertCore

/// The sheets, headers and rows of the scoring workbook (评分表), shared by the writer and the
/// reader. The reader finds columns by their headers and items by their ids, never by position.
enum WorkbookLayout {
    static let formatVersion = 1

    static let instructions = "填写说明"
    static let facts = "基本信息"
    static let team = "评价组"
    static let scoring = "评分表"
    static let findings = "问题清单"
    static let photos = "照片"
    /// Hidden and protected: the format version, the standard and its item ids.
    static let meta = "StarCert"

    /// The sheets read, in the order diagnostics are listed.
    static let readSheets = [facts, team, scoring, findings, photos]
    /// The sheets diagnostics may name.
    static let namedSheets = readSheets + [meta]
    /// Every sheet the form has.
    static let allSheets = [instructions] + namedSheets
    /// The row the header row is written in (a title above, a note between).
    static let headerRow = 3

    /// One row of the facts sheet.
    enum Fact: CaseIterable {
        case reportNumber, kind, name, nameEnglish, creditCode, address, scope, start, end, sites, certificate, regionCode, industryCode, mode, personDays

        var label: String {
            switch self {
            case .reportNumber: "报告编号"
            case .kind: "评价类型"
            case .certificate: "证书编号"
            case .regionCode: "地区代码"
            case .industryCode: "行业代码"
            case .mode: "审核方式"
            case .personDays: "审核人日"
            case .name: "组织名称"
            case .nameEnglish: "英文名称"
            case .creditCode: "统一社会信用代码"
            case .address: "地址"
            case .scope: "评价范围"
            case .start: "评价开始日期"
            case .end: "评价结束日期"
            case .sites: "评价场所"
            }
        }

        var note: String {
            switch self {
            case .reportNumber: "可选：评价组自己的编号"
            case .kind: "从列表选择：初次认证、监督评价、再认证、自我评价"
            case .certificate: "监督评价、再认证：所延续的证书编号"
            case .regionCode: "可选：组织所在地行政区划代码（6 位，GB/T 2260），报送认监委用"
            case .industryCode: "可选：国民经济行业代码（GB/T 4754，如 O8011），报送认监委用"
            case .mode: "可选：从列表选择：现场审核、远程审核、现场结合远程"
            case .personDays: "可选：审核人日数，如 3.5"
            case .name: "营业执照上的名称，与证书一致"
            case .nameEnglish: "可选"
            case .creditCode: "18 位，按文本填写"
            case .address: "证书上印刷的地址"
            case .scope: "认证范围，印在证书上"
            case .start: "日期，如 2026-05-10"
            case .end: "不早于开始日期"
            case .sites: "可选：每行一个场所"
            }
        }

        var isDate: Bool { self == .start || self == .end }

        /// What an empty required fact is expected to hold; nil for an optional one.
        var expected: String? {
            switch self {
            case .reportNumber, .certificate, .nameEnglish, .sites, .regionCode, .industryCode, .mode, .personDays: nil
            case .kind: "one of 初次认证, 监督评价, 再认证, 自我评价"
            case .name: "the organization's registered name"
            case .creditCode: "the 18-character unified social credit code, typed as text"
            case .address: "the organization's address"
            case .scope: "the scope of the evaluation, as the certificate will print it"
            case .start: "the first day of the audit, e.g. 2026-05-10"
            case .end: "the last day of the audit, e.g. 2026-05-12"
            }
        }
    }

    enum FactsColumn {
        static let label = "项目"
        static let value = "内容"
        static let note = "说明"
    }

    enum TeamColumn {
        static let number = "序号"
        static let name = "姓名"
        static let role = "角色"
    }

    enum ScoringColumn {
        static let section = "章节"
        static let id = "条款"
        static let title = "评价项目"
        static let points = "分值"
        static let requirements = "评价要点"
        static let percent = "得分率（%）"
        static let band = "评分档"
        static let score = "得分"
        static let evidence = "评价证据"
        static let strengths = "优势"
        static let written = [section, id, title, points, requirements, percent, band, score, evidence, strengths]
        static let required = [id, percent, evidence, strengths]
    }

    enum FindingColumn {
        static let id = "条款"
        static let text = "问题描述"
        static let severity = "严重程度"
        static let written = [id, text, severity]
    }

    enum PhotoColumn {
        static let id = "条款"
        static let file = "照片文件"
        static let caption = "说明"
        static let picture = "或粘贴图片"
        static let written = [id, file, caption, picture]
        static let required = [id, file, caption]
    }

    static let vetoPassed = "符合"
    static let vetoFailed = "不符合"
    static let unfinished = "（待填完）"
    static let vetoedStars = "不予评星（一票否决）"

    /// A header as a person may type it again: spaces dropped, brackets in either width.
    static func normalizedHeader(_ text: String) -> String {
        String(text.filter { !$0.isWhitespace }).replacingOccurrences(of: "(", with: "（").replacingOccurrences(of: ")", with: "）")
    }
}
