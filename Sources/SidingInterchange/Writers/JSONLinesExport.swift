import SidingCore

/// A contact as one JSON object on one line, keyed as the local API keys contacts (`FieldSpec.jsonKey`),
/// with its `id`. The import pipeline reads JSON Lines itself; this is for callers that have only an
/// `InterchangeContact`.
enum JSONLinesExport {
    static func line(_ contact: InterchangeContact) -> String {
        var members: [String] = []
        if let id = contact.sidingID { members.append("\"id\":\(quoted(id))") }
        for spec in ContactSchema.schema.fields {
            if spec.isSet {
                guard let elements = contact.sets[spec.name], !elements.isEmpty else { continue }
                members.append("\(quoted(spec.jsonKey)):[\(elements.map(quoted).joined(separator: ","))]")
            } else if let value = contact.fields[spec.name] {
                members.append("\(quoted(spec.jsonKey)):\(quoted(value))")
            }
        }
        return "{" + members.joined(separator: ",") + "}\n"
    }

    static func quoted(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }
}
