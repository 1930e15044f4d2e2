import SidingCore

/// Reads merged-view rows back into core types.
enum EntityStateReader {
    /// The full state (surviving values with dots) of one entity, or nil if nothing ever touched it.
    static func read(_ id: EntityID, from connection: SQLiteConnection) throws -> EntityState? {
        let exists = try connection.statement("SELECT 1 FROM entities WHERE entity = ?").bind(.text(id.description)).exists()
        guard exists else { return nil }
        var state = EntityState(id: id)
        let rows = try connection.statement(
            """
            SELECT field, op_type, value, hlc, origin_key, seq, op_index FROM ops
            WHERE entity = ? AND live = 1 AND op_type IN (1, 2)
            """
        ).bind(.text(id.description)).rows { row in
            (
                row.text(0) ?? "", row.int(1), row.text(2), HLC(rawValue: UInt64(row.int(3))), row.blob(4), row.int(5), row.int(6)
            )
        }
        // `ops` shows a register's winner; a value in conflict with it is read from its change.
        var written = WrittenValues(connection)
        for (field, type, shown, hlc, log, seq, index) in rows {
            guard let origin = OriginKey(bytes: log) else { continue }
            let value = try shown ?? written.required(log: log, seq: seq, index: index)
            let dot = Dot(origin: origin, seq: UInt64(seq), index: Int(index))
            if type == 1 {
                state.registers[field, default: []].append(RegisterValue(value: value, dot: dot, hlc: hlc))
            } else {
                state.sets[field, default: [:]][value, default: []].insert(dot)
            }
        }
        for field in state.registers.keys { state.registers[field]?.sort(by: RegisterValue.winsOver) }
        return state
    }

    /// Records (shown values) of the given entities, in the given order; unknown IDs are left out.
    static func records(_ ids: [String], from connection: SQLiteConnection) throws -> [EntityRecord] {
        guard !ids.isEmpty else { return [] }
        let list = SQLValue.text("[" + ids.map { "\"\($0)\"" }.joined(separator: ",") + "]")
        var fields: [String: [String: String]] = [:]
        var conflicted: [String: [String]] = [:]
        let registerRows = try connection.statement(
            """
            SELECT e.entity, f.field, f.value, f.value_count FROM entities e JOIN field_winners f ON f.entity = e.id
            WHERE e.entity IN (SELECT value FROM json_each(?))
            """
        ).bind(list).rows { ($0.text(0) ?? "", $0.text(1) ?? "", $0.text(2) ?? "", $0.int(3)) }
        for (entity, field, value, count) in registerRows {
            fields[entity, default: [:]][field] = value
            if count > 1 { conflicted[entity, default: []].append(field) }
        }
        var sets: [String: [String: [String]]] = [:]
        let memberRows = try connection.statement(
            """
            SELECT e.entity, s.field, s.element FROM entities e JOIN set_elements s ON s.entity = e.id
            WHERE e.entity IN (SELECT value FROM json_each(?)) ORDER BY e.entity, s.field, s.element
            """
        ).bind(list).rows { ($0.text(0) ?? "", $0.text(1) ?? "", $0.text(2) ?? "") }
        for (entity, field, element) in memberRows { sets[entity, default: [:]][field, default: []].append(element) }
        let deleted = try connection.statement(
            """
            SELECT entity, deleted FROM entities WHERE entity IN (SELECT value FROM json_each(?))
            """
        ).bind(list).rows { ($0.text(0) ?? "", $0.int(1) != 0) }
        let deletedByID = Dictionary(deleted, uniquingKeysWith: { first, _ in first })
        return ids.compactMap { text in
            guard let id = EntityID(text), let isDeleted = deletedByID[text] else { return nil }
            return EntityRecord(
                id: id, fields: fields[text] ?? [:], sets: sets[text] ?? [:],
                conflictedFields: (conflicted[text] ?? []).sorted(), deleted: isDeleted)
        }
    }
}
