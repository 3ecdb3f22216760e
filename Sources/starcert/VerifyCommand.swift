import ArgumentParser
import Foundation
import StarCertArchive
import StarCertCore

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a certificate: a PDF, the text of its QR code, or its number.",
        discussion: """
            A PDF is checked offline: its signature against the issuer's certificate (--issuer-cert, or \
            the root of its CA with --trust; with the archive, the certificate archived with it), whether \
            it is untouched since signing, and the certificate data it carries, which is printed to \
            compare with the page. With the archive, the status too; without it, the validity the \
            certificate prints (valid through the last day printed). The signer's certificate is judged \
            at the time the signature was made — a signature timestamp whose service chains to \
            --timestamp-trust, else the archive's record of the issue, else the signing time the signer \
            claims — so a certificate issued while the issuer's certificate was valid stays \
            authentic after that certificate expires. A QR text must be exactly what was issued, at the \
            issuer profile's verification address. Exit status 0 when authentic and valid; 1 otherwise, \
            with the reason.
            """)

    @Argument(help: "A certificate or report PDF, a certificate's QR code text, or its number.")
    var certificate: String

    @Option(help: "The archive file (default: STARCERT_ARCHIVE, else ./starcert-archive.sqlite, when it exists).")
    var archive: String?

    @Option(help: "The issuer's certificate (issuer.crt) to check a PDF's signature against.")
    var issuerCert: String?

    @Option(help: "A root certificate (PEM) trusted to have issued the issuer's certificate.")
    var trust: String?

    @Option(help: "A root certificate (PEM) trusted for timestamp services only: a signature timestamp that chains to it gives the time the signer is judged at.")
    var timestampTrust: String?

    @Option(help: "The issuer profile whose time zone counts the day and whose verification address QR texts must start with (default: issuer.yaml when it exists).")
    var issuer: String?

    @Option(help: "The day to judge validity on, YYYY-MM-DD (default: today in the profile's time zone); the signature is always judged at the time it was made.")
    var date: CalendarDate?

    func run() async throws {
        let archive = self.archive
        let issuerCert = self.issuerCert
        let trust = self.trust
        let timestampTrust = self.timestampTrust
        let issuer = self.issuer
        let date = self.date
        let (verification, today): (Verification, CalendarDate) = try running {
            let path = archive ?? Archive.defaultPath()
            let opened = archive != nil || FileManager.default.fileExists(atPath: path) ? try Archive(path: path, access: .readOnly) : nil
            let roots = try [issuerCert, trust].compactMap { $0 }.flatMap { try Verification.certificates(file: $0) }
            let profile = try loadProfileIfPresent(issuer)
            let timestampRoots = try timestampTrust.map { try Verification.certificates(file: $0) } ?? []
            return (Verification(archive: opened, trustRoots: roots, timestampTrustRoots: timestampRoots, verificationAddress: profile?.verificationBaseURL),
                    date ?? profile?.today() ?? IssuerProfile.today(inTimeZone: IssuerProfile.defaultTimeZone))
        }
        let result: Verification.Result
        do {
            result = try await verification.verify(certificate, today: today.description)
        } catch {
            result = try running { throw error }
        }
        Console.out(VerificationText.lines(result, input: certificate).joined(separator: "\n"))
        if !result.authentic || (result.status != nil && result.status != .valid) { throw ExitCode.failure }
    }
}

/// How a verification result reads on the terminal.
enum VerificationText {
    static func lines(_ result: Verification.Result, input: String) -> [String] {
        let name = result.number.map { "certificate \($0)" } ?? input
        var lines: [String] = []
        if result.authentic {
            let status = result.status.map { "\($0.chinese) (\($0.rawValue))" + (result.statusReason.map { $0.isEmpty ? "" : " — \($0)" } ?? "") } ?? "status unknown without the archive"
            lines.append("\(name): authentic 真实; status 状态: \(status)")
            if let successor = result.successor { lines.append("  superseded by certificate \(successor)") }
            if result.statusFromDatesOnly {
                lines.append("  the status follows from the dates the certificate prints; a suspension or withdrawal shows only with the archive or on the issuer's page")
            }
        } else {
            lines.append("\(name): NOT AUTHENTIC 非真实")
        }
        lines += result.findings.map { "  " + words($0) }
        if let judged = result.signatureJudgedAt {
            let time = judged.time.formatted(.iso8601)
            switch judged.source {
            case let .timestamp(authority): lines.append("  the signer's certificate was judged at the time of the signature timestamp by \(TerminalText.quoted(authority)) (\(time))")
            case .archive: lines.append("  the signer's certificate was judged at the issue time the archive recorded (\(time))")
            case .claimedBySigner: lines.append("  the signer's certificate was judged at the signing time claimed by the signer (\(time))")
            case .now: lines.append("  no signing time is known; the signer's certificate was judged now (\(time))")
            }
        }
        if let time = result.untrustedTimestamp {
            lines.append("  the signature timestamp (\(time.formatted(.iso8601))) was not used: its service is not trusted here (pass its root with --timestamp-trust) or it does not cover the signature")
        }
        if let facts = result.reportFacts {
            lines.append("  signed report data 报告签名数据 (compare with the pages):")
            lines += [("report number 报告编号", facts.reportNumber), ("organization 组织", facts.organization), ("credit code 统一社会信用代码", facts.creditCode),
                      ("standard 标准", facts.standard), ("kind 类型", facts.kind.rawValue), ("decision 结论", facts.decision.rawValue),
                      ("star level 星级", facts.starLevel == 0 ? "none" : String(facts.starLevel)), ("score 得分", facts.total),
                      ("audit ends 审核结束", facts.auditEnd), ("certificate 证书编号", facts.certificateNumber.isEmpty ? "none" : facts.certificateNumber)]
                .map { "    \($0.0): \(TerminalText.escaped($0.1))" }
        } else if result.signedFields == nil, let title = result.documentTitle {
            lines.append("  the signed document says it is: \(TerminalText.escaped(title))"
                + (result.documentKeywords.map { " (\(TerminalText.escaped($0)))" } ?? ""))
        }
        if let fields = result.signedFields {
            lines.append("  signed data 签名数据 (compare with the page):")
            lines += [("number 证书编号", fields.number), ("organization 组织", fields.organization), ("credit code 统一社会信用代码", fields.creditCode),
                      ("scope 范围", fields.scope), ("standard 标准", fields.standard), ("star level 星级", String(fields.starLevel)),
                      ("score 得分", fields.total), ("issued 发证日期", fields.issued), ("valid until 有效期至", fields.expires)]
                .map { "    \($0.0): \(TerminalText.escaped($0.1))" }
        }
        return lines
    }

    /// A finding as the terminal says it (English, naming the options that help).
    static func words(_ finding: Verification.Result.Finding) -> String {
        switch finding {
        case let .signatureValid(signer, time): return "signed by \(signer)" + (time.map { " at \($0)" } ?? "") + "; the signature holds"
        case .untouched: return "untouched since signing"
        case .unsigned: return "it carries no PDF signature (a specimen, or not a document StarCert issued)"
        case let .signature(problem): return words(problem)
        case .changedAfterSigning: return "the file was changed after it was signed (bytes were added after the signature)"
        case .certificateDataDamaged: return "the certificate data in the file is damaged"
        case .certificateDataNotBySigner: return "the certificate data was not signed by the PDF's signer"
        case let .notInArchive(number): return "certificate \(TerminalText.quoted(number)) is not in the archive"
        case let .differsFromIssued(field): return "\(field) differs from the issued certificate"
        case .fileDiffersFromIssued: return "the PDF file differs from the one issued"
        case .archivedDataAltered: return "the archived data does not match its signature"
        case let .qrSignatureMismatch(number): return "the QR code's signature is not the one issued with certificate \(TerminalText.quoted(number))"
        case let .qrTextNotAsIssued(issued): return "the QR text is not exactly the one issued (\(TerminalText.quoted(issued)))"
        case let .issuedDocument(name, evaluation, organization, decision, certificate):
            return "issued as \(name) of evaluation \(evaluation): \(TerminalText.quoted(organization)), decision \(decision.rawValue), "
                + (certificate.map { "certificate \(TerminalText.quoted($0))" } ?? "no certificate")
        case .documentNotInArchive: return "the archive holds no document with this file's SHA-256 (not issued by this body, or changed)"
        case .reportDataDamaged: return "the report data in the signed file is damaged"
        case let .reportDiffersFromIssued(field): return "the signed report's \(field) differs from the archived evaluation"
        }
    }

    static func words(_ problem: SignatureProblem) -> String {
        switch problem {
        case let .damaged(error): return "its signature is damaged: \(error)"
        case let .unsupportedKind(kind): return "its signature is of a kind StarCert does not make (\(kind ?? "none"))"
        case .noIssuerCertificate: return "no issuer certificate to check it against; pass --issuer-cert (the issuer's issuer.crt) or --trust (its CA's root)"
        case .contentChanged: return "the signed bytes were changed (their digest differs from the signed one)"
        case .signatureMismatch: return "the signature does not match the signed data and the signer's key"
        case .unreadable: return "its signature cannot be read"
        case let .untrustedSigner(.expired(subject, day)): return "the signer cannot be trusted: the certificate \(subject) expired on \(day)"
        case let .untrustedSigner(.notYetValid(subject, day)): return "the signer cannot be trusted: the certificate \(subject) is valid only from \(day)"
        case .untrustedSigner(.notForSigningDocuments):
            return "the signer cannot be trusted: its certificate's key usage does not allow signing documents"
        case .untrustedSigner(.notChainedToIssuer): return "the signer cannot be trusted: its certificate does not lead to a trusted issuer certificate"
        }
    }
}
