import SidingCore

extension SQLiteStore {
    /// Set in every backup copy: a node started from it may be behind its own history.
    static let restoredBackupKey = "restored_backup"

    /// Writes a consistent online copy to `path` (VACUUM INTO, which also compacts it) and marks the copy
    /// as a backup. Returns the copy's `integrity_check` result.
    public func backup(to path: String) throws -> String {
        try writer.withLock { connection in
            try connection.statement("VACUUM INTO ?").bind(.text(path)).run()
        }
        let copy = try SQLiteStore(path: path)
        try copy.write { transaction in
            try transaction.connection.statement("INSERT OR REPLACE INTO node_state(key, value) VALUES (?, '1')")
                .bind(.text(Self.restoredBackupKey)).run()
        }
        let integrity = try copy.integrityCheck()
        try copy.checkpoint()
        return integrity
    }

    /// Whether this database is a restored backup whose node has not yet caught up with its own history.
    public func isRestoredBackup() throws -> Bool {
        try read {
            try $0.statement("SELECT 1 FROM node_state WHERE key = ?").bind(.text(Self.restoredBackupKey)).exists()
        }
    }

}

extension StoreWriter {
    /// The node learned its latest changes from a partner: local writes are safe again.
    public func clearRestoredBackup() throws {
        try connection.statement("DELETE FROM node_state WHERE key = ?").bind(.text(SQLiteStore.restoredBackupKey)).run()
    }
}
