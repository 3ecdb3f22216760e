import Foundation
import StarCertCore
import StarCertReports
import Typesetting
import Yams

/// A certification body's settings (`issuer.yaml`): who signs, how certificates are numbered and
/// how long they are valid. Reports and certificates take the issuer from it.
public struct IssuerProfile: Sendable {
    public var name: String
    public var nameEnglish: String
    public var address: String
    public var approvalNumber: String
    /// Paths relative to the profile file.
    public var logo: String?
    public var seal: String?
    public var verificationBaseURL: String
    /// e.g. `KB-ASM-{year}-{seq:06}`.
    public var numberPattern: String
    public var validityYears: Int
    /// Whether a one-star result gets a certificate.
    public var certifyOneStar: Bool
    /// The folder the profile was read from.
    public var folder: URL

    static let keys = ["name", "name_en", "address", "approval_number", "logo", "seal", "verification_base_url",
                       "certificate_number_pattern", "validity_years", "certify_one_star"]

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

    /// The issuer as the reports show it, with its seal and logo pictures when they are set.
    public func issuer() throws -> Issuer {
        func picture(_ path: String?, _ what: String) throws -> ImageData? {
            guard let path else { return nil }
            let url = folder.appendingPathComponent(path)
            guard let data = FileManager.default.contents(atPath: url.path), let image = ImageData(bytes: Array(data)) else {
                throw ArchiveError.invalidProfile("the \(what) picture \(url.path) cannot be read as PNG or JPEG")
            }
            return image
        }
        return Issuer(name: name, nameEnglish: nameEnglish, verificationBaseURL: verificationBaseURL, address: address,
                      approvalNumber: approvalNumber, seal: try picture(seal, "seal"), logo: try picture(logo, "logo"))
    }

    /// A profile to start from, filled with the built-in default issuer.
    public static func template() -> String {
        let issuer = Issuer.builtInDefault
        return """
            # StarCert issuer profile: the certification body that issues certificates.
            name: \(issuer.name)
            name_en: \(issuer.nameEnglish)
            address: 北京市（待填写）
            approval_number: CNCA-R-2026-000          # the body's approval number (批准号)
            # logo: logo.png                          # optional, relative to this file
            # seal: seal.png                          # optional: the seal printed on certificates
            verification_base_url: https://verify.example.invalid/certificates
            certificate_number_pattern: KB-ASM-{year}-{seq:06}   # {year}, {seq:N} = sequence with N digits
            validity_years: 3
            certify_one_star: false                   # whether a one-star result gets a certificate

            """
    }

    /// Reads and checks a profile; every problem is a diagnostic with its line and column.
    public static func load(file: String) -> Result<IssuerProfile, DiagnosedFailure> {
        func failure(_ message: String, _ line: Int = 0, _ column: Int = 0) -> Result<IssuerProfile, DiagnosedFailure> {
            .failure(DiagnosedFailure([Diagnostic(.error, at: SourceLocation(file: file, line: line, column: column), message)]))
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            return failure("cannot open the issuer profile; create one with `starcert issuer init`")
        }
        guard let text = String(data: data, encoding: .utf8) else { return failure("the issuer profile is not UTF-8 text", 1, 1) }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            return failure("invalid YAML: \(error)", 1, 1)
        } catch {
            return failure("invalid YAML: \(error)", 1, 1)
        }
        guard let root, case let .mapping(mapping) = root else {
            return failure("the issuer profile is not a mapping of `key: value` lines", 1, 1)
        }
        var problems: [Diagnostic] = []
        var values: [String: (String, Mark?)] = [:]
        for (key, value) in mapping {
            guard let name = key.string else { continue }
            let mark = key.mark
            if !keys.contains(name) {
                problems.append(Diagnostic(.error, at: SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1), "unknown field `\(name)`; expected one of \(keys.joined(separator: ", "))"))
            } else if values[name] != nil {
                problems.append(Diagnostic(.error, at: SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1), "duplicate key `\(name)`; expected each key once"))
            } else {
                values[name] = (value.string ?? "", value.mark ?? mark)
            }
        }
        func require(_ key: String) -> String? {
            guard let (value, _) = values[key], !value.trimmingCharacters(in: .whitespaces).isEmpty else {
                problems.append(Diagnostic(.error, at: SourceLocation(file: file, line: 1, column: 1), "the issuer profile has no `\(key)`"))
                return nil
            }
            return value
        }
        func problem(_ key: String, _ message: String) {
            let mark = values[key]?.1
            problems.append(Diagnostic(.error, at: SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1), message))
        }
        let name = require("name"), nameEnglish = require("name_en"), address = require("address")
        let approval = require("approval_number"), base = require("verification_base_url"), pattern = require("certificate_number_pattern")
        if let base, !(base.hasPrefix("https://") || base.hasPrefix("http://")) {
            problem("verification_base_url", "`verification_base_url` is `\(base)`; expected an http(s) address")
        }
        if let pattern, pattern.range(of: #"\{seq(:\d+)?\}"#, options: .regularExpression) == nil {
            problem("certificate_number_pattern", "`certificate_number_pattern` has no {seq} or {seq:N}; expected e.g. KB-ASM-{year}-{seq:06}")
        }
        var years = 3
        if let (text, _) = values["validity_years"] {
            if let value = Int(text), (1...10).contains(value) { years = value } else { problem("validity_years", "`validity_years` is `\(text)`; expected a whole number from 1 to 10") }
        }
        var oneStar = false
        if let (text, _) = values["certify_one_star"] {
            switch text {
            case "true": oneStar = true
            case "false": oneStar = false
            default: problem("certify_one_star", "`certify_one_star` is `\(text)`; expected true or false")
            }
        }
        problems.sort { $0.location < $1.location }
        guard problems.isEmpty, let name, let nameEnglish, let address, let approval, let base, let pattern else {
            return .failure(DiagnosedFailure(problems))
        }
        return .success(IssuerProfile(
            name: name, nameEnglish: nameEnglish, address: address, approvalNumber: approval,
            logo: values["logo"]?.0, seal: values["seal"]?.0, verificationBaseURL: base, numberPattern: pattern,
            validityYears: years, certifyOneStar: oneStar, folder: URL(fileURLWithPath: file).deletingLastPathComponent()))
    }
}
