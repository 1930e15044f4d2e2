import SidingCore

/// What only this node knows of its circles: local labels, which records each holds, and the audit of
/// what was sent to whom. None of it is replicated.
/// One row of the circle audit: a part of a circle (a log's seq range) sent to a partner, and when.
public struct CircleAuditEntry: Hashable, Sendable {
    public let peer: NodeID?
    public let peerText: String
    /// The log's author and epoch, when this node holds the log's row.
    public let author: NodeID?
    public let epoch: UInt64?
    public let firstSeq: UInt64
    public let lastSeq: UInt64
    public let sentAtMilliseconds: UInt64
}

extension SQLiteStore {
    /// Local names of circles (`partners`, or any an admin gave).
    public func circleLabels() throws -> [CircleID: String] {
        try read { connection in
            var labels: [CircleID: String] = [:]
            for (bytes, label) in try connection.statement("SELECT circle, label FROM circle_labels").rows({ ($0.blob(0), $0.text(1) ?? "") }) {
                if let circle = CircleID(bytes: bytes) { labels[circle] = label }
            }
            return labels
        }
    }

    /// Live records held in each circle (a circle with none is absent): the rows of `entity_circles`
    /// whose record has a row in `entities` that is not deleted. Joining each row to its record costs
    /// two lookups a row (a third of a second at 1M operations on a busy node, and `circle remove`
    /// answers with it), so this counts every row from the circle index, then takes away the deleted
    /// records, found by a scan of `entities`, and the rows whose record has no row, one index lookup each.
    public func circleRecordCounts() throws -> [CircleID: Int] {
        try read { connection in
            func perCircle(_ sql: StaticString) throws -> [([UInt8], Int64)] {
                try connection.statement(sql).rows { ($0.blob(0), $0.int(1)) }
            }
            var counts = Dictionary(try perCircle("SELECT circle, count(*) FROM entity_circles GROUP BY circle"), uniquingKeysWith: +)
            let deleted = try perCircle(
                "SELECT c.circle, count(*) FROM entities e CROSS JOIN entity_circles c ON c.entity = e.entity WHERE e.deleted <> 0 GROUP BY c.circle")
            let withoutRecord = try perCircle(
                "SELECT c.circle, count(*) FROM entity_circles c WHERE NOT EXISTS (SELECT 1 FROM entities e WHERE e.entity = c.entity) GROUP BY c.circle"
            )
            for (circle, rows) in deleted + withoutRecord { counts[circle, default: 0] -= rows }
            var live: [CircleID: Int] = [:]
            for (bytes, count) in counts where count > 0 { if let circle = CircleID(bytes: bytes) { live[circle] = Int(count) } }
            return live
        }
    }

    /// The circle of each of `entities` that belongs to one (records of the network are absent).
    public func circles(of entities: [EntityID]) throws -> [EntityID: CircleID] {
        guard !entities.isEmpty else { return [:] }
        return try read { connection in
            var found: [EntityID: CircleID] = [:]
            if entities.count > Self.circleLookupsPerRecord {
                // A long list: one pass over the records in circles costs less than a lookup for each.
                let wanted = Set(entities.map(\.description))
                for (entity, bytes) in try connection.statement("SELECT entity, circle FROM entity_circles").rows({ ($0.text(0) ?? "", $0.blob(1)) })
                where wanted.contains(entity) {
                    if let id = EntityID(entity), let circle = CircleID(bytes: bytes) { found[id] = circle }
                }
                return found
            }
            for entity in entities {
                if let bytes = try connection.statement("SELECT circle FROM entity_circles WHERE entity = ?").bind(.text(entity.description))
                    .rows({ $0.blob(0) }).first, let circle = CircleID(bytes: bytes)
                {
                    found[entity] = circle
                }
            }
            return found
        }
    }

    /// Up to this many records, `circles(of:)` looks each one up by key.
    static let circleLookupsPerRecord = 500

    /// The audit of `circle`: each part of it sent to a partner, oldest first.
    public func deliveries(of circle: CircleID) throws -> [CircleAuditEntry] {
        try read { connection in
            try connection.statement(
                """
                SELECT d.peer_node_id, l.author_key, l.epoch, d.first_seq, d.last_seq, d.sent_at_ms
                FROM circle_deliveries d LEFT JOIN circle_logs l ON l.log_key = d.log_key
                WHERE d.circle = ? ORDER BY d.sent_at_ms, d.rowid
                """
            ).bind(.blob(circle.bytes)).rows { row in
                let peer = row.text(0) ?? ""
                let author = row.isNull(1) ? nil : OriginKey(bytes: row.blob(1))
                return CircleAuditEntry(
                    peer: NodeID(peer), peerText: peer, author: author?.nodeID, epoch: row.isNull(2) ? nil : UInt64(row.int(2)),
                    firstSeq: UInt64(row.int(3)), lastSeq: UInt64(row.int(4)), sentAtMilliseconds: UInt64(max(0, row.int(5))))
            }
        }
    }
}

extension StoreWriter {
    /// Gives `circle` a local name (replacing any it had); never replicated.
    public func setLabel(_ label: String, for circle: CircleID) throws {
        try connection.statement("INSERT OR REPLACE INTO circle_labels(circle, label) VALUES (?, ?)").bind(.blob(circle.bytes), .text(label)).run()
    }

    /// The circle this node labelled `label` (any case), if any.
    public func circle(labelled label: String) throws -> CircleID? {
        try connection.statement("SELECT circle FROM circle_labels WHERE label = ?").bind(.text(label)).rows { $0.blob(0) }.first
            .flatMap(CircleID.init(bytes:))
    }
}
