import Foundation
import GRDB
import PDFObjects
import StarCertCore

extension Archive {
    /// Everything `archive verify` finds wrong, one line each: stored files that no longer match
    /// their SHA-256, certificates whose signed data differs from their stored fields or does not
    /// match its signature, number series with gaps or rewound, and SQLite's own integrity check.
    /// `integrityProblems` of the archive at `path`, opened read-only (no file is left beside it):
    /// a check that saw the archive change while it read (an `issue` committing, a checkpoint) is
    /// made again, so that what it reports comes from one state of the archive.
    public static func integrityProblems(at path: String) throws(ArchiveError) -> [String] {
        var problems: [String] = []
        for _ in 0..<5 {
            let archive = try Archive(path: path, access: .readOnly)
            let before = archive.changeStamp()
            problems = try archive.integrityProblems()
            if archive.changeStamp() == before { return problems }
        }
        return problems
    }

    public func integrityProblems() throws(ArchiveError) -> [String] {
        try typed {
            try read { db in
                var problems: [String] = []
                for document in try DocumentRow.order(DocumentRow.Columns.evaluationID, DocumentRow.Columns.name).fetchAll(db)
                    where sha256Hex(document.bytes) != document.sha256 {
                    problems.append("evaluation \(document.evaluationID): \(document.name) does not match its SHA-256 \(document.sha256)")
                }
                let certificates = try CertificateRow.order(CertificateRow.Columns.series, CertificateRow.Columns.sequence).fetchAll(db)
                for certificate in certificates {
                    problems += try Self.certificateProblems(certificate, db)
                }
                problems += try Self.seriesProblems(certificates, db)
                problems += try Self.journalProblems(db)
                let check = try String.fetchAll(db, sql: "PRAGMA integrity_check")
                if check != ["ok"] { problems += check.map { "SQLite: \($0)" } }
                return problems
            }
        }
    }

    /// A certificate's signed data against its signature and against the stored fields.
    static func certificateProblems(_ certificate: CertificateRow, _ db: Database) throws -> [String] {
        let name = "certificate \(certificate.number)"
        guard let canonical = CanonicalCertificate(text: certificate.canonical) else { return ["\(name): its signed data cannot be read"] }
        var problems: [String] = []
        if let signer = try? SignerRecord(certificate.publicKey) {
            if !canonical.verify(signature: certificate.signature, signer: signer) { problems.append("\(name): the signed data does not match its signature") }
        } else {
            problems.append("\(name): the stored signer certificate cannot be read")
        }
        guard let evaluation = try EvaluationRow.fetchOne(db, key: certificate.evaluationID) else {
            return problems + ["\(name): its evaluation \(certificate.evaluationID) is missing"]
        }
        let report = try DocumentRow.filter(DocumentRow.Columns.evaluationID == certificate.evaluationID && DocumentRow.Columns.name == "report.pdf").fetchOne(db)
        let stored: [(String, String, String)] = [
            ("number", canonical.number, certificate.number),
            ("organization", canonical.organization, evaluation.organization),
            ("credit_code", canonical.creditCode, evaluation.creditCode),
            ("standard", canonical.standard, evaluation.standard),
            ("star_level", String(canonical.starLevel), evaluation.starLevel.map(String.init) ?? "none"),
            ("total", canonical.total, evaluation.total),
            ("issued", canonical.issued, certificate.issuedOn),
            ("expires", canonical.expires, certificate.expiresOn),
            ("report_sha256", canonical.reportSHA256, report.map { sha256Hex(Self.unsignedRevision(Array($0.bytes))) } ?? "no stored report"),
        ]
        for (field, signed, kept) in stored where signed != kept {
            problems.append("\(name): the signed \(field) `\(TerminalText.quoted(signed))` differs from the stored `\(TerminalText.quoted(kept))`")
        }
        if evaluation.certificateNumber != certificate.number {
            problems.append("\(name): its evaluation \(certificate.evaluationID) names \(evaluation.certificateNumber ?? "no certificate")")
        }
        return problems
    }

    /// A signed PDF's bytes before its signature (what a certificate names by hash); an unsigned
    /// PDF (from StarCert versions before PDF signatures) as it is.
    static func unsignedRevision(_ pdf: [UInt8]) -> [UInt8] {
        (try? PDFSignatureReading.last(in: pdf))??.unsignedRevision ?? pdf
    }

    /// Every series runs 1, 2, … up to the last number recorded: no gap, nothing past it, no rewind.
    static func seriesProblems(_ certificates: [CertificateRow], _ db: Database) throws -> [String] {
        var problems: [String] = []
        // A series spelt several ways (letter case, padding) is one series.
        let bySeries = Dictionary(grouping: certificates) { Archive.seriesIdentity($0.series) }
        let recorded = Dictionary(grouping: try SeriesRow.fetchAll(db)) { Archive.seriesIdentity($0.series) }.map { identity, rows in
            (series: rows.map(\.series).sorted().joined(separator: " = "), last: rows.map(\.last).max() ?? 0, identity: identity)
        }.sorted { $0.series < $1.series }
        for series in recorded {
            let sequences = Set((bySeries[series.identity] ?? []).map(\.sequence))
            let highest = sequences.max() ?? 0
            if highest > series.last {
                problems.append("series \(series.series): certificate number \(highest) was issued, but the series was rewound to \(series.last)")
            } else if highest < series.last {
                problems.append("series \(series.series): the series counts \(series.last) numbers, but the highest certificate is \(highest)")
            }
            let missing = (1...max(1, min(highest, series.last))).filter { !sequences.contains($0) }
            if !missing.isEmpty, highest > 0 {
                problems.append("series \(series.series): numbers \(missing.prefix(10).map(String.init).joined(separator: ", "))\(missing.count > 10 ? ", …" : "") are missing")
            }
        }
        for series in Set(bySeries.keys).subtracting(recorded.map(\.identity)).sorted() {
            problems.append("series \(series): certificates exist but the series has no counter")
        }
        return problems
    }
}

extension Archive {
    /// What makes two series one: the pattern in capitals, the sequence's padding left out
    /// (`KB-ASM-2026-{seq:06}`, `kb-asm-2026-{seq:4}` and `KB-ASM-2026-{seq}` are one series).
    public static func seriesIdentity(_ series: String) -> String {
        series.uppercased().replacing(/\{SEQ(:\d+)?\}/, with: "{SEQ}")
    }
}
