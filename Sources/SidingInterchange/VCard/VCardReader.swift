/// Reads vCard 2.1, 3.0 and 4.0 files as they stream: lines, unfolded into properties, gathered per
/// card (`BEGIN:VCARD` … `END:VCARD`; a card nested in a 2.1 `AGENT` is part of its outer card and
/// ignored), each card mapped by `VCardCardMapping`. Lines outside cards are ignored.
struct VCardReader: ContactFileReading {
    private var lines: LineSource
    private var unfolder = VCardUnfolder()
    private var mapping: VCardCardMapping
    private var depth = 0
    private var cardNumber = 0
    private var properties: [VCardProperty] = []
    private var version = ""
    private var versionsSeen: [String] = []
    private let baseCharsetDescription: String

    let format = ContactFileFormat.vcard

    init(encoding: SourceEncoding, charsetGiven: Bool) {
        lines = LineSource(encoding: encoding)
        let name: String =
            switch encoding.kind {
            case .utf8: "UTF-8"
            case .utf16(let littleEndian): littleEndian ? "UTF-16LE" : "UTF-16BE"
            case .named(let charset): charset.name
            }
        let mayFallBack = !charsetGiven && encoding.kind == .utf8
        mapping = VCardCardMapping(
            decoder: VCardValueDecoder(fileCharset: lines.lineCharset, fileCharsetName: name, mayFallBack: mayFallBack))
        baseCharsetDescription = encoding.description
    }

    var formatDescription: String {
        versionsSeen.isEmpty ? "vCard" : "vCard " + versionsSeen.joined(separator: ", ")
    }

    var charsetDescription: String {
        mapping.decoder.usedFallback
            ? "windows-1252 (the documented fallback for vCard 2.1; the values that were not UTF-8)"
            : baseCharsetDescription
    }

    mutating func read(_ chunk: ArraySlice<UInt8>) throws(InterchangeError) -> [InterchangeItem] {
        try take(lines.lines(chunk))
    }

    mutating func finish() throws(InterchangeError) -> [InterchangeItem] {
        var items = try take(lines.finish())
        for content in unfolder.finish() { items += try take(content) }
        if depth > 0 { items.append(try endCard()) }
        return items
    }

    private mutating func take(_ physicalLines: [PhysicalLine]) throws(InterchangeError) -> [InterchangeItem] {
        var items: [InterchangeItem] = []
        for line in physicalLines {
            for content in unfolder.unfold(line) { items += try take(content) }
        }
        return items
    }

    private mutating func take(_ content: ContentLine) throws(InterchangeError) -> [InterchangeItem] {
        guard let property = VCardProperty(content) else { return [] }
        let isStructural = property.name == "BEGIN" || property.name == "END" || property.name == "VERSION"
        let value = isStructural ? String(decoding: property.value, as: UTF8.self).trimmingWhitespace.uppercased() : ""
        if property.name == "BEGIN", value == "VCARD" {
            depth += 1
            if depth == 1 { startCard() }
            return []
        }
        if property.name == "END", value == "VCARD", depth > 0 {
            depth -= 1
            return depth == 0 ? [try endCard()] : []
        }
        guard depth == 1 else { return [] }
        if property.name == "VERSION" {
            version = value
        } else {
            properties.append(property)
        }
        return []
    }

    private mutating func startCard() {
        cardNumber += 1
        properties.removeAll(keepingCapacity: true)
        version = ""
    }

    private mutating func endCard() throws(InterchangeError) -> InterchangeItem {
        depth = 0
        let shownVersion = version.isEmpty ? "3.0" : version
        if !versionsSeen.contains(shownVersion) { versionsSeen.append(shownVersion) }
        let card = properties
        properties.removeAll(keepingCapacity: true)
        return try mapping.item(position: cardNumber, properties: card, version: shownVersion)
    }
}
