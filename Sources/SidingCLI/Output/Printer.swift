import Foundation

/// Writes data to stdout: JSON for scripts (`--json`) or a table/record for people.
enum Printer {
    static func json<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        FileHandle.standardOutput.write(data)
        FileHandle.standardOutput.write(Data("\n".utf8))
    }

    static func line(_ text: String) { print(text) }

    /// `key: value` lines; multi-line values are indented under their key.
    static func record(_ pairs: [(String, String)]) {
        let width = pairs.map(\.0.count).max() ?? 0
        for (key, value) in pairs {
            let label = key + ":" + String(repeating: " ", count: width - key.count + 1)
            let lines = TerminalText.escape(value, keepNewlines: true).split(separator: "\n", omittingEmptySubsequences: false)
            if lines.count <= 1 {
                print(label + (lines.first.map(String.init) ?? ""))
            } else {
                print(label)
                for line in lines { print("  " + line) }
            }
        }
    }
}
