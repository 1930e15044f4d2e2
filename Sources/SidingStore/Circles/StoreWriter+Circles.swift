import Crypto
import SidingCore

/// The circle rules of applying a change (Protocol/CHANGES.md, "Receiving a format 2 change"): who may
/// store it, which writes count, that records stay in their circle, and retraction of what stopped
/// counting.
extension StoreWriter {
    func cachedMembership(_ circle: CircleID) throws -> CircleMembership {
        if let membership = memberships[circle] { return membership }
        let membership = try CircleQueries.membership(of: circle, in: connection)
        memberships[circle] = membership
        return membership
    }

    /// Whether `log` may be its circle's owner's log: epoch 0 and no other owner known.
    func isOwnerLogCandidate(_ log: CircleLog) throws -> Bool {
        guard log.epoch == 0 else { return false }
        let owner = try cachedMembership(log.circle).owner
        return owner == nil || owner == log.author
    }

    /// Before any gap check: an owner's change of a circle this node neither belongs to, nor belonged
    /// to, nor joins in this batch is refused (a non-member must not end a session over a gap in a
    /// log it may not hold).
    func mayHoldOwnerLog(_ change: Change, _ log: CircleLog) throws -> Bool {
        guard let localKey else { return false }
        let membership = try cachedMembership(log.circle)
        return membership.isMember(localKey) || joining.contains(log.circle)
            || (membership.tenures[localKey.nodeID] != nil && change.seq <= membership.ownerSeq + 1)
    }

    /// A change of a member's log: stored only while this node is a member and while its author's log
    /// counts (admitted, not past its cut, and no control action only the owner may write).
    func memberLogChangeCounts(_ change: Change, _ log: CircleLog) throws -> Bool {
        let membership = try cachedMembership(log.circle)
        guard let localKey, membership.isMember(localKey) else { return false }
        return (try? membership.standing(ofMemberChange: change)) == .valid
    }

    /// The owner's next change: folded into the membership if it keeps the rules and this node is a
    /// member afterwards (a node learns of its own admission from the change that admits it).
    ///
    /// The owner's log is stored by members, by a member learning of its own removal, and by a node
    /// whose admission comes later in the same batch (it needs the log from seq 1, or from its removal).
    func foldOwnerChange(_ change: Change, _ log: CircleLog) throws -> Bool {
        guard let localKey else { return false }
        var membership = try cachedMembership(log.circle)
        let wasMember = membership.isMember(localKey)
        do {
            try membership.apply(ownerChange: change)
        } catch {
            return false
        }
        guard wasMember || membership.isMember(localKey) || joining.contains(log.circle) else { return false }
        memberships[log.circle] = membership
        return true
    }

    /// Applies a batch: each change as `apply(_:)` does, after looking ahead at the owner's changes it
    /// carries, so a node admitted by one of them (at any point of the batch) stores the owner's log
    /// that leads up to it.
    public func apply(_ changes: [Change]) throws -> [ApplyOutcome] {
        joining = try circlesJoined(by: changes)
        batchListings = Self.listings(vouchedBy: changes)
        defer {
            joining = []
            batchListings = []
        }
        return try changes.map { try apply($0) }
    }

    private func circlesJoined(by changes: [Change]) throws -> Set<CircleID> {
        guard let localKey else { return [] }
        var folded: [CircleID: CircleMembership] = [:]
        var joined: Set<CircleID> = []
        for change in changes {
            guard let log = change.circleLog, log.epoch == 0 else { continue }
            var membership = try folded[log.circle] ?? cachedMembership(log.circle)
            guard change.seq == membership.ownerSeq + 1, (try? membership.apply(ownerChange: change)) != nil else { continue }
            folded[log.circle] = membership
            if membership.isMember(localKey) { joined.insert(log.circle) }
        }
        return joined
    }

    /// Bookkeeping once a circle change is stored: its log's row, a member's leave, and the retraction
    /// of writes past a cut the change set.
    func afterAppendingInCircle(_ change: Change) throws {
        guard let log = change.circleLog else { return }
        circlesMayExist = true
        if change.seq == 1 {
            try connection.statement("INSERT OR IGNORE INTO circle_logs(log_key, circle, author_key, epoch) VALUES (?, ?, ?, ?)")
                .bind(.blob(log.key.bytes), .blob(log.circle.bytes), .blob(log.author.bytes), .integer(Int64(log.epoch))).run()
        }
        if log.epoch == 0, !change.controlActions.isEmpty {
            try connection.statement("INSERT OR IGNORE INTO circle_controls(circle, seq) VALUES (?, ?)")
                .bind(.blob(log.circle.bytes), .integer(Int64(change.seq))).run()
        }
        for action in change.controlActions {
            switch action {
            case .leave:
                try connection.statement("UPDATE circle_logs SET ended_at = ? WHERE log_key = ?")
                    .bind(.integer(Int64(change.seq)), .blob(log.key.bytes)).run()
                var membership = try cachedMembership(log.circle)
                membership.memberLeft(log, at: change.seq)
                memberships[log.circle] = membership
            case .remove(let member, let cut):
                let membership = try cachedMembership(log.circle)
                guard let tenure = membership.tenures[member]?.last(where: { $0.cut == cut }) else { continue }
                for memberLog in try heldLogs(of: log.circle) where memberLog.epoch == tenure.epoch && memberLog.author.nodeID == member {
                    try retract(memberLog.key, after: cut)
                }
            case .create, .admit:
                continue
            }
        }
    }

    /// Whether `operation` may touch its record: a record stays in the circle (or the network) it was
    /// created in. An operation that would cross is skipped, the rest of its change applies, so every
    /// log stays gap-free.
    func operationStaysInItsCircle(_ operation: Operation, _ entity: String, circle: CircleID?) throws -> Bool {
        if circle == nil && circlesMayExist == false { return true }
        if circlesMayExist == nil {
            circlesMayExist = try connection.statement("SELECT 1 FROM circle_logs LIMIT 1").exists()
            if circle == nil && circlesMayExist == false { return true }
        }
        if operation.entity.kind == .circle { return circle?.entity == operation.entity }
        if let decided = recordCircles[entity] { return decided == circle?.bytes }
        let decided = try decideCircle(of: operation.entity, entity, firstTouchedIn: circle)
        recordCircles[entity] = .some(decided)
        return decided == circle?.bytes
    }

    /// The circle `entity` belongs to (nil: the network): the circle it is held in, or the network if it
    /// is held outside any circle, or else `circle`, the one its first operation comes from (the record
    /// is created there, and an operation after it does not change that).
    private func decideCircle(of id: EntityID, _ entity: String, firstTouchedIn circle: CircleID?) throws -> [UInt8]? {
        // A network operation that creates its record (most of a network ingest) needs no lookup.
        if circle == nil, try ensureRow(of: id, entity) { return nil }
        let (held, exists) =
            try connection.statement(
                "SELECT (SELECT circle FROM entity_circles WHERE entity = ?1), EXISTS (SELECT 1 FROM entities WHERE entity = ?1)"
            ).bind(.text(entity)).rows { ($0.isNull(0) ? nil : $0.blob(0), $0.int(1) != 0) }.first ?? (nil, false)
        if let held { return held }
        guard let circle, !exists else { return nil }
        try connection.statement("INSERT INTO entity_circles(entity, circle) VALUES (?, ?)").bind(.text(entity), .blob(circle.bytes)).run()
        return circle.bytes
    }

    /// Of two versions of one seq, every node keeps in force the one whose SHA-256 is lower, so members
    /// converge however the versions arrived; the other is kept as evidence.
    func keepLowerVersionInForce(_ change: Change, held: [UInt8]) throws {
        let origin = SQLValue.blob(change.origin.bytes)
        let seq = SQLValue.integer(Int64(change.seq))
        guard Admission.keepsInForce(change.encoded, over: held) else {
            try connection.statement("INSERT OR IGNORE INTO equivocations(origin_key, seq, bytes) VALUES (?, ?, ?)")
                .bind(origin, seq, .blob(change.encoded)).run()
            return
        }
        if let log = change.circleLog, log.epoch == 0 {
            // An owner's fork changes who belongs: fold the log again with the version now in force.
            memberships[log.circle] = nil
            circlesChanged.insert(log.circle)
            try connection.statement("DELETE FROM circle_controls WHERE circle = ? AND seq = ?").bind(.blob(log.circle.bytes), seq).run()
        }
        try connection.statement("INSERT OR IGNORE INTO equivocations(origin_key, seq, bytes) VALUES (?, ?, ?)")
            .bind(origin, seq, .blob(held)).run()
        try connection.statement("DELETE FROM equivocations WHERE origin_key = ? AND seq = ? AND bytes = ?")
            .bind(origin, seq, .blob(change.encoded)).run()
        let touched = try dropStoredChanges(origin, where: "seq = ?", seq)
        try append(change, replacing: true)
        try afterAppendingInCircle(change)
        try rebuild(touched)
    }

    /// Un-applies every change of `logKey` after `cut`: their operations leave the merged view as if
    /// they had never arrived, and the log's version-vector entry goes back to the cut.
    func retract(_ logKey: OriginKey, after cut: UInt64) throws {
        let origin = SQLValue.blob(logKey.bytes)
        let touched = try dropStoredChanges(origin, where: "seq > ?", .integer(Int64(cut)))
        try connection.statement("UPDATE origins SET max_seq = min(max_seq, ?) WHERE origin_key = ?").bind(.integer(Int64(cut)), origin).run()
        heldSeqs[logKey] = nil
        try rebuild(touched)
    }

    /// Deletes the changes and operations of `origin` matching `condition`; returns the entities they touched.
    func dropStoredChanges(_ origin: SQLValue, where condition: String, _ value: SQLValue) throws -> Set<String> {
        // The log is keyed by record: each dropped change names the records its operations went to.
        let dropped = try connection.statement(sql: "SELECT seq, bytes FROM changes WHERE origin_key = ? AND \(condition)")
            .bind(origin, value).rows { ($0.int(0), $0.blob(1)) }
        var touched: Set<String> = []
        for (seq, bytes) in dropped {
            for entity in Set(try Change(decoding: bytes).operations.map(\.entity.description)) {
                try connection.statement(
                    """
                    DELETE FROM op_log WHERE entity = (SELECT id FROM entities WHERE entity = ?)
                        AND log = (SELECT id FROM logs WHERE log_key = ?) AND seq = ?
                    """
                ).bind(.text(entity), origin, .integer(seq)).run()
                if connection.changesCount > 0 { touched.insert(entity) }
            }
        }
        try connection.statement(sql: "DELETE FROM changes WHERE origin_key = ? AND \(condition)").bind(origin, value).run()
        return touched
    }

    /// Recomputes which operations of each entity survive from the changes that remain, then its view.
    func rebuild(_ entities: Set<String>) throws {
        for entity in entities.sorted() {
            let sources = try connection.statement("SELECT DISTINCT origin_key, seq FROM ops WHERE entity = ?")
                .bind(.text(entity)).rows { ($0.blob(0), $0.int(1)) }
            var retired: Set<Dot> = []
            // One reader for both loops: each source change is decoded once.
            var written = WrittenValues(connection)
            for (origin, seq) in sources {
                guard let change = try written.change(log: origin, seq: seq) else { continue }
                for operation in change.operations where operation.entity.description == entity {
                    retired.formUnion(operation.action.retires)
                }
            }
            let operations = try connection.statement(
                "SELECT origin_key, seq, op_index, field, op_type, value FROM ops WHERE entity = ? AND op_type IN (1, 2)"
            ).bind(.text(entity)).rows { ($0.blob(0), $0.int(1), $0.int(2), $0.text(3) ?? "", $0.int(4), $0.text(5)) }
            for (origin, seq, index, field, type, stored) in operations {
                guard let key = OriginKey(bytes: origin) else { continue }
                let dot = Dot(origin: key, seq: UInt64(seq), index: Int(index))
                // An erased value (none in its change) never comes back into the view.
                guard let value = try stored ?? written.value(log: origin, seq: seq, index: index) else { continue }
                let live = try !retired.contains(dot) && !retiredBeforeArrival(.blob(origin), .integer(seq), Int(index), of: entity)
                try connection.statement(
                    "UPDATE op_log SET live = ? WHERE entity = ? AND log = (SELECT id FROM logs WHERE log_key = ?) AND seq = ? AND op_index = ?"
                )
                .bind(.integer(live ? 1 : 0), .integer(try recordID(of: entity)), .blob(origin), .integer(seq), .integer(index)).run()
                if type == 1 { record(entity) { $0.retired(field: field) } }
                if type == 2 { record(entity) { $0.retired(.init(field: field, element: value)) } }
            }
            // Fields and elements left with no operation at all.
            let named = SQLValue.text(entity)
            let shown = try connection.statement("SELECT field FROM field_winners WHERE entity = (SELECT id FROM entities WHERE entity = ?)")
                .bind(named).rows { $0.text(0) ?? "" }
            for field in shown { record(entity) { $0.retired(field: field) } }
            let members = try connection.statement(
                "SELECT field, element FROM set_elements WHERE entity = (SELECT id FROM entities WHERE entity = ?)"
            )
            .bind(named).rows { ($0.text(0) ?? "", $0.text(1) ?? "") }
            for (field, element) in members { record(entity) { $0.retired(.init(field: field, element: element)) } }
            let nothingLeft = try !connection.statement("SELECT 1 FROM ops WHERE entity = ?").bind(.text(entity)).exists()
            if nothingLeft || (operations.isEmpty && shown.isEmpty) {
                // Nothing of the record is left (it was created past a cut): it leaves the view whole, as on
                // the members that never applied it, so they all list the same records. Its search row goes
                // too: SQLite gives the freed rowid to the next new record, whose search row would clash.
                try forget(entity)
            }
        }
    }
}

/// What local writes need to know about circles.
extension StoreWriter {
    /// The circle a held record belongs to; nil for the network (or a record not held).
    public func circle(of entity: EntityID) throws -> CircleID? {
        if entity.kind == .circle { return nil }
        return try connection.statement("SELECT circle FROM entity_circles WHERE entity = ?").bind(.text(entity.description))
            .rows { $0.blob(0) }.first.flatMap(CircleID.init(bytes:))
    }

    /// Whether a record is held at all (in any circle or the network).
    public func holds(_ entity: EntityID) throws -> Bool {
        try connection.statement("SELECT 1 FROM entities WHERE entity = ?").bind(.text(entity.description)).exists()
    }

    /// The circle's membership as this transaction sees it.
    public func membership(of circle: CircleID) throws -> CircleMembership { try cachedMembership(circle) }

    /// The logs of `circle` this node holds (those that dots of new changes may name).
    public func heldLogs(of circle: CircleID) throws -> [CircleLog] {
        try connection.statement("SELECT author_key, epoch FROM circle_logs WHERE circle = ?").bind(.blob(circle.bytes))
            .rows { ($0.blob(0), UInt64($0.int(1))) }
            .compactMap { author, epoch in OriginKey(bytes: author).map { CircleLog(circle: circle, author: $0, epoch: epoch) } }
    }

    /// The log `author` writes in `circle` now: the owner's, or its current admission's; nil if it is not a member.
    public func currentLog(of author: OriginKey, in circle: CircleID) throws -> CircleLog? {
        let membership = try cachedMembership(circle)
        return membership.currentLog(of: author)
    }
}

extension StoreWriter {
    /// Every circle this node holds anything of.
    public func circles() throws -> [CircleID] { try CircleQueries.circles(in: connection) }
}
