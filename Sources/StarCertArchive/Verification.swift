import Crypto
import Foundation
import PDFObjects
import StarCertCore
import X509

/// Checks a certificate — a PDF, the text of its QR code, or its number — against the issuer's
/// certificate and, when given, the archive.
public struct Verification: Sendable {
    public let archive: Archive?
    /// Certificates trusted as the issuer's (its own `issuer.crt`, or its CA's root). Without any,
    /// the signer certificate archived with the certificate is trusted.
    public let trustRoots: [Certificate]
    /// The issuer profile's verification address (what every QR code of this body starts with);
    /// a QR text is checked only against it.
    public let verificationAddress: String?

    /// Roots trusted for timestamp services only (never for the documents' signer).
    public let timestampTrustRoots: [Certificate]

    public init(archive: Archive?, trustRoots: [Certificate], timestampTrustRoots: [Certificate] = [], verificationAddress: String? = nil) {
        self.archive = archive
        self.trustRoots = trustRoots
        self.timestampTrustRoots = timestampTrustRoots
        self.verificationAddress = verificationAddress
    }

    /// The certificates in a PEM file (an `issuer.crt`, a CA root).
    public static func certificates(file: String) throws(KeyError) -> [Certificate] {
        try SignerCertificates.readChain(file)
    }

    /// What was found, as typed facts a front end words in its own language; `authentic` only
    /// when nothing failed.
    public struct Result: Sendable {
        public enum Finding: Sendable, Equatable {
            /// The PDF signature holds; `signer` names the certificate's subject.
            case signatureValid(signer: String, signingTime: String?)
            /// The signature covers the whole file: nothing was added after signing.
            case untouched
            /// The file carries no PDF signature (a specimen, or not a document StarCert issued).
            case unsigned
            /// The PDF signature does not hold.
            case signature(SignatureProblem)
            /// Bytes were added after the signature.
            case changedAfterSigning
            /// The certificate data inside the file cannot be read.
            case certificateDataDamaged
            /// What a signed report says it is (its keywords' `ReportFacts`) cannot be read.
            case reportDataDamaged
            /// A fact the signed report carries differs from its archived evaluation (`report_no`,
            /// `organization`, `credit_code`, `decision`, `total`, `certificate`).
            case reportDiffersFromIssued(field: String)
            /// The certificate data inside the file was not signed by the PDF's signer.
            case certificateDataNotBySigner
            /// The archive holds no certificate with this number.
            case notInArchive(number: String)
            /// A signed field differs from the archived certificate (`CanonicalCertificate.fields` names).
            case differsFromIssued(field: String)
            /// The PDF is not the file that was issued (its SHA-256 differs).
            case fileDiffersFromIssued
            /// The archived data no longer matches its own signature.
            case archivedDataAltered
            /// The QR code's signature is not the one issued with the certificate.
            case qrSignatureMismatch(number: String)
            /// The QR text is not exactly the one issued: another address, or more than the number
            /// and its signature.
            case qrTextNotAsIssued(issued: String)
            /// The file is one this body issued (found in the archive by its SHA-256): `name` of
            /// the evaluation of `organization`, with its decision and certificate, if any.
            case issuedDocument(name: String, evaluationID: Int64, organization: String, decision: Evaluation.Decision, certificateNumber: String?)
            /// A signed file without certificate data that the archive does not hold.
            case documentNotInArchive

            /// Whether this finding means the document cannot be taken as the issuer's.
            public var isFailure: Bool {
                switch self {
                case .signatureValid, .untouched, .issuedDocument: return false
                default: return true
                }
            }
        }

        public var authentic: Bool { !findings.contains(where: \.isFailure) }
        public var number: String?
        /// What the certificate attests, from its signed data (for the reader to compare with the page).
        public var signedFields: CanonicalCertificate?
        public var status: Archive.Status?
        public var statusReason: String?
        /// The certificate that superseded this one.
        public var successor: String?
        public var findings: [Finding] = []
        /// Whether the status comes from the dates the certificate prints only (no archive: a
        /// suspension or withdrawal cannot be seen).
        public var statusFromDatesOnly = false
        /// What a signed file without certificate data (a report) says it is: the title and keywords
        /// of the signed revision's document information.
        public var documentTitle: String?
        public var documentKeywords: String?
        /// What a signed report says it is, from its signed revision.
        public var reportFacts: ReportFacts?
        /// A signature timestamp that was not used: it does not cover the signature, or its service
        /// does not chain to a root trusted for timestamps (`--timestamp-trust`).
        public var untrustedTimestamp: Date?
        /// The time the signer's certificate was judged at, and where it comes from.
        public var signatureJudgedAt: (time: Date, source: SigningTimeSource)?

        mutating func takeStatus(of record: Archive.CertificateRecord, on today: String) {
            let current = record.status(on: today)
            status = current.status
            statusReason = current.reason
            successor = record.successor
        }
    }

    /// Where the time a signature was judged at comes from, most trusted first.
    public enum SigningTimeSource: Sendable, Equatable {
        /// A signature timestamp (RFC 3161) that covers the signature, by a trusted service.
        case timestamp(authority: String)
        /// The archive's record of the issue.
        case archive
        /// The signing time the signer wrote into the signature dictionary (`/M`).
        case claimedBySigner
        /// No time is known: judged now.
        case now
    }

    /// Checks `input`: a PDF file's path, the text of a QR code, or a certificate number.
    public func verify(_ input: String, today: String) async throws -> Result {
        if FileManager.default.fileExists(atPath: input) {
            switch InputFile.read(input, limit: InputFile.Limit.document) {
            case let .success(bytes): return try await verify(pdf: bytes, today: today)
            case let .failure(problem): throw ArchiveError.refused("cannot read \(input): \(problem)")
            }
        }
        if let components = URLComponents(string: input), let items = components.queryItems,
           let number = items.first(where: { $0.name == "n" })?.value, let signature = items.first(where: { $0.name == "sig" })?.value {
            guard let verificationAddress else {
                throw ArchiveError.refused("checking a QR text needs the issuer profile, whose verification address the text must start with (--issuer)")
            }
            var result = try verifyArchived(number: number, claimedSignature: signature, today: today)
            // Exactly what was issued: this body's address, the number and the issued signature, nothing more.
            let issued = try archive.map { "\(verificationAddress)?n=\(URLText.percentEncoded(number))&sig=\(try $0.certificate(number).signature)" }
            if let issued, input.trimmingCharacters(in: .whitespacesAndNewlines) != issued, !result.findings.contains(.qrSignatureMismatch(number: number)) {
                result.findings.append(.qrTextNotAsIssued(issued: issued))
            }
            return result
        }
        return try verifyArchived(number: input.trimmingCharacters(in: .whitespaces), claimedSignature: nil, today: today)
    }

    private func verifyArchived(number: String, claimedSignature: String?, today: String) throws -> Result {
        guard let archive else { throw ArchiveError.refused("checking a number or a QR code needs the archive (--archive)") }
        let record = try archive.certificate(number)
        var result = Result(number: number, signedFields: record.canonical)
        if !record.canonical.verify(signature: record.signature, signer: try SignerRecord(record.publicKey)) {
            result.findings.append(.archivedDataAltered)
        }
        if let claimedSignature, claimedSignature != record.signature {
            result.findings.append(.qrSignatureMismatch(number: number))
        }
        result.takeStatus(of: record, on: today)
        return result
    }

    /// Checks a certificate or report PDF given as bytes.
    public func verify(pdf bytes: [UInt8], today: String) async throws -> Result {
        var result = Result()
        // The certificate's own signed data travels in the document information of the revision the
        // signature covers (parsed, never found by scanning bytes).
        var canonical: CanonicalCertificate?
        var payloadSignature: String?
        let reading: Swift.Result<PDFSignatureReading?, PDFFileError>
        do {
            reading = .success(try PDFSignatureReading.last(in: bytes))
        } catch {
            reading = .failure(error)
        }
        var signedRevision = bytes
        if case let .success(found?) = reading, found.byteRange[2] + found.byteRange[3] < bytes.count {
            signedRevision = Array(bytes.prefix(found.byteRange[2] + found.byteRange[3]))
        }
        // A file whose signed revision does not read as a PDF has no data to trust: said, not skipped.
        let signedFile: PDFFile?
        do {
            signedFile = try PDFFile(signedRevision)
        } catch {
            signedFile = nil
            if case .success(.some) = reading { result.findings.append(.signature(.damaged(error))) }
        }
        if let payload = signedFile.flatMap(Self.signedPayload(in:)) {
            let parts = payload.split(separator: ".", maxSplits: 1).map(String.init)
            if parts.count == 2, let data = Base64URL.decode(parts[0]), let text = String(data: data, encoding: .utf8),
               let parsed = CanonicalCertificate(text: text) {
                canonical = parsed
                payloadSignature = parts[1]
            } else {
                result.findings.append(.certificateDataDamaged)
            }
        }
        result.number = canonical?.number
        result.signedFields = canonical
        if canonical == nil, case .success(.some) = reading, let file = signedFile {
            result.documentTitle = file.information("Title")
            result.documentKeywords = file.information("Keywords")
            switch result.documentKeywords.flatMap(ReportFacts.inKeywords) {
            case let .success(facts)?: result.reportFacts = facts
            case .failure?: result.findings.append(.reportDataDamaged)
            case nil: break
            }
        }
        var record: Archive.CertificateRecord?
        if let archive, let canonical {
            do {
                record = try archive.certificate(canonical.number)
            } catch {
                guard case .notFound = error else { throw error }
            }
        }
        // A file without certificate data (a report) is found in the archive by its SHA-256, or by
        // that of its signed revision when something was appended after signing.
        var document = try canonical == nil ? archive?.issuedDocument(sha256: sha256Hex(bytes)) : nil
        if document == nil, canonical == nil, signedRevision.count < bytes.count {
            document = try archive?.issuedDocument(sha256: sha256Hex(signedRevision))
        }
        var roots = trustRoots
        if roots.isEmpty, let record, case let .certificate(certificate) = try SignerRecord(record.publicKey) { roots = [certificate] }
        if roots.isEmpty, canonical == nil, let archive { roots = try archive.signerCertificates() }
        // The signer's certificate is judged when the signature was made: by the archive's record
        // of the issue, else by the time the signer claims.
        let judgedAt: (time: Date, source: SigningTimeSource)
        var stamped: PDFSignatureCheck.Timestamp?
        if case let .success(found?) = reading { stamped = await PDFSignatureCheck.timestamp(in: found.contents, trustRoots: timestampTrustRoots) }
        if let stamped, let authority = stamped.authority {
            judgedAt = (stamped.time, .timestamp(authority: authority))
        } else if let issued = record?.history.first.flatMap({ Archive.moment(of: $0.at) }) ?? document.flatMap({ Archive.moment(of: $0.evaluation.createdAt) }) {
            judgedAt = (issued, .archive)
        } else if case let .success(found?) = reading, let claimed = found.signingTime.flatMap(PDFText.parseDate) {
            judgedAt = (claimed, .claimedBySigner)
        } else {
            judgedAt = (Date(), .now)
        }
        if case .success(.some) = reading { result.signatureJudgedAt = judgedAt }
        if let stamped, stamped.authority == nil { result.untrustedTimestamp = stamped.time }
        let check = await PDFSignatureCheck.check(reading, trustRoots: roots, at: judgedAt.time)
        switch check.outcome {
        case .unsigned:
            result.findings.append(.unsigned)
        case let .invalid(problem):
            result.findings.append(.signature(problem))
        case let .valid(signer, signingTime):
            result.findings.append(.signatureValid(signer: "\(signer.subject)", signingTime: signingTime))
            if let canonical, let payloadSignature, !canonical.verify(signature: payloadSignature, signer: .certificate(signer)) {
                result.findings.append(.certificateDataNotBySigner)
            }
        }
        // Untouched only when the signature holds and covers every byte: a file whose signature
        // fails is never also called unchanged.
        if case .valid = check.outcome, check.coversWholeFile {
            result.findings.append(.untouched)
        } else if check.reading != nil, !check.coversWholeFile {
            result.findings.append(.changedAfterSigning)
        }
        if archive == nil, let canonical, result.authentic {
            // Offline, the validity printed is all there is to go by: valid through the last day printed.
            result.status = today > canonical.expires ? .expired : .valid
            result.statusFromDatesOnly = true
        }
        if let document {
            let evaluation = document.evaluation
            // A surveillance that kept, suspended or withdrew a certificate names it in its report.
            let named = try evaluation.certificateNumber ?? archive?.surveilledCertificate(of: evaluation.id ?? 0)
            result.findings.append(.issuedDocument(name: document.name, evaluationID: evaluation.id ?? 0, organization: evaluation.organization,
                                                   decision: evaluation.decision, certificateNumber: named))
            if let number = named, let archive {
                result.takeStatus(of: try archive.certificate(number), on: today)
            }
            if let facts = result.reportFacts {
                let issued: [(String, String, String)] = [
                    ("organization", facts.organization, evaluation.organization), ("credit_code", facts.creditCode, evaluation.creditCode),
                    ("decision", facts.decision.rawValue, evaluation.decision.rawValue),
                    ("total", facts.total, Points(hundredths: evaluation.totalHundredths).description),
                    ("certificate", facts.certificateNumber, named ?? ""),
                ]
                for (field, signed, archived) in issued where signed != archived {
                    result.findings.append(.reportDiffersFromIssued(field: field))
                }
            }
        } else if archive != nil, canonical == nil, check.reading != nil {
            result.findings.append(.documentNotInArchive)
        }
        if archive != nil, let canonical {
            guard let record else {
                result.findings.append(.notInArchive(number: canonical.number))
                return result
            }
            for field in canonical.differences(from: record.canonical) {
                result.findings.append(.differsFromIssued(field: field))
            }
            if let issued = record.certificatePDFHash, issued != sha256Hex(bytes) {
                result.findings.append(.fileDiffersFromIssued)
            }
            result.takeStatus(of: record, on: today)
        }
        return result
    }

    /// The `starcert-signed:` token of the Keywords entry in the document information of `revision`.
    static func signedPayload(in file: PDFFile) -> String? {
        guard let keywords = file.information("Keywords"), let range = keywords.range(of: "starcert-signed:") else { return nil }
        return String(keywords[range.upperBound...].prefix { !$0.isWhitespace && $0 != "," })
    }
}

extension PDFSignatureCheck.Outcome {
    /// The problem, when the signature does not hold.
    public var problem: SignatureProblem? {
        if case let .invalid(problem) = self { return problem }
        return nil
    }
}
