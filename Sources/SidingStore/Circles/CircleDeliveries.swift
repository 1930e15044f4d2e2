import SidingCore

/// The circle audit's raw material: which partner was sent which part of which circle, and when.
extension SQLiteStore {
    public func recordDeliveries(_ deliveries: [CircleDelivery], to peer: NodeID) throws {
        guard !deliveries.isEmpty else { return }
        try write { try $0.recordDeliveries(deliveries, to: peer) }
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
