/// One CSV record: its physical lines (more than one when a quoted cell holds line breaks).
struct CSVRecordLines: Hashable, Sendable {
    var lines: [PhysicalLine]
    var firstLine: Int { lines.first?.number ?? 0 }
}

/// Gathers lines into records (RFC 4180): a line end inside a quoted cell belongs to the cell. Tracks
/// quoting as a cell-by-cell state machine on bytes, so a stray `"` inside an unquoted cell (`5" pipe`)
/// does not swallow the lines after it. Works on bytes: the delimiter and quote are ASCII, the same
/// bytes in every charset read here.
struct CSVRecordSplitter {
    private enum State { case cellStart, unquoted, quoted, quoteInQuoted }

    let delimiter: UInt8
    private var state = State.cellStart
    private var pending: [PhysicalLine] = []

    init(delimiter: UInt8) { self.delimiter = delimiter }

    /// The record this line completes, if it does; blank lines between records are no records.
    mutating func take(_ line: PhysicalLine) -> CSVRecordLines? {
        if pending.isEmpty, line.bytes.isEmpty { return nil }
        pending.append(line)
        for byte in line.bytes { advance(byte) }
        switch state {
        case .quoted: return nil
        case .cellStart, .unquoted, .quoteInQuoted:
            state = .cellStart
            defer { pending.removeAll(keepingCapacity: true) }
            return CSVRecordLines(lines: pending)
        }
    }

    /// A record still open at the end of the file (a quote never closed).
    mutating func finish() -> CSVRecordLines? {
        guard !pending.isEmpty else { return nil }
        defer { pending.removeAll() }
        state = .cellStart
        return CSVRecordLines(lines: pending)
    }

    private mutating func advance(_ byte: UInt8) {
        let quote = UInt8(ascii: "\"")
        switch state {
        case .cellStart: state = byte == quote ? .quoted : byte == delimiter ? .cellStart : .unquoted
        case .unquoted: if byte == delimiter { state = .cellStart }
        case .quoted: if byte == quote { state = .quoteInQuoted }
        case .quoteInQuoted: state = byte == quote ? .quoted : byte == delimiter ? .cellStart : .unquoted
        }
    }
}
