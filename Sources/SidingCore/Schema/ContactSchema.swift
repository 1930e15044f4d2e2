/// A contact: a person the organisation is in dialogue with.
public enum ContactSchema: DeclaredKind {
    public static let name = FieldSpec("name", json: "name", max: .characters(200))
    public static let organization = FieldSpec("organization", json: "organization", max: .characters(200), aliases: ["org"])
    public static let role = FieldSpec("role", json: "role", max: .characters(200))
    public static let country = FieldSpec("country", json: "country", max: .characters(2), shape: .countryCode)
    public static let emails = FieldSpec("emails", json: "emails", .set, max: .characters(254), shape: .email, aliases: ["email"])
    public static let phones = FieldSpec("phones", json: "phones", .set, max: .characters(40), shape: .phone, aliases: ["phone"])
    public static let tags = Schema.tags
    public static let bio = FieldSpec("bio", json: "bio", max: .characters(8_000), shape: .multilineText)

    /// Where a merged contact went (`siding contact merge KEEP OTHER`): the ID of KEEP, written on
    /// OTHER with its tombstone. Not among `fields`: users never set it (`set` refuses it as an unknown
    /// field), search leaves it out, and `show` presents it as "merged into c_…" rather than as a
    /// field. A restore clears it.
    public static let mergedInto = FieldSpec(
        "merged_into", json: "merged_into", max: .characters(32), shape: .contactID, searched: false)

    public static let schema = RecordSchema(
        kind: .contact, fields: [name, organization, role, country, emails, phones, tags, bio], titleField: name,
        detailField: organization)
}
