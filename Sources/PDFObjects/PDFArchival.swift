import Foundation

/// Makes a PDF that Cairo 1.16 wrote conform to PDF/A-2b (ISO 19005-2, level B), by an incremental
/// update: Cairo's bytes stay untouched as the first revision, and the update adds what the
/// standard asks for — XMP metadata matching the document information, an sRGB output intent,
/// a trailer /ID, /CIDToGIDMap on TrueType CID fonts, /F on link annotations, dates with `D:` —
/// plus what a tagged PDF needs that Cairo cannot write: `/Lang`, `/MarkInfo` and the alternative
/// text of figures.
public enum PDFArchival {
    /// The ICC profile of the output intent, read once: Debian's `icc-profiles-free` sRGB profile.
    public static let colorProfilePath = "/usr/share/color/icc/sRGB.icc"

    /// What the document information and the XMP packet state.
    public struct Metadata: Sendable {
        public var title: String
        public var author: String
        public var subject: String
        public var keywords: String
        public var creator: String
        /// The program that wrote the PDF, e.g. `StarCert (cairo 1.16.0)`.
        public var producer: String
        /// ISO 8601, fixed so the same input gives the same bytes.
        public var creationDate: String
        /// BCP 47, e.g. `zh-CN`.
        public var language: String

        public init(title: String, author: String, subject: String, keywords: String, creator: String, producer: String,
                    creationDate: String, language: String) {
            self.title = title
            self.author = author
            self.subject = subject
            self.keywords = keywords
            self.creator = creator
            self.producer = producer
            self.creationDate = creationDate
            self.language = language
        }
    }

    /// The archival form of `pdf` (bytes Cairo wrote), with the alternative texts of its figures in
    /// the order they were tagged. The same input gives the same bytes.
    public static func archival(_ pdf: [UInt8], metadata: Metadata, figures: [String], colorProfile: [UInt8]) throws(PDFFileError) -> [UInt8] {
        let file = try PDFFile(pdf)
        guard let root = file.rootNumber, let catalog = file.dictionary(root) else { throw .malformed("the catalog is missing") }
        var update = PDFIncrementalUpdate(file)
        var figureElements: [Int] = []
        // Most objects are structure elements and streams that need nothing: only the few that
        // name one of these are parsed.
        let wanted = ["/Link", "/CIDFontType2", "/Figure", "/TH"].map { Array($0.utf8) }
        for number in file.objectNumbers where file.dictionary(number, containsAnyOf: wanted) {
            guard let text = file.dictionary(number) else { continue }
            let dictionary = PDFDictionary(text)
            switch (dictionary.name("Type"), dictionary.name("Subtype"), dictionary.name("S")) {
            case ("Annot", "Link", _) where dictionary.value("F") == nil:
                update.replace(number, with: dictionary.adding([("F", "4")]))
            case ("Font", "CIDFontType2", _) where dictionary.value("CIDToGIDMap") == nil:
                update.replace(number, with: dictionary.adding([("CIDToGIDMap", "/Identity")]))
            case ("StructElem", _, "Figure"):
                figureElements.append(number)
            // Header cells head their columns (the typesetter makes header rows only): said, for
            // screen readers that pair each cell with its header.
            case ("StructElem", _, "TH") where dictionary.value("A") == nil:
                update.replace(number, with: dictionary.adding([("A", "<< /O /Table /Scope /Column >>")]))
            default:
                break
            }
        }
        // Cairo numbers structure elements in the order their tags were opened: the figures' order.
        for (number, alternative) in zip(figureElements, figures) {
            guard let text = file.dictionary(number) else { continue }
            update.replace(number, with: PDFDictionary(text).adding([("Alt", PDFText.string(alternative))]))
        }
        let created = PDFText.date(iso: metadata.creationDate)
        let producer = metadata.producer
        let info = "<< " + [
            ("Title", metadata.title), ("Author", metadata.author), ("Subject", metadata.subject),
            ("Keywords", metadata.keywords), ("Creator", metadata.creator), ("Producer", producer),
        ].filter { !$0.1.isEmpty }.map { "/\($0.0) \(PDFText.string($0.1))" }.joined(separator: "\n   ")
            + "\n   /CreationDate (\(created))\n   /ModDate (\(created))\n>>"
        if let number = file.infoNumber { update.replace(number, with: info) }
        let metadataNumber = update.add(PDFIncrementalUpdate.stream("<< /Type /Metadata /Subtype /XML >>", Array(xmp(metadata, producer: producer).utf8)))
        let profileNumber = update.add(PDFIncrementalUpdate.stream("<< /N 3 >>", colorProfile))
        let intent = update.add("""
            << /Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier (sRGB IEC61966-2.1)
               /RegistryName (http://www.color.org) /Info (sRGB IEC61966-2.1) /DestOutputProfile \(profileNumber) 0 R >>
            """)
        var entries: [(key: String, value: String)] = [
            ("Metadata", "\(metadataNumber) 0 R"), ("OutputIntents", "[ \(intent) 0 R ]"), ("Lang", PDFText.string(metadata.language)),
            ("ViewerPreferences", "<< /DisplayDocTitle true >>"),
        ]
        if PDFDictionary(catalog).value("StructTreeRoot") != nil { entries.append(("MarkInfo", "<< /Marked true >>")) }
        update.replace(root, with: PDFDictionary(catalog).adding(entries))
        let identifier = documentIdentifier(pdf)
        return update.written(trailer: [("ID", "[ <\(identifier)> <\(identifier)> ]")])
    }

    /// A 16-byte identifier derived from the bytes (two 64-bit FNV-1a hashes), as hex.
    static func documentIdentifier(_ bytes: [UInt8]) -> String {
        var first: UInt64 = 0xCBF2_9CE4_8422_2325
        var second: UInt64 = 0x8422_2325_CBF2_9CE4
        for byte in bytes {
            first = (first ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            second = (second &+ UInt64(byte)) &* 0x0000_0100_0000_01B3 ^ (second >> 29)
        }
        return [first, second].map { value in
            let text = String(value, radix: 16, uppercase: true)
            return String(repeating: "0", count: 16 - text.count) + text
        }.joined()
    }

    /// The XMP packet: PDF/A-2b identification and the same facts as the document information.
    static func xmp(_ metadata: Metadata, producer: String) -> String {
        func escaped(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        }
        let date = metadata.creationDate
        var lines = [
            "<?xpacket begin=\"\u{FEFF}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>",
            "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">",
            " <rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"",
            "   xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">",
            "  <pdfaid:part>2</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>",
            "  <dc:format>application/pdf</dc:format>",
            "  <dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">\(escaped(metadata.title))</rdf:li></rdf:Alt></dc:title>",
            "  <dc:creator><rdf:Seq><rdf:li>\(escaped(metadata.author))</rdf:li></rdf:Seq></dc:creator>",
            "  <dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">\(escaped(metadata.subject))</rdf:li></rdf:Alt></dc:description>",
            "  <dc:language><rdf:Bag><rdf:li>\(escaped(metadata.language))</rdf:li></rdf:Bag></dc:language>",
            "  <pdf:Keywords>\(escaped(metadata.keywords))</pdf:Keywords>",
            "  <pdf:Producer>\(escaped(producer))</pdf:Producer>",
            "  <xmp:CreatorTool>\(escaped(metadata.creator))</xmp:CreatorTool>",
            "  <xmp:CreateDate>\(date)</xmp:CreateDate>",
            "  <xmp:ModifyDate>\(date)</xmp:ModifyDate>",
            "  <xmp:MetadataDate>\(date)</xmp:MetadataDate>",
            " </rdf:Description></rdf:RDF></x:xmpmeta>",
        ]
        lines.append(String(repeating: String(repeating: " ", count: 99) + "\n", count: 20) + "<?xpacket end=\"w\"?>")
        return lines.joined(separator: "\n")
    }
}
