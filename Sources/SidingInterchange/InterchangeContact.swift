import SidingCore

/// One contact as an address-book file holds it (or as an export writes it), in Siding's fields but
/// not yet validated: the daemon holds it to the schema's limits and shapes when it is imported.
public struct InterchangeContact: Hashable, Sendable {
    /// Where the record starts in its file: the line (CSV, JSON Lines) or card number (vCard), from 1.
    public var position: Int
    /// Siding's own ID, when the file is a Siding export (vCard `UID:urn:siding:…`, a "Siding ID"
    /// column, the JSON Lines `id`).
    public var sidingID: String?
    /// The record's stable key in the software that wrote it (a vCard `UID`), remembered on import so
    /// that importing the same file again matches it instead of creating it twice.
    public var sourceKey: String?
    /// Register values by field name (`FieldSpec.name`: name, organization, role, country, bio).
    public var fields: [String: String]
    /// Set elements by field name (emails, phones, tags), in file order.
    public var sets: [String: [String]]
    /// What the reader left out or could not map, for the import report ("PHOTO skipped",
    /// "country 'Narnia' is not one ISO 3166-1 code; left empty").
    public var notices: [String]

    public init(
        position: Int, sidingID: String? = nil, sourceKey: String? = nil, fields: [String: String] = [:],
        sets: [String: [String]] = [:], notices: [String] = []
    ) {
        self.position = position
        self.sidingID = sidingID
        self.sourceKey = sourceKey
        self.fields = fields
        self.sets = sets
        self.notices = notices
    }
}

/// What a reader yields for each record of a file: every record is accounted for.
public enum InterchangeItem: Hashable, Sendable {
    case contact(InterchangeContact)
    /// A record the reader could not make sense of (a card with no name, a row with too many
    /// columns): counted as failed, with the reason.
    case unreadable(position: Int, reason: String)
}

/// The file formats `siding contact import` reads and `siding contact export` writes.
public enum ContactFileFormat: String, CaseIterable, Hashable, Sendable {
    case vcard, vcard3, googleCSV = "google-csv", outlookCSV = "outlook-csv", thunderbirdCSV = "thunderbird-csv", csv, jsonl
}
