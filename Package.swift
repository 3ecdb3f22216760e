// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "StarCert",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "starcert", targets: ["starcert"]),
        .library(name: "StarCertCore", targets: ["StarCertCore"]),
        .library(name: "Typesetting", targets: ["Typesetting"]),
        .library(name: "StarCertReports", targets: ["StarCertReports"]),
        .library(name: "StarCertArchive", targets: ["StarCertArchive"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // 5.0.1 keeps every pair of a mapping, so StarCert reports each duplicated key itself
        // (6.x stops at the first duplicate with a single error).
        .package(url: "https://github.com/jpsim/Yams", exact: "5.0.1"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        // X.509 certificates and CMS signatures (PAdES). The CMS API is SPI (`@_spi(CMS) import X509`),
        // which may change in any release without notice, so the version is pinned exactly.
        .package(url: "https://github.com/apple/swift-certificates", exact: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .target(
            name: "StarCertCore",
            dependencies: [.product(name: "Yams", package: "Yams")],
            // The standard definitions are read at run time from where `Resources` finds them.
            exclude: ["README.md", "Standards"]
        ),
        .systemLibrary(
            name: "CPangoCairo",
            pkgConfig: "pangocairo",
            providers: [.apt(["libcairo2-dev", "libpango1.0-dev"])]
        ),
        .systemLibrary(
            name: "CQREncode",
            pkgConfig: "libqrencode",
            providers: [.apt(["libqrencode-dev"])]
        ),
        .target(
            name: "Typesetting",
            dependencies: ["CPangoCairo", "CQREncode"],
            exclude: ["README.md"]
        ),
        .target(
            name: "StarCertReports",
            dependencies: [
                "StarCertCore", "Typesetting",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            exclude: ["README.md"]
        ),
        .target(
            name: "StarCertArchive",
            dependencies: [
                "StarCertCore", "StarCertReports", "Typesetting",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            exclude: ["README.md"]
        ),
        .target(
            name: "StarCertServer",
            dependencies: [
                "StarCertCore", "StarCertReports", "StarCertArchive",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            exclude: ["README.md"]
        ),
        .executableTarget(
            name: "starcert",
            dependencies: [
                "StarCertCore",
                "StarCertReports",
                "StarCertArchive",
                "StarCertServer",
                "Typesetting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            exclude: ["README.md"]
        ),
        .executableTarget(
            name: "starcert-bench",
            dependencies: ["StarCertCore", "StarCertReports", "StarCertArchive", "Typesetting"]
        ),
        .target(
            name: "StarCertTestSupport",
            dependencies: ["StarCertCore", "Typesetting"],
            exclude: ["README.md"]
        ),
        .testTarget(
            name: "StarCertCoreTests",
            dependencies: [
                "StarCertCore",
                "StarCertTestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "TypesettingTests",
            dependencies: ["Typesetting", "StarCertTestSupport"]
        ),
        .testTarget(
            name: "StarCertReportsTests",
            dependencies: ["StarCertReports", "StarCertTestSupport", "Typesetting"],
            exclude: ["Goldens"]
        ),
        .testTarget(
            name: "StarCertArchiveTests",
            dependencies: [
                "StarCertArchive", "StarCertTestSupport", "Typesetting",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        .testTarget(
            name: "StarCertServerTests",
            dependencies: [
                "StarCertServer", "StarCertArchive", "StarCertTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "StarCertCommandTests",
            dependencies: ["starcert", "StarCertTestSupport"]
        ),
    ]
)
