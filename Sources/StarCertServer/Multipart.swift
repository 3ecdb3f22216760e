/// Reads the file part of a `multipart/form-data` body (RFC 7578): the first part with a
/// `filename`, as the range of its bytes in the body (so that a large upload is not copied to be
/// read). Only what `/verify` needs; anything malformed gives nil.
enum Multipart {
    static func file(in body: [UInt8], contentType: String) -> Range<Int>? {
        guard let boundary = boundary(contentType), !boundary.isEmpty, boundary.utf8.count <= 70 else { return nil }
        let delimiter = Array("--\(boundary)".utf8)
        var start = 0
        while let opening = find(delimiter, in: body, from: start) {
            var index = opening + delimiter.count
            // `--` after the delimiter ends the body.
            if body[index...].starts(with: Array("--".utf8)) { return nil }
            guard body[index...].starts(with: [0x0D, 0x0A]) else { return nil }
            index += 2
            guard let headersEnd = find([0x0D, 0x0A, 0x0D, 0x0A], in: body, from: index) else { return nil }
            let headers = String(decoding: body[index..<headersEnd], as: UTF8.self).lowercased()
            let contentStart = headersEnd + 4
            guard let next = find([0x0D, 0x0A] + delimiter, in: body, from: contentStart) else { return nil }
            if headers.contains("filename=") { return contentStart..<next }
            start = next + 2
        }
        return nil
    }

    /// The `boundary` parameter of a Content-Type, unquoted.
    static func boundary(_ contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let parts = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, parts[0].lowercased() == "boundary" else { continue }
            return parts[1].hasPrefix("\"") && parts[1].hasSuffix("\"") && parts[1].count >= 2 ? String(parts[1].dropFirst().dropLast()) : parts[1]
        }
        return nil
    }

    /// Where `needle` first starts in `bytes` at or after `start`.
    static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, bytes.count >= needle.count, start >= 0, start <= bytes.count - needle.count else { return nil }
        var index = start
        let first = needle[0]
        while index <= bytes.count - needle.count {
            if bytes[index] == first, bytes[index..<index + needle.count].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
