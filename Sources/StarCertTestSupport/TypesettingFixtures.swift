import Foundation
import Typesetting

/// The repository's font configuration, for tests of the typesetting layer.
public enum TypesettingFixtures {
    public static let fonts = FontConfiguration(
        configFile: Fixtures.packageRoot.appendingPathComponent("Fonts/fonts.conf"),
        serifFamily: "Noto Serif CJK SC", sansFamily: "Noto Sans CJK SC",
        installHint: "install Debian's fonts-noto-cjk and run Scripts/setup")
}
