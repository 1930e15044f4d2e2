import SidingCore

/// An entity as the merged view shows it: each register's winner and each set's members.
public struct EntityRecord: Hashable, Sendable {
    public let id: EntityID
    public let fields: [String: String]
    public let sets: [String: [String]]
    public let conflictedFields: [String]
    public let deleted: Bool
}

/// One operation in an entity's history: who changed what, when, from which node.
public struct HistoryEntry: Hashable, Sendable {
    public let hlc: HLC
    public let origin: NodeID
    public let seq: UInt64
    public let field: String
    public let action: String
    public let value: String?
    /// Whether this write or addition still stands (not replaced or removed since).
    public let current: Bool
}

/// A register with several surviving values, winner first.
public struct ConflictRecord: Hashable, Sendable {
    public let entity: EntityID
    public let field: String
    public let values: [RegisterValue]
}

public struct SearchHit: Hashable, Sendable {
    public let record: EntityRecord
    public let snippet: String
}

/// A condition on entities listed by `SQLiteStore.list`.
public enum ListFilter: Hashable, Sendable {
    /// The field's shown value equals this (case-insensitively).
    case equals(field: String, value: String)
    /// The set field holds this element.
    case member(field: String, element: String)
    /// The set field holds any of these elements (the spellings of one tag).
    case memberOfAny(field: String, elements: [String])
    /// The field's shown value sorts at or after this (dates are YYYY-MM-DD, so this is "since").
    case atLeast(field: String, value: String)
    /// The record belongs to this circle (nil: to the network, i.e. to no circle).
    case inCircle(CircleID?)
}
