import CJPEG
import CPangoCairo

/// Pictures from outside (photos, logos, seals) reach documents as pixels only: each is decoded
/// whole and written again by StarCert — a JPEG re-encoded from its pixels (EXIF orientation
/// applied, an embedded ICC profile converted to sRGB, CMYK converted to RGB), a PNG written again by Cairo from its pixels. Metadata,
/// comments, unknown segments or chunks, anything after the end marker — and any bytes someone hid
/// in them — are left behind, so a signed file holds nothing but StarCert's own bytes. Decoding
/// whole also refuses a damaged or truncated picture instead of drawing it in part.
public enum PictureCleaning {
    /// Why a picture cannot be used.
    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case notAPicture
        case tooLarge(width: Int, height: Int, maximumPixels: Int)
        case damagedJPEG(String)
        case damagedPNG
        /// The embedded ICC profile cannot be read, is for another colour space, or cannot be applied.
        case colourProfile(String)
        case cannotEncode(String)

        public var description: String {
            switch self {
            case .notAPicture: return "it is neither a JPEG nor a PNG picture with a readable header"
            case let .tooLarge(width, height, maximum):
                return "it is \(width) × \(height) pixels, more than the \(maximum / 1_000_000) megapixels allowed; expected a smaller picture"
            case let .damagedJPEG(reason): return "the JPEG data is damaged or cut short (\(reason)); expected a picture that decodes whole"
            case .damagedPNG: return "the PNG data is damaged or cut short; expected a picture that decodes whole"
            case let .colourProfile(reason): return "\(reason); expected a picture in sRGB, or with a valid ICC profile of its own colour space"
            case let .cannotEncode(reason): return "it could not be written again (\(reason))"
            }
        }
    }

    /// The JPEG quality pictures are written again at: photos stay sharp in print.
    static let quality: Int32 = 90
    /// The longest side a picture may have: Cairo's image surfaces stop at 32,767 pixels.
    static let maximumSide = 32_767

    /// `bytes` decoded whole, refused beyond `maximumPixels`, and written again by StarCert.
    public static func clean(_ bytes: [UInt8], maximumPixels: Int) throws(Problem) -> ImageData {
        guard let info = ImageInfo.read(bytes) else { throw .notAPicture }
        // The sides first: their product may not fit a machine word.
        guard info.width <= maximumSide, info.height <= maximumSide, info.width * info.height <= maximumPixels else {
            throw .tooLarge(width: info.width, height: info.height, maximumPixels: maximumPixels)
        }
        let cleaned: [UInt8]
        switch info.format {
        case .jpeg: cleaned = try jpeg(bytes, maximumPixels: maximumPixels)
        case .png: cleaned = try png(bytes)
        }
        guard let image = ImageData(bytes: cleaned) else { throw .cannotEncode("the written picture does not read back") }
        return image
    }

    static func jpeg(_ bytes: [UInt8], maximumPixels: Int) throws(Problem) -> [UInt8] {
        var message = [CChar](repeating: 0, count: 256)
        var pixels: UnsafeMutablePointer<UInt8>?
        var width: Int32 = 0
        var height: Int32 = 0
        var components: Int32 = 0
        let status = bytes.withUnsafeBufferPointer { buffer in
            starcert_jpeg_decode(buffer.baseAddress, buffer.count, maximumPixels, &pixels, &width, &height, &components, &message, message.count)
        }
        defer { starcert_jpeg_free(pixels) }
        if status == 4 { throw .colourProfile(String(cString: message)) }
        guard status == 0, let pixels else { throw .damagedJPEG(String(cString: message)) }
        var out: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        let orientation = Orientation(exifOf: bytes)
        let encoded: Int32
        if orientation.value == 1 {
            // Upright already: encoded from libjpeg's buffer, without a copy of the pixels.
            encoded = starcert_jpeg_encode(pixels, width, height, components, quality, &out, &size, &message, message.count)
        } else {
            let decoded = Array(UnsafeBufferPointer(start: pixels, count: Int(width) * Int(height) * Int(components)))
            let oriented = orientation.apply(to: decoded, width: Int(width), height: Int(height), components: Int(components))
            encoded = oriented.pixels.withUnsafeBufferPointer { buffer in
                starcert_jpeg_encode(buffer.baseAddress, Int32(oriented.width), Int32(oriented.height), components, quality, &out, &size, &message, message.count)
            }
        }
        defer { starcert_jpeg_free(out) }
        guard encoded == 0, let out else { throw .cannotEncode(String(cString: message)) }
        return Array(UnsafeBufferPointer(start: out, count: Int(size)))
    }

    static func png(_ bytes: [UInt8]) throws(Problem) -> [UInt8] {
        try GraphicsLibraries.use { () throws(Problem) -> [UInt8] in try pngLocked(bytes) }
    }

    private static func pngLocked(_ bytes: [UInt8]) throws(Problem) -> [UInt8] {
        let source = PNGSource(bytes)
        let surface = withExtendedLifetime(source) {
            cairo_image_surface_create_from_png_stream(readPNGBytes, Unmanaged.passUnretained(source).toOpaque())
        }
        defer { cairo_surface_destroy(surface) }
        // Cairo names most decoding failures "out of memory"; what they mean is damaged data.
        guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else { throw .damagedPNG }
        let sink = PNGSink()
        let status = withExtendedLifetime(sink) {
            cairo_surface_write_to_png_stream(surface, writePNGBytes, Unmanaged.passUnretained(sink).toOpaque())
        }
        guard status == CAIRO_STATUS_SUCCESS else { throw .cannotEncode(String(cString: cairo_status_to_string(status))) }
        return sink.bytes
    }

    /// An EXIF orientation (1–8): how the stored pixels are turned and mirrored from upright.
    struct Orientation: Equatable {
        let value: Int

        /// The orientation tag of the first Exif segment, or upright when there is none.
        init(exifOf jpeg: [UInt8]) {
            value = Self.read(jpeg) ?? 1
        }

        static func read(_ bytes: [UInt8]) -> Int? {
            var index = 2
            while index + 4 <= bytes.count, bytes[index] == 0xFF {
                let marker = bytes[index + 1]
                if marker == 0xDA || marker == 0xD9 { return nil }
                let length = Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
                guard length >= 2, index + 2 + length <= bytes.count else { return nil }
                let body = Array(bytes[(index + 4)..<(index + 2 + length)])
                if marker == 0xE1, body.starts(with: Array("Exif\0\0".utf8)) { return tiffOrientation(Array(body.dropFirst(6))) }
                index += 2 + length
            }
            return nil
        }

        /// Tag 0x0112 of IFD0 in a TIFF header, either byte order.
        static func tiffOrientation(_ tiff: [UInt8]) -> Int? {
            guard tiff.count >= 8 else { return nil }
            let little = tiff[0] == 0x49
            func number(_ offset: Int, _ count: Int) -> Int? {
                guard offset >= 0, offset + count <= tiff.count else { return nil }
                let slice = tiff[offset..<(offset + count)]
                return (little ? slice.reversed() : Array(slice)).reduce(0) { $0 << 8 | Int($1) }
            }
            guard let first = number(4, 4), let entries = number(first, 2) else { return nil }
            for entry in 0..<min(entries, 512) {
                let at = first + 2 + entry * 12
                guard let tag = number(at, 2) else { return nil }
                if tag == 0x0112, let value = number(at + 8, 2), (1...8).contains(value) { return value }
            }
            return nil
        }

        /// The pixels turned upright, with their new size.
        func apply(to pixels: [UInt8], width: Int, height: Int, components: Int) -> (pixels: [UInt8], width: Int, height: Int) {
            guard value != 1 else { return (pixels, width, height) }
            let swaps = value >= 5
            let (outWidth, outHeight) = swaps ? (height, width) : (width, height)
            var out = [UInt8](repeating: 0, count: pixels.count)
            for y in 0..<outHeight {
                for x in 0..<outWidth {
                    // Where the output pixel (x, y) is stored in the input.
                    let (sourceX, sourceY): (Int, Int)
                    switch value {
                    case 2: (sourceX, sourceY) = (width - 1 - x, y)
                    case 3: (sourceX, sourceY) = (width - 1 - x, height - 1 - y)
                    case 4: (sourceX, sourceY) = (x, height - 1 - y)
                    case 5: (sourceX, sourceY) = (y, x)
                    case 6: (sourceX, sourceY) = (y, height - 1 - x)
                    case 7: (sourceX, sourceY) = (width - 1 - y, height - 1 - x)
                    default: (sourceX, sourceY) = (width - 1 - y, x)
                    }
                    let from = (sourceY * width + sourceX) * components
                    let to = (y * outWidth + x) * components
                    for component in 0..<components { out[to + component] = pixels[from + component] }
                }
            }
            return (out, outWidth, outHeight)
        }
    }
}

/// Bytes Cairo writes a PNG into.
final class PNGSink {
    var bytes: [UInt8] = []
}

func writePNGBytes(_ closure: UnsafeMutableRawPointer?, _ data: UnsafePointer<UInt8>?, _ length: UInt32) -> cairo_status_t {
    guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
    Unmanaged<PNGSink>.fromOpaque(closure).takeUnretainedValue().bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
    return CAIRO_STATUS_SUCCESS
}
