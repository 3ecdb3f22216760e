import StarCertCore
import Typesetting

/// Pictures taken from inputs — photos, logos, seals — checked before they are decoded: a regular
/// file of bounded size, a JPEG or PNG header, at most `maximumPixels`, then whole.
public enum Picture {
    public static let maximumPixels = 40_000_000

    /// The picture at `path`; `what` names where it is used in the error ("photo 1 of item 4.2.1").
    public static func load(_ path: String, for what: String) throws(PictureError) -> ImageData {
        let bytes: [UInt8]
        switch InputFile.read(path, limit: InputFile.Limit.picture) {
        case let .success(read): bytes = read
        case let .failure(problem): throw PictureError(path: path, use: what, problem: problem.description)
        }
        guard let image = ImageData(bytes: bytes) else {
            throw PictureError(path: path, use: what, problem: "it is neither a JPEG nor a PNG picture with a readable header")
        }
        let pixels = image.pixelWidth * image.pixelHeight
        guard image.pixelWidth <= 100_000, image.pixelHeight <= 100_000, pixels <= maximumPixels else {
            throw PictureError(path: path, use: what, problem: "it is \(image.pixelWidth) × \(image.pixelHeight) pixels, more than the \(maximumPixels / 1_000_000) megapixels allowed; expected a smaller picture")
        }
        if let problem = image.decodingProblem() { throw PictureError(path: path, use: what, problem: problem) }
        return image
    }
}

/// A picture that cannot be used, with the file and where it is used.
public struct PictureError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let use: String
    public let problem: String

    public var description: String { "\(use) (\(path)) cannot be used: \(problem)" }
}
