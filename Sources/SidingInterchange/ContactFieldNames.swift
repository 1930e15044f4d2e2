import SidingCore

/// The contact fields a file's values go to, by their `FieldSpec.name`.
enum ContactFieldNames {
    static let name = ContactSchema.name.name
    static let organization = ContactSchema.organization.name
    static let role = ContactSchema.role.name
    static let country = ContactSchema.country.name
    static let emails = ContactSchema.emails.name
    static let phones = ContactSchema.phones.name
    static let tags = ContactSchema.tags.name
    static let bio = ContactSchema.bio.name

    static var all: [String] { ContactSchema.schema.fields.map(\.name) }

    /// The field a `--map` target names, by name or alias (`org`, `email`, `phone`).
    static func field(named text: String) -> FieldSpec? {
        let lowered = text.lowercased()
        return ContactSchema.schema.fields.first { $0.name == lowered || $0.aliases.contains(lowered) }
    }
}
