import CZlib

/// Why a ZIP package (an `.xlsx`) cannot be read, said for the person who gave it.
public enum ZipError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not a ZIP file at all (an `.xls`, a CSV renamed, a text file).
    case notZip(String)
    case malformed(String)
    /// An entry whose name could escape a folder (`..`, an absolute path, a drive, a backslash).
    case unsafeName(String)
    /// Sizes, counts or compression ratios beyond the limits: refused before inflating.
    case tooLarge(String)
    case unsupported(String)

    public var description: String {
        switch self {
        case let .notZip(reason), let .malformed(reason), let .tooLarge(reason), let .unsupported(reason): reason
        case let .unsafeName(name): "the package holds an entry named `\(name)`, which could point outside it; expected plain relative names"
        }
    }
}

/// A ZIP package read from memory (central directory first, as the format intends), with every
/// size, count and ratio checked against `Limits` before anything is inflated, entry names that
/// could escape refused, and each inflated entry checked against its recorded size and CRC-32.
public struct ZipArchive: Sendable {
    public struct Limits: Sendable {
        public var entries = 10_000
        public var entrySize = 64 << 20
        public var totalSize = 256 << 20
        /// Uncompressed to compressed, for entries above 64 KiB (a zip bomb's signature).
        public var ratio = 500
        public init() {}
    }

    public struct Entry: Sendable, Equatable {
        public let name: String
        let method: UInt16
        let crc: UInt32
        let compressedSize: Int
        public let size: Int
        let headerOffset: Int
    }

    public let entries: [Entry]
    private let bytes: [UInt8]
    private let byName: [String: Int]

    public init(_ bytes: [UInt8], limits: Limits = Limits()) throws(ZipError) {
        self.bytes = bytes
        guard bytes.count >= 22 else { throw .notZip("the file is \(bytes.count) bytes long, too short for a ZIP package") }
        guard bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) || bytes.starts(with: [0x50, 0x4B, 0x05, 0x06]) else {
            if bytes.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) { throw .notZip("this is an old binary workbook (.xls); save it as .xlsx (Excel 2007 or later) first") }
            throw .notZip("the file does not start as a ZIP package does; an .xlsx workbook is one")
        }
        // The end-of-central-directory record: the last one in the final 64 KiB + 22 bytes.
        let lowest = max(0, bytes.count - 22 - 0xFFFF)
        var end = bytes.count - 22
        while end >= lowest, !(bytes[end] == 0x50 && bytes[end + 1] == 0x4B && bytes[end + 2] == 0x05 && bytes[end + 3] == 0x06) { end -= 1 }
        guard end >= lowest else { throw .malformed("the ZIP package has no central directory (cut short?)") }
        let count = Int(Self.u16(bytes, end + 10))
        let directorySize = Int(Self.u32(bytes, end + 12))
        let directoryOffset = Int(Self.u32(bytes, end + 16))
        if count == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
            throw .unsupported("the package uses ZIP64 (for files over 4 GiB); a workbook is far smaller")
        }
        guard count <= limits.entries else { throw .tooLarge("the package holds \(count) entries; at most \(limits.entries) are read") }
        guard directoryOffset + directorySize <= end else { throw .malformed("the ZIP central directory lies outside the file") }
        var entries: [Entry] = []
        var byName: [String: Int] = [:]
        var folded: Set<String> = []
        var total = 0
        var offset = directoryOffset
        for _ in 0..<count {
            guard offset + 46 <= end, Self.u32(bytes, offset) == 0x0201_4B50 else { throw .malformed("a ZIP directory entry is damaged") }
            let flags = Self.u16(bytes, offset + 8)
            let method = Self.u16(bytes, offset + 10)
            let crc = Self.u32(bytes, offset + 16)
            let compressed = Int(Self.u32(bytes, offset + 20))
            let size = Int(Self.u32(bytes, offset + 24))
            let nameLength = Int(Self.u16(bytes, offset + 28))
            let extraLength = Int(Self.u16(bytes, offset + 30))
            let commentLength = Int(Self.u16(bytes, offset + 32))
            let header = Int(Self.u32(bytes, offset + 42))
            guard offset + 46 + nameLength <= end else { throw .malformed("a ZIP directory entry's name runs past the directory") }
            let name = String(decoding: bytes[offset + 46..<offset + 46 + nameLength], as: UTF8.self)
            offset += 46 + nameLength + extraLength + commentLength
            guard Self.isSafe(name) else { throw .unsafeName(String(name.unicodeScalars.map { $0.value < 0x20 ? "?" : Character($0) })) }
            guard flags & 1 == 0 else { throw .unsupported("the entry `\(name)` is encrypted; save the workbook without a password to open") }
            guard method == 0 || method == 8 else { throw .unsupported("the entry `\(name)` is compressed with method \(method); expected stored or deflate") }
            guard size <= limits.entrySize else { throw .tooLarge("the entry `\(name)` expands to \(size) bytes; at most \(limits.entrySize) are read") }
            total += size
            guard total <= limits.totalSize else { throw .tooLarge("the package expands to more than \(limits.totalSize) bytes") }
            guard size <= 64 << 10 || size / max(compressed, 1) <= limits.ratio else {
                throw .tooLarge("the entry `\(name)` would expand \(size / max(compressed, 1)) times (a compression bomb); at most \(limits.ratio) times is read")
            }
            guard method == 8 || compressed == size else { throw .malformed("the stored entry `\(name)` records two different sizes") }
            guard header + 30 <= directoryOffset else { throw .malformed("the entry `\(name)` points outside the file") }
            guard byName.updateValue(entries.count, forKey: name) == nil else { throw .malformed("the package holds two entries named `\(name)`") }
            // Part names compare without letter case (ECMA-376 part 2): `Sheet1.xml` and `sheet1.xml` are one part.
            guard folded.insert(name.lowercased()).inserted else { throw .malformed("the package holds two entries named `\(name)` apart from letter case") }
            entries.append(Entry(name: name, method: method, crc: crc, compressedSize: compressed, size: size, headerOffset: header))
        }
        self.entries = entries
        self.byName = byName
    }

    public func contains(_ name: String) -> Bool { byName[name] != nil }

    /// The entry's bytes, inflated and checked; nil when there is no such entry.
    public func data(_ name: String) throws(ZipError) -> [UInt8]? {
        guard let index = byName[name] else { return nil }
        let entry = entries[index]
        let header = entry.headerOffset
        guard Self.u32(bytes, header) == 0x0403_4B50 else { throw .malformed("the entry `\(name)` is damaged (no local header)") }
        let localNameLength = Int(Self.u16(bytes, header + 26))
        guard header + 30 + localNameLength <= bytes.count,
              bytes[(header + 30)..<(header + 30 + localNameLength)].elementsEqual(name.utf8) else {
            throw .malformed("the entry `\(name)` is named differently in its local header; a package reads the same in every program or not at all")
        }
        let start = header + 30 + Int(Self.u16(bytes, header + 26)) + Int(Self.u16(bytes, header + 28))
        guard start <= bytes.count, entry.compressedSize <= bytes.count - start else { throw .malformed("the entry `\(name)` is cut short") }
        let stored = bytes[start..<start + entry.compressedSize]
        let data: [UInt8]
        if entry.method == 0 {
            data = Array(stored)
        } else {
            var out: UnsafeMutablePointer<UInt8>?
            var size = 0
            let status = stored.withUnsafeBufferPointer { starcert_inflate_raw($0.baseAddress, $0.count, entry.size, &out, &size) }
            defer { starcert_zlib_free(out) }
            switch status {
            case 0: data = out.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
            case 2: throw .tooLarge("the entry `\(name)` expands past the \(entry.size) bytes it declares")
            default: throw .malformed("the entry `\(name)` is damaged or cut short")
            }
        }
        guard data.count == entry.size else { throw .malformed("the entry `\(name)` holds \(data.count) bytes, not the \(entry.size) it declares") }
        guard UInt32(data.withUnsafeBufferPointer { starcert_crc32($0.baseAddress, $0.count) }) == entry.crc else {
            throw .malformed("the entry `\(name)` is damaged (its checksum does not match)")
        }
        return data
    }

    /// Plain relative names only: no absolute path, drive, backslash, `..`, empty part or control character.
    static func isSafe(_ name: String) -> Bool {
        guard !name.isEmpty, !name.hasPrefix("/"), !name.contains("\\"), name.utf8.count <= 1024 else { return false }
        guard !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return false }
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        if let first = parts.first, first.count == 2, first.last == ":" { return false }
        return !parts.dropLast().contains { $0.isEmpty || $0 == "." || $0 == ".." } && parts.last != ".." && parts.last != "."
    }

    static func u16(_ bytes: [UInt8], _ at: Int) -> UInt16 { UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8 }
    static func u32(_ bytes: [UInt8], _ at: Int) -> UInt32 { UInt32(u16(bytes, at)) | UInt32(u16(bytes, at + 2)) << 16 }
}

/// Writes a ZIP package in memory: entries deflated, dated 1980-01-01 00:00, in the order added,
/// so that the same entries always give the same bytes.
public struct ZipWriter: Sendable {
    private var body: [UInt8] = []
    private var directory: [UInt8] = []
    private var count = 0

    public init() {}

    public mutating func add(_ name: String, _ data: [UInt8]) {
        precondition(ZipArchive.isSafe(name), "unsafe entry name \(name)")
        var out: UnsafeMutablePointer<UInt8>?
        var size = 0
        let status = data.withUnsafeBufferPointer { starcert_deflate_raw($0.baseAddress, $0.count, &out, &size) }
        defer { starcert_zlib_free(out) }
        guard status == 0, let out else { fatalError("zlib could not compress \(data.count) bytes in memory") }
        let compressed = UnsafeBufferPointer(start: out, count: size)
        let crc = UInt32(data.withUnsafeBufferPointer { starcert_crc32($0.baseAddress, $0.count) })
        let nameBytes = Array(name.utf8)
        let offset = body.count
        // Version 2.0, UTF-8 names (bit 11), deflate, 1980-01-01 00:00.
        var common: [UInt8] = Self.le16(20) + Self.le16(0x0800) + Self.le16(8) + Self.le16(0) + Self.le16(0x21)
        common += Self.le32(crc) + Self.le32(UInt32(size)) + Self.le32(UInt32(data.count)) + Self.le16(UInt16(nameBytes.count)) + Self.le16(0)
        body += Self.le32(0x0403_4B50) + common + nameBytes
        body += compressed
        directory += Self.le32(0x0201_4B50) + Self.le16(20) + common + Self.le16(0) + Self.le16(0) + Self.le16(0) + Self.le32(0)
            + Self.le32(UInt32(offset)) + nameBytes
        count += 1
    }

    /// The package's bytes.
    public var bytes: [UInt8] {
        body + directory + Self.le32(0x0605_4B50) + Self.le16(0) + Self.le16(0) + Self.le16(UInt16(count)) + Self.le16(UInt16(count))
            + Self.le32(UInt32(directory.count)) + Self.le32(UInt32(body.count)) + Self.le16(0)
    }

    static func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
    static func le32(_ value: UInt32) -> [UInt8] { le16(UInt16(value & 0xFFFF)) + le16(UInt16(value >> 16)) }
}
