import SidingCore

/// A contact (`ContactResource`) or note (`NoteResource`) as the local API and `siding … show --json`
/// carry it: `id`, every field its kind declares under the field's JSON key, `deleted`, `conflicts` and
/// `names`.
/// The shape is derived from the schema, so a declared field needs no code here. Unset text fields
/// are "" and unset sets [].
public struct RecordResource<Kind: DeclaredKind>: Codable, Hashable, Sendable {
    public var id: String
    public var deleted: Bool
    /// Fields holding concurrent values (`siding conflicts` shows them all).
    public var conflicts: [String]
    /// The names of the records it refers to (a note's participants), by ID: so people read names, not IDs.
    public var names: [String: String]
    /// The contact this one was merged into (`siding contact merge`); nil, and absent from the JSON,
    /// when it was not merged.
    public var mergedInto: String?
    /// The circle it belongs to (`"network"` or `{"id", "name"}`); nil only from a daemon before circles.
    public var circle: CircleRef?
    /// Who erased it and when, if it was erased (then every field is empty); nil, and absent from the
    /// JSON, when it was not.
    public var erased: ErasureResource?
    /// Every declared register's value and every declared set's members, by field name.
    private var texts: [String: String]
    private var setMembers: [String: [String]]

    /// Keeps exactly the declared fields of `texts` (register values) and `sets` (members), by field name.
    public init(
        id: String, texts: [String: String], sets: [String: [String]], deleted: Bool, conflicts: [String], names: [String: String] = [:],
        mergedInto: String? = nil, circle: CircleRef? = nil
    ) {
        self.circle = circle
        self.id = id
        self.deleted = deleted
        self.conflicts = conflicts
        self.names = names
        self.mergedInto = mergedInto
        self.texts = Dictionary(uniqueKeysWithValues: Kind.schema.registers.map { ($0.name, texts[$0.name] ?? "") })
        self.setMembers = Dictionary(uniqueKeysWithValues: Kind.schema.sets.map { ($0.name, sets[$0.name] ?? []) })
    }

    /// A register's value ("" when unset or not declared for this kind).
    public func text(_ field: FieldSpec) -> String { texts[field.name] ?? "" }

    /// A set's members ([] when empty or not declared for this kind).
    public func members(_ field: FieldSpec) -> [String] { setMembers[field.name] ?? [] }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: JSONKey.self)
        var texts: [String: String] = [:]
        var sets: [String: [String]] = [:]
        for field in Kind.schema.fields {
            let key = JSONKey(field.jsonKey)
            if field.isSet {
                sets[field.name] = try container.decode([String].self, forKey: key)
            } else {
                texts[field.name] = try container.decode(String.self, forKey: key)
            }
        }
        self.init(
            id: try container.decode(String.self, forKey: JSONKey("id")), texts: texts, sets: sets,
            deleted: try container.decode(Bool.self, forKey: JSONKey("deleted")),
            conflicts: try container.decode([String].self, forKey: JSONKey("conflicts")),
            names: try container.decodeIfPresent([String: String].self, forKey: JSONKey("names")) ?? [:],
            mergedInto: try container.decodeIfPresent(String.self, forKey: JSONKey(ContactSchema.mergedInto.jsonKey)),
            circle: try container.decodeIfPresent(CircleRef.self, forKey: JSONKey("circle")))
        erased = try container.decodeIfPresent(ErasureResource.self, forKey: JSONKey("erased"))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: JSONKey.self)
        try container.encode(id, forKey: JSONKey("id"))
        for field in Kind.schema.fields {
            let key = JSONKey(field.jsonKey)
            if field.isSet {
                try container.encode(members(field), forKey: key)
            } else {
                try container.encode(text(field), forKey: key)
            }
        }
        try container.encode(deleted, forKey: JSONKey("deleted"))
        try container.encode(conflicts, forKey: JSONKey("conflicts"))
        try container.encode(names, forKey: JSONKey("names"))
        try container.encodeIfPresent(mergedInto, forKey: JSONKey(ContactSchema.mergedInto.jsonKey))
        try container.encodeIfPresent(circle, forKey: JSONKey("circle"))
        try container.encodeIfPresent(erased, forKey: JSONKey("erased"))
    }
}

/// A contact as `siding contact show --json` prints it.
public typealias ContactResource = RecordResource<ContactSchema>

/// A dialogue note as `siding note show --json` prints it.
public typealias NoteResource = RecordResource<NoteSchema>
