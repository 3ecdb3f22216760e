import CPangoCairo
import Foundation

/// Where the fonts come from: a fontconfig file naming font folders, and the families that
/// serve as serif and sans. Nothing else installed on the host is used.
public struct FontConfiguration: Hashable, Sendable {
    /// A fontconfig configuration file (`Fonts/fonts.conf`); its `<dir>` entries name the font folders.
    public var configFile: URL
    public var serifFamily: String
    public var sansFamily: String
    /// What to tell a user to install when a family is missing.
    public var installHint: String

    public init(configFile: URL, serifFamily: String, sansFamily: String, installHint: String) {
        self.configFile = configFile
        self.serifFamily = serifFamily
        self.sansFamily = sansFamily
        self.installHint = installHint
    }

    public func family(_ role: FontRole) -> String {
        switch role {
        case .serif: return serifFamily
        case .sans: return sansFamily
        }
    }
}

public enum TypesettingError: Error, CustomStringConvertible, Equatable, Sendable {
    case fontConfiguration(String)
    case missingFont(family: String, bold: Bool, hint: String)
    case cairo(String)

    public var description: String {
        switch self {
        case let .fontConfiguration(message):
            return "the font configuration cannot be used: \(message)"
        case let .missingFont(family, bold, hint):
            return "the font \(family)\(bold ? " Bold" : "") is not installed; \(hint)"
        case let .cairo(message):
            return "the PDF could not be drawn: \(message)"
        }
    }
}

/// An isolated fontconfig configuration built from a `FontConfiguration`; owns its `FcConfig`.
final class FontLibrary {
    let config: UnsafeMutablePointer<FcConfig>
    let configuration: FontConfiguration

    init(_ configuration: FontConfiguration) throws {
        self.configuration = configuration
        guard FileManager.default.fileExists(atPath: configuration.configFile.path) else {
            throw TypesettingError.fontConfiguration("\(configuration.configFile.path) does not exist")
        }
        guard let config = FcConfigCreate() else { throw TypesettingError.fontConfiguration("fontconfig could not start") }
        self.config = config
        // A writable cache keeps fontconfig quiet and makes later runs faster; the configuration
        // file itself is included as written.
        let xml = """
            <?xml version="1.0"?>
            <fontconfig>
              <cachedir>\(Self.escape(Self.cacheDirectory()))</cachedir>
              <include ignore_missing="no">\(Self.escape(configuration.configFile.path))</include>
            </fontconfig>
            """
        let loaded = xml.withCString { FcConfigParseAndLoadFromMemory(config, $0, 1) }
        guard loaded != 0, FcConfigBuildFonts(config) != 0 else {
            throw TypesettingError.fontConfiguration("\(configuration.configFile.path) is not a valid fontconfig file")
        }
        for role in FontRole.allCases {
            for bold in [false, true] where !hasFace(family: configuration.family(role), bold: bold) {
                throw TypesettingError.missingFont(family: configuration.family(role), bold: bold, hint: configuration.installHint)
            }
        }
    }

    deinit {
        GraphicsLibraries.use { FcConfigDestroy(config) }
    }

    /// Which font draws each character of `text` when `family` (regular weight) is asked for, as
    /// Pango chooses: the first font of fontconfig's sorted list that has it. Characters no font
    /// has are `missing`; those that come from a family not serving `family` are `fallbacks`.
    /// Families the configuration binds to `family` as its continuation (the complete face
    /// behind an everyday one) serve it too. Spaces and invisible format characters are not looked up.
    func coverage(of text: String, family: String) -> GlyphCoverage {
        var coverage = GlyphCoverage()
        guard let pattern = FcPatternCreate() else { return coverage }
        defer { FcPatternDestroy(pattern) }
        _ = family.withCString { FcPatternAddString(pattern, FC_FAMILY, $0) }
        FcPatternAddInteger(pattern, FC_WEIGHT, FC_WEIGHT_REGULAR)
        FcConfigSubstitute(config, pattern, FcMatchPattern)
        var serving: Set<String> = [family]
        var position: Int32 = 0
        var bound: UnsafeMutablePointer<FcChar8>?
        while FcPatternGetString(pattern, FC_FAMILY, position, &bound) == FcResultMatch, let bound {
            serving.insert(String(cString: bound))
            position += 1
        }
        FcDefaultSubstitute(pattern)
        var result = FcResultNoMatch
        guard let sorted = FcFontSort(config, pattern, 1, nil, &result) else { return coverage }
        defer { FcFontSetDestroy(sorted) }
        var fonts: [(family: String, characters: OpaquePointer)] = []
        for index in 0..<Int(sorted.pointee.nfont) {
            guard let font = sorted.pointee.fonts[index] else { continue }
            var name: UnsafeMutablePointer<FcChar8>?
            var characters: OpaquePointer?
            guard FcPatternGetString(font, FC_FAMILY, 0, &name) == FcResultMatch, let name,
                  FcPatternGetCharSet(font, FC_CHARSET, 0, &characters) == FcResultMatch, let characters else { continue }
            fonts.append((String(cString: name), characters))
        }
        var seen = Set<Character>()
        for character in text where seen.insert(character).inserted {
            for scalar in character.unicodeScalars where !scalar.properties.isWhitespace && !scalar.properties.isDefaultIgnorableCodePoint {
                guard let font = fonts.first(where: { FcCharSetHasChar($0.characters, scalar.value) != 0 }) else {
                    coverage.missing.append(character)
                    break
                }
                if !serving.contains(font.family) {
                    coverage.fallbacks.append((character, font.family))
                    break
                }
            }
        }
        return coverage
    }

    /// Whether the configuration holds `family` in the requested weight itself (not a substitute).
    private func hasFace(family: String, bold: Bool) -> Bool {
        guard let pattern = FcPatternCreate() else { return false }
        defer { FcPatternDestroy(pattern) }
        _ = family.withCString { FcPatternAddString(pattern, FC_FAMILY, $0) }
        FcPatternAddInteger(pattern, FC_WEIGHT, bold ? FC_WEIGHT_BOLD : FC_WEIGHT_REGULAR)
        guard let objects = FcObjectSetCreate() else { return false }
        defer { FcObjectSetDestroy(objects) }
        FcObjectSetAdd(objects, FC_WEIGHT)
        guard let list = FcFontList(config, pattern, objects) else { return false }
        defer { FcFontSetDestroy(list) }
        return list.pointee.nfont > 0
    }

    private static func cacheDirectory() -> String {
        let environment = ProcessInfo.processInfo.environment
        let base = environment["XDG_CACHE_HOME"] ?? environment["HOME"].map { $0 + "/.cache" } ?? NSTemporaryDirectory()
        let folder = base + "/starcert/fontconfig"
        if (try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)) != nil,
           FileManager.default.isWritableFile(atPath: folder) {
            return folder
        }
        return NSTemporaryDirectory() + "starcert-fontconfig"
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
