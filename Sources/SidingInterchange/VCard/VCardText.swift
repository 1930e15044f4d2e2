/// vCard value text: splitting structured values (`N`, `ADR`, `ORG`) and lists (`CATEGORIES`) on
/// unescaped separators, and undoing escapes. vCard 3.0 and 4.0 escape `\\ \, \; \n`; vCard 2.1
/// escapes only `\;` (and `\\` before it) in structured values and none in plain text, where a
/// backslash is itself (`FN:A;B\C` is "A;B\C").
enum VCardText {
    /// The components of a structured value, each unescaped.
    static func components(_ text: String, version21: Bool) -> [String] { split(text, on: ";", version21: version21) }

    /// The elements of a comma-separated list, each unescaped.
    static func list(_ text: String, version21: Bool) -> [String] { split(text, on: ",", version21: version21) }

    /// A plain text value unescaped.
    static func unescaped(_ text: String, version21: Bool) -> String {
        version21 ? text : split(text, on: nil, version21: false).first ?? ""
    }

    // Works on Unicode scalars, not characters: a combining mark after a separator or backslash
    // would make one character of the two and hide the separator.
    private static func split(_ text: String, on separator: Unicode.Scalar?, version21: Bool) -> [String] {
        var parts: [String] = []
        var current = String.UnicodeScalarView()
        var iterator = text.unicodeScalars.makeIterator()
        while let character = iterator.next() {
            if character == separator {
                parts.append(String(current))
                current = String.UnicodeScalarView()
                continue
            }
            guard character == "\\" else {
                current.append(character)
                continue
            }
            guard let next = iterator.next() else {
                current.append("\\")
                break
            }
            switch next {
            case "\\" where version21 && separator != ";": current += "\\\\".unicodeScalars
            case "\\", ";": current.append(next)
            case "," where !version21: current.append(",")
            case "n" where !version21, "N" where !version21: current.append("\n")
            case ":" where !version21: current.append(":")
            case _ where next == separator:
                current.append(next)
            default:
                current.append("\\")
                if next == separator {
                    parts.append(String(current))
                    current = String.UnicodeScalarView()
                } else {
                    current.append(next)
                }
            }
        }
        parts.append(String(current))
        return parts
    }
}
