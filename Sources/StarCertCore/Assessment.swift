/// What an auditor, or a company assessing itself, recorded in an assessment file (format 1).
public struct Assessment: Sendable {
    public let format: Int
    public let standardID: String
    public let kind: Kind
    /// The auditor's own reference, if given.
    public let reportNumber: String?
    /// The certificate a surveillance or recertification continues (its number), if given.
    public var certificateNumber: String? = nil
    public let organization: Organization
    public let audit: Audit
    /// One judgement per veto item of the standard, in the standard's order.
    public let vetoJudgements: [VetoJudgement]
    /// One record per scored item of the standard, in the standard's order.
    public let itemRecords: [ItemRecord]

    public enum Kind: String, Sendable, CaseIterable, Codable {
        case initial
        case surveillance
        case recertification
        case selfAssessment = "self-assessment"

        /// 初次认证, 监督审核, …
        public var chineseName: String {
            switch self {
            case .initial: return "初次认证"
            case .surveillance: return "监督评价"
            case .recertification: return "再认证"
            case .selfAssessment: return "自我评价"
            }
        }
    }

    public struct Organization: Sendable {
        public let name: String
        public let nameEnglish: String?
        public let creditCode: CreditCode
        public let address: String
        public let scope: String
        /// Where each field (`name`, `name_en`, `credit_code`, `address`, `scope`) is written.
        public var locations: [String: SourceLocation] = [:]
        /// The administrative division code of the organization's seat (GB/T 2260, six digits),
        /// for the regulator's monthly report.
        public var regionCode: String? = nil
        /// The organization's industry code (GB/T 4754, e.g. `O8011`), for the regulator's report.
        public var industryCode: String? = nil

        public init(name: String, nameEnglish: String?, creditCode: CreditCode, address: String, scope: String, locations: [String: SourceLocation] = [:]) {
            self.name = name
            self.nameEnglish = nameEnglish
            self.creditCode = creditCode
            self.address = address
            self.scope = scope
            self.locations = locations
        }
    }

    public struct Audit: Sendable {
        public let start: CalendarDate
        public let end: CalendarDate
        public let sites: [String]
        public let team: [TeamMember]
        /// On site, remote or mixed (the regulator's codes FS01, FS02, FS03).
        public var mode: Mode? = nil
        /// The audit's person-days as written (a decimal with at most one place, e.g. `3.5`).
        public var personDays: String? = nil

        public enum Mode: String, Sendable, CaseIterable {
            case onSite = "FS01"
            case remote = "FS02"
            case mixed = "FS03"

            public var chineseName: String {
                switch self {
                case .onSite: return "现场审核"
                case .remote: return "远程审核"
                case .mixed: return "现场结合远程"
                }
            }
        }
    }

    public struct TeamMember: Sendable {
        public enum Role: String, Sendable, CaseIterable {
            case leader
            case member
            case expert
            case observer

            public var chineseName: String {
                switch self {
                case .leader: return "组长"
                case .member: return "组员"
                case .expert: return "技术专家"
                case .observer: return "观察员"
                }
            }
        }

        public let name: String
        public let role: Role
    }

    public struct Finding: Sendable {
        public enum Severity: String, Sendable, CaseIterable {
            case major
            case minor
            case observation

            public var chineseName: String {
                switch self {
                case .major: return "严重"
                case .minor: return "一般"
                case .observation: return "观察项"
                }
            }
        }

        public let text: String
        public let severity: Severity?
    }

    public struct Photo: Sendable {
        /// The path as written in the file, relative to the assessment file.
        public let file: String
        /// The path resolved against the assessment file's folder.
        public let resolvedPath: String
        public let caption: String?
        /// Where the file is named in the assessment.
        public let location: SourceLocation
        /// The picture's bytes when it travels inside the assessment (pasted into a workbook);
        /// `resolvedPath` then names the workbook and the part it came from.
        public var embedded: [UInt8]? = nil
    }

    public struct VetoJudgement: Sendable {
        public let itemID: String
        public let passed: Bool
        public let evidence: [String]
        public let findings: [Finding]
        /// Where the judgement is given (its key; in a workbook, its item's row).
        public var location: SourceLocation? = nil
    }

    public struct ItemRecord: Sendable {
        public let itemID: String
        public let percent: Int
        public let evidence: [String]
        public let strengths: [String]
        public let findings: [Finding]
        public let photos: [Photo]
        /// Where the record is given (its key; in a workbook, its item's row).
        public var location: SourceLocation? = nil
    }
}
