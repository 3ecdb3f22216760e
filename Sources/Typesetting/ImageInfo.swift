import CPangoCairo

/// Reads the size of a JPEG or PNG from its header, without decoding it.
enum ImageInfo {
    static func read(_ bytes: [UInt8]) -> (format: ImageData.Format, width: Int, height: Int)? {
        if bytes.count >= 24, bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            let width = bigEndian(bytes, 16, 4)
            let height = bigEndian(bytes, 20, 4)
            return width > 0 && height > 0 ? (.png, width, height) : nil
        }
        guard bytes.count > 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return nil }
        var index = 2
        while index + 9 < bytes.count {
            guard bytes[index] == 0xFF else { return nil }
            let marker = bytes[index + 1]
            if marker == 0xFF { index += 1; continue }
            if marker == 0xD8 || (0xD0...0xD7).contains(marker) || marker == 0x01 { index += 2; continue }
            let length = bigEndian(bytes, index + 2, 2)
            // Start-of-frame markers (baseline, progressive, …) carry the size; 0xC4, 0xC8, 0xCC do not.
            if (0xC0...0xCF).contains(marker), marker != 0xC4, marker != 0xC8, marker != 0xCC {
                let height = bigEndian(bytes, index + 5, 2)
                let width = bigEndian(bytes, index + 7, 2)
                return width > 0 && height > 0 ? (.jpeg, width, height) : nil
            }
            guard length >= 2 else { return nil }
            index += 2 + length
        }
        return nil
    }

    private static func bigEndian(_ bytes: [UInt8], _ offset: Int, _ count: Int) -> Int {
        (0..<count).reduce(0) { $0 << 8 | Int(bytes[offset + $1]) }
    }
}

extension ImageData {
    /// Why the picture cannot be drawn whole (a damaged or truncated file), or nil when it can: a
    /// PNG is decoded, a JPEG (embedded as it is) is walked from its frame header to its end marker.
    public func decodingProblem() -> String? {
        switch format {
        case .png:
            let source = PNGSource(bytes)
            let surface = withExtendedLifetime(source) {
                cairo_image_surface_create_from_png_stream(readPNGBytes, Unmanaged.passUnretained(source).toOpaque())
            }
            defer { cairo_surface_destroy(surface) }
            let status = cairo_surface_status(surface)
            return status == CAIRO_STATUS_SUCCESS ? nil : "the PNG data is damaged (\(String(cString: cairo_status_to_string(status))))"
        case .jpeg:
            return ImageInfo.jpegStructureProblem(bytes)
        }
    }
}

extension ImageInfo {
    /// A JPEG must have its frame header with 1, 3 or 4 components, a scan, and an end marker.
    static func jpegStructureProblem(_ bytes: [UInt8]) -> String? {
        var index = 2
        var components: Int?
        while index + 3 < bytes.count {
            guard bytes[index] == 0xFF else { return "the JPEG data is damaged (a marker is missing at byte \(index))" }
            let marker = bytes[index + 1]
            if marker == 0xFF { index += 1; continue }
            if marker == 0xD8 || (0xD0...0xD7).contains(marker) || marker == 0x01 { index += 2; continue }
            let length = Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
            guard length >= 2 else { return "the JPEG data is damaged (a segment of length \(length))" }
            if (0xC0...0xCF).contains(marker), marker != 0xC4, marker != 0xC8, marker != 0xCC, index + 9 < bytes.count {
                components = Int(bytes[index + 9])
            }
            if marker == 0xDA {
                guard let components else { return "the JPEG has no frame header before its image data" }
                if components == 4 { return "the JPEG is in CMYK colours, which print wrongly; expected an RGB or grayscale JPEG" }
                guard [1, 3].contains(components) else { return "the JPEG has \(components) colour components; expected an RGB or grayscale JPEG" }
                let tail = bytes.suffix(min(bytes.count - index, 4096))
                guard zip(tail, tail.dropFirst()).contains(where: { $0 == 0xFF && $1 == 0xD9 }) else {
                    return "the JPEG is truncated (it has no end marker)"
                }
                return nil
            }
            index += 2 + length
        }
        return "the JPEG is truncated (its image data is missing)"
    }
}
