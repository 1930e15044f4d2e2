import SidingCore

/// Writes Siding's lossless JSON Lines: one object per record, `id` first, then every field of the
/// kind under its JSON key in schema order (unset text "", empty sets []), as `JSONLinesReader` reads it.
public struct JSONLinesWriter: Sendable {
    public let kind: EntityKind

    public init(kind: EntityKind) { self.kind = kind }

    /// The record's line, with its newline.
    public func write(_ record: InterchangeContact) -> String {
        var line = "{\"id\":" + JSONText.quoted(record.sidingID ?? "")
        for field in Schema.fields(of: kind) {
            line += "," + JSONText.quoted(field.jsonKey) + ":"
            if field.isSet {
                line += "[" + (record.sets[field.name] ?? []).map(JSONText.quoted).joined(separator: ",") + "]"
            } else {
                line += JSONText.quoted(record.fields[field.name] ?? "")
            }
        }
        return line + "}\n"
    }
}

/// JSON string literals, written by hand so that output is byte-for-byte stable.
public enum JSONText {
    public static func quoted(_ text: String) -> String {
        var out = "\""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
