import SidingCore

/// `contacts` and `notes`, the views power users query: one row per record, its shown values and set
/// members by field name. Schema 1 made them over the tables keyed by record ID; schema 18 makes them
/// again over the tables keyed by `entities.id`, with the same columns.
enum RecordViews {
    /// The views over `values` (shown values) and `members` (set members), whose `entity` column holds
    /// the `entities` column `key`.
    static func sql(values: String, members: String, key: String) -> String {
        func value(_ field: String) -> String {
            "(SELECT value FROM \(values) f WHERE f.entity = e.\(key) AND f.field = '\(field)') AS \(field)"
        }
        func elements(_ field: String) -> String {
            "(SELECT json_group_array(element) FROM \(members) s WHERE s.entity = e.\(key) AND s.field = '\(field)') AS \(field)"
        }
        func view(_ name: String, kind: EntityKind, _ columns: [String]) -> String {
            "CREATE VIEW \(name) AS SELECT e.entity AS id,\n    "
                + (columns + ["e.deleted AS deleted"]).joined(separator: ",\n    ")
                + "\n    FROM entities e WHERE e.kind = \(kind.rawValue);\n"
        }
        return view(
            "contacts", kind: .contact,
            [
                value("name"), value("organization"), value("role"), value("country"), elements("emails"), elements("phones"), elements("tags"),
                value("bio"),
            ])
            + view(
                "notes", kind: .note,
                [value("title"), value("date"), value("conflict"), value("location"), elements("participants"), elements("tags"), value("body")])
    }

    /// Over the tables keyed by record ID (schemas 1 to 17).
    static let byRecordID = sql(values: "field_values", members: "set_members", key: "entity")
}
