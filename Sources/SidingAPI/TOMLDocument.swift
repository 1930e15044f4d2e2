/// The small subset of TOML that siding.toml uses: `[section]` headers, `key = "string" | true | false |
/// integer`, and `#` comments. Anything else is an error naming the line, never a guess.
public struct TOMLDocument: Sendable {
    public enum Value: Equatable, Sendable {
        case string(String)
        case bool(Bool)
        case integer(Int)
    }

    /// Values by "section.key".
    public private(set) var values: [String: Entry] = [:]

    public struct Entry: Sendable {
        public let value: Value
        public let line: Int
    }

    public init(parsing text: String, file: String) throws(TOMLError) {
        var section = ""
        for (offset, rawLine) in text.textLines.enumerated() {
            let number = offset + 1
            let line = Self.strippingComment(String(rawLine)).trimmingWhitespace
            if line.isEmpty { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]"), line.count > 2 else { throw TOMLError(file: file, line: number, reason: "malformed section header") }
                section = String(line.dropFirst().dropLast()).trimmingWhitespace
                continue
            }
            guard let equals = line.firstIndex(of: "=") else {
                throw TOMLError(file: file, line: number, reason: "expected `key = value`")
            }
            let key = String(line[..<equals]).trimmingWhitespace
            let rawValue = String(line[line.index(after: equals)...]).trimmingWhitespace
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
                throw TOMLError(file: file, line: number, reason: "invalid key '\(key)'")
            }
            let fullKey = section.isEmpty ? key : "\(section).\(key)"
            guard values[fullKey] == nil else { throw TOMLError(file: file, line: number, reason: "\(fullKey) is set twice") }
            values[fullKey] = Entry(value: try Self.value(rawValue, file: file, line: number), line: number)
        }
    }

    // Strings are read by Unicode scalar, not by Character: a combining mark after a quote or an escape
    // (as `quoted` writes for "\t" followed by one) would otherwise merge with it and hide it.
    private static func value(_ text: String, file: String, line: Int) throws(TOMLError) -> Value {
        if text == "true" { return .bool(true) }
        if text == "false" { return .bool(false) }
        if let number = Int(text) { return .integer(number) }
        let scalars = text.unicodeScalars
        guard scalars.count >= 2, scalars.first == "\"", scalars.last == "\"" else {
            throw TOMLError(file: file, line: line, reason: "a value must be a \"quoted string\", true, false or a whole number")
        }
        var result = String.UnicodeScalarView()
        var escaping = false
        for scalar in scalars.dropFirst().dropLast() {
            if escaping {
                switch scalar {
                case "\"": result.append("\"")
                case "\\": result.append("\\")
                case "n": result.append("\n")
                case "t": result.append("\t")
                default: throw TOMLError(file: file, line: line, reason: "unknown escape \\\(scalar)")
                }
                escaping = false
            } else if scalar == "\\" {
                escaping = true
            } else if scalar == "\"" {
                throw TOMLError(file: file, line: line, reason: "unescaped quote inside a string")
            } else {
                result.append(scalar)
            }
        }
        guard !escaping else { throw TOMLError(file: file, line: line, reason: "string ends with a lone backslash") }
        return .string(String(result))
    }

    /// Drops a `#` comment that is not inside a quoted string.
    private static func strippingComment(_ line: String) -> String {
        var inString = false
        var previous: Unicode.Scalar = " "
        var kept = String.UnicodeScalarView()
        for scalar in line.unicodeScalars {
            if scalar == "\"" && previous != "\\" { inString.toggle() }
            if scalar == "#" && !inString { return String(kept) }
            kept.append(scalar)
            previous = scalar
        }
        return line
    }

    /// Quotes a string for writing into a TOML file.
    public static func quoted(_ text: String) -> String {
        var result = "\""
        // By scalar, like the reader: a backslash or quote followed by a combining mark is one Character.
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}

extension String {
    /// The lines of a text file written on any system: "\r\n" is one Character in Swift, so splitting
    /// on "\n" alone leaves a Windows-saved file as one long line.
    public var textLines: [Substring] {
        split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
    }

    public var trimmingWhitespace: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}

/// A line of a configuration file that is not in the accepted TOML subset.
public struct TOMLError: Error, Sendable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let reason: String

    public var description: String { "\(file):\(line): \(reason)" }
}
