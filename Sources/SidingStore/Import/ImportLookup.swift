import SidingCore

/// What an import needs of the store to match a file's record with one already held. Answered inside
/// the writer's transaction for a real import (so each record sees the ones before it) and from the
/// reader for a dry run (which writes nothing).
public protocol ImportLookup {
    /// The entity's merged state, if this node holds it.
    func importedState(_ id: EntityID) throws -> EntityState?
    /// The record a source key (a vCard UID, a row's content hash) was imported as before.
    func importedEntity(sourceKey: String) throws -> EntityID?
    /// Live (not deleted) records of `kind` whose set `field` holds `element` exactly.
    func liveEntities(of kind: EntityKind, holding element: String, in field: String) throws -> [EntityID]
}

extension StoreWriter: ImportLookup {
    public func importedState(_ id: EntityID) throws -> EntityState? { try entity(id) }

    public func importedEntity(sourceKey: String) throws -> EntityID? { try ImportKeyQueries.entity(sourceKey: sourceKey, in: connection) }

    public func liveEntities(of kind: EntityKind, holding element: String, in field: String) throws -> [EntityID] {
        // Set members are brought up to date at the end of each job's reads; the jobs before this one
        // in the transaction may have added some.
        try refreshMergedView()
        return try ImportKeyQueries.liveEntities(of: kind, holding: element, in: field, connection: connection)
    }

    /// Remembers that `sourceKey` was imported as (or matched) `entity`; a later import of it matches.
    public func rememberImport(sourceKey: String, entity: EntityID) throws {
        try connection.statement("INSERT OR REPLACE INTO import_keys(source_key, entity) VALUES (?, ?)")
            .bind(.text(sourceKey), .text(entity.description)).run()
    }
}

/// The read side of `ImportLookup`, for dry runs: each answer is its own read of the committed state.
public struct StoreImportLookup: ImportLookup {
    let store: SQLiteStore

    public init(store: SQLiteStore) { self.store = store }

    public func importedState(_ id: EntityID) throws -> EntityState? { try store.entityState(id) }

    public func importedEntity(sourceKey: String) throws -> EntityID? {
        try store.read { try ImportKeyQueries.entity(sourceKey: sourceKey, in: $0) }
    }

    public func liveEntities(of kind: EntityKind, holding element: String, in field: String) throws -> [EntityID] {
        try store.read { try ImportKeyQueries.liveEntities(of: kind, holding: element, in: field, connection: $0) }
    }
}

enum ImportKeyQueries {
    static func entity(sourceKey: String, in connection: SQLiteConnection) throws -> EntityID? {
        try connection.statement("SELECT entity FROM import_keys WHERE source_key = ?").bind(.text(sourceKey))
            .rows { EntityID($0.text(0) ?? "") }.first ?? nil
    }

    static func liveEntities(of kind: EntityKind, holding element: String, in field: String, connection: SQLiteConnection) throws
        -> [EntityID]
    {
        try connection.statement(
            """
            SELECT e.entity FROM set_elements s JOIN entities e ON e.id = s.entity
            WHERE s.field = ? AND s.element = ? AND e.kind = ? AND e.deleted = 0 ORDER BY e.entity
            """
        ).bind(.text(field), .text(element), .integer(Int64(bitPattern: kind.rawValue))).rows { EntityID($0.text(0) ?? "") }
            .compactMap { $0 }
    }
}
