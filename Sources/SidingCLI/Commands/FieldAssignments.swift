import SidingAPI
import SidingCore

/// Parses `FIELD=VALUE`, `FIELD+=ELEMENT` and `FIELD-=ELEMENT` words into one edit request.
enum FieldAssignments {
    /// `FIELD` is a field's name or alias (`org`); the daemon refuses fields its kind does not declare.
    static func parse(_ words: [String]) throws -> EditRequest {
        var set: [String: String] = [:]
        var add: [String: [String]] = [:]
        var remove: [String: [String]] = [:]
        for word in words {
            guard let equals = word.firstIndex(of: "=") else {
                throw CLIError("'\(word)' is not FIELD=VALUE (use FIELD+=VALUE or FIELD-=VALUE for tags, emails, phones, participants)")
            }
            var field = String(word[..<equals])
            let value = String(word[word.index(after: equals)...])
            var mode: Character = "="
            if let last = field.last, last == "+" || last == "-" {
                mode = last
                field.removeLast()
            }
            field = Schema.fieldName(for: field)
            guard !field.isEmpty else { throw CLIError("'\(word)' has no field name before '='") }
            switch mode {
            case "+": add[field, default: []].append(value)
            case "-": remove[field, default: []].append(value)
            default:
                guard set[field] == nil else { throw CLIError("\(field) is given twice") }
                set[field] = value
            }
        }
        guard !set.isEmpty || !add.isEmpty || !remove.isEmpty else { throw CLIError("give at least one FIELD=VALUE to change") }
        return EditRequest(set: set, add: add, remove: remove)
    }

    /// A kind's registers as `set` help lists them, each with its aliases: `name, organization/org, …`.
    static func registerNames(_ schema: RecordSchema) -> String {
        schema.registers.map { ([$0.name] + $0.aliases).joined(separator: "/") }.joined(separator: ", ")
    }
}
