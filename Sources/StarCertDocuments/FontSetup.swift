import Foundation
import StarCertCore
import Typesetting

/// Finds StarCert's font configuration (`Fonts/fonts.conf`) and the families it uses.
public enum FontSetup {
    public static let defaultSerif = "Noto Serif CJK SC"
    public static let defaultSans = "Noto Sans CJK SC"
    public static let installHint = "install Debian's fonts-noto-cjk and run Scripts/setup, which prepares the fonts in Fonts/build/, or name installed families with --serif-font/--sans-font"

    /// The configuration `fonts.conf` in the fonts folder (see `Resources`); families from
    /// `STARCERT_SERIF_FONT` and `STARCERT_SANS_FONT`, or the Noto CJK SC defaults.
    public static func locate(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        serif: String? = nil, sans: String? = nil
    ) throws -> FontConfiguration {
        let file = try configFile(environment: environment)
        return FontConfiguration(
            configFile: file,
            serifFamily: serif ?? environment["STARCERT_SERIF_FONT"] ?? defaultSerif,
            sansFamily: sans ?? environment["STARCERT_SANS_FONT"] ?? defaultSans,
            installHint: installHint)
    }

    static func configFile(environment: [String: String]) throws -> URL {
        let folder = try Resources.locate(environment: environment).fonts
        let file = folder.appendingPathComponent("fonts.conf")
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw TypesettingError.fontConfiguration("\(folder.path) has no fonts.conf")
        }
        return file
    }
}
