import Foundation
import Spreadsheet
import StarCertCore
import StarCertWorkbook

nonisolated(unsafe) let catalog = try! StandardCatalog.installed()
/// A blank scoring workbook, and its parts, for inputs that replace one part.
nonisolated(unsafe) let blank = try! AssessmentFiles.blank(for: catalog.defaultStandard!, format: .workbook, date: CalendarDate(year: 2026, month: 12, day: 3)!)
nonisolated(unsafe) let parts: [(String, [UInt8])] = {
    let package = try! ZipArchive(blank)
    return package.entries.map { ($0.name, try! package.data($0.name)!) }
}()

/// One input: the first byte picks a part of the blank workbook that the rest of the input
/// replaces (reaching the XML readers behind an intact package), or the whole package.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let choice = Int(data[0]) % (parts.count + 1)
    var input = bytes
    if choice < parts.count {
        var writer = ZipWriter()
        for (index, part) in parts.enumerated() { writer.add(part.0, index == choice ? bytes : part.1) }
        input = writer.bytes
    }
    _ = AssessmentFiles.parseWorkbook(input, file: "fuzz.xlsx", baseDirectory: "/nonexistent", catalog: catalog)
    return 0
}
