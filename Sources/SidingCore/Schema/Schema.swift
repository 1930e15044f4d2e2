/// The record kinds this version knows and lookups over their declared fields.
public enum Schema {
    /// Free-form one-word labels, on contacts and notes alike.
    public static let tags = FieldSpec("tags", json: "tags", .set, max: .characters(64), shape: .tag, aliases: ["tag"], ignoresCase: true)

    public static let records: [RecordSchema] = [ContactSchema.schema, NoteSchema.schema]

    public static func record(of kind: EntityKind) -> RecordSchema? { records.first { $0.kind == kind } }

    /// The field that must be non-empty on every entity of a kind (a contact's name, a note's title).
    public static func requiredField(of kind: EntityKind) -> String? { record(of: kind)?.titleField.name }

    public static func fields(of kind: EntityKind) -> [FieldSpec] { record(of: kind)?.fields ?? [] }

    public static func field(_ name: String, of kind: EntityKind) -> FieldSpec? { record(of: kind)?.field(named: name) }

    /// The field name a typed name stands for: an alias becomes its field's name, anything else is
    /// kept (the daemon names unknown fields). An alias means the same field in every kind.
    public static func fieldName(for typed: String) -> String {
        records.lazy.flatMap(\.fields).first { $0.aliases.contains(typed) }?.name ?? typed
    }

    /// Fields full-text search leaves out, in any kind.
    public static let unsearchedFieldNames = Set(records.flatMap(\.fields).filter { !$0.isSearched }.map(\.name))

    /// The fields that title records (a contact's name, a note's title), in kind order.
    public static let titleFieldNames = records.map(\.titleField.name)
}
