/// A contact: a person the organisation is in dialogue with.
public enum ContactSchema: DeclaredKind {
    public static let name = FieldSpec("name", json: "name", maxBytes: 200)
    public static let organization = FieldSpec("organization", json: "organization", maxBytes: 200, aliases: ["org"])
    public static let role = FieldSpec("role", json: "role", maxBytes: 200)
    public static let country = FieldSpec("country", json: "country", maxBytes: 2, shape: .countryCode)
    public static let emails = FieldSpec("emails", json: "emails", .set, maxBytes: 254, shape: .email, aliases: ["email"])
    public static let phones = FieldSpec("phones", json: "phones", .set, maxBytes: 40, shape: .phone, aliases: ["phone"])
    public static let tags = Schema.tags
    public static let bio = FieldSpec("bio", json: "bio", maxBytes: 8_192, shape: .multilineText)

    public static let schema = RecordSchema(
        kind: .contact, fields: [name, organization, role, country, emails, phones, tags, bio], titleField: name)
}
