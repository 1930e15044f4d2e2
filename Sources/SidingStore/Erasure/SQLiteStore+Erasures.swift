import SidingCore

/// What the shell shows of erased records: their IDs, who erased them and when, never a value
/// (`list --erased`, `status`, a circle's audit, and why `erase` or an edit is refused).
extension SQLiteStore {
    /// The erasure of `record`, if it was erased.
    public func erasure(of record: EntityID) throws -> StoreWriter.Erasure? {
        try read { try ErasureRows.erasures($0, where: "e.entity = ?", [.text(record.description)]) }.first
    }

    /// Every erased record of `kind`, most recently erased first.
    public func erasures(of kind: EntityKind) throws -> [StoreWriter.Erasure] {
        try read { try ErasureRows.erasures($0, where: "1", []) }.filter { $0.record.kind == kind }
    }

    /// Every erasure carried out in `circle` (the order is a change of the circle's log).
    public func erasures(in circle: CircleID) throws -> [StoreWriter.Erasure] {
        try read {
            try ErasureRows.erasures(
                $0, where: "e.log_key IN (SELECT log_key FROM circle_logs WHERE circle = ?)", [.blob(circle.bytes)])
        }
    }

    /// How many records were erased here.
    public func erasureCount() throws -> Int {
        try read { try $0.statement("SELECT count(*) FROM erasures").rows { Int($0.int(0)) }.first ?? 0 }
    }
}

extension StoreWriter {
    /// Who seems to have made `record`: the author of its earliest operation held. Only a hint for whom
    /// to ask (timestamps are each author's word); the authority to erase is `mayGive`.
    public func creator(of record: EntityID) throws -> NodeID? {
        try connection.statement(
            """
            SELECT coalesce(l.author_key, o.origin_key) FROM ops o LEFT JOIN circle_logs l ON l.log_key = o.origin_key
            WHERE o.entity = ? AND o.op_type <> ? ORDER BY o.hlc, o.origin_key, o.seq, o.op_index LIMIT 1
            """
        ).bind(.text(record.description), .integer(Int64(ErasureOrder.actionType))).rows { OriginKey(bytes: $0.blob(0))?.nodeID }
            .first ?? nil
    }

    /// The name this node's partner list gives `node` (nil: not a partner).
    public func partnerName(of node: NodeID) throws -> String? {
        try connection.statement("SELECT name FROM peers WHERE node_id = ?").bind(.text(node.description)).rows { $0.text(0) }.first ?? nil
    }
}

enum ErasureRows {
    static func erasures(_ connection: SQLiteConnection, where condition: String, _ values: [SQLValue]) throws -> [StoreWriter.Erasure] {
        try connection.statement(
            sql: "SELECT e.entity, e.erased_by, e.erased_at FROM erasures e WHERE \(condition) ORDER BY e.erased_at DESC, e.entity"
        ).bind(values).rows { row -> StoreWriter.Erasure? in
            guard let record = EntityID(row.text(0) ?? ""), let author = OriginKey(bytes: row.blob(1)) else { return nil }
            return StoreWriter.Erasure(record: record, erasedBy: author.nodeID, erasedAt: HLC(rawValue: UInt64(row.int(2))))
        }.compactMap { $0 }
    }
}

extension SQLiteStore {
    /// The redacted network changes erasure orders held here vouch for.
    public func listedRedactions() throws -> Set<ErasureOrder.Listing> {
        try read { connection in
            Set(
                try connection.statement("SELECT origin_key, seq, digest FROM slot_listings").rows { row in
                    OriginKey(bytes: row.blob(0)).map { ErasureOrder.Listing(origin: $0, seq: UInt64(row.int(1)), digest: row.blob(2)) }
                }.compactMap { $0 })
        }
    }

    /// How many redacted network changes are held that no order or original has vouched for yet.
    public func unvouchedCount() throws -> Int {
        try read { try $0.statement("SELECT count(*) FROM unvouched_slots").rows { Int($0.int(0)) }.first ?? 0 }
    }
}
