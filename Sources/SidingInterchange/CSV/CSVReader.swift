/// Reads CSV address books as they stream: lines, gathered into records, each decoded and split into
/// cells, the first record being the header that chose the layout. A record's position is the line it
/// starts on (the header is line 1). An Outlook CSV that is not UTF-8 is decoded as windows-1252, the
/// documented fallback (Outlook on Windows writes the system's ANSI code page).
struct CSVReader: ContactFileReading {
    private var lines: LineSource
    private var splitter: CSVRecordSplitter
    private let layout: CSVLayout
    private let delimiter: Unicode.Scalar
    private let charsetName: String
    private let mayFallBack: Bool
    private var sawHeader = false
    private var usedFallback = false
    private let baseCharsetDescription: String

    var format: ContactFileFormat { layout.format }
    var formatDescription: String { layout.description }
    var charsetDescription: String {
        usedFallback ? "windows-1252 (the documented fallback for Outlook CSV that is not UTF-8)" : baseCharsetDescription
    }

    init(encoding: SourceEncoding, charsetGiven: Bool, layout: CSVLayout, delimiter: UInt8) {
        lines = LineSource(encoding: encoding)
        splitter = CSVRecordSplitter(delimiter: delimiter)
        self.layout = layout
        self.delimiter = Unicode.Scalar(delimiter)
        charsetName = encoding.charsetName
        mayFallBack = !charsetGiven && encoding.kind == .utf8 && layout.format == .outlookCSV
        baseCharsetDescription = encoding.description
    }

    mutating func read(_ chunk: ArraySlice<UInt8>) throws(InterchangeError) -> [InterchangeItem] {
        try take(lines.lines(chunk))
    }

    mutating func finish() throws(InterchangeError) -> [InterchangeItem] {
        var items = try take(lines.finish())
        if let record = splitter.finish() { items += try item(record) }
        return items
    }

    private mutating func take(_ physicalLines: [PhysicalLine]) throws(InterchangeError) -> [InterchangeItem] {
        var items: [InterchangeItem] = []
        for line in physicalLines {
            if let record = splitter.take(line) { items += try item(record) }
        }
        return items
    }

    private mutating func item(_ record: CSVRecordLines) throws(InterchangeError) -> [InterchangeItem] {
        let text = try decode(record)
        guard sawHeader else {
            sawHeader = true
            return []
        }
        return [layout.item(position: record.firstLine, cells: CSVCells.split(text, delimiter: delimiter))]
    }

    /// Each line decoded on its own, so an error names the very line; joined with LF.
    private mutating func decode(_ record: CSVRecordLines) throws(InterchangeError) -> String {
        var texts: [String] = []
        for line in record.lines {
            if let text = lines.lineCharset.decode(line.bytes[...]) {
                texts.append(text)
            } else if mayFallBack, let text = TextCharset.windows1252.decode(line.bytes[...]) {
                usedFallback = true
                texts.append(text)
            } else {
                throw .undecodable(line: line.number, charset: charsetName)
            }
        }
        return texts.joined(separator: "\n")
    }
}

extension SourceEncoding {
    /// The charset's name in error messages.
    var charsetName: String {
        switch kind {
        case .utf8: "UTF-8"
        case .utf16(let littleEndian): littleEndian ? "UTF-16LE" : "UTF-16BE"
        case .named(let charset): charset.name
        }
    }
}
