/// The CSV headers address books write, and what their columns mean. Columns not listed (addresses
/// other than their country, birthdays, web pages, IM, custom fields) have no Siding field.
struct CSVKnownLayout {
    var format: ContactFileFormat
    var description: String
    var role: (String) -> CSVLayout.Role?
}

extension CSVLayout {
    static func known(_ lowered: [String]) -> CSVKnownLayout? {
        let columns = Set(lowered)
        if columns.contains("e-mail 1 - value") || columns.contains("phone 1 - value") || columns.contains("group membership") {
            if columns.contains("given name") { return CSVKnownLayout(format: .googleCSV, description: "Google CSV (old header)", role: googleRole) }
            if columns.contains("first name") {
                return CSVKnownLayout(format: .googleCSV, description: "Google CSV (current header)", role: googleRole)
            }
        }
        if columns.contains("e-mail address"), columns.contains("first name") {
            return CSVKnownLayout(format: .outlookCSV, description: "Outlook CSV", role: outlookRole)
        }
        if columns.contains("primary email"), columns.contains("display name") {
            return CSVKnownLayout(format: .thunderbirdCSV, description: "Thunderbird CSV", role: thunderbirdRole)
        }
        if columns.contains("name"), columns.contains("emails"), columns.contains("phones") {
            return CSVKnownLayout(format: .csv, description: "CSV (Siding's columns)", role: plainRole)
        }
        return nil
    }

    /// The columns `siding contact export --format csv` writes: one per field, named as the field.
    private static func plainRole(_ column: String) -> Role? {
        guard let spec = ContactFieldNames.field(named: column), spec.name == column else { return nil }
        switch spec.name {
        case ContactFieldNames.name: return .name
        case ContactFieldNames.country: return .country(rank: 0)
        default: return spec.isSet ? .set(spec.name, separators: [googleSeparator]) : .field(spec.name)
        }
    }

    private static let google: [String: Role] = [
        "name": .name, "given name": .namePart(0), "additional name": .namePart(1), "family name": .namePart(2),
        "first name": .namePart(0), "middle name": .namePart(1), "last name": .namePart(2),
        "organization 1 - name": .field(ContactFieldNames.organization), "organization name": .field(ContactFieldNames.organization),
        "organization 1 - title": .field(ContactFieldNames.role), "organization title": .field(ContactFieldNames.role),
        "notes": .field(ContactFieldNames.bio),
        "group membership": .set(ContactFieldNames.tags, separators: [googleSeparator]),
        "labels": .set(ContactFieldNames.tags, separators: [googleSeparator]),
    ]

    private static func googleRole(_ column: String) -> Role? {
        if let role = google[column] { return role }
        let parts = column.split(separator: " ")
        guard parts.count == 4, parts[2] == "-", let number = Int(parts[1]) else { return nil }
        switch (parts[0], parts[3]) {
        case ("e-mail", "value"): return .set(ContactFieldNames.emails, separators: [googleSeparator])
        case ("phone", "value"): return .set(ContactFieldNames.phones, separators: [googleSeparator])
        case ("address", "country"): return .country(rank: number)
        default: return nil
        }
    }

    private static let outlook: [String: Role] = [
        "first name": .namePart(0), "middle name": .namePart(1), "last name": .namePart(2),
        "company": .field(ContactFieldNames.organization), "job title": .field(ContactFieldNames.role),
        "notes": .field(ContactFieldNames.bio), "categories": .set(ContactFieldNames.tags, separators: [";", ","]),
        "e-mail address": .set(ContactFieldNames.emails, separators: []),
        "e-mail 2 address": .set(ContactFieldNames.emails, separators: []),
        "e-mail 3 address": .set(ContactFieldNames.emails, separators: []),
        "business country/region": .country(rank: 1), "business country": .country(rank: 1),
        "home country/region": .country(rank: 2), "home country": .country(rank: 2),
        "other country/region": .country(rank: 3), "other country": .country(rank: 3),
    ]

    private static func outlookRole(_ column: String) -> Role? {
        if let role = outlook[column] { return role }
        let isPhone = (column.contains("phone") || column == "callback" || column == "isdn") && !column.contains("fax")
        return isPhone ? .set(ContactFieldNames.phones, separators: []) : nil
    }

    private static let thunderbird: [String: Role] = [
        "display name": .name, "first name": .namePart(0), "last name": .namePart(2),
        "primary email": .set(ContactFieldNames.emails, separators: []),
        "secondary email": .set(ContactFieldNames.emails, separators: []),
        "work phone": .set(ContactFieldNames.phones, separators: []), "home phone": .set(ContactFieldNames.phones, separators: []),
        "mobile number": .set(ContactFieldNames.phones, separators: []),
        "job title": .field(ContactFieldNames.role), "organization": .field(ContactFieldNames.organization),
        "notes": .field(ContactFieldNames.bio), "work country": .country(rank: 1), "home country": .country(rank: 2),
    ]

    private static func thunderbirdRole(_ column: String) -> Role? { thunderbird[column] }
}
