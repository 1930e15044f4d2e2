/// A plain-text table: escaped cells, truncated to a readable width, columns padded to line up in a
/// terminal (wide characters take two columns, see `DisplayWidth`).
struct Table {
    let headers: [String]
    var rows: [[String]] = []
    /// Columns a cell may take.
    var maxCellWidth = 48

    init(_ headers: String...) { self.headers = headers }

    mutating func add(_ cells: String...) { rows.append(cells) }

    func render() -> String {
        let cleaned = rows.map { $0.map { DisplayWidth.truncate(TerminalText.escape($0), to: maxCellWidth) } }
        var widths = headers.map(DisplayWidth.of)
        for row in cleaned {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], DisplayWidth.of(cell)) }
        }
        let lines = ([headers] + cleaned).map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell + String(repeating: " ", count: max(0, widths[index] - DisplayWidth.of(cell)))
            }.joined(separator: "  ")
        }
        return lines.joined(separator: "\n")
    }
}
