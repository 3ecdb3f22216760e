import Foundation
import Mustache

/// The Mustache templates of one folder of `Templates/` (`html/` for the documents, `server/` for
/// the public pages), each registered under its file name without `.mustache`, so that templates
/// can include one another as partials. Every value is HTML-escaped by the templates (`{{…}}`).
public struct TemplateLibrary: Sendable {
    private let library: MustacheLibrary
    public let folder: URL

    /// Loads every `*.mustache` file of `folder`; `required` names the templates that must be there.
    public init(folder: URL, required: [String]) throws(TemplateError) {
        var library = MustacheLibrary()
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        } catch {
            throw .missing(folder.path)
        }
        for name in names.sorted() where name.hasSuffix(".mustache") {
            let file = folder.appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: file.path), let text = String(data: data, encoding: .utf8) else {
                throw .invalid(file.path, "it cannot be read as UTF-8 text")
            }
            do {
                try library.register(text, named: String(name.dropLast(".mustache".count)))
            } catch {
                throw .invalid(file.path, "\(error)")
            }
        }
        for name in required where library.getTemplate(named: name) == nil {
            throw .missing(folder.appendingPathComponent("\(name).mustache").path)
        }
        self.library = library
        self.folder = folder
    }

    /// The template `name` filled with `values`; throws instead of returning an empty text.
    public func render(_ name: String, _ values: Any) throws(TemplateError) -> String {
        guard let text = library.render(values, withTemplate: name) else {
            throw .renderFailed(folder.appendingPathComponent("\(name).mustache").path)
        }
        return text
    }
}
