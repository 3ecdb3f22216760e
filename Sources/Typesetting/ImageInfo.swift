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
