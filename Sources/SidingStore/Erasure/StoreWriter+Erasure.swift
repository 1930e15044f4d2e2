import SidingCore

/// Erasure ([erasure], Protocol/CHANGES.md "Erasure"): an authorised order drops every value of a record
/// from the stored changes (each keeps its seq and still verifies: `Change.redacting`), the operations,
/// the merged view and the search index, and a change that arrives later for the record is redacted
/// before it is stored. The record's ID, who erased it and when remain.
extension StoreWriter {
    /// An erased record: what remains of it.
    public struct Erasure: Hashable, Sendable {
        public let record: EntityID
        public let erasedBy: NodeID
        public let erasedAt: HLC
    }

    /// The erasure of `record`, if it was erased.
    public func erasure(of record: EntityID) throws -> Erasure? {
        try connection.statement("SELECT erased_by, erased_at FROM erasures WHERE entity = ?").bind(.text(record.description))
            .rows { row in
                OriginKey(bytes: row.blob(0)).map { Erasure(record: record, erasedBy: $0.nodeID, erasedAt: HLC(rawValue: UInt64(row.int(1)))) }
            }
            .first ?? nil
    }

    /// Whether `author` may give `order`: the owner of the record's circle, or the node that made the
    /// record, proven by the order's nonce (`RecordProvenance`; the earliest operation's author would
    /// not do: its timestamp is the author's word). The network has no owner: only the creator.
    public func mayGive(_ order: ErasureOrder, by author: OriginKey) throws -> Bool {
        guard let circle = try circle(of: order.record) else { return order.isFromCreator(author) }
        return try cachedMembership(circle).owner == author || order.isFromCreator(author)
    }

    /// Remembers the nonce that proves this node made `record` (`RecordProvenance`), for its erasure.
    public func rememberMaking(_ record: EntityID, nonce: [UInt8]) throws {
        try connection.statement("INSERT OR IGNORE INTO record_nonces(entity, nonce) VALUES (?, ?)")
            .bind(.text(record.description), .blob(nonce)).run()
    }

    /// The erasure order this node would give for `record`: with the nonce that proves it made it, if
    /// it did and still holds the nonce.
    public func erasureOrder(for record: EntityID) throws -> ErasureOrder {
        let nonce = try connection.statement("SELECT nonce FROM record_nonces WHERE entity = ?").bind(.text(record.description))
            .rows { $0.blob(0) }.first
        return ErasureOrder(erasing: record, creatorNonce: nonce)
    }

    /// Whether `entity` was erased (looked up once per record per transaction, and not at all while no
    /// record ever was).
    func isErased(_ entity: String) throws -> Bool {
        if erasuresMayExist == nil { erasuresMayExist = try connection.statement("SELECT 1 FROM erasures LIMIT 1").exists() }
        guard erasuresMayExist == true else { return false }
        if let known = erasedKnown[entity] { return known }
        let erased = try connection.statement("SELECT 1 FROM erasures WHERE entity = ?").bind(.text(entity)).exists()
        erasedKnown[entity] = erased
        return erased
    }

    /// `change` with every value it writes to an erased record dropped, before it is stored: an edit
    /// made concurrently with an erasure is erased on arrival.
    func redactingErasedRecords(_ change: Change) throws -> Change {
        var erased: Set<EntityID> = []
        for operation in change.operations where try isErased(operation.entity.description) { erased.insert(operation.entity) }
        guard !erased.isEmpty else { return change }
        return change.redacting(records: erased) ?? change
    }

    /// A version of a held change with values the held one lacks (a relay redacted it, or it arrived
    /// redacted before the erasure order did): the held one is replaced, unless the values are of a
    /// record erased here, so a value is never lost to a stripped copy and never comes back once erased.
    func restoreValues(from change: Change, over stored: [UInt8]) throws {
        // A redacted network change is taken over a held one only where an order vouches for it.
        guard try change.networkRedaction == nil || isListed(change) else { return }
        if try isUnvouched(change.origin, change.seq) { return try replaceUnvouched(with: change) }
        let held = try Change(decoding: stored)
        let incoming = try redactingErasedRecords(change)
        guard incoming.erasedOperations.isStrictSubset(of: held.erasedOperations) else { return }
        let touched = try dropStoredChanges(.blob(change.origin.bytes), where: "seq = ?", .integer(Int64(change.seq)))
        try append(incoming, replacing: true)
        try rebuild(touched)
    }

    /// Carries out the erasure orders of `change` (just stored) that its author may give; an order from
    /// anyone else is counted in `refusedErasures` and changes nothing.
    func carryOutErasureOrders(_ change: Change) throws {
        // Only a change that verified can order: a redacted network change's operations are its relay's word.
        guard change.networkRedaction == nil else { return }
        for order in change.erasureOrders {
            let record = order.record
            guard try circle(of: record) == change.circle else { continue }
            guard try mayGive(order, by: change.author) else {
                refusedErasures.append(RefusedErasure(circle: change.circle, author: change.author.nodeID))
                continue
            }
            // What the order vouches for comes in first, so the erasure finds every operation of the record.
            if change.circleLog == nil { try recordListings(of: order) }
            try erase(record, orderedBy: change)
            if change.circleLog == nil { try vouchForChangesOfErasedRecords() }
        }
    }

    private func erase(_ record: EntityID, orderedBy change: Change) throws {
        let entity = SQLValue.text(record.description)
        try connection.statement(
            "INSERT OR IGNORE INTO erasures(entity, erased_by, erased_at, log_key, seq) VALUES (?, ?, ?, ?, ?)"
        ).bind(entity, .blob(change.author.bytes), .integer(Int64(change.hlc.rawValue)), .blob(change.origin.bytes), .integer(Int64(change.seq)))
            .run()
        guard connection.changesCount > 0 else { return }
        erasuresMayExist = true
        erasedKnown[record.description] = true
        erasedHere.insert(record)
        try redactStoredChanges(of: record)
        try removeSearchRow(of: record.description)
        if let key = try storedRecordID(of: record.description).map(SQLValue.integer) {
            try connection.statement("UPDATE op_log SET value = NULL, live = 0 WHERE entity = ? AND (value IS NOT NULL OR live = 1)").bind(key).run()
            try connection.statement("DELETE FROM field_winners WHERE entity = ?").bind(key).run()
            try connection.statement("DELETE FROM set_elements WHERE entity = ?").bind(key).run()
        }
        try connection.statement("DELETE FROM import_keys WHERE entity = ?").bind(entity).run()
        try connection.statement("UPDATE entities SET deleted = ? WHERE entity = ?").bind(.integer(Self.erasedMark), entity).run()
        forgetPending(record.description)
    }

    /// `entities.deleted` of an erased record (0: live, 1: deleted).
    static let erasedMark: Int64 = 2

    /// Replaces every stored version (in force or evidence) of each change that wrote a value to
    /// `record` with its redaction.
    private func redactStoredChanges(of record: EntityID) throws {
        for version in try heldVersions(writingTo: record) {
            guard let redacted = try Change(decoding: version.bytes).redacting(records: [record]) else { continue }
            try connection.statement(sql: "UPDATE \(version.table) SET bytes = ? WHERE origin_key = ? AND seq = ? AND bytes = ?")
                .bind(.blob(redacted.encoded), .blob(version.origin), .integer(version.seq), .blob(version.bytes)).run()
        }
    }

    /// Every stored version (in force, or evidence of a fork) of each change that wrote a value to `record`,
    /// unvouched ones included (they have no operation rows to find them by).
    func heldVersions(writingTo record: EntityID) throws -> [(table: String, origin: [UInt8], seq: Int64, bytes: [UInt8])] {
        let sources = try connection.statement("SELECT DISTINCT origin_key, seq FROM ops WHERE entity = ? AND (value IS NOT NULL OR op_type = 1)")
            .bind(.text(record.description)).rows { ($0.blob(0), $0.int(1)) }
        let unvouched = try unvouchedHeld().filter { change in
            change.operations.contains { $0.entity == record && $0.action.committedValue != nil }
        }
        var versions: [(table: String, origin: [UInt8], seq: Int64, bytes: [UInt8])] = []
        for (origin, seq) in sources + unvouched.map({ ($0.origin.bytes, Int64($0.seq)) }) {
            for table in ["changes", "equivocations"] {
                let held = try connection.statement(sql: "SELECT bytes FROM \(table) WHERE origin_key = ? AND seq = ?")
                    .bind(.blob(origin), .integer(seq)).rows { $0.blob(0) }
                versions += held.map { (table, origin, seq, $0) }
            }
        }
        return versions
    }

    /// Erasure leaves no copy behind in the file: deleted cells are zeroed (`secure_delete`, set on the
    /// writer connection), and the full-text index, which keeps a deleted row's terms in its segments
    /// until they merge, is merged whole. The caller checkpoints the WAL after the commit.
    func purgeAfterErasure() throws {
        guard !erasedHere.isEmpty else { return }
        try connection.execute("INSERT INTO search(search) VALUES ('optimize')")
    }
}

/// An erasure order refused because its author is neither the record's proven creator nor its circle's owner.
public struct RefusedErasure: Hashable, Sendable {
    public let circle: CircleID?
    public let author: NodeID
}
