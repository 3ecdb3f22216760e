// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "StarCert",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "starcert", targets: ["starcert"]),
        .library(name: "StarCertCore", targets: ["StarCertCore"]),
        .library(name: "Typesetting", targets: ["Typesetting"]),
        .library(name: "PDFObjects", targets: ["PDFObjects"]),
        .library(name: "StarCertTemplates", targets: ["StarCertTemplates"]),
        .library(name: "Spreadsheet", targets: ["Spreadsheet"]),
        .library(name: "StarCertWorkbook", targets: ["StarCertWorkbook"]),
        .library(name: "StarCertDocuments", targets: ["StarCertDocuments"]),
        .library(name: "StarCertArchive", targets: ["StarCertArchive"]),
        .library(name: "StarCertIssuing", targets: ["StarCertIssuing"]),
        .library(name: "StarCertApp", targets: ["StarCertApp"]),
        .library(name: "StarCertServer", targets: ["StarCertServer"]),
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
    // Imports point one way: core → typesetting and PDF objects → templates → documents → archive
    // → issuing → the application layer → the front ends (command line, server). The server's
    // closure holds no Cairo, Pango or typesetting target.
    targets: [
        // The scoring core and every input reader (assessments, standards, the issuer profile).
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
        // Decoding and encoding JPEG with libjpeg, so pictures reach documents as pixels only.
        .target(
            name: "CJPEG",
            linkerSettings: [.linkedLibrary("jpeg"), .linkedLibrary("lcms2")]
        ),
        // Content → layout → export with Cairo and Pango; knows nothing of the standard.
        .target(
            name: "Typesetting",
            dependencies: ["CPangoCairo", "CQREncode", "CJPEG"],
            exclude: ["README.md"]
        ),
        // Deflate and bounded inflate with zlib, for compressed PDF object and cross-reference streams.
        .target(
            name: "CZlib",
            linkerSettings: [.linkedLibrary("z")]
        ),
        // Office Open XML packages (.xlsx): ZIP read with every size checked before inflating, and
        // XML that never accepts a document type; knows nothing of the standard.
        .target(
            name: "Spreadsheet",
            dependencies: ["CZlib"],
            exclude: ["README.md"]
        ),
        // The scoring workbook (评分表): assessments read from and written to .xlsx, and the one
        // entry point that reads an assessment in any format.
        .target(
            name: "StarCertWorkbook",
            dependencies: ["StarCertCore", "Spreadsheet"],
            exclude: ["README.md"]
        ),
        // glibc's malloc tuning, for the server's memory bound.
        .target(name: "CMalloc"),
        // Reading a PDF's objects, incremental updates, the archival fix-up, signature fields.
        .target(
            name: "PDFObjects",
            dependencies: ["CZlib"],
            exclude: ["README.md"]
        ),
        // Labels and Mustache templates, shared by the HTML documents and the server's pages.
        .target(
            name: "StarCertTemplates",
            dependencies: [
                "StarCertCore",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            exclude: ["README.md"]
        ),
        // Report and certificate models, their PDF and HTML documents, the document pipeline.
        .target(
            name: "StarCertDocuments",
            dependencies: ["StarCertCore", "Typesetting", "PDFObjects", "StarCertTemplates", "StarCertWorkbook"],
            exclude: ["README.md"]
        ),
        // The archive's storage and read side, and verification of what was issued.
        .target(
            name: "StarCertArchive",
            dependencies: [
                "StarCertCore", "PDFObjects",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            exclude: ["README.md"]
        ),
        // The write side: signing identity, refusals, the issuing transaction, PDF signing.
        .target(
            name: "StarCertIssuing",
            dependencies: [
                "StarCertCore", "StarCertDocuments", "StarCertArchive", "PDFObjects", "StarCertTemplates",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            exclude: ["README.md"]
        ),
        // What the front ends share: batches, the report and issue jobs, output folders.
        .target(
            name: "StarCertApp",
            dependencies: ["StarCertCore", "Typesetting", "Spreadsheet", "StarCertTemplates", "StarCertWorkbook", "StarCertDocuments", "StarCertArchive", "StarCertIssuing"],
            exclude: ["README.md"]
        ),
        .target(
            name: "StarCertServer",
            dependencies: [
                "StarCertCore", "StarCertArchive", "PDFObjects", "StarCertTemplates", "CMalloc",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "X509", package: "swift-certificates"),
            ],
            exclude: ["README.md"]
        ),
        .executableTarget(
            name: "starcert",
            dependencies: [
                "StarCertCore", "StarCertTemplates", "StarCertWorkbook", "StarCertDocuments", "StarCertArchive", "StarCertIssuing", "StarCertApp",
                "StarCertServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            exclude: ["README.md"]
        ),
        .executableTarget(
            name: "starcert-bench",
            dependencies: ["StarCertCore", "StarCertTemplates", "StarCertDocuments", "StarCertApp", "StarCertIssuing", "PDFObjects", "StarCertWorkbook", "Spreadsheet"]
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
            name: "SpreadsheetTests",
            dependencies: ["Spreadsheet", "StarCertTestSupport"]
        ),
        .testTarget(
            name: "StarCertWorkbookTests",
            dependencies: ["StarCertWorkbook", "Spreadsheet", "StarCertCore", "StarCertTestSupport"]
        ),
        .testTarget(
            name: "PDFObjectsTests",
            dependencies: ["PDFObjects", "StarCertTestSupport"]
        ),
        .testTarget(
            name: "StarCertTemplatesTests",
            dependencies: ["StarCertTemplates", "StarCertCore", "StarCertArchive", "StarCertTestSupport"]
        ),
        .testTarget(
            name: "StarCertDocumentsTests",
            dependencies: ["StarCertDocuments", "StarCertApp", "StarCertTemplates", "StarCertTestSupport", "Typesetting"],
            exclude: ["Goldens"]
        ),
        .testTarget(
            name: "StarCertArchiveTests",
            dependencies: [
                "StarCertArchive", "StarCertIssuing", "StarCertApp", "StarCertDocuments", "StarCertTemplates", "PDFObjects",
                "StarCertTestSupport", "Typesetting",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        .testTarget(
            name: "StarCertServerTests",
            dependencies: [
                "StarCertServer", "StarCertArchive", "StarCertTemplates", "PDFObjects", "StarCertTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "StarCertCommandTests",
            dependencies: ["starcert", "StarCertTestSupport"]
        ),
    ]
)
