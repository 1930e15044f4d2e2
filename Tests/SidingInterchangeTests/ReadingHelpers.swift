import SidingInterchange

/// Reads `text`'s UTF-8 bytes (or `bytes`) as a whole file, fed in chunks of `chunk` bytes (all at once when nil).
struct ReadResult {
    var items: [InterchangeItem]
    var format: ContactFileFormat
    var formatDescription: String
    var charsetDescription: String

    var contacts: [InterchangeContact] {
        items.compactMap { if case .contact(let contact) = $0 { contact } else { nil } }
    }
}

func readFile(
    _ bytes: [UInt8], name: String = "contacts.vcf", options: ContactFileOptions = ContactFileOptions(), chunk: Int? = nil
) throws(InterchangeError) -> ReadResult {
    var reader = try ContactFileReaders.reader(for: options, firstBytes: bytes.prefix(65_536), fileName: name)
    var items: [InterchangeItem] = []
    var offset = 0
    let size = chunk ?? max(bytes.count, 1)
    while offset < bytes.count {
        let end = min(offset + size, bytes.count)
        items += try reader.read(bytes[offset..<end])
        offset = end
    }
    items += try reader.finish()
    return ReadResult(
        items: items, format: reader.format, formatDescription: reader.formatDescription, charsetDescription: reader.charsetDescription)
}

func readText(
    _ text: String, name: String = "contacts.vcf", options: ContactFileOptions = ContactFileOptions(), chunk: Int? = nil
) throws(InterchangeError) -> ReadResult {
    try readFile(Array(text.utf8), name: name, options: options, chunk: chunk)
}

/// vCard lines joined with CRLF, as the RFCs write them.
func crlf(_ lines: String...) -> String { crlf(lines) }

func crlf(_ lines: [String]) -> String { lines.joined(separator: "\r\n") + "\r\n" }
