/// Makes untrusted text safe to print: control characters (ANSI escapes among them) and bidirectional
/// overrides are shown as visible `\u{…}` escapes, so a record can never drive the terminal.
enum TerminalText {
    static func escape(_ text: String, keepNewlines: Bool = false) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            if keepNewlines && scalar == "\n" {
                result.unicodeScalars.append(scalar)
            } else if isUnsafe(scalar) {
                result += scalar == "\n" ? "\\n" : scalar == "\t" ? "\\t" : "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: true
        default: false
        }
    }
}
