import PDFObjects

/// One input: a PDF as a stranger uploads it to `/verify`. The path `/verify` takes through the
/// PDF objects reader runs on it: the last signature, the signed revision's cross-reference and
/// trailer, its document information, the page tree. Any crash, hang or sanitizer report is a bug;
/// errors are expected.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var revision = bytes
    if let reading = try? PDFSignatureReading.last(in: bytes) {
        revision = Array(bytes.prefix(reading.byteRange[2] + reading.byteRange[3]))
        _ = reading.unsignedRevision.map { try? PDFFile($0) }
    }
    guard let file = try? PDFFile(revision) else { return 0 }
    _ = file.information("Keywords")
    _ = file.information("Title")
    _ = file.pageNumbers
    for number in file.objectNumbers.prefix(64) {
        if let text = file.dictionary(number) {
            let dictionary = PDFDictionary(text)
            _ = dictionary.name("Type")
            _ = dictionary.references(inArray: "Kids")
            _ = dictionary.value("Contents").map(PDFText.decode)
        }
    }
    return 0
}
