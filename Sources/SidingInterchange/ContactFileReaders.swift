/// Chooses the reader for a file.
public enum ContactFileReaders {
    /// Chooses the reader from the options and the file's first bytes (give at least the first 64 KiB,
    /// or the whole file if shorter) and its name. The reader is then fed the whole file from its first
    /// byte. Throws for .jsonl (read by the import pipeline) and .vcard3 is accepted as .vcard.
    public static func reader(
        for options: ContactFileOptions, firstBytes: ArraySlice<UInt8>, fileName: String
    ) throws(InterchangeError) -> any ContactFileReading {
        let encoding = try SourceEncoding.detect(charset: options.charset, firstBytes: firstBytes)
        let charsetGiven = options.charset != nil
        let lines = firstLines(of: firstBytes, encoding: encoding)
        let firstLine = lines.first { !$0.bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 } }
        let isVCard = firstLine.map(looksLikeVCardStart) ?? false
        let lowerName = fileName.lowercased()
        switch options.format {
        case .jsonl?: throw .formatNotReadHere(.jsonl)
        case .vcard?, .vcard3?:
            guard isVCard || firstLine == nil else { throw .notAContactFile(expected: "a vCard file", fileName: fileName) }
            return VCardReader(encoding: encoding, charsetGiven: charsetGiven)
        case nil where isVCard || firstLine == nil:
            return VCardReader(encoding: encoding, charsetGiven: charsetGiven)
        case nil where lowerName.hasSuffix(".vcf") || lowerName.hasSuffix(".vcard"):
            throw .notAContactFile(expected: "a vCard file (it does not start with BEGIN:VCARD)", fileName: fileName)
        case nil, .googleCSV?, .outlookCSV?, .thunderbirdCSV?, .csv?:
            guard let headerLine = firstLine, !isVCard else {
                throw .notAContactFile(expected: "a CSV file", fileName: fileName)
            }
            return try csvReader(options: options, encoding: encoding, lines: lines, headerLine: headerLine, fileName: fileName)
        }
    }

    private static func csvReader(
        options: ContactFileOptions, encoding: SourceEncoding, lines: [PhysicalLine], headerLine: PhysicalLine, fileName: String
    ) throws(InterchangeError) -> CSVReader {
        let delimiter = CSVCells.delimiter(ofHeader: headerLine.bytes)
        var splitter = CSVRecordSplitter(delimiter: delimiter)
        // A plain loop: the splitter changes with each line, and a lazy compactMap may call its
        // closure twice for one element (the fuzzer found it unwrapping nil the second time).
        var headerRecord = CSVRecordLines(lines: [headerLine])
        for line in lines {
            if let record = splitter.take(line) {
                headerRecord = record
                break
            }
        }
        let charset = LineSource(encoding: encoding).lineCharset
        let headerText = headerRecord.lines.map { line in
            charset.decode(line.bytes[...]) ?? TextCharset.windows1252.decode(line.bytes[...]) ?? ""
        }.joined(separator: "\n")
        let header = CSVCells.split(headerText, delimiter: Unicode.Scalar(delimiter))
        let layout = try CSVLayout.detect(header: header, mapping: options.mapping)
        if let asked = options.format, asked != .csv, asked != layout.format {
            throw .notAContactFile(expected: "a \(asked.rawValue) file (its header is \(layout.description))", fileName: fileName)
        }
        return CSVReader(encoding: encoding, charsetGiven: options.charset != nil, layout: layout, delimiter: delimiter)
    }

    private static func firstLines(of bytes: ArraySlice<UInt8>, encoding: SourceEncoding) -> [PhysicalLine] {
        var source = LineSource(encoding: encoding)
        return source.lines(bytes) + source.finish()
    }

    private static func looksLikeVCardStart(_ line: PhysicalLine) -> Bool {
        let text = String(decoding: line.bytes, as: UTF8.self).trimmingWhitespace.uppercased()
        return text.hasPrefix("BEGIN:VCARD")
    }
}
