import SidingCore

/// What a CSV file's columns mean: a layout known by its header (Google old and current, Outlook,
/// Thunderbird), or the user's `--map COLUMN=FIELD`, which overrides a known layout for the fields it maps.
struct CSVLayout: Sendable {
    /// What one column's cells give a contact.
    enum Role: Hashable, Sendable {
        /// The whole name.
        case name
        /// Part of the name when there is no whole name: given (0), middle (1), family (2).
        case namePart(Int)
        /// A one-value field (organization, role, bio).
        case field(String)
        /// Set elements (emails, phones, tags), several in a cell separated by any of `separators`.
        case set(String, separators: [String])
        /// A country as written; the lowest rank that is not empty wins.
        case country(rank: Int)
        case sidingID
    }

    var format: ContactFileFormat
    var description: String
    var header: [String]
    var roles: [Int: Role]

    static let sidingIDColumn = "Siding ID"
    static let googleSeparator = " ::: "

    /// The layout a header shows, with `mapping` applied; throws when neither says what the columns are.
    static func detect(header: [String], mapping: [String: String]) throws(InterchangeError) -> CSVLayout {
        let lowered = header.map { $0.trimmingWhitespace.lowercased() }
        var layout: CSVLayout
        if let known = known(lowered) {
            layout = CSVLayout(format: known.format, description: known.description, header: header, roles: [:])
            for (index, column) in lowered.enumerated() {
                if let role = known.role(column) { layout.roles[index] = role }
            }
        } else if !mapping.isEmpty {
            layout = CSVLayout(format: .csv, description: "CSV", header: header, roles: [:])
        } else {
            throw .unknownLayout(header: header.filter { !$0.isEmpty })
        }
        if let index = lowered.firstIndex(of: sidingIDColumn.lowercased()) { layout.roles[index] = .sidingID }
        try layout.apply(mapping, lowered: lowered)
        return layout
    }

    private mutating func apply(_ mapping: [String: String], lowered: [String]) throws(InterchangeError) {
        guard !mapping.isEmpty else { return }
        var mapped: [Int: Role] = [:]
        for (column, fieldName) in mapping.sorted(by: { $0.key < $1.key }) {
            guard let spec = ContactFieldNames.field(named: fieldName.trimmingWhitespace) else { throw .mappedFieldUnknown(field: fieldName) }
            guard let index = lowered.firstIndex(of: column.trimmingWhitespace.lowercased()) else {
                throw .mappedColumnMissing(column: column, header: header.filter { !$0.isEmpty })
            }
            mapped[index] = Self.role(for: spec)
        }
        let mappedFields = Set(mapped.values.map(\.fieldName))
        roles = roles.filter { !mappedFields.contains($0.value.fieldName) && mapped[$0.key] == nil }
        roles.merge(mapped) { _, new in new }
        description += " with --map"
    }

    private static func role(for spec: FieldSpec) -> Role {
        switch spec.name {
        case ContactFieldNames.name: .name
        case ContactFieldNames.country: .country(rank: 0)
        case ContactFieldNames.tags: .set(spec.name, separators: [googleSeparator, ",", ";"])
        case ContactFieldNames.emails: .set(spec.name, separators: [googleSeparator, ",", ";"])
        default: spec.isSet ? .set(spec.name, separators: [googleSeparator]) : .field(spec.name)
        }
    }
}

extension CSVLayout.Role {
    /// The contact field the role fills (the name for its parts).
    var fieldName: String {
        switch self {
        case .name, .namePart: ContactFieldNames.name
        case .field(let name), .set(let name, _): name
        case .country: ContactFieldNames.country
        case .sidingID: "id"
        }
    }
}
