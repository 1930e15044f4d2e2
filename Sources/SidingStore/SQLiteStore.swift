import CSQLite
import SidingCore
import Synchronization

/// Siding's durable store: SQLite in WAL mode with `synchronous=FULL`, one writer connection, one
/// reader connection, and connections of their own for searches. The change log is the truth; the merged view and the search index are updated in
/// the same transaction as each batch of changes.
public final class SQLiteStore: Sendable {
    let writer: ConfinedConnection
    private let reader: ConfinedConnection
    /// Searches' own connections: a search may run for its whole budget (`SearchBudget`).
    let searchReaders: ReaderPool
    public let path: String
    /// Whether an erasure's checkpoint could not finish, so the WAL or the file may still hold erased
    /// values (`purgeWALAfterErasure`).
    let erasedPagesLinger = Mutex(false)
    static let writerBusyTimeoutMilliseconds = 5_000
    /// This node's key: circles' changes are stored only while it is a member. Without one (a store
    /// opened by a tool), every circle change is refused.
    public let localKey: OriginKey?

    public init(path: String, localKey: OriginKey? = nil) throws {
        self.path = path
        self.localKey = localKey
        let writeConnection = try SQLiteConnection(path: path)
        try writeConnection.execute("PRAGMA busy_timeout = \(Self.writerBusyTimeoutMilliseconds)")
        // New databases only (an existing file keeps its size): a 1–2 KB note body fits in a 16 KiB
        // page's WITHOUT ROWID cell, where with 4 KiB pages it spilled into a mostly empty overflow page.
        try writeConnection.execute("PRAGMA page_size = 16384")
        let journalMode = try writeConnection.statement("PRAGMA journal_mode = WAL").rows { $0.text(0) ?? "" }.first
        guard journalMode == "wal" else {
            throw StoreError.cannotOpen(path: path, reason: "WAL journal mode unavailable (got \(journalMode ?? "nothing"))")
        }
        // FULL: with NORMAL a power loss dropped a fifth of acknowledged commits on this machine.
        try writeConnection.execute("PRAGMA synchronous = FULL")
        try writeConnection.execute("PRAGMA cache_size = -32768")
        // Deleted content is overwritten with zeros, so an erased value leaves no copy in free space.
        try writeConnection.execute("PRAGMA secure_delete = ON")
        try Migrations.migrate(writeConnection)
        let readConnection = try SQLiteConnection(path: path, readOnly: true)
        try readConnection.execute("PRAGMA busy_timeout = 5000")
        writer = ConfinedConnection(writeConnection)
        reader = ConfinedConnection(readConnection)
        searchReaders = ReaderPool(path: path)
    }

    // MARK: Writing

    /// Runs `body` in one durable transaction (group commit: pass it many changes). The merged view is
    /// brought up to date before commit; if anything throws, nothing of the batch is kept.
    public func write<T>(_ body: (StoreWriter) throws -> T) throws -> T {
        try writer.withLock { connection in
            var erased = false
            let result = try connection.transaction {
                let transaction = StoreWriter(connection: connection, localKey: localKey)
                let result = try body(transaction)
                try transaction.refreshMergedView()
                try transaction.purgeAfterErasure()
                erased = !transaction.erasedHere.isEmpty
                return result
            }
            if erased {
                // secure_delete zeroes what a delete frees, but a b-tree page rebuilt by a split or merge
                // keeps its old bytes between its cell pointers and its cells: an erased value that was
                // in a cell moved off that page stays there (the erasure chaos test found such canaries
                // in an index page). VACUUM writes every page afresh from the rows that remain.
                try? connection.execute("VACUUM")
            }
            purgeWALAfterErasure(connection, erasedNow: erased)
            return result
        }
    }

    /// Verifies and applies changes received from partners, all in one transaction: a bad signature,
    /// malformed bytes or a gap rejects the whole batch and changes nothing.
    public func receive(_ encodedChanges: [[UInt8]]) throws -> [ApplyOutcome] {
        var changes: [Change] = []
        changes.reserveCapacity(encodedChanges.count)
        for bytes in encodedChanges {
            do {
                changes.append(try VerifiedChange(verifying: bytes).change)
            } catch {
                throw ReceiveError.rejected(error)
            }
        }
        return try apply(changes)
    }

    public func apply(_ changes: [Change]) throws -> [ApplyOutcome] {
        try write { transaction in try transaction.apply(changes) }
    }

    // MARK: Reading

    func read<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        try reader.withLock { connection in
            // One read transaction so a query sees one consistent snapshot of the merged view.
            try connection.execute("BEGIN")
            defer { try? connection.execute("COMMIT") }
            return try body(connection)
        }
    }

    public func versionVector() throws -> VersionVector { try read(Self.versionVector) }

    private static func versionVector(in connection: SQLiteConnection) throws -> VersionVector {
        let rows = try connection.statement("SELECT origin_key, max_seq FROM origins").rows { ($0.blob(0), UInt64($0.int(1))) }
        var entries: [OriginKey: UInt64] = [:]
        for (key, seq) in rows { if let origin = OriginKey(bytes: key) { entries[origin] = seq } }
        return VersionVector(entries)
    }

    public func changes(of origin: OriginKey, after: UInt64, limit: Int) throws -> [[UInt8]] {
        try read {
            try $0.statement("SELECT bytes FROM changes WHERE origin_key = ? AND seq > ? ORDER BY seq LIMIT ?")
                .bind(.blob(origin.bytes), .integer(Int64(min(after, UInt64(Int64.max)))), .integer(Int64(limit))).rows { $0.blob(0) }
        }
    }

    /// Every version held of `origin` at `seq`: the one in force first, then the evidence kept of an
    /// equivocation, in byte order.
    public func versions(of origin: OriginKey, at seq: UInt64) throws -> [[UInt8]] {
        let position = Int64(min(seq, UInt64(Int64.max)))
        return try read { connection in
            let inForce = try connection.heldChange(log: origin.bytes, seq: position)
            let evidence = try connection.statement("SELECT bytes FROM equivocations WHERE origin_key = ? AND seq = ? ORDER BY bytes")
                .bind(.blob(origin.bytes), .integer(position)).rows { $0.blob(0) }
            return (inForce.map { [$0] } ?? []) + evidence
        }
    }

    /// Every held equivocation: the change in force and the conflicting one.
    public func equivocations() throws -> [EquivocationEvidence] {
        try read {
            try $0.statement(
                """
                SELECT q.origin_key, q.seq, c.bytes, q.bytes FROM equivocations q
                JOIN changes c ON c.origin_key = q.origin_key AND c.seq = q.seq ORDER BY q.origin_key, q.seq
                """
            ).rows { row in (OriginKey(bytes: row.blob(0)), UInt64(row.int(1)), row.blob(2), row.blob(3)) }
        }.compactMap { origin, seq, first, second in
            origin.map { EquivocationEvidence(origin: $0, seq: seq, first: first, second: second) }
        }
    }

    public func entityState(_ id: EntityID) throws -> EntityState? {
        try read { try EntityStateReader.read(id, from: $0) }
    }

    public func record(_ id: EntityID) throws -> EntityRecord? {
        try read { try EntityStateReader.records([id.description], from: $0) }.first
    }

    /// Live entities of `kind` matching every filter, ordered by `sortField` (then ID).
    public func list(
        kind: EntityKind, filters: [ListFilter], sortField: String, descending: Bool = false,
        includeDeleted: Bool = false, onlyDeleted: Bool = false, limit: Int = 1_000_000
    ) throws -> [EntityRecord] {
        var sql = "SELECT e.entity FROM entities e WHERE e.kind = ?"
        var values: [SQLValue] = [.integer(Int64(bitPattern: kind.rawValue))]
        if onlyDeleted {
            sql += " AND e.deleted = 1"
        } else if !includeDeleted {
            sql += " AND e.deleted = 0"
        }
        let (clauses, filterValues) = Self.filterSQL(filters)
        sql += clauses
        values += filterValues
        let order = descending ? "DESC" : "ASC"
        sql += " ORDER BY (SELECT value FROM field_winners f WHERE f.entity = e.id AND f.field = ?) COLLATE NOCASE \(order), e.entity LIMIT ?"
        values += [.text(sortField), .integer(Int64(limit))]
        return try read { connection in
            let ids = try connection.statement(sql: sql).bind(values).rows { $0.text(0) ?? "" }
            return try EntityStateReader.records(ids, from: connection)
        }
    }

    /// The `AND …` clauses (over `e`, the entities table) and their values for list filters.
    static func filterSQL(_ filters: [ListFilter]) -> (String, [SQLValue]) {
        var sql = ""
        var values: [SQLValue] = []
        for filter in filters {
            switch filter {
            case .equals(let field, let value):
                sql += " AND EXISTS (SELECT 1 FROM field_winners f WHERE f.entity = e.id AND f.field = ? AND f.value = ? COLLATE NOCASE)"
                values += [.text(field), .text(value)]
            case .member(let field, let element):
                sql += " AND e.id IN (SELECT s.entity FROM set_elements s WHERE s.field = ? AND s.element = ?)"
                values += [.text(field), .text(element)]
            case .memberOfAny(let field, let elements):
                let placeholders = Array(repeating: "?", count: elements.count).joined(separator: ", ")
                sql += " AND e.id IN (SELECT s.entity FROM set_elements s WHERE s.field = ? AND s.element IN (\(placeholders)))"
                values += [.text(field)] + elements.map(SQLValue.text)
            case .atLeast(let field, let value):
                sql += " AND EXISTS (SELECT 1 FROM field_winners f WHERE f.entity = e.id AND f.field = ? AND f.value >= ?)"
                values += [.text(field), .text(value)]
            case .inCircle(let circle?):
                sql += " AND e.entity IN (SELECT c.entity FROM entity_circles c WHERE c.circle = ?)"
                values.append(.blob(circle.bytes))
            case .inCircle(nil):
                sql += " AND e.entity NOT IN (SELECT c.entity FROM entity_circles c)"
            }
        }
        return (sql, values)
    }

    /// Every operation ever applied to the entity, oldest first, each by its author (a circle's
    /// operations are held under their log's key).
    public func history(_ id: EntityID) throws -> [HistoryEntry] {
        try read { connection in
            // `ops` shows a standing winner's value; any other write's is read from its change.
            var written = WrittenValues(connection)
            return try connection.statement(
                """
                SELECT o.hlc, coalesce(l.author_key, o.origin_key), o.seq, o.field, o.op_type, o.value, o.live, o.origin_key, o.op_index
                FROM ops o LEFT JOIN circle_logs l ON l.log_key = o.origin_key
                WHERE o.entity = ? ORDER BY o.hlc, o.origin_key, o.seq, o.op_index
                """
            ).bind(.text(id.description)).rows { row -> HistoryEntry? in
                guard let origin = OriginKey(bytes: row.blob(1)) else { return nil }
                let type = row.int(4)
                let action =
                    switch type {
                    case 1: "set";
                    case 2: "add";
                    case 3: "remove";
                    default: "action \(type)"
                    }
                let value = row.isNull(5) && type == 1 ? try written.value(log: row.blob(7), seq: row.int(2), index: row.int(8)) : row.text(5)
                return HistoryEntry(
                    hlc: HLC(rawValue: UInt64(row.int(0))),
                    origin: origin.nodeID,
                    seq: UInt64(row.int(2)), field: row.text(3) ?? "", action: action,
                    value: value, current: row.int(6) != 0)
            }.compactMap { $0 }
        }
    }

    /// Every register with more than one surviving value.
    public func conflicts() throws -> [ConflictRecord] {
        try read { connection in
            let fields = try connection.statement(
                """
                SELECT e.entity, f.field FROM field_winners f JOIN entities e ON e.id = f.entity WHERE f.value_count > 1
                ORDER BY e.entity, f.field
                """
            ).rows { ($0.text(0) ?? "", $0.text(1) ?? "") }
            var states: [String: EntityState] = [:]
            return try fields.compactMap { entity, field in
                guard let id = EntityID(entity) else { return nil }
                if states[entity] == nil { states[entity] = try EntityStateReader.read(id, from: connection) }
                guard let values = states[entity]?.registers[field] else { return nil }
                return ConflictRecord(entity: id, field: field, values: values)
            }
        }
    }

    /// The whole merged view with dots: what differential tests compare with `Replica.view`.
    public func mergedView() throws -> [EntityID: EntityState] { try read(Self.mergedView) }

    private static func mergedView(in connection: SQLiteConnection) throws -> [EntityID: EntityState] {
        let ids = try connection.statement("SELECT entity FROM entities").rows { $0.text(0) ?? "" }
        var view: [EntityID: EntityState] = [:]
        for text in ids {
            guard let id = EntityID(text), let state = try EntityStateReader.read(id, from: connection) else { continue }
            view[id] = state
        }
        return view
    }

    /// The fingerprint of the network's part (nil) or of one circle's part of the merged view and the
    /// version vector, read in one snapshot: partners compare the network's, members a circle's.
    public func digest(of circle: CircleID? = nil) throws -> ViewDigest {
        try read { connection in
            let circleLogs = try CircleQueries.logIndex(in: connection).circleOf
            let entityCircles = try connection.statement("SELECT entity, circle FROM entity_circles").rows { ($0.text(0) ?? "", $0.blob(1)) }
            var inCircle: [String: [UInt8]] = [:]
            for (entity, bytes) in entityCircles { inCircle[entity] = bytes }
            let view = try Self.mergedView(in: connection).filter { id, _ in
                if id.kind == .circle { return circle?.entity == id }
                return inCircle[id.description] == circle?.bytes
            }
            let vector = VersionVector(try Self.versionVector(in: connection).entries.filter { circleLogs[$0.key] == circle })
            return ViewDigest(view: view, vector: vector)
        }
    }

    /// SQLite's `PRAGMA integrity_check` result: "ok" when the file is sound.
    public func integrityCheck() throws -> String {
        try read { try $0.check() }
    }

    /// SQLite's `PRAGMA quick_check`: "ok", or what is damaged. Reads the whole file (seconds on a large
    /// node), so the daemon runs it after start-up, on the reader connection.
    public func quickCheck() throws -> String {
        try read { try $0.check(quick: true) }
    }

    /// Copies the WAL into the database file; called on clean shutdown.
    public func checkpoint() throws {
        try writer.withLock { try $0.execute("PRAGMA wal_checkpoint(TRUNCATE)") }
    }
}

extension SQLiteStore {
    /// The latest HLC among the changes `origin` wrote, in the network log and in every circle log it
    /// authored: where this node's clock resumes after a restart.
    public func latestHLC(of origin: OriginKey) throws -> HLC {
        try read {
            try $0.statement(
                """
                SELECT max(hlc) FROM (
                    SELECT max(hlc) AS hlc FROM changes WHERE origin_key = ?1
                    UNION ALL
                    SELECT max(c.hlc) FROM circle_logs l JOIN changes c ON c.origin_key = l.log_key WHERE l.author_key = ?1)
                """
            ).bind(.blob(origin.bytes)).rows { HLC(rawValue: UInt64($0.int(0))) }.first ?? .zero
        }
    }
}
