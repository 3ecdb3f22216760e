import Foundation
import StarCertCore

/// The standard the assessment reader checks against, loaded once.
nonisolated(unsafe) let catalog = try! StandardCatalog.installed()

/// One input: the first byte picks the reader (assessment as YAML, as JSON, or issuer profile),
/// the rest is the file. Any crash, hang or sanitizer report is a bug; errors are expected.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    switch data[0] % 3 {
    case 0: _ = AssessmentParser(catalog: catalog).parse(bytes, file: "fuzz.yaml", baseDirectory: "/nonexistent")
    case 1: _ = AssessmentParser(catalog: catalog).parse(bytes, file: "fuzz.json", baseDirectory: "/nonexistent")
    default: _ = IssuerProfile.parse(bytes, file: "/nonexistent/issuer.yaml")
    }
    return 0
}
