import SidingCore

/// The circles a restored backup held: in each, this node may have signed changes after the backup
/// that only the circle's members now hold, so its writes there wait until a member has shown them.
/// One `node_state` row per circle (`restored_circle:` and the circle ID's bytes in hex), so the
/// check a local circle write makes is one point query.
extension StoreWriter {
    static let restoredCirclePrefix = "restored_circle:"

    /// Marks every circle this copy holds anything of (run in a backup copy).
    func markRestoredCircles() throws {
        try connection.statement(
            "INSERT OR REPLACE INTO node_state(key, value) SELECT 'restored_circle:' || lower(hex(circle)), '1' FROM (SELECT DISTINCT circle FROM circle_logs)"
        ).run()
    }

    /// Whether this node's writes into `circle` must wait for a member to show what it holds of them.
    public func awaitsRestoreConfirmation(_ circle: CircleID) throws -> Bool {
        try connection.statement("SELECT 1 FROM node_state WHERE key = ?").bind(.text(Self.restoredCircleKey(circle))).exists()
    }

    /// A member showed that it holds nothing of this node's logs in `circle` that this node lacks.
    public func confirmRestoredCircle(_ circle: CircleID) throws {
        try connection.statement("DELETE FROM node_state WHERE key = ?").bind(.text(Self.restoredCircleKey(circle))).run()
    }

    static func restoredCircleKey(_ circle: CircleID) -> String {
        restoredCirclePrefix + ViewDigest.hex(circle.bytes)
    }
}

extension SQLiteStore {
    /// Circles whose writes still wait for a member after a restore (none on a node never restored).
    public func circlesAwaitingRestoreConfirmation() throws -> [CircleID] {
        try read { connection in
            try connection.statement(
                """
                SELECT DISTINCT circle FROM circle_logs
                WHERE 'restored_circle:' || lower(hex(circle)) IN (SELECT key FROM node_state WHERE key LIKE 'restored_circle:%')
                """
            ).rows { $0.blob(0) }.compactMap(CircleID.init(bytes:))
        }
    }
}
