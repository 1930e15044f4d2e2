/// One vCard property: `group.NAME;PARAM=VALUE:value`, its value still bytes (it may be
/// quoted-printable, base64, or in the charset a parameter names).
struct VCardProperty: Hashable, Sendable {
    var line: Int
    var group: String?
    /// Upper case: names are case-insensitive (`tel`, `Tel`, `TEL`).
    var name: String
    /// Parameter names upper case, values as given (RFC 6868 escapes undone, quotes removed). A
    /// vCard 2.1 bare parameter (`TEL;CELL;PREF:`) is a `TYPE`.
    var parameters: [(name: String, value: String)]
    var value: ArraySlice<UInt8>

    static func == (left: VCardProperty, right: VCardProperty) -> Bool {
        left.line == right.line && left.group == right.group && left.name == right.name && left.value == right.value
            && left.parameters.map(\.name) == right.parameters.map(\.name) && left.parameters.map(\.value) == right.parameters.map(\.value)
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(line)
        hasher.combine(name)
        hasher.combine(value)
    }

    init?(_ content: ContentLine) {
        let bytes = content.bytes
        let colon = Self.nameEnd(bytes)
        guard colon < bytes.count else { return nil }
        let head = Self.splitOutsideQuotes(bytes[..<colon], on: UInt8(ascii: ";"))
        guard let nameBytes = head.first, !nameBytes.isEmpty else { return nil }
        let fullName = String(decoding: nameBytes, as: UTF8.self)
        if let dot = fullName.lastIndex(of: ".") {
            group = String(fullName[..<dot])
            name = fullName[fullName.index(after: dot)...].uppercased()
        } else {
            group = nil
            name = fullName.uppercased()
        }
        parameters = head.dropFirst().compactMap(Self.parameter)
        value = bytes[(colon + 1)...]
        line = content.line
    }

    /// The values of a parameter (`TYPE=work,pref` and `TYPE=work;TYPE=pref` alike), lower case.
    func values(of parameterName: String) -> [String] {
        parameters.filter { $0.name == parameterName }
            .flatMap { $0.value.split(separator: ",").map { $0.trimmingWhitespace.lowercased() } }
    }

    func parameter(_ parameterName: String) -> String? { parameters.first { $0.name == parameterName }?.value }

    /// Where the name and parameters end: the first `:` outside a quoted parameter value (a 4.0
    /// `LABEL="…: …"` holds colons), or `bytes.count`.
    static func nameEnd(_ bytes: some Collection<UInt8>) -> Int {
        var quoted = false
        for (offset, byte) in bytes.enumerated() {
            if byte == UInt8(ascii: "\"") { quoted.toggle() }
            if byte == UInt8(ascii: ":"), !quoted { return offset }
        }
        return bytes.count
    }

    private static func splitOutsideQuotes(_ bytes: ArraySlice<UInt8>, on separator: UInt8) -> [ArraySlice<UInt8>] {
        var parts: [ArraySlice<UInt8>] = []
        var quoted = false
        var start = bytes.startIndex
        for index in bytes.indices {
            if bytes[index] == UInt8(ascii: "\"") { quoted.toggle() }
            if bytes[index] == separator, !quoted {
                parts.append(bytes[start..<index])
                start = index + 1
            }
        }
        parts.append(bytes[start...])
        return parts
    }

    private static func parameter(_ bytes: ArraySlice<UInt8>) -> (name: String, value: String)? {
        let text = String(decoding: bytes, as: UTF8.self).trimmingWhitespace
        guard !text.isEmpty else { return nil }
        guard let equals = text.firstIndex(of: "=") else {
            let bare = text.uppercased()
            let known = ["QUOTED-PRINTABLE", "BASE64", "8BIT", "7BIT", "B"]
            return known.contains(bare) ? (name: "ENCODING", value: text) : (name: "TYPE", value: text)
        }
        let name = text[..<equals].trimmingWhitespace.uppercased()
        let rawValue = text[text.index(after: equals)...].filter { $0 != "\"" }
        return (name: name, value: caretDecoded(String(rawValue)))
    }

    /// RFC 6868: `^n` is a newline, `^^` a caret, `^'` a double quote in a parameter value.
    static func caretDecoded(_ text: String) -> String {
        guard text.contains("^") else { return text }
        var output = String.UnicodeScalarView()
        var iterator = text.unicodeScalars.makeIterator()
        while let scalar = iterator.next() {
            guard scalar == "^" else {
                output.append(scalar)
                continue
            }
            switch iterator.next() {
            case "n", "N": output.append("\n")
            case "^": output.append("^")
            case "'": output.append("\"")
            case let other?: output += ["^", other]
            case nil: output.append("^")
            }
        }
        return String(output)
    }
}
