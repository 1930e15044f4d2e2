import SidingCore

/// The store inside one write transaction. Applies changes to the log and, in the same transaction,
/// to the merged view and the full-text index, following the rules of `SidingCore.Replica`.
public final class StoreWriter {
    let connection: SQLiteConnection
    private var touchedRegisters: Set<FieldKey> = []
    private var touchedElements: Set<ElementKey> = []
    private var touchedEntities: Set<String> = []

    struct FieldKey: Hashable { let entity: String; let field: String }
    struct ElementKey: Hashable { let entity: String; let field: String; let element: String }

    init(connection: SQLiteConnection) { self.connection = connection }

    /// Runs `body` inside a savepoint: if it throws, only its own writes are undone.
    public func savepoint<T>(_ body: () throws -> T) throws -> T {
        try connection.execute("SAVEPOINT job")
        do {
            let result = try body()
            try connection.execute("RELEASE job")
            return result
        } catch {
            try connection.execute("ROLLBACK TO job; RELEASE job")
            throw error
        }
    }

    /// The highest gap-free seq held of `origin`.
    public func heldSeq(of origin: OriginKey) throws -> UInt64 {
        try connection.statement("SELECT max_seq FROM origins WHERE origin_key = ?")
            .bind(.blob(origin.bytes)).rows { UInt64($0.int(0)) }.first ?? 0
    }

    /// The entity's full merged state (surviving values with their dots), as seen inside this transaction.
    public func entity(_ id: EntityID) throws -> EntityState? {
        try refreshMergedView()
        return try EntityStateReader.read(id, from: connection)
    }

    /// Applies a change whose signature has been checked. Duplicates change nothing; an equivocation is
    /// recorded as evidence and the first version stays in force; a gap throws and changes nothing.
    public func apply(_ change: Change) throws -> ApplyOutcome {
        let held = try heldSeq(of: change.origin)
        let stored = change.seq <= held ? try storedBytes(change.origin, change.seq) : nil
        switch Admission.decide(seq: change.seq, held: held, storedBytes: stored, bytes: change.encoded) {
        case .duplicate:
            return .duplicate
        case .equivocation:
            try connection.statement("INSERT OR IGNORE INTO equivocations(origin_key, seq, bytes) VALUES (?, ?, ?)")
                .bind(.blob(change.origin.bytes), .integer(Int64(change.seq)), .blob(change.encoded)).run()
            return .equivocation
        case .gap(let expected):
            throw ReceiveError.gap(origin: change.origin.nodeID, expected: expected, got: change.seq)
        case .apply:
            try append(change)
            return .applied
        }
    }

    private func storedBytes(_ origin: OriginKey, _ seq: UInt64) throws -> [UInt8]? {
        try connection.statement("SELECT bytes FROM changes WHERE origin_key = ? AND seq = ?")
            .bind(.blob(origin.bytes), .integer(Int64(seq))).rows { $0.blob(0) }.first
    }

    private func append(_ change: Change) throws {
        let origin = SQLValue.blob(change.origin.bytes)
        let seq = SQLValue.integer(Int64(change.seq))
        let hlc = SQLValue.integer(Int64(change.hlc.rawValue))
        try connection.statement("INSERT INTO changes(origin_key, seq, hlc, bytes) VALUES (?, ?, ?, ?)")
            .bind(origin, seq, hlc, .blob(change.encoded)).run()
        if change.seq == 1 {
            try connection.statement("INSERT INTO origins(origin_key, node_id, max_seq) VALUES (?, ?, 1)")
                .bind(origin, .text(change.origin.nodeID.description)).run()
        } else {
            try connection.statement("UPDATE origins SET max_seq = ? WHERE origin_key = ?").bind(seq, origin).run()
        }
        for (index, operation) in change.operations.enumerated() {
            let entity = operation.entity.description
            try connection.statement("INSERT OR IGNORE INTO entities(entity, kind) VALUES (?, ?)")
                .bind(.text(entity), .integer(Int64(bitPattern: operation.entity.kind.rawValue))).run()
            touchedEntities.insert(entity)
            let (type, value) = Self.typeAndValue(of: operation.action)
            var live: Int64 = 0
            if type == 1 || type == 2 {
                let retiredEarlier = try connection.statement(
                    "SELECT 1 FROM tombstones WHERE origin_key = ? AND seq = ? AND op_index = ?"
                ).bind(origin, seq, .integer(Int64(index))).exists()
                live = retiredEarlier ? 0 : 1
                if type == 1 { touchedRegisters.insert(FieldKey(entity: entity, field: operation.field)) }
                if type == 2, let value { touchedElements.insert(ElementKey(entity: entity, field: operation.field, element: value)) }
            }
            try connection.statement(
                """
                INSERT INTO ops(origin_key, seq, op_index, entity, field, op_type, value, hlc, live)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
            ).bind(
                origin, seq, .integer(Int64(index)), .text(entity), .text(operation.field),
                .integer(Int64(bitPattern: type)), value.map(SQLValue.text) ?? .null, hlc, .integer(live)
            ).run()
            for target in operation.action.retires { try retire(target) }
        }
    }

    private func retire(_ dot: Dot) throws {
        let key: [SQLValue] = [.blob(dot.origin.bytes), .integer(Int64(dot.seq)), .integer(Int64(dot.index))]
        let retired = try connection.statement(
            """
            UPDATE ops SET live = 0 WHERE origin_key = ? AND seq = ? AND op_index = ? AND live = 1
            RETURNING entity, field, op_type, value
            """
        ).bind(key).rows { ($0.text(0) ?? "", $0.text(1) ?? "", $0.int(2), $0.text(3) ?? "") }
        for (entity, field, type, value) in retired {
            if type == 1 { touchedRegisters.insert(FieldKey(entity: entity, field: field)) }
            if type == 2 { touchedElements.insert(ElementKey(entity: entity, field: field, element: value)) }
            touchedEntities.insert(entity)
        }
        if retired.isEmpty {
            try connection.statement(
                """
                INSERT OR IGNORE INTO tombstones(origin_key, seq, op_index)
                SELECT ?1, ?2, ?3 WHERE NOT EXISTS (SELECT 1 FROM ops WHERE origin_key = ?1 AND seq = ?2 AND op_index = ?3)
                """
            ).bind(key).run()
        }
    }

    static func typeAndValue(of action: Operation.Action) -> (UInt64, String?) {
        switch action {
        case .write(let value, _): (1, value)
        case .add(let element): (2, element)
        case .remove(let element, _): (3, element)
        case .unknown(let type, _): (type, nil)
        }
    }

    /// Brings field winners, set members, tombstone flags and the search index up to date with every
    /// operation applied so far in this transaction (once per touched field, not once per operation).
    func refreshMergedView() throws {
        for key in touchedRegisters {
            let values = try connection.statement(
                """
                SELECT value, hlc, origin_key FROM ops WHERE entity = ? AND field = ? AND op_type = 1 AND live = 1
                ORDER BY hlc DESC, origin_key DESC, seq DESC, op_index DESC
                """
            ).bind(.text(key.entity), .text(key.field)).rows { ($0.text(0) ?? "", $0.int(1), $0.blob(2)) }
            if let winner = values.first {
                try connection.statement(
                    """
                    INSERT INTO field_values(entity, field, value, hlc, origin_key, value_count) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT(entity, field) DO UPDATE SET value = excluded.value, hlc = excluded.hlc,
                        origin_key = excluded.origin_key, value_count = excluded.value_count
                    """
                ).bind(
                    .text(key.entity), .text(key.field), .text(winner.0), .integer(winner.1), .blob(winner.2),
                    .integer(Int64(values.count))
                ).run()
            } else {
                try connection.statement("DELETE FROM field_values WHERE entity = ? AND field = ?")
                    .bind(.text(key.entity), .text(key.field)).run()
            }
            if key.field == EntityState.deletedField {
                try connection.statement(
                    """
                    UPDATE entities SET deleted = EXISTS (SELECT 1 FROM ops WHERE entity = ?1 AND field = ?2
                        AND op_type = 1 AND live = 1 AND value = ?3) WHERE entity = ?1
                    """
                ).bind(.text(key.entity), .text(key.field), .text(EntityState.deletedValue)).run()
            }
        }
        for key in touchedElements {
            let bind: [SQLValue] = [.text(key.entity), .text(key.field), .text(key.element)]
            let present = try connection.statement(
                """
                SELECT 1 FROM ops WHERE entity = ? AND field = ? AND value = ? AND op_type = 2 AND live = 1 LIMIT 1
                """
            ).bind(bind).exists()
            try connection.statement(
                present
                    ? "INSERT OR IGNORE INTO set_members(entity, field, element) VALUES (?, ?, ?)"
                    : "DELETE FROM set_members WHERE entity = ? AND field = ? AND element = ?"
            ).bind(bind).run()
        }
        for entity in touchedEntities { try SearchIndex.refresh(entity: entity, in: connection) }
        touchedRegisters.removeAll(keepingCapacity: true)
        touchedElements.removeAll(keepingCapacity: true)
        touchedEntities.removeAll(keepingCapacity: true)
    }
}
