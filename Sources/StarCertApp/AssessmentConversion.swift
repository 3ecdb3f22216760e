import StarCertCore
import StarCertDocuments
import StarCertWorkbook

/// `convert`: an assessment in another format, only when it passes everything `check` checks
/// (its pictures decode, the fonts show every character), so that what is converted can be used.
public enum AssessmentConversion {
    public static func convert(_ input: String, to output: String, replacing: Bool) throws(SetupFailure) -> (warnings: [Diagnostic], written: [String]) {
        guard AssessmentFormat(path: output) != nil else { throw .refused(AssessmentFormat.refusal(for: output)) }
        let pipeline: DocumentPipeline
        do {
            pipeline = try DocumentSetup(language: .zh, html: false).pipeline()
        } catch let failure as SetupFailure {
            throw failure
        } catch {
            throw .installation(error)
        }
        let checked = pipeline.check(input)
        guard let evaluation = checked.evaluation else { throw .diagnostics(checked.diagnostics) }
        let written = try AssessmentFiles.save(evaluation.assessment, standard: evaluation.standard, to: output, replacing: replacing)
        return (checked.warnings, written)
    }
}
