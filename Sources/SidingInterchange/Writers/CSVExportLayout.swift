/// The columns an exported CSV has, and what of a contact goes in each.
///
/// What they cannot hold (so an export → import round trip loses it):
/// - Google CSV: a tag or set element containing " ::: " (Google's separator); the name goes whole in
///   "First Name".
/// - Outlook CSV: more than 3 e-mails or 5 phones; tags containing "," or ";" (Outlook separates
///   categories with them); the name goes whole in "First Name".
/// - Thunderbird CSV: more than 2 e-mails or 3 phones; tags at all (Thunderbird has no categories column).
/// The "Siding ID" column is always last, so these tools import the rest and ignore it.
struct CSVExportLayout {
    struct Column {
        var title: String
        var value: @Sendable (InterchangeContact) -> String
    }

    var columns: [Column]

    init?(format: ContactFileFormat) {
        switch format {
        case .googleCSV: columns = Self.google
        case .outlookCSV: columns = Self.outlook
        case .thunderbirdCSV: columns = Self.thunderbird
        case .csv: columns = Self.plain
        case .vcard, .vcard3, .jsonl: return nil
        }
        columns.append(Column(title: CSVLayout.sidingIDColumn) { $0.sidingID ?? "" })
    }

    private static func field(_ name: String) -> @Sendable (InterchangeContact) -> String { { $0.fields[name] ?? "" } }

    private static func element(_ set: String, _ index: Int) -> @Sendable (InterchangeContact) -> String {
        { contact in
            let elements = contact.sets[set] ?? []
            return index < elements.count ? elements[index] : ""
        }
    }

    private static func joined(_ set: String, _ separator: String) -> @Sendable (InterchangeContact) -> String {
        { ($0.sets[set] ?? []).joined(separator: separator) }
    }

    private static let google: [Column] = [
        Column(title: "First Name", value: field(ContactFieldNames.name)), Column(title: "Middle Name") { _ in "" },
        Column(title: "Last Name") { _ in "" },
        Column(title: "Organization Name", value: field(ContactFieldNames.organization)),
        Column(title: "Organization Title", value: field(ContactFieldNames.role)),
        Column(title: "Notes", value: field(ContactFieldNames.bio)),
        Column(title: "Labels") { contact in
            (["* myContacts"] + (contact.sets[ContactFieldNames.tags] ?? [])).joined(separator: CSVLayout.googleSeparator)
        },
        Column(title: "E-mail 1 - Label") { _ in "" },
        Column(title: "E-mail 1 - Value", value: joined(ContactFieldNames.emails, CSVLayout.googleSeparator)),
        Column(title: "Phone 1 - Label") { _ in "" },
        Column(title: "Phone 1 - Value", value: joined(ContactFieldNames.phones, CSVLayout.googleSeparator)),
        Column(title: "Address 1 - Label") { _ in "" },
        Column(title: "Address 1 - Country", value: field(ContactFieldNames.country)),
    ]

    private static let outlook: [Column] = [
        Column(title: "First Name", value: field(ContactFieldNames.name)), Column(title: "Middle Name") { _ in "" },
        Column(title: "Last Name") { _ in "" },
        Column(title: "Company", value: field(ContactFieldNames.organization)),
        Column(title: "Job Title", value: field(ContactFieldNames.role)),
        Column(title: "Business Country/Region", value: field(ContactFieldNames.country)),
        Column(title: "Business Phone", value: element(ContactFieldNames.phones, 0)),
        Column(title: "Business Phone 2", value: element(ContactFieldNames.phones, 1)),
        Column(title: "Mobile Phone", value: element(ContactFieldNames.phones, 2)),
        Column(title: "Home Phone", value: element(ContactFieldNames.phones, 3)),
        Column(title: "Other Phone", value: element(ContactFieldNames.phones, 4)),
        Column(title: "E-mail Address", value: element(ContactFieldNames.emails, 0)),
        Column(title: "E-mail 2 Address", value: element(ContactFieldNames.emails, 1)),
        Column(title: "E-mail 3 Address", value: element(ContactFieldNames.emails, 2)),
        Column(title: "Categories", value: joined(ContactFieldNames.tags, ";")),
        Column(title: "Notes", value: field(ContactFieldNames.bio)),
    ]

    private static let thunderbird: [Column] = [
        Column(title: "First Name") { _ in "" }, Column(title: "Last Name") { _ in "" },
        Column(title: "Display Name", value: field(ContactFieldNames.name)), Column(title: "Nickname") { _ in "" },
        Column(title: "Primary Email", value: element(ContactFieldNames.emails, 0)),
        Column(title: "Secondary Email", value: element(ContactFieldNames.emails, 1)),
        Column(title: "Work Phone", value: element(ContactFieldNames.phones, 0)),
        Column(title: "Home Phone", value: element(ContactFieldNames.phones, 1)),
        Column(title: "Mobile Number", value: element(ContactFieldNames.phones, 2)),
        Column(title: "Work Country", value: field(ContactFieldNames.country)),
        Column(title: "Job Title", value: field(ContactFieldNames.role)),
        Column(title: "Organization", value: field(ContactFieldNames.organization)),
        Column(title: "Notes", value: field(ContactFieldNames.bio)),
    ]

    /// One column per field named as the field; sets joined with " ::: ".
    private static var plain: [Column] {
        ContactFieldNames.all.map { name in
            ContactFieldNames.field(named: name)?.isSet == true
                ? Column(title: name, value: joined(name, CSVLayout.googleSeparator)) : Column(title: name, value: field(name))
        }
    }
}

/// RFC 4180 rows: a cell is quoted when it holds a comma, a quote, a line break or edge spaces.
enum CSVExport {
    static func row(_ cells: [String]) -> String {
        cells.map(quoted).joined(separator: ",") + "\r\n"
    }

    private static func quoted(_ cell: String) -> String {
        let needsQuotes =
            cell.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
            || cell.unicodeScalars.first?.properties.isWhitespace == true || cell.unicodeScalars.last?.properties.isWhitespace == true
        guard needsQuotes else { return cell }
        return "\"" + cell.replacingQuotes + "\""
    }
}

extension String {
    fileprivate var replacingQuotes: String {
        var output = String.UnicodeScalarView()
        for scalar in unicodeScalars {
            output.append(scalar)
            if scalar == "\"" { output.append(scalar) }
        }
        return String(output)
    }
}
