import Foundation
import Typesetting

/// Finds StarCert's font configuration (`Fonts/fonts.conf`) and the families it uses.
public enum FontSetup {
    public static let defaultSerif = "Noto Serif CJK SC"
    public static let defaultSans = "Noto Sans CJK SC"
    public static let installHint = "install Debian's fonts-noto-cjk and run Scripts/setup, which prepares the fonts in Fonts/build/, or name installed families with --serif-font/--sans-font"

    /// The configuration in `STARCERT_FONTS` (a folder with `fonts.conf`), else the `Fonts/` folder
    /// of the StarCert checkout the binary was built in; families from `STARCERT_SERIF_FONT` and
    /// `STARCERT_SANS_FONT`, or the Noto CJK SC defaults.
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
        guard let folder = Assets.folder("Fonts", environmentKey: "STARCERT_FONTS", environment: environment) else {
            throw TypesettingError.fontConfiguration("Fonts/fonts.conf was not found near the starcert binary; set STARCERT_FONTS to the folder that holds it")
        }
        let file = folder.appendingPathComponent("fonts.conf")
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw TypesettingError.fontConfiguration("\(folder.path) has no fonts.conf")
        }
        return file
    }
}
