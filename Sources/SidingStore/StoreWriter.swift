import SidingCore

/// The store inside one write transaction. Applies changes to the log and, in the same transaction,
/// to the merged view and the full-text index, following the rules of `SidingCore.Replica`.
public final class StoreWriter {
    let connection: SQLiteConnection
    /// What this transaction did to each entity since the merged view was last refreshed.
    private var pending: [String: PendingEntity] = [:]
    /// Each record's key in the big tables (`entities.id`, schema 18), for records whose row is known
    /// to exist in this transaction.
    private var recordIDs: [String: Int64] = [:]
    /// Entities created in this transaction whose search row is not written yet (a failed job's undoing
    /// leaves this true: either the row is gone too, or it was created before the job).
    private var awaitingSearchRows: Set<String> = []
    /// Each log's highest gap-free seq, as read or written in this transaction (`heldSeq(of:)`): a
    /// batch of one log's changes reads it once, not once per change.
    var heldSeqs: [OriginKey: UInt64] = [:]
    /// Each log's key in `op_log`, as looked up or given in this transaction.
    private var logIDs: [OriginKey: Int64] = [:]
    /// The circle (its ID's bytes; nil: the network) of each record this transaction has decided, so
    /// the circle rule costs one lookup per record per transaction, not one per operation.
    var recordCircles: [String: [UInt8]?] = [:]
    /// Whether any dot was ever retired before it arrived; almost never, so usually not looked up per operation.
    private var tombstonesMayExist: Bool?
    /// Whether any record belongs to a circle; until one does, no operation is looked up for its circle.
    var circlesMayExist: Bool?
    /// Each change this transaction applied, with the session that delivered it (nil: this node's own).
    public private(set) var advances: [CommitNotice.Advance] = []
    /// The session whose changes are applied from now on (the node's writer sets it per job).
    public var deliveredBy: UInt64?

    /// This node's key (circle changes are stored only while it is a member).
    let localKey: OriginKey?
    /// Each circle's membership as this transaction has folded it so far.
    var memberships: [CircleID: CircleMembership] = [:]
    /// Circles the batch being applied admits this node to (`apply(_ changes:)`).
    var joining: Set<CircleID> = []
    /// Whether any record was ever erased; until one is, no operation is looked up for it.
    var erasuresMayExist: Bool?
    /// Whether each record looked up in this transaction is erased.
    var erasedKnown: [String: Bool] = [:]
    /// Records this transaction erased (the store purges the file after it: `purgeAfterErasure`).
    public internal(set) var erasedHere: Set<EntityID> = []
    /// Erasure orders this transaction refused (their authors may not erase the record).
    public internal(set) var refusedErasures: [RefusedErasure] = []
    /// Redacted network changes that erasure orders in the batch being applied vouch for.
    var batchListings: Set<ErasureOrder.Listing> = []

    init(connection: SQLiteConnection, localKey: OriginKey?) {
        self.connection = connection
        self.localKey = localKey
    }

    /// Circles whose membership a change of this transaction changed.
    public internal(set) var circlesChanged: Set<CircleID> = []

    /// What this transaction adds to the store, for announcing its commit.
    public var notice: CommitNotice { CommitNotice(circlesChanged: circlesChanged).merged(with: CommitNotice(advances)) }

    /// Runs `body` inside a savepoint: if it throws, only its own writes are undone.
    public func savepoint<T>(_ body: () throws -> T) throws -> T {
        try connection.execute("SAVEPOINT job")
        let mark = advances.count
        do {
            let result = try body()
            try connection.execute("RELEASE job")
            return result
        } catch {
            try connection.execute("ROLLBACK TO job; RELEASE job")
            advances.removeSubrange(mark...)
            memberships.removeAll()
            circlesMayExist = nil
            erasuresMayExist = nil
            erasedKnown.removeAll()
            recordCircles.removeAll()
            recordIDs.removeAll()
            logIDs.removeAll()
            heldSeqs.removeAll()
            // Only on failure: every entity pending is read back from the store, which the rollback left true.
            for entity in pending.keys { pending[entity]?.forgetWhatIsKnown() }
            throw error
        }
    }

    /// The highest gap-free seq held of `origin`.
    public func heldSeq(of origin: OriginKey) throws -> UInt64 {
        if let held = heldSeqs[origin] { return held }
        let held =
            try connection.statement("SELECT max_seq FROM origins WHERE origin_key = ?")
            .bind(.blob(origin.bytes)).rows { UInt64($0.int(0)) }.first ?? 0
        heldSeqs[origin] = held
        return held
    }

    /// The entity's full merged state (surviving values with their dots), as seen inside this transaction.
    public func entity(_ id: EntityID) throws -> EntityState? {
        try refreshMergedView()
        return try EntityStateReader.read(id, from: connection)
    }

    /// Applies a change whose signature has been checked. Duplicates change nothing; a gap throws and
    /// changes nothing; of two versions of one seq (an equivocation) the one with the lower SHA-256 is
    /// kept in force on every node, the other as evidence. A circle's change is stored only as a member
    /// and only if its author's log counts (`.refused` otherwise; Protocol/CHANGES.md, "Format 2").
    public func apply(_ change: Change) throws -> ApplyOutcome {
        // A redacted change names its log without a signature to bind it: never one of a circle's logs.
        if change.networkRedaction != nil, try isCircleLog(change.origin) { return .refused }
        if let log = change.circleLog {
            if try !isOwnerLogCandidate(log) {
                guard try memberLogChangeCounts(change, log) else { return .refused }
            } else if try !mayHoldOwnerLog(change, log) {
                return .refused
            }
        }
        let held = try heldSeq(of: change.origin)
        let stored = change.seq <= held ? try connection.heldChange(log: change.origin.bytes, seq: Int64(change.seq)) : nil
        switch Admission.decide(seq: change.seq, held: held, storedBytes: stored, bytes: change.encoded) {
        case .duplicate:
            if let stored, stored != change.encoded { try restoreValues(from: change, over: stored) }
            return .duplicate
        case .equivocation:
            guard let stored else { return .equivocation }
            if try change.networkRedaction != nil || isUnvouched(change.origin, change.seq) {
                return try settleUnvouchedVersion(change, held: stored)
            }
            try keepLowerVersionInForce(change, held: stored)
            return .equivocation
        case .gap(let expected):
            throw ReceiveError.gap(origin: change.origin.nodeID, expected: expected, got: change.seq)
        case .apply:
            if let log = change.circleLog, log.epoch == 0, try isOwnerLogCandidate(log) {
                guard try foldOwnerChange(change, log) else { return .refused }
            }
            // A redacted network change that nothing vouches for is held without its operations.
            let vouched = try change.networkRedaction == nil || isListed(change) || touchesOnlyErasedRecords(change)
            let change = try redactingErasedRecords(change)
            try append(change, applyingOperations: vouched)
            try afterAppendingInCircle(change)
            try carryOutErasureOrders(change)
            if let circle = change.circle, !change.controlActions.isEmpty { circlesChanged.insert(circle) }
            advances.append(
                CommitNotice.Advance(
                    origin: change.origin, seq: change.seq, deliveredBy: deliveredBy, circle: change.circle,
                    isOwnerLog: change.circleLog?.epoch == 0))
            return .applied
        }
    }

    func append(_ change: Change, replacing: Bool = false, applyingOperations: Bool = true) throws {
        let origin = SQLValue.blob(change.origin.bytes)
        let seq = SQLValue.integer(Int64(change.seq))
        let hlc = SQLValue.integer(Int64(change.hlc.rawValue))
        try connection.statement("INSERT INTO changes(origin_key, seq, hlc, bytes) VALUES (?, ?, ?, ?)")
            .bind(origin, seq, hlc, .blob(change.encoded)).run()
        if replacing {
            // The seq is already counted in the log's version-vector entry.
        } else if change.seq == 1 {
            try connection.statement("INSERT INTO origins(origin_key, node_id, max_seq) VALUES (?, ?, 1)")
                .bind(origin, .text(change.origin.nodeID.description)).run()
        } else {
            try connection.statement("UPDATE origins SET max_seq = ? WHERE origin_key = ?").bind(seq, origin).run()
        }
        if !replacing { heldSeqs[change.origin] = change.seq }
        guard applyingOperations else { return try holdUnvouched(change) }
        try applyOperations(of: change)
    }

    /// Inserts `change`'s operations and merges them into what this transaction refreshes.
    func applyOperations(of change: Change) throws {
        let origin = SQLValue.blob(change.origin.bytes)
        let log = SQLValue.integer(try logID(of: change.origin))
        let seq = SQLValue.integer(Int64(change.seq))
        let hlc = SQLValue.integer(Int64(change.hlc.rawValue))
        let erasedOperations = change.erasedOperations
        var rows: [SQLValue] = []
        rows.reserveCapacity(change.operations.count * Self.operationColumns)
        var previous: (id: EntityID, text: String)?
        for (index, operation) in change.operations.enumerated() {
            // A change's operations are mostly on one record: its ID is written out once.
            let entity = previous?.id == operation.entity ? previous?.text ?? "" : operation.entity.description
            previous = (operation.entity, entity)
            guard try operationStaysInItsCircle(operation, entity, circle: change.circle) else { continue }
            try ensureRow(of: operation.entity, entity)
            let recordKey = try recordID(of: entity)
            var (type, value) = Self.typeAndValue(of: operation.action)
            var live = false
            // An erased value is no value: it retires what it replaced and shows nothing.
            if erasedOperations.contains(index) { value = nil }
            if (type == 1 || type == 2) && value != nil {
                live = try !retiredBeforeArrival(origin, seq, index, of: entity)
                if type == 1 {
                    let written = RegisterValue(value: value ?? "", dot: Dot(origin: change.origin, seq: change.seq, index: index), hlc: change.hlc)
                    record(entity) { $0.wrote(written, to: operation.field, live: live) }
                }
                if type == 2, let value { record(entity) { $0.added(.init(field: operation.field, element: value), live: live) } }
            }
            // A written value is kept by its change and, while it wins, by the merged view (schema 16).
            let kept = type == 1 ? nil : value
            rows += [
                log, seq, .integer(Int64(index)), .integer(recordKey), .text(operation.field),
                .integer(Int64(bitPattern: type)), kept.map(SQLValue.text) ?? .null, hlc, .integer(live ? 1 : 0),
            ]
            // A retired dot may be one of this change's own operations: those are in the log first.
            if !operation.action.retires.isEmpty { try insertOperations(&rows) }
            for target in operation.action.retires { try retire(target, of: entity, recordKey) }
        }
        try insertOperations(&rows)
    }

    /// Columns of an `op_log` row as `insertOperations` takes them.
    private static let operationColumns = 9

    /// Inserts the `op_log` rows gathered so far (`operationColumns` values each) in one statement.
    private func insertOperations(_ rows: inout [SQLValue]) throws {
        guard !rows.isEmpty else { return }
        try connection.statement(
            "INSERT INTO op_log(log, seq, op_index, entity, field, op_type, value, hlc, live)",
            rows: rows.count / Self.operationColumns, columns: Self.operationColumns
        ).bind(rows).run()
        rows.removeAll(keepingCapacity: true)
    }

    /// The entity's search row as the index holds it, before the merged view changes (the index keeps
    /// no text: a row is removed by giving its text again).
    private func searchRow(of entity: String) throws -> SearchIndex.IndexedRow? {
        awaitingSearchRows.contains(entity) ? nil : try SearchIndex.currentRow(of: entity, in: connection)
    }

    /// Removes the entity's search row, before its merged-view rows go.
    func removeSearchRow(of entity: String) throws {
        if let row = try searchRow(of: entity) { try SearchIndex.delete(row, in: connection) }
        awaitingSearchRows.remove(entity)
    }

    /// The small integer the operation log keys `log`'s rows by (schema 14), given on its first operation.
    private func logID(of log: OriginKey) throws -> Int64 {
        if let id = logIDs[log] { return id }
        let key = SQLValue.blob(log.bytes)
        let id =
            try connection.statement("SELECT id FROM logs WHERE log_key = ?").bind(key).rows { $0.int(0) }.first
            ?? connection.statement("INSERT INTO logs(log_key) VALUES (?) RETURNING id").bind(key).rows { $0.int(0) }.first
        guard let id else { throw StoreError.damaged(path: connection.path, reason: "a log was given no key in the operation log") }
        logIDs[log] = id
        return id
    }

    /// Forgets what this transaction knew of `entity`'s row (its row was deleted).
    func forgetRow(of entity: String) {
        recordIDs[entity] = nil
        recordCircles[entity] = nil
    }

    /// Creates the entity's row on its first operation; an entity created here is tracked as such.
    /// Returns whether this call created it.
    @discardableResult
    func ensureRow(of id: EntityID, _ entity: String) throws -> Bool {
        guard try storedRecordID(of: entity) == nil else { return false }
        try connection.statement("INSERT INTO entities(entity, kind) VALUES (?, ?)")
            .bind(.text(entity), .integer(Int64(bitPattern: id.kind.rawValue))).run()
        let created = connection.lastInsertRowID
        recordIDs[entity] = created
        awaitingSearchRows.insert(entity)
        record(entity) { $0.createdRowID = created }
        return true
    }

    /// The record's key in the operation log, the merged view and the search index (`entities.id`).
    func recordID(of entity: String) throws -> Int64 {
        guard let id = try storedRecordID(of: entity) else {
            throw StoreError.damaged(path: connection.path, reason: "record \(entity) has operations but no row in entities")
        }
        return id
    }

    /// The record's key, nil if it has no row.
    func storedRecordID(of entity: String) throws -> Int64? {
        if let id = recordIDs[entity] { return id }
        let id = try connection.statement("SELECT id FROM entities WHERE entity = ?").bind(.text(entity)).rows { $0.int(0) }.first
        recordIDs[entity] = id
        return id
    }

    /// Removes every trace of `entity` from the merged view and search, and from what this transaction
    /// would refresh: none of its operations is left.
    func forget(_ entity: String) throws {
        try removeSearchRow(of: entity)
        if let record = try storedRecordID(of: entity) {
            try connection.statement("DELETE FROM field_winners WHERE entity = ?").bind(.integer(record)).run()
            try connection.statement("DELETE FROM set_elements WHERE entity = ?").bind(.integer(record)).run()
            try connection.statement("DELETE FROM entities WHERE id = ?").bind(.integer(record)).run()
        }
        try connection.statement("DELETE FROM entity_circles WHERE entity = ?").bind(.text(entity)).run()
        forgetPending(entity)
        forgetRow(of: entity)
    }

    /// Drops what this transaction would refresh of `entity`'s merged view.
    func forgetPending(_ entity: String) { pending[entity] = nil }

    /// Updates what this transaction did to `entity` (the merged view refreshes every entity recorded).
    func record(_ entity: String, _ update: (inout PendingEntity) -> Void) {
        update(&pending[entity, default: PendingEntity()])
    }

    /// A tombstone counts only for an operation on the record the retiring operation was on (a row from
    /// before schema 10 names none and counts as before).
    func retiredBeforeArrival(_ origin: SQLValue, _ seq: SQLValue, _ index: Int, of entity: String) throws -> Bool {
        if tombstonesMayExist == nil { tombstonesMayExist = try connection.statement("SELECT 1 FROM tombstones LIMIT 1").exists() }
        guard tombstonesMayExist == true else { return false }
        return try connection.statement(
            "SELECT 1 FROM tombstones WHERE origin_key = ? AND seq = ? AND op_index = ? AND (entity IS NULL OR entity = ?)"
        ).bind(origin, seq, .integer(Int64(index)), .text(entity)).exists()
    }

    /// Retires the operation `dot` names if it is on `entity`, the record of the retiring operation: a
    /// dot can never reach into another record, hence never into another circle (CHANGES.md, "Merge rules").
    private func retire(_ dot: Dot, of entity: String, _ recordKey: Int64) throws {
        let dotKey: [SQLValue] = [.blob(dot.origin.bytes), .integer(Int64(dot.seq)), .integer(Int64(dot.index))]
        let retired = try connection.statement(
            """
            UPDATE op_log SET live = 0 WHERE log = (SELECT id FROM logs WHERE log_key = ?) AND seq = ? AND op_index = ? AND entity = ?
                AND live = 1
            RETURNING field, op_type, value
            """
        ).bind(dotKey + [.integer(recordKey)]).rows { ($0.text(0) ?? "", $0.int(1), $0.text(2) ?? "") }
        for (field, type, value) in retired {
            if type == 1 { record(entity) { $0.retired(field: field) } }
            if type == 2 { record(entity) { $0.retired(.init(field: field, element: value)) } }
        }
        if retired.isEmpty, try !isApplied(dot, retiredFrom: entity) {
            try connection.statement("INSERT OR IGNORE INTO tombstones(origin_key, seq, op_index, entity) VALUES (?, ?, ?, ?)").bind(
                dotKey + [.text(entity)]
            ).run()
            if connection.changesCount > 0 { tombstonesMayExist = true }
        }
    }

    /// Whether the operation `dot` names is in the log already, on whichever record: mostly the retiring
    /// operation's (retired before), else the record its held change names (the log is keyed by record).
    private func isApplied(_ dot: Dot, retiredFrom entity: String) throws -> Bool {
        func inLog(on record: String) throws -> Bool {
            try connection.statement(
                """
                SELECT 1 FROM op_log WHERE entity = (SELECT id FROM entities WHERE entity = ?)
                    AND log = (SELECT id FROM logs WHERE log_key = ?) AND seq = ? AND op_index = ?
                """
            ).bind(.text(record), .blob(dot.origin.bytes), .integer(Int64(dot.seq)), .integer(Int64(dot.index))).exists()
        }
        if try inLog(on: entity) { return true }
        var held = WrittenValues(connection)
        guard let named = try held.operation(log: dot.origin.bytes, seq: Int64(dot.seq), index: Int64(dot.index))?.operation.entity.description,
            named != entity
        else { return false }
        return try inLog(on: named)
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
        for (entity, changes) in pending {
            // A record whose row a failed job's rollback took away has nothing in the view to refresh.
            guard let record = try storedRecordID(of: entity).map(SQLValue.integer) else {
                awaitingSearchRows.remove(entity)
                continue
            }
            // The search row is removed by its text, which is the merged view's until the view changes;
            // a row created in this transaction and not refreshed since has no search row yet.
            let indexed = try searchRow(of: entity)
            for field in changes.touchedFields { try refreshRegister(record, field, known: changes.knownValues(of: field)) }
            var members: [SQLValue] = []
            for element in changes.touchedElements {
                try refreshMember(record, element, known: changes.knownPresence(of: element), present: &members)
            }
            try writeMembers(members)
            if changes.isKnown, let rowid = changes.createdRowID {
                if !changes.knownDeleted { try SearchIndex.insert(rowid: rowid, texts: changes.knownTexts, in: connection) }
            } else {
                try SearchIndex.update(entity: entity, from: indexed, in: connection)
            }
            awaitingSearchRows.remove(entity)
        }
        pending.removeAll(keepingCapacity: true)
    }

    /// Columns of a `set_elements` row as `writeMembers` takes them.
    private static let memberColumns = 3

    /// Adds a record's set members gathered by `refreshMember`, in one statement.
    private func writeMembers(_ rows: [SQLValue]) throws {
        guard !rows.isEmpty else { return }
        try connection.statement(
            "INSERT OR IGNORE INTO set_elements(entity, field, element)", rows: rows.count / Self.memberColumns, columns: Self.memberColumns
        ).bind(rows).run()
    }

    /// Writes the register's shown value (its winner) and how many values survive; `known` when this
    /// transaction holds them all. (One statement per field: SQLite runs an upsert of several rows slower.)
    private func refreshRegister(_ record: SQLValue, _ field: String, known: [RegisterValue]?) throws {
        let register = try known.map(SurvivingRegister.init) ?? survivingRegister(record, field)
        if let winner = register.winner {
            try connection.statement(
                """
                INSERT INTO field_winners(entity, field, value, hlc, log, seq, op_index, value_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(entity, field) DO UPDATE SET value = excluded.value, hlc = excluded.hlc,
                    log = excluded.log, seq = excluded.seq, op_index = excluded.op_index, value_count = excluded.value_count
                """
            ).bind(
                record, .text(field), .text(winner.value), .integer(Int64(winner.hlc.rawValue)), .integer(try logID(of: winner.dot.origin)),
                .integer(Int64(winner.dot.seq)), .integer(Int64(winner.dot.index)), .integer(Int64(register.count))
            ).run()
        } else if known == nil {
            try connection.statement("DELETE FROM field_winners WHERE entity = ? AND field = ?").bind(record, .text(field)).run()
        }
        guard field == EntityState.deletedField else { return }
        try connection.statement("UPDATE entities SET deleted = ? WHERE id = ?").bind(.integer(register.saysDeleted ? 1 : 0), record).run()
    }

    /// A register's surviving writes as the merged view needs them: the winner, how many survive, and
    /// (for the deleted flag) whether any of them says deleted.
    private struct SurvivingRegister {
        let winner: RegisterValue?
        let count: Int
        let saysDeleted: Bool

        init(winner: RegisterValue?, count: Int, saysDeleted: Bool) {
            (self.winner, self.count, self.saysDeleted) = (winner, count, saysDeleted)
        }

        init(_ values: [RegisterValue]) {
            self.init(winner: values.first, count: values.count, saysDeleted: values.contains { $0.value == EntityState.deletedValue })
        }
    }

    /// The register's surviving writes, read from the store. Only the values it needs are decoded from
    /// their changes (the winner's; every one for the deleted flag): concurrent writes can leave a
    /// register with many surviving values, and each edit of it must not decode them all. A value is
    /// never taken from the merged view, which may show an earlier version of a change that a fork has
    /// replaced since.
    private func survivingRegister(_ record: SQLValue, _ field: String) throws -> SurvivingRegister {
        let writes = try connection.statement(
            """
            SELECT l.log_key, o.seq, o.op_index, o.hlc FROM op_log o JOIN logs l ON l.id = o.log
            WHERE o.entity = ? AND o.field = ? AND o.op_type = 1 AND o.live = 1
            ORDER BY o.hlc DESC, l.log_key DESC, o.seq DESC, o.op_index DESC
            """
        ).bind(record, .text(field)).rows { ($0.blob(0), $0.int(1), $0.int(2), $0.int(3)) }
        var written = WrittenValues(connection)
        func read(_ write: (log: [UInt8], seq: Int64, index: Int64, hlc: Int64)) throws -> RegisterValue? {
            guard let origin = OriginKey(bytes: write.log) else { return nil }
            return RegisterValue(
                value: try written.required(log: write.log, seq: write.seq, index: write.index),
                dot: Dot(origin: origin, seq: UInt64(write.seq), index: Int(write.index)), hlc: HLC(rawValue: UInt64(write.hlc)))
        }
        guard field == EntityState.deletedField else {
            return SurvivingRegister(winner: try writes.first.flatMap(read), count: writes.count, saysDeleted: false)
        }
        return SurvivingRegister(try writes.compactMap(read))
    }

    /// Gathers the set member into `present`, or removes it; `known` when this transaction holds all of
    /// its additions.
    private func refreshMember(_ record: SQLValue, _ member: PendingEntity.Element, known: Bool?, present: inout [SQLValue]) throws {
        let bind: [SQLValue] = [record, .text(member.field), .text(member.element)]
        let isPresent =
            try known
            ?? connection.statement(
                "SELECT 1 FROM op_log WHERE entity = ? AND live = 1 AND field = ? AND value = ? AND op_type = 2 LIMIT 1"
            ).bind(bind).exists()
        if isPresent {
            present += bind
        } else if known == nil {
            try connection.statement("DELETE FROM set_elements WHERE entity = ? AND field = ? AND element = ?").bind(bind).run()
        }
    }
}
