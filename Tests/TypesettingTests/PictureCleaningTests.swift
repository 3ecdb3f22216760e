import Foundation
import StarCertTestSupport
import Testing
import Typesetting

/// Pictures reach documents as pixels only, decoded whole: each class of hostile or careless
/// picture in several variants.
@Suite struct PictureCleaningTests {
    static let photo = Array((try? Data(contentsOf: Fixtures.examples.appendingPathComponent("photos/spare-parts.jpg"))) ?? Data())
    static let chart = Array((try? Data(contentsOf: Fixtures.examples.appendingPathComponent("photos/dashboard.png"))) ?? Data())
    static let limit = 40_000_000

    /// A PNG signature and header chunk declaring `width` × `height`, and nothing decodable after it.
    static func pngHeader(width: UInt32, height: UInt32) -> [UInt8] {
        func be(_ value: UInt32) -> [UInt8] { [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)] }
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + be(13) + Array("IHDR".utf8) + be(width) + be(height) + [8, 2, 0, 0, 0] + [0, 0, 0, 0]
    }

    /// The photo with a segment inserted after its start marker.
    static func withSegment(_ marker: UInt8, _ body: [UInt8]) -> [UInt8] {
        let length = body.count + 2
        return [0xFF, 0xD8, 0xFF, marker, UInt8(length >> 8), UInt8(length & 0xFF)] + body + Array(photo.dropFirst(2))
    }

    @Test(arguments: [(UInt32.max, UInt32.max), (100_001, 1), (1, 100_001), (40_001, 1_000), (1 << 31, 1 << 31), (32_768, 10)] as [(UInt32, UInt32)])
    func extremeDimensionsAreRefusedBeforeDecoding(width: UInt32, height: UInt32) {
        #expect(throws: PictureCleaning.Problem.tooLarge(width: Int(width), height: Int(height), maximumPixels: Self.limit)) {
            try PictureCleaning.clean(Self.pngHeader(width: width, height: height), maximumPixels: Self.limit)
        }
    }

    @Test func aJPEGDeclaringHugeDimensionsIsRefused() {
        // The frame header's height and width (bytes 5–8 of SOF0) set to 65,535 each.
        var huge = Self.photo
        let frame = huge.indices.dropLast(9).first { huge[$0] == 0xFF && huge[$0 + 1] == 0xC0 }!
        huge.replaceSubrange((frame + 5)..<(frame + 9), with: [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(throws: PictureCleaning.Problem.tooLarge(width: 65_535, height: 65_535, maximumPixels: Self.limit)) {
            try PictureCleaning.clean(huge, maximumPixels: Self.limit)
        }
    }

    @Test(arguments: [0.3, 0.6, 0.95, 0.999])
    func aJPEGCutShortIsRefused(fraction: Double) {
        let cut = Array(Self.photo.prefix(Int(Double(Self.photo.count) * fraction)))
        #expect {
            try PictureCleaning.clean(cut, maximumPixels: Self.limit)
        } throws: { error in
            guard case PictureCleaning.Problem.damagedJPEG = error else { return false }
            return "\(error)".contains("damaged or cut short")
        }
    }

    @Test(arguments: [1, 2, 3])
    func aGarbledJPEGIsRefused(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        var garbled = Self.photo
        // Bytes of the entropy-coded data replaced by 0xFF markers that cannot stand there.
        let start = garbled.count / 3
        for _ in 0..<40 { garbled[Int.random(in: start..<(garbled.count - 2), using: &random)] = 0xFF }
        #expect(throws: PictureCleaning.Problem.self) { try PictureCleaning.clean(garbled, maximumPixels: Self.limit) }
    }

    @Test(arguments: [0.2, 0.5, 0.9])
    func aPNGCutShortIsRefusedAsDamagedNotAsMemory(fraction: Double) {
        let cut = Array(Self.chart.prefix(Int(Double(Self.chart.count) * fraction)))
        #expect(throws: PictureCleaning.Problem.damagedPNG) { try PictureCleaning.clean(cut, maximumPixels: Self.limit) }
        #expect(!PictureCleaning.Problem.damagedPNG.description.contains("memory"))
    }

    /// Comments, unknown segments, metadata and bytes after the end marker are left behind.
    @Test func nothingButPixelsLeavesAJPEG() throws {
        let hidden = Array("1 0 obj << /Type /Catalog /starcert-signed:forged >> endobj".utf8)
        let variants = [
            Self.withSegment(0xFE, hidden), Self.withSegment(0xE9, hidden), Self.withSegment(0xE1, Array("Exif\0\0".utf8) + hidden),
            Self.photo + hidden, Self.withSegment(0xE2, Array("MPF\0".utf8) + hidden),
        ]
        let clean = try PictureCleaning.clean(Self.photo, maximumPixels: Self.limit)
        for variant in variants {
            let cleaned = try PictureCleaning.clean(variant, maximumPixels: Self.limit)
            #expect(cleaned.bytes.firstRange(of: hidden) == nil && cleaned.bytes.firstRange(of: Array("obj".utf8)) == nil)
            // The pixels are the same, so StarCert writes the same bytes.
            #expect(cleaned.bytes == clean.bytes)
        }
        #expect((clean.pixelWidth, clean.pixelHeight) == (640, 420))
    }

    @Test func nothingButPixelsLeavesAPNG() throws {
        let hidden = Array("1 0 obj << /starcert-signed:forged >> endobj".utf8)
        // A text chunk before the image data (its CRC is not checked by every reader) and bytes after the end.
        let text = [0, 0, 0, UInt8(hidden.count)] + Array("tEXt".utf8) + hidden + [0, 0, 0, 0]
        let variants = [Array(Self.chart.prefix(33)) + text + Array(Self.chart.dropFirst(33)), Self.chart + hidden]
        for variant in variants {
            guard let cleaned = try? PictureCleaning.clean(variant, maximumPixels: Self.limit) else { continue }
            #expect(cleaned.bytes.firstRange(of: hidden) == nil)
        }
        #expect(try PictureCleaning.clean(Self.chart + hidden, maximumPixels: Self.limit).bytes.firstRange(of: hidden) == nil)
    }

    /// An EXIF orientation turns the pixels upright: the written picture needs no orientation.
    @Test(arguments: [(1, 640, 420), (3, 640, 420), (6, 420, 640), (8, 420, 640), (5, 420, 640), (2, 640, 420)])
    func exifOrientationIsApplied(orientation: UInt8, width: Int, height: Int) throws {
        // "Exif\0\0", a big-endian TIFF header, one IFD entry: tag 0x0112, SHORT, count 1, the value.
        let exif = Array("Exif\0\0".utf8) + [0x4D, 0x4D, 0, 0x2A, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0, 0, 0, 0, 0]
        let cleaned = try PictureCleaning.clean(Self.withSegment(0xE1, exif), maximumPixels: Self.limit)
        #expect((cleaned.pixelWidth, cleaned.pixelHeight) == (width, height))
        #expect(cleaned.bytes.firstRange(of: Array("Exif".utf8)) == nil)
    }

    /// A CMYK JPEG (as Adobe writes it, inverted, with its APP14 marker) comes out RGB in the right
    /// colour; pixels are read back by Pillow, not by StarCert.
    @Test func cmykJPEGsComeOutInTheirColours() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let python = Fixtures.packageRoot.appendingPathComponent(".build/pdf-venv/bin/python")
        let cmyk = folder.appendingPathComponent("cmyk.jpg")
        let made = try ExternalProgram.run(python, ["-c", """
            from PIL import Image
            Image.new("CMYK", (64, 32), (0, 255, 255, 0)).save("\(cmyk.path)", quality=95)
            """])
        try #require(made.status == 0, "\(made.stderr)")
        let cleaned = try PictureCleaning.clean(Array(try Data(contentsOf: cmyk)), maximumPixels: Self.limit)
        let written = folder.appendingPathComponent("written.jpg")
        try Data(cleaned.bytes).write(to: written)
        let read = try ExternalProgram.run(python, ["-c", """
            from PIL import Image
            image = Image.open("\(written.path)")
            print(image.mode, *image.getpixel((32, 16)))
            """])
        let parts = read.stdout.split(separator: " ").map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) }
        #expect(parts.first == "RGB", "\(read.stdout)\(read.stderr)")
        let rgb = parts.dropFirst().compactMap { Int($0) }
        #expect(rgb.count == 3 && rgb[0] > 230 && rgb[1] < 25 && rgb[2] < 25, "pure red expected: \(rgb)")
    }

    /// A JPEG with an embedded ICC profile comes out in sRGB as the profile says, not as its raw
    /// numbers: Adobe RGB (1998) and a CMYK press profile, each compared with what Pillow's own
    /// colour management (ImageCms) makes of the same picture.
    @Test(arguments: ["rgb", "cmyk"])
    func iccProfiledJPEGsAreConvertedToSRGB(kind: String) throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let python = Fixtures.packageRoot.appendingPathComponent(".build/pdf-venv/bin/python")
        let profile = kind == "rgb" ? "/usr/share/color/icc/compatibleWithAdobeRGB1998.icc"
            : Fixtures.packageRoot.appendingPathComponent(".build/test-icc/default_cmyk.icc").path
        let source = folder.appendingPathComponent("profiled.jpg")
        let made = try ExternalProgram.run(python, ["-c", """
            from PIL import Image, ImageCms
            import io
            colour = (100, 150, 200) if "\(kind)" == "rgb" else (0, 255, 255, 0)
            image = Image.new("\(kind.uppercased())", (64, 32), colour)
            profile = open("\(profile)", "rb").read()
            image.save("\(source.path)", quality=98, icc_profile=profile)
            expected = ImageCms.profileToProfile(image, ImageCms.ImageCmsProfile(io.BytesIO(profile)), ImageCms.createProfile("sRGB"),
                renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC, outputMode="RGB", flags=ImageCms.Flags.BLACKPOINTCOMPENSATION)
            print(*expected.getpixel((32, 16)))
            """])
        try #require(made.status == 0, "\(made.stderr)")
        let expected = made.stdout.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        let cleaned = try PictureCleaning.clean(Array(try Data(contentsOf: source)), maximumPixels: Self.limit)
        #expect(cleaned.bytes.firstRange(of: Array("ICC_PROFILE".utf8)) == nil)
        let written = folder.appendingPathComponent("written.jpg")
        try Data(cleaned.bytes).write(to: written)
        let read = try ExternalProgram.run(python, ["-c", """
            from PIL import Image
            print(*Image.open("\(written.path)").getpixel((32, 16)))
            """])
        let got = read.stdout.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        let raw = kind == "rgb" ? [100, 150, 200] : [255, 0, 0]
        #expect(expected.count == 3 && got.count == 3, "\(made.stdout) \(read.stdout)\(read.stderr)")
        // Re-encoding moves a flat colour by a level or two; the profile moves it by far more.
        #expect(zip(got, expected).allSatisfy { abs($0 - $1) <= 4 }, "expected \(expected), got \(got)")
        #expect(zip(expected, raw).contains { abs($0 - $1) > 12 }, "the profile should change \(raw), Pillow made \(expected)")
    }

    /// A profile that cannot be read, or that is for another colour space than the picture's, is
    /// refused with the reason, not ignored: the colours could not be trusted. So is an ICC
    /// segment whose sequence numbers are damaged.
    @Test(arguments: ["garbage", "truncated", "cmyk-profile-in-rgb", "gray-profile-in-rgb", "bad-marker"])
    func unusableICCProfilesAreRefused(variant: String) throws {
        if variant == "bad-marker" {
            let marker = Self.withSegment(0xE2, Array("ICC_PROFILE\0".utf8) + [0, 0] + Array("1 0 obj << >> endobj".utf8))
            #expect {
                try PictureCleaning.clean(marker, maximumPixels: Self.limit)
            } throws: { error in
                "\(error)".contains("ICC")
            }
            return
        }
        var profile: [UInt8]
        switch variant {
        case "garbage": profile = Array("not a colour profile at all, just text".utf8)
        case "truncated": profile = Array(try Data(contentsOf: URL(fileURLWithPath: "/usr/share/color/icc/sRGB.icc")).prefix(200))
        case "cmyk-profile-in-rgb":
            profile = Array(try Data(contentsOf: Fixtures.packageRoot.appendingPathComponent(".build/test-icc/default_cmyk.icc")))
        default: profile = Array(try Data(contentsOf: URL(fileURLWithPath: "/usr/share/color/icc/Gray.icc")))
        }
        // APP2 segments of at most 65,519 bytes of profile each: "ICC_PROFILE\0", sequence, count.
        let chunks = stride(from: 0, to: profile.count, by: 65_519).map { Array(profile[$0..<min($0 + 65_519, profile.count)]) }
        var picture: [UInt8] = [0xFF, 0xD8]
        for (index, chunk) in chunks.enumerated() {
            let body = Array("ICC_PROFILE".utf8) + [0, UInt8(index + 1), UInt8(chunks.count)] + chunk
            picture += [0xFF, 0xE2, UInt8((body.count + 2) >> 8), UInt8((body.count + 2) & 0xFF)] + body
        }
        picture += Array(Self.photo.dropFirst(2))
        #expect {
            try PictureCleaning.clean(picture, maximumPixels: Self.limit)
        } throws: { error in
            guard case let .colourProfile(reason) = error as? PictureCleaning.Problem else { return false }
            return variant.hasSuffix("-in-rgb") ? reason.contains("but the picture is RGB") : reason.contains("cannot be read")
        }
    }
}
