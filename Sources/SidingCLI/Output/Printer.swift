import Foundation
import SidingAPI

/// Writes data to stdout: JSON for scripts (`--json`) or a table/record for people. Every byte the
/// CLI prints to stdout goes through `write`, which ends the CLI quietly when its reader went away.
enum Printer {
    static func json<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        write(String(decoding: try encoder.encode(value), as: UTF8.self) + "\n")
    }

    static func line(_ text: String) { write(text + "\n") }

    /// `key: value` lines; multi-line values are indented under their key.
    static func record(_ pairs: [(String, String)]) {
        let width = pairs.map(\.0.count).max() ?? 0
        var text = ""
        for (key, value) in pairs {
            let label = key + ":" + String(repeating: " ", count: width - key.count + 1)
            let lines = TerminalText.escape(value, keepNewlines: true).split(separator: "\n", omittingEmptySubsequences: false)
            if lines.count <= 1 {
                text += label + (lines.first.map(String.init) ?? "") + "\n"
            } else {
                text += label + "\n"
                for line in lines { text += "  " + line + "\n" }
            }
        }
        write(text)
    }

    /// Writes `text` to stdout. If the reader went away (`siding … | head`), nobody wants the rest:
    /// the CLI ends as `git`, `ls` or `sqlite3` do (see `CLIRun.readerGone`).
    static func write(_ text: String) {
        do {
            try StandardStream.output.write(text)
        } catch .readerGone {
            CLIRun.readerGone()
        } catch {
            CLIRun.fail("cannot write the output (\(error.reason)); check where stdout goes (a full disk?)")
        }
    }
}
