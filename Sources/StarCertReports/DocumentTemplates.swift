import Foundation

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
        return DocumentTemplates(
            labels: try Labels.load(file: folder.appendingPathComponent("labels/\(language.rawValue).yaml")),
            certificate: try Labels.load(file: folder.appendingPathComponent("labels/certificate.yaml")),
            folder: folder)
    }
}
