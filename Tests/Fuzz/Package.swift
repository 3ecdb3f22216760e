// swift-tools-version: 6.1
// Coverage-guided fuzzing of StarCert's readers (libFuzzer), outside the main package so that a
// normal build never needs the sanitizer. Build and run with Scripts/fuzz.
import Foundation
import PackageDescription

/// The main package is this folder's grandparent; a path dependency is named after its folder.
let main = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let identity = main.lastPathComponent.lowercased()

let package = Package(
    name: "StarCertFuzz",
    dependencies: [.package(path: "../..")],
    targets: [
        .executableTarget(
            name: "ReaderFuzz",
            dependencies: [
                .product(name: "StarCertCore", package: identity),
            ],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
        .executableTarget(
            name: "WorkbookFuzz",
            dependencies: [
                .product(name: "StarCertWorkbook", package: identity),
                .product(name: "Spreadsheet", package: identity),
                .product(name: "StarCertCore", package: identity),
            ],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
        .executableTarget(
            name: "PDFFuzz",
            dependencies: [
                .product(name: "PDFObjects", package: identity),
            ],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
    ]
)
