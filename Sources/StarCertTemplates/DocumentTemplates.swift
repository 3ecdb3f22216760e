import Foundation
import StarCertCore

/// What the documents are worded and shaped with, from `Templates/`: the labels of one language,
/// the certificate's bilingual text, and (for HTML) the Mustache templates.
public struct DocumentTemplates: Sendable {
    public let labels: Labels
    public let certificate: Labels
    public let folder: URL

    public init(labels: Labels, certificate: Labels, folder: URL) {
        self.labels = labels
        self.certificate = certificate
        self.folder = folder
    }

    /// The templates for `language` from the templates folder (see `Resources`).
    public static func load(_ language: Labels.Language, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> DocumentTemplates {
        let folder = try Labels.templatesFolder(environment: environment)
        let languages = Labels.Language.allCases
        let all = try Labels.loadMatching(languages.map { folder.appendingPathComponent("labels/\($0.rawValue).yaml") })
        return DocumentTemplates(
            labels: all[languages.firstIndex(of: language)!],
            certificate: try Labels.load(file: folder.appendingPathComponent("labels/certificate.yaml")),
            folder: folder)
    }
}
