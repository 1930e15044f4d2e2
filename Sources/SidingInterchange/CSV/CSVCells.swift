/// Splits one decoded CSV record into its cells (RFC 4180): `"…"` quotes a cell, `""` inside quotes is
/// a quote, line breaks inside quotes stay. Leniently, text after a closing quote is kept.
enum CSVCells {
    static func split(_ record: String, delimiter: Unicode.Scalar) -> [String] {
        var cells: [String] = []
        var cell = String.UnicodeScalarView()
        var quoted = false
        var atCellStart = true
        var iterator = record.unicodeScalars.makeIterator()
        var lookahead: Unicode.Scalar? = iterator.next()
        while let scalar = lookahead {
            lookahead = iterator.next()
            if quoted {
                if scalar == "\"" {
                    if lookahead == "\"" {
                        cell.append("\"")
                        lookahead = iterator.next()
                    } else {
                        quoted = false
                    }
                } else {
                    cell.append(scalar)
                }
            } else if scalar == delimiter {
                cells.append(String(cell))
                cell = String.UnicodeScalarView()
                atCellStart = true
                continue
            } else if scalar == "\"", atCellStart {
                quoted = true
            } else {
                cell.append(scalar)
            }
            atCellStart = false
        }
        cells.append(String(cell))
        return cells
    }

    /// The delimiter a header line uses: the most frequent of comma, semicolon and tab outside quotes,
    /// a tie going to the earlier of them in that order (a comma when none). A fixed order, not a
    /// dictionary's, so one file always reads alike (the csv fuzz target found a semicolon/tab tie
    /// decided differently from one read to the next).
    static func delimiter(ofHeader bytes: [UInt8]) -> UInt8 {
        let candidates: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), 0x09]
        var counts = [Int](repeating: 0, count: candidates.count)
        var quoted = false
        for byte in bytes {
            if byte == UInt8(ascii: "\"") { quoted.toggle() }
            if !quoted, let index = candidates.firstIndex(of: byte) { counts[index] += 1 }
        }
        var best = 0
        for index in counts.indices where counts[index] > counts[best] { best = index }
        return candidates[best]
    }
}
