import StarCertCore
import Typesetting

/// Pictures taken from inputs — photos, logos, seals — by one checked path: a regular file of
/// bounded size, a JPEG or PNG header of at most `maximumPixels`, then decoded whole and written
/// again as StarCert's own bytes (`PictureCleaning`), so that nothing but pixels reaches a document.
public enum Picture {
    public static let maximumPixels = 40_000_000

    /// The picture at `path`; `what` names where it is used in the error ("photo 1 of item 4.2.1").
    public static func load(_ path: String, for what: String) throws(PictureError) -> ImageData {
        let bytes: [UInt8]
        switch InputFile.read(path, limit: InputFile.Limit.picture) {
        case let .success(read): bytes = read
        case let .failure(problem): throw PictureError(path: path, use: what, problem: problem.description)
        }
        return try clean(bytes, path: path, for: what)
    }

    /// A photo of an assessment: its file, or the picture it carries inside (a workbook's).
    public static func load(_ photo: Assessment.Photo, for what: String) throws(PictureError) -> ImageData {
        guard let bytes = photo.embedded else { return try load(photo.resolvedPath, for: what) }
        guard bytes.count <= InputFile.Limit.picture else {
            throw PictureError(path: photo.resolvedPath, use: what, problem: InputFile.Problem.tooLarge(bytes: bytes.count, limit: InputFile.Limit.picture).description)
        }
        return try clean(bytes, path: photo.resolvedPath, for: what)
    }

    private static func clean(_ bytes: [UInt8], path: String, for what: String) throws(PictureError) -> ImageData {
        do {
            return try PictureCleaning.clean(bytes, maximumPixels: maximumPixels)
        } catch {
            throw PictureError(path: path, use: what, problem: error.description)
        }
    }
}

/// A picture that cannot be used, with the file and where it is used.
public struct PictureError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let use: String
    public let problem: String

    public var description: String { "\(use) (\(path)) cannot be used: \(problem)" }
}
