/// A plain-text table: escaped cells, truncated to a readable width, columns padded to line up.
struct Table {
    let headers: [String]
    var rows: [[String]] = []
    var maxCellWidth = 48

    init(_ headers: String...) { self.headers = headers }

    mutating func add(_ cells: String...) { rows.append(cells) }

    func render() -> String {
        let cleaned = rows.map { $0.map { truncate(TerminalText.escape($0)) } }
        var widths = headers.map(\.count)
        for row in cleaned {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
        }
        let lines = ([headers] + cleaned).map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
            }.joined(separator: "  ")
        }
        return lines.joined(separator: "\n")
    }

    private func truncate(_ text: String) -> String {
        text.count <= maxCellWidth ? text : String(text.prefix(maxCellWidth - 1)) + "…"
    }
}
