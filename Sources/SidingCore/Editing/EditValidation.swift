/// Checks a local edit against the schema and returns it normalised (trimmed text, upper-case
/// country codes), or says exactly what is wrong and how to fix it.
public enum EditValidation {
    public static func validate(_ edit: Edit, kind: EntityKind, creating: Bool) throws(EditError) -> Edit {
        var normalised = Edit()
        for (field, value) in edit.writes {
            if kind == .contact, field == ContactSchema.mergedInto.name {
                throw .invalid(field, "is written by `siding contact merge` only; to undo a merge, restore the record with `siding contact restore`")
            }
            guard let spec = Schema.field(field, of: kind) else { throw .unknownField(field, kind: kind) }
            guard !spec.isSet else {
                throw .invalid(field, "holds several values: add one with \(field)+=VALUE, remove one with \(field)-=VALUE")
            }
            normalised.writes[field] = try check(value, spec)
        }
        for (field, elements) in edit.additions {
            normalised.additions[field] = try elements.map { (element) throws(EditError) in try check(element, setSpec(field, kind)) }
        }
        for (field, elements) in edit.removals {
            _ = try setSpec(field, kind)
            normalised.removals[field] = elements
        }
        if let required = Schema.requiredField(of: kind) {
            let value = normalised.writes[required]
            if (creating && value == nil) || value == "" { throw .empty(required) }
        }
        for (field, elements) in normalised.additions where elements.contains("") { throw .empty(field) }
        return normalised
    }

    /// Characters as a person counts them where the field is limited in characters, bytes otherwise;
    /// a byte ceiling always, so no value outgrows a change.
    private static func checkLength(_ value: String, _ spec: FieldSpec) throws(EditError) {
        if case .characters(let limit) = spec.maxLength, value.count > limit {
            throw .tooLong(spec.name, limit: limit, given: value.count)
        }
        let bytes = value.utf8.count
        guard bytes > spec.maxBytes else { return }
        if case .bytes(let limit) = spec.maxLength { throw .tooManyBytes(spec.name, limit: limit, given: bytes) }
        throw .tooManyBytes(spec.name, limit: spec.maxBytes, given: bytes)
    }

    private static func setSpec(_ field: String, _ kind: EntityKind) throws(EditError) -> FieldSpec {
        guard let spec = Schema.field(field, of: kind) else { throw .unknownField(field, kind: kind) }
        guard spec.isSet else { throw .invalid(field, "holds one value: set it with \(field)=VALUE (an empty VALUE clears it)") }
        return spec
    }

    static func check(_ raw: String, _ spec: FieldSpec) throws(EditError) -> String {
        let value = spec.shape == .multilineText ? raw : raw.trimmingWhitespace
        if spec.shape != .countryCode { try checkLength(value, spec) }
        if spec.shape != .multilineText, value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw .invalid(spec.name, "must be one line without control characters")
        }
        switch spec.shape {
        case .text, .multilineText:
            return value
        case .countryCode:
            guard !value.isEmpty else { return value }
            guard let code = CountryCode.normalised(value) else { throw .invalid(spec.name, CountryCode.problem(with: value)) }
            return code
        case .date:
            guard value.isEmpty || CalendarDate(value) != nil else { throw .invalid(spec.name, "must be a date as YYYY-MM-DD") }
            return value
        case .email:
            let parts = value.split(separator: "@", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !value.contains(" ") else {
                throw .invalid(spec.name, "'\(value)' is not an e-mail address")
            }
            return value
        case .phone:
            // An extension is written as vCard's `tel:` URIs write it (RFC 3966): `+1-418-656-9254;ext=102`.
            var number = Substring(value)
            if let marker = value.firstRange(of: ";ext=") {
                number = value[..<marker.lowerBound]
                let extensionDigits = value[marker.upperBound...]
                guard !extensionDigits.isEmpty, extensionDigits.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }) else {
                    throw .invalid(spec.name, "'\(value)': an extension is digits after ;ext=, as in +1-418-656-9254;ext=102")
                }
            }
            guard number.unicodeScalars.allSatisfy({ "0123456789+-() ./".unicodeScalars.contains($0) }),
                number.unicodeScalars.contains(where: { ("0"..."9").contains($0) })
            else {
                throw .invalid(
                    spec.name, "'\(value)' is not a phone number (digits, spaces and + - ( ) . / only, an extension as ;ext=102)")
            }
            return value
        case .tag:
            guard !value.unicodeScalars.contains(where: { $0.properties.isWhitespace }) else {
                throw .invalid(spec.name, "a tag is one word; use - or _ instead of spaces")
            }
            return value
        case .contactID:
            guard let id = EntityID(value), id.kind == .contact else {
                throw .invalid(spec.name, "'\(value)' is not a contact ID (they look like c_k3j9x2m4p8q1r5t7)")
            }
            return id.description
        }
    }
}

/// Why a local edit was refused; the message says what to change.
public enum EditError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownField(String, kind: EntityKind)
    case empty(String)
    /// Over the field's limit in characters (grapheme clusters).
    case tooLong(String, limit: Int, given: Int)
    /// Over the field's limit in UTF-8 bytes.
    case tooManyBytes(String, limit: Int, given: Int)
    case invalid(String, String)

    public var description: String {
        switch self {
        case .unknownField(let field, let kind):
            "\(kind) has no field '\(field)'; fields are: \(Self.fieldList(of: kind))"
        case .empty(let field): "\(field) must not be empty"
        case .tooLong(let field, let limit, let given):
            "\(field) has \(FieldSpec.grouped(given)) characters, over its limit of \(FieldSpec.grouped(limit)) characters; shorten it"
        case .tooManyBytes(let field, let limit, let given):
            "\(field) takes \(FieldSpec.grouped(given)) bytes of UTF-8, over its limit of \(FieldSpec.grouped(limit)) bytes; shorten it"
        case .invalid(let field, let why): "\(field) \(why)"
        }
    }

    /// Registers first, then sets: the order people pick fields in.
    private static func fieldList(of kind: EntityKind) -> String {
        guard let schema = Schema.record(of: kind) else { return "" }
        return (schema.registers + schema.sets).map(\.name).joined(separator: ", ")
    }
}

extension String {
    var trimmingWhitespace: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
