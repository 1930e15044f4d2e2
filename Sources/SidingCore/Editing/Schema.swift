/// The fields of contacts and notes, their limits and the checks local input must pass.
/// Remote changes are not held to these (a newer partner may know more fields); only to ChangeLimits.
public struct FieldSpec: Sendable {
    public enum Shape: Sendable { case text, multilineText, countryCode, date, email, phone, tag, contactID }

    public let name: String
    public let isSet: Bool
    public let maxBytes: Int
    public let shape: Shape

    public init(_ name: String, set isSet: Bool = false, maxBytes: Int, shape: Shape = .text) {
        self.name = name
        self.isSet = isSet
        self.maxBytes = maxBytes
        self.shape = shape
    }
}

public enum Schema {
    public static let contactFields: [FieldSpec] = [
        FieldSpec("name", maxBytes: 200), FieldSpec("organization", maxBytes: 200),
        FieldSpec("role", maxBytes: 200), FieldSpec("country", maxBytes: 2, shape: .countryCode),
        FieldSpec("bio", maxBytes: 8_192, shape: .multilineText),
        FieldSpec("emails", set: true, maxBytes: 254, shape: .email),
        FieldSpec("phones", set: true, maxBytes: 40, shape: .phone),
        FieldSpec("tags", set: true, maxBytes: 64, shape: .tag),
    ]

    public static let noteFields: [FieldSpec] = [
        FieldSpec("title", maxBytes: 300), FieldSpec("date", maxBytes: 10, shape: .date),
        FieldSpec("conflict", maxBytes: 200), FieldSpec("location", maxBytes: 200),
        FieldSpec("body", maxBytes: 200_000, shape: .multilineText),
        FieldSpec("participants", set: true, maxBytes: 32, shape: .contactID),
        FieldSpec("tags", set: true, maxBytes: 64, shape: .tag),
    ]

    /// The field that must be non-empty on every entity of a kind (a contact's name, a note's title).
    public static func requiredField(of kind: EntityKind) -> String? {
        switch kind {
        case .contact: "name"
        case .note: "title"
        default: nil
        }
    }

    public static func fields(of kind: EntityKind) -> [FieldSpec] {
        switch kind {
        case .contact: contactFields
        case .note: noteFields
        default: []
        }
    }

    public static func field(_ name: String, of kind: EntityKind) -> FieldSpec? {
        fields(of: kind).first { $0.name == name }
    }
}
