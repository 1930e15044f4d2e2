/// One line of a file as its bytes, with its number (from 1) and without its line end.
struct PhysicalLine: Hashable, Sendable {
    var number: Int
    var bytes: [UInt8]
}

/// Cuts a stream of bytes into lines, whatever the chunks split. A line ends with LF, CR LF, or a run
/// of CRs with or without an LF after it: Windows tools write CR CR LF and old Macs a bare CR, and
/// both are one line end each.
struct LineSplitter {
    private var current: [UInt8] = []
    private var afterCarriageReturn = false
    private var nextNumber = 1

    mutating func split(_ bytes: some Sequence<UInt8>) -> [PhysicalLine] {
        var lines: [PhysicalLine] = []
        for byte in bytes {
            switch byte {
            case 0x0D:
                if !afterCarriageReturn { endLine(into: &lines) }
                afterCarriageReturn = true
            case 0x0A:
                if !afterCarriageReturn { endLine(into: &lines) }
                afterCarriageReturn = false
            default:
                afterCarriageReturn = false
                current.append(byte)
            }
        }
        return lines
    }

    /// The last line, if the file does not end with a line end.
    mutating func finish() -> [PhysicalLine] {
        guard !current.isEmpty else { return [] }
        var lines: [PhysicalLine] = []
        endLine(into: &lines)
        return lines
    }

    private mutating func endLine(into lines: inout [PhysicalLine]) {
        lines.append(PhysicalLine(number: nextNumber, bytes: current))
        current.removeAll(keepingCapacity: true)
        nextNumber += 1
    }
}

/// A file's lines as they stream in: the byte-order mark skipped, UTF-16 turned into UTF-8, then cut
/// into lines (bytes in any other charset are cut as they are: CR and LF are the same bytes in the
/// ASCII-compatible charsets read here).
struct LineSource {
    let encoding: SourceEncoding
    private var markBytesToSkip: Int
    private var transcoder: UTF16Transcoder?
    private var splitter = LineSplitter()

    init(encoding: SourceEncoding) {
        self.encoding = encoding
        markBytesToSkip = encoding.byteOrderMarkLength
        if case .utf16(let littleEndian) = encoding.kind { transcoder = UTF16Transcoder(littleEndian: littleEndian) }
    }

    mutating func lines(_ chunk: ArraySlice<UInt8>) -> [PhysicalLine] {
        var chunk = chunk
        if markBytesToSkip > 0 {
            let skipped = min(markBytesToSkip, chunk.count)
            chunk = chunk.dropFirst(skipped)
            markBytesToSkip -= skipped
        }
        if transcoder != nil, let utf8 = transcoder?.transcode(chunk) { return splitter.split(utf8) }
        return splitter.split(chunk)
    }

    mutating func finish() -> [PhysicalLine] {
        var lines: [PhysicalLine] = []
        if let rest = transcoder?.finish() { lines += splitter.split(rest) }
        return lines + splitter.finish()
    }

    /// The charset lines are decoded in unless a record says otherwise: UTF-8 for UTF-16 files, which
    /// arrive transcoded.
    var lineCharset: TextCharset {
        if case .named(let charset) = encoding.kind { return charset }
        return .utf8
    }
}
