/// The declared fields of one record kind.
public struct RecordSchema: Hashable, Sendable {
    public let kind: EntityKind
    /// Every field, in the order the local API, `--json` and `show` present them.
    public let fields: [FieldSpec]
    /// The field that names a record: it must not be empty, and titles search results.
    public let titleField: FieldSpec
    /// The field that tells apart records with the same title (a contact's organisation, a note's date)
    /// where several match what a user typed.
    public let detailField: FieldSpec?

    public init(kind: EntityKind, fields: [FieldSpec], titleField: FieldSpec, detailField: FieldSpec? = nil) {
        self.kind = kind
        self.fields = fields
        self.titleField = titleField
        self.detailField = detailField
    }

    public var registers: [FieldSpec] { fields.filter { !$0.isSet } }
    public var sets: [FieldSpec] { fields.filter(\.isSet) }

    public func field(named name: String) -> FieldSpec? { fields.first { $0.name == name } }
}

/// A record kind whose fields the schema declares; generic code (the local API's resources) is
/// parameterised by it.
public protocol DeclaredKind: Sendable {
    static var schema: RecordSchema { get }
}
