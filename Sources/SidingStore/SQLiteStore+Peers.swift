import SidingCore

/// A configured partner as stored in the `peers` table.
public struct PeerRecord: Hashable, Sendable {
    public let nodeID: NodeID
    public let name: String
    public let address: String?

    public init(nodeID: NodeID, name: String, address: String?) {
        self.nodeID = nodeID
        self.name = name
        self.address = address
    }
}

extension SQLiteStore {
    public func peers() throws -> [PeerRecord] {
        try read {
            try $0.statement("SELECT node_id, name, address FROM peers ORDER BY name, node_id").rows { row -> PeerRecord? in
                guard let id = NodeID(row.text(0) ?? "") else { return nil }
                return PeerRecord(nodeID: id, name: row.text(1) ?? "", address: row.isNull(2) ? nil : row.text(2))
            }.compactMap { $0 }
        }
    }
}

extension StoreWriter {
    /// Adds a partner, or updates its name and address.
    public func savePeer(_ peer: PeerRecord) throws {
        try connection.statement(
            """
            INSERT INTO peers(node_id, name, address) VALUES (?, ?, ?)
            ON CONFLICT(node_id) DO UPDATE SET name = excluded.name, address = excluded.address
            """
        ).bind(.text(peer.nodeID.description), .text(peer.name), peer.address.map(SQLValue.text) ?? .null).run()
    }

    /// Removes a partner; false if it was not one.
    public func removePeer(_ id: NodeID) throws -> Bool {
        try connection.statement("DELETE FROM peers WHERE node_id = ?").bind(.text(id.description)).run()
        return connection.changesCount > 0
    }
}
