/// Makes untrusted text safe to print: control characters (ANSI escapes among them) and bidirectional
/// overrides and isolates are shown as visible `\u{…}` escapes, so a record can never drive the
/// terminal or reorder what surrounds it. Right-to-left and left-to-right marks (U+200E, U+200F,
/// U+061C) belong to Arabic and Hebrew text and are printed as they are. A CR before a LF (text
/// written on Windows) is part of the line break, not shown.
enum TerminalText {
    static func escape(_ text: String, keepNewlines: Bool = false) -> String {
        var result = ""
        let scalars = Array(text.unicodeScalars)
        result.unicodeScalars.reserveCapacity(scalars.count)
        for (index, scalar) in scalars.enumerated() {
            if scalar == "\r", index + 1 < scalars.count, scalars[index + 1] == "\n" { continue }
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
        case 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
