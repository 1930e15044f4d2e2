import SidingCore

/// The circle audit's raw material: which partner was sent which part of which circle, and when.
extension SQLiteStore {
    public func recordDeliveries(_ deliveries: [CircleDelivery], to peer: NodeID) throws {
        guard !deliveries.isEmpty else { return }
        try write { try $0.recordDeliveries(deliveries, to: peer) }
    }

    /// What was sent of `circle`, to whom, oldest first.
    public func deliveries(of circle: CircleID) throws -> [(peer: String, delivery: CircleDelivery)] {
        try read { connection in
            try connection.statement(
                "SELECT peer_node_id, log_key, first_seq, last_seq, sent_at_ms FROM circle_deliveries WHERE circle = ? ORDER BY sent_at_ms, rowid"
            )
            .bind(.blob(circle.bytes)).rows { row in
                (row.text(0) ?? "", row.blob(1), UInt64(row.int(2)), UInt64(row.int(3)), UInt64(row.int(4)))
            }
            .compactMap { peer, log, first, last, sentAt in
                OriginKey(bytes: log).map {
                    (peer, CircleDelivery(circle: circle, log: $0, firstSeq: first, lastSeq: last, sentAtMilliseconds: sentAt))
                }
            }
        }
    }
}

extension StoreWriter {
    public func recordDeliveries(_ deliveries: [CircleDelivery], to peer: NodeID) throws {
        for delivery in deliveries {
            try connection.statement(
                "INSERT INTO circle_deliveries(circle, peer_node_id, log_key, first_seq, last_seq, sent_at_ms) VALUES (?, ?, ?, ?, ?, ?)"
            )
            .bind(
                .blob(delivery.circle.bytes), .text(peer.description), .blob(delivery.log.bytes), .integer(Int64(delivery.firstSeq)),
                .integer(Int64(delivery.lastSeq)), .integer(Int64(delivery.sentAtMilliseconds))
            ).run()
        }
    }
}
