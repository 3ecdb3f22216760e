import Foundation

/// A certification body's settings (`issuer.yaml`): who signs, how certificates are numbered, how
/// long they are valid and in which time zone the issue day is counted. Reports and certificates
/// take the issuer from it.
public struct IssuerProfile: Sendable {
    public var name: String
    public var nameEnglish: String
    public var address: String
    public var approvalNumber: String
    /// Absolute paths, or paths relative to the profile's folder.
    public var logo: String?
    public var seal: String?
    public var verificationBaseURL: String
    /// e.g. `KB-ASM-{year}-{seq:06}`.
    public var numberPattern: String
    public var validityYears: Int
    /// Whether a one-star result gets a certificate.
    public var certifyOneStar: Bool
    /// The IANA time zone the issue day is counted in (default `Asia/Shanghai`).
    public var timeZone: String
    /// An RFC 3161 timestamp service (`http` or `https`): every signature then carries a signature
    /// timestamp (PAdES B-T), and `issue` refuses when the service does not answer.
    public var timestampURL: String?
    /// Who decides a certification: `separate` (review and decision by people outside the audit
    /// team, through `submit`, `review` and `decide`) or `single-step` (`issue` decides at once).
    public var decisionProcess: DecisionProcess = .singleStep
    /// Whether the person who reviewed an evaluation may also decide it.
    public var reviewerMayDecide = false
    /// The surveillance programme: at most this many months from the certification decision to the
    /// first surveillance decision, and from each surveillance to the next (CNCA-QMS-01 and common
    /// body rules: 12).
    public var surveillanceIntervalMonths = 12
    /// Surveillances in one certification cycle before recertification (3-year certificates: 2).
    public var surveillancesPerCycle = 2
    /// How long a suspension may last before the certificate is withdrawn (CNCA rules: 6 months).
    public var suspensionLimitMonths = 6
    /// The file the profile was read from.
    public var file: String
    /// Where each field is written in the profile.
    public var locations: [String: SourceLocation] = [:]
    /// What keeps the profile from signing certificates: placeholders left from `issuer init`, a
    /// verification address nobody can reach. Warnings for `report`; `issue` refuses.
    public var issuanceProblems: [Diagnostic]

    static let keys = ["name", "name_en", "address", "approval_number", "logo", "seal", "verification_base_url",
                       "certificate_number_pattern", "validity_years", "certify_one_star", "time_zone", "timestamp_url",
                       "decision", "reviewer_may_decide",
                       "surveillance_interval_months", "surveillances_per_cycle", "suspension_limit_months"]

    /// How a certification is decided.
    public enum DecisionProcess: String, Sendable, CaseIterable {
        /// Reviewed and decided by people who were not on the audit team (ISO/IEC 17065 7.5, 7.6).
        case separate
        /// `issue` decides in one step (a company's in-house use); recorded as such.
        case singleStep = "single-step"
    }

    /// Marks the texts `issuer init` leaves to fill in.
    public static let placeholderMarks = AssessmentTemplate.placeholderMarks + ["(to fill in)"]
    /// Values earlier versions of `issuer init` wrote.
    static let legacyPlaceholders = ["CNCA-R-2026-000"]

    /// Why `pattern` cannot number certificates, or nil: exactly one `{seq}` or `{seq:N}` (N at
    /// most 12 digits of padding), at most one `{year}`, nothing else in braces, only letters,
    /// digits and `-`, `_`, `.` (a number is part of web addresses), at most 40 characters.
    static func numberPatternProblem(_ pattern: String) -> String? {
        guard pattern.count <= 40 else { return "is \(pattern.count) characters long, more than the 40 allowed" }
        let sequences = pattern.ranges(of: /\{seq(:(\d{1,2}))?\}/)
        guard sequences.count == 1 else { return sequences.isEmpty ? "has no {seq} or {seq:N}" : "has {seq} more than once" }
        if let width = pattern.firstMatch(of: /\{seq:(\d{1,2})\}/).flatMap({ Int($0.output.1) }), width > 12 {
            return "pads the sequence to \(width) digits, more than the 12 allowed"
        }
        guard pattern.ranges(of: "{year}").count <= 1 else { return "has {year} more than once" }
        let rest = pattern.replacing(/\{seq(:\d{1,2})?\}/, with: "").replacingOccurrences(of: "{year}", with: "")
        if rest.contains(where: { $0 == "{" || $0 == "}" }) { return "has a placeholder other than {year} and {seq}" }
        if rest.contains(where: { !($0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0))) }) {
            return "may hold only letters, digits and - _ . around {year} and {seq} (a number is part of web addresses)"
        }
        return nil
    }

    /// The longest number this profile makes in `year`: what must fit on a certificate.
    public func widestNumber(year: Int) -> String {
        let width = numberPattern.firstMatch(of: /\{seq:(\d{1,2})\}/).flatMap { Int($0.output.1) } ?? 0
        return number(year: year, sequence: Int(String(repeating: "9", count: max(6, width))) ?? 999_999)
    }

    /// The certificate number for `sequence` in `year`.
    public func number(year: Int, sequence: Int) -> String {
        var result = numberPattern.replacingOccurrences(of: "{year}", with: String(year))
        guard let range = result.range(of: #"\{seq(:\d+)?\}"#, options: .regularExpression) else { return result }
        // `{seq:06}` pads to six digits; `{seq}` does not pad.
        let width = result[range].split(separator: ":").dropFirst().first.flatMap { Int($0.dropLast()) } ?? 0
        let digits = String(sequence)
        result.replaceSubrange(range, with: String(repeating: "0", count: max(0, width - digits.count)) + digits)
        return result
    }

    /// The series a number belongs to (the pattern with the year filled in): numbering restarts per series.
    public func series(year: Int) -> String { numberPattern.replacingOccurrences(of: "{year}", with: String(year)) }

    /// Today in the profile's time zone: the day certificates issued now carry.
    public func today(now: Date = Date()) -> CalendarDate {
        Self.today(inTimeZone: timeZone, now: now)
    }

    /// The address of a shared link: the verification address's scheme and host, path `/s/TOKEN`.
    public func sharedLinkAddress(token: String) -> String {
        var origin = URLComponents(string: verificationBaseURL) ?? URLComponents()
        origin.path = "/s/\(token)"
        origin.query = nil
        return origin.string ?? "/s/\(token)"
    }

    /// A picture named in the profile: an absolute path, or one relative to the profile's folder.
    public func path(of picture: String) -> String {
        picture.hasPrefix("/") ? picture : URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent(picture).path
    }

    /// The zone a profile counts days in unless it names another (China's).
    public static let defaultTimeZone = "Asia/Shanghai"

    /// The profile's zone as a `TimeZone` (the default zone when the name is unknown; profiles are checked on load).
    public var zone: TimeZone { TimeZone(identifier: timeZone) ?? TimeZone(identifier: Self.defaultTimeZone)! }

    /// Today in `timeZone`, or in the default zone when the name is unknown (profiles are checked on load).
    public static func today(inTimeZone timeZone: String, now: Date = Date()) -> CalendarDate {
        CalendarDate.today(inTimeZone: timeZone, now: now) ?? CalendarDate.today(inTimeZone: defaultTimeZone, now: now)!
    }

    /// A profile to fill in: every text the body must supply is marked （待填写）, and `issue`
    /// refuses the profile until none is left.
    public static func template() -> String {
        """
        # StarCert issuer profile: the certification body that issues certificates.
        # Replace every （待填写） / (to fill in) text; `starcert issue` refuses the profile until then.
        name: （待填写）认证机构名称
        name_en: (to fill in) Name of the certification body
        address: （待填写）机构地址
        approval_number: （待填写）批准号            # the body's approval number (批准号), e.g. CNCA-R-2019-123
        # logo: logo.png                          # optional: an absolute path or one relative to this file
        # seal: seal.png                          # optional: the seal printed on certificates
        verification_base_url: https://verify.example.invalid/c   # (to fill in) the https address behind every QR code
        certificate_number_pattern: KB-ASM-{year}-{seq:06}   # {year}, {seq:N} = sequence with N digits
        validity_years: 3
        certify_one_star: false                   # whether a one-star result gets a certificate
        time_zone: Asia/Shanghai                  # the zone the issue day is counted in
        # timestamp_url: http://timestamp.example.cn/tsa   # optional: an RFC 3161 timestamp service (PAdES B-T)
        decision: separate                        # separate: submit → review → decide by people outside the audit team
                                                  # single-step: `issue` decides at once (in-house use)
        reviewer_may_decide: false                # whether the reviewer of an evaluation may also decide it
        # The surveillance programme (defaults as the regulator's rules set them, CNCA-QMS-01:2025 9.1):
        surveillance_interval_months: 12          # at most 12 months from the decision to surveillance 1, and between surveillances
        surveillances_per_cycle: 2                # surveillances before recertification, which is due before expiry
        suspension_limit_months: 6                # a suspension not lifted by a passing surveillance within this withdraws the certificate

        """
    }

    /// Reads and checks the profile at `file`; every problem is a diagnostic with its line and column.
    public static func load(file: String) -> Result<IssuerProfile, DiagnosedFailure> {
        switch InputFile.read(file, limit: InputFile.Limit.document) {
        case let .success(bytes):
            return parse(bytes, file: file)
        case let .failure(problem):
            let hint = problem == .missing ? "; create one with `starcert issuer init`" : ""
            return .failure(DiagnosedFailure([Diagnostic(.error, at: SourceLocation(file: file, line: 0, column: 0),
                                                         "cannot open the issuer profile: \(problem)\(hint)")]))
        }
    }

    /// Reads a profile from its bytes (`file` names it in messages and anchors relative pictures).
    public static func parse(_ bytes: [UInt8], file: String) -> Result<IssuerProfile, DiagnosedFailure> {
        var reader = YAMLReader(file: file)
        let profile = read(bytes, file: file, reader: &reader)
        reader.finish()
        guard !reader.log.hasErrors, var profile else { return .failure(DiagnosedFailure(reader.log.sorted)) }
        profile.issuanceProblems += reader.log.sorted.filter { $0.severity == .warning }
        profile.issuanceProblems.sort { $0.location < $1.location }
        return .success(profile)
    }

    private static func read(_ bytes: [UInt8], file: String, reader r: inout YAMLReader) -> IssuerProfile? {
        let what = "the issuer profile"
        guard let root = r.document(bytes, expected: "an issuer profile (see `starcert issuer init`)"),
              let fields = r.fields(root, of: what)
        else { return nil }
        r.checkKeys(fields, known: keys, of: what, severity: .error)
        var placeholders: [Diagnostic] = []
        func text(_ key: String, expected: String) -> String? {
            guard let node = r.required(key, in: fields, of: what, expected: expected),
                  let value = r.text(node, "`\(key)`", singleLine: true)
            else { return nil }
            if placeholderMarks.contains(where: value.contains) || legacyPlaceholders.contains(value) {
                placeholders.append(Diagnostic(.error, at: SourceLocation(file: file, line: node.position.line, column: node.position.column),
                                               "`\(key)` still holds the placeholder `\(TerminalText.quoted(value))` from `starcert issuer init`; expected \(expected)"))
            }
            return value
        }
        let name = text("name", expected: "the body's registered name")
        let nameEnglish = text("name_en", expected: "the body's name in English")
        let address = text("address", expected: "the body's address")
        let approval = text("approval_number", expected: "the body's approval number (批准号)")
        let base = text("verification_base_url", expected: "the https address of the body's verification service")
        let pattern = text("certificate_number_pattern", expected: "a number pattern such as KB-ASM-{year}-{seq:06}")
        let logo = r.optional("logo", in: fields).flatMap { r.text($0, "`logo`", singleLine: true) }
        let seal = r.optional("seal", in: fields).flatMap { r.text($0, "`seal`", singleLine: true) }
        if let base, let node = fields["verification_base_url"]?.value, let problem = VerificationAddress.problem(base) {
            let diagnostic = Diagnostic(.error, at: SourceLocation(file: file, line: node.position.line, column: node.position.column),
                                        "`verification_base_url` \(problem)")
            if VerificationAddress.isMalformed(base) { r.log.error(diagnostic.message, line: node.position.line, column: node.position.column) }
            else if !placeholders.contains(where: { $0.location == diagnostic.location }) { placeholders.append(diagnostic) }
        }
        if let pattern, let node = fields["certificate_number_pattern"]?.value, let problem = numberPatternProblem(pattern) {
            r.error("`certificate_number_pattern` \(problem); expected e.g. KB-ASM-{year}-{seq:06}", at: node)
        }
        var years = 3
        if let node = r.optional("validity_years", in: fields), let value = r.wholeNumber(node, "`validity_years`", in: 1...10) { years = value }
        var oneStar = false
        if let node = r.optional("certify_one_star", in: fields), let value = r.boolean(node, "`certify_one_star`") { oneStar = value }
        var timeZone = Self.defaultTimeZone
        if let node = r.optional("time_zone", in: fields), let value = r.text(node, "`time_zone`", singleLine: true) {
            if TimeZone(identifier: value) == nil || !(value.contains("/") || value == "UTC") || value.hasPrefix("Etc/") {
                r.error("`time_zone` is `\(TerminalText.quoted(value))`, not a time zone named by its place (abbreviations such as CST name several zones); expected an IANA name such as Asia/Shanghai", at: node)
            } else {
                timeZone = value
            }
        }
        var timestamp: String?
        if let node = r.optional("timestamp_url", in: fields), let value = r.text(node, "`timestamp_url`", singleLine: true) {
            if let url = URLComponents(string: value), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), !(url.host ?? "").isEmpty {
                timestamp = value
            } else {
                r.error("`timestamp_url` is `\(TerminalText.quoted(value))`, not an http or https address; expected the address of an RFC 3161 timestamp service", at: node)
            }
        }
        var decision = DecisionProcess.singleStep
        if let node = r.optional("decision", in: fields), let value = r.choice(node, "`decision`", as: DecisionProcess.self) { decision = value }
        var reviewerMayDecide = false
        if let node = r.optional("reviewer_may_decide", in: fields), let value = r.boolean(node, "`reviewer_may_decide`") { reviewerMayDecide = value }
        var interval = 12, perCycle = 2, suspensionLimit = 6
        if let node = r.optional("surveillance_interval_months", in: fields), let value = r.wholeNumber(node, "`surveillance_interval_months`", in: 1...36) { interval = value }
        if let node = r.optional("surveillances_per_cycle", in: fields), let value = r.wholeNumber(node, "`surveillances_per_cycle`", in: 0...10) { perCycle = value }
        if let node = r.optional("suspension_limit_months", in: fields), let value = r.wholeNumber(node, "`suspension_limit_months`", in: 1...24) { suspensionLimit = value }
        guard let name, let nameEnglish, let address, let approval, let base, let pattern else { return nil }
        var locations: [String: SourceLocation] = [:]
        for entry in fields.entries {
            locations[entry.key] = SourceLocation(file: file, line: entry.value.position.line, column: entry.value.position.column)
        }
        return IssuerProfile(
            name: name, nameEnglish: nameEnglish, address: address, approvalNumber: approval, logo: logo, seal: seal,
            verificationBaseURL: base, numberPattern: pattern, validityYears: years, certifyOneStar: oneStar, timeZone: timeZone,
            timestampURL: timestamp, decisionProcess: decision, reviewerMayDecide: reviewerMayDecide,
            surveillanceIntervalMonths: interval, surveillancesPerCycle: perCycle, suspensionLimitMonths: suspensionLimit, file: file, locations: locations,
            issuanceProblems: placeholders)
    }
}

/// When a certificate's surveillances fall due and how long a suspension may last.
public struct SurveillanceProgramme: Sendable, Equatable {
    public var intervalMonths: Int
    public var perCycle: Int
    public var suspensionLimitMonths: Int
    /// The zone the body's days are counted in.
    public var zone: TimeZone

    public init(intervalMonths: Int = 12, perCycle: Int = 2, suspensionLimitMonths: Int = 6, zone: TimeZone = TimeZone(identifier: "Asia/Shanghai")!) {
        self.intervalMonths = intervalMonths
        self.perCycle = perCycle
        self.suspensionLimitMonths = suspensionLimitMonths
        self.zone = zone
    }
}

extension IssuerProfile {
    public var programme: SurveillanceProgramme {
        SurveillanceProgramme(intervalMonths: surveillanceIntervalMonths, perCycle: surveillancesPerCycle, suspensionLimitMonths: suspensionLimitMonths, zone: zone)
    }
}

/// The address a certificate's QR code leads to: it must be the body's own public https service.
public enum VerificationAddress {
    /// Top-level domains reserved for documentation, testing or local use (RFC 2606, 6761, 6762,
    /// 7686, 8375; the IDN test domains), and names only reachable on the machine or a private network.
    static let reservedTopLevel: Set<String> = [
        "invalid", "example", "test", "localhost", "local", "localdomain", "internal", "lan", "home", "corp", "onion", "arpa",
        "xn--kgbechtv", "xn--hgbk6aj7f53bba", "xn--0zwm56d", "xn--g6w251d", "xn--80akhbyknj4f", "xn--11b5bs3a9aj6g",
        "xn--jxalpdlp", "xn--9t4b11yi5a", "xn--deba0ad", "xn--zckzah",
    ]
    static let reservedDomains = ["example.com", "example.net", "example.org"]

    /// Whether `address` is not even an http(s) address with a host (an error for any use).
    static func isMalformed(_ address: String) -> Bool {
        guard let components = URLComponents(string: address), let scheme = components.scheme?.lowercased(),
              ["http", "https"].contains(scheme), let host = components.host, !host.isEmpty
        else { return true }
        return false
    }

    /// Why `address` cannot stand behind a signed certificate's QR code, or nil when it can.
    public static func problem(_ address: String) -> String? {
        guard !isMalformed(address), let components = URLComponents(string: address), let host = components.percentEncodedHost?.lowercased() else {
            return "is `\(TerminalText.quoted(address))`; expected an https address such as https://verify.your-body.cn/c"
        }
        if components.scheme?.lowercased() != "https" { return "is not an https address; expected https:// so that the verification page cannot be altered on the way" }
        if components.query != nil || components.fragment != nil || components.user != nil || components.password != nil {
            return "has a query, fragment or user name; expected a plain address (StarCert adds ?n=NUMBER&sig=… itself)"
        }
        if let port = components.port, port != 443 { return "names the port \(port); expected the standard https port" }
        let path = components.percentEncodedPath
        if path.contains(where: { !($0.isASCII && ($0.isLetter || $0.isNumber || "-._~/".contains($0))) }) {
            return "has a path with characters other than letters, digits and - . _ ~ /; expected a plain path such as /c"
        }
        // The host as written (Foundation turns xn-- names into percent-encoded Unicode).
        let authority = address.dropFirst("https://".count).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let written = (authority.split(separator: "@").last.map(String.init) ?? host).lowercased()
        let hostWritten = written.hasPrefix("[") ? written : String(written.prefix { $0 != ":" })
        let bare = hostWritten.hasSuffix(".") ? String(hostWritten.dropLast()) : hostWritten
        let labels = bare.split(separator: ".", omittingEmptySubsequences: false)
        let wellFormed = labels.count >= 2 && labels.allSatisfy { label in
            (1...63).contains(label.count) && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
                && !label.hasPrefix("-") && !label.hasSuffix("-")
        }
        guard wellFormed, let top = labels.last, !top.allSatisfy(\.isNumber), !top.hasPrefix("0x") else {
            return "has the host \(TerminalText.quoted(hostWritten)); expected a public host name of letters, digits and hyphens (not an IP address or a local name; an international name in its xn-- form)"
        }
        if reservedTopLevel.contains(String(top)) || reservedDomains.contains(where: { bare == $0 || bare.hasSuffix("." + $0) }) {
            return "is on the reserved or example host \(bare); expected the body's own public host name"
        }
        return nil
    }
}
