import SidingCore

extension SQLiteStore {
    /// Set in every backup copy: a node started from it may be behind its own history (its circles are
    /// marked too: `StoreWriter.markRestoredCircles`).
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
            try transaction.markRestoredCircles()
        }
        let integrity = try copy.integrityCheck()
        try copy.checkpoint()
        return integrity
    }

    /// Value of the mark on a database made anew for a key that had signed before (the old one was lost).
    static let lostDatabaseValue = "lost"

    /// Whether this database is a restored backup whose node has not yet caught up with its own history.
    public func isRestoredBackup() throws -> Bool { try ownHistoryGap() != nil }

    /// Why this node may lack changes it signed itself, until a partner has shown what it holds of them.
    public func ownHistoryGap() throws -> OwnHistoryGap? {
        let values = try read {
            try $0.statement("SELECT value FROM node_state WHERE key = ?").bind(.text(Self.restoredBackupKey)).rows { $0.text(0) ?? "" }
        }
        guard let value = values.first else { return nil }
        return value == Self.lostDatabaseValue ? .lostDatabase : .restoredBackup
    }

    /// Marks a database just created for a node whose key already had a database: whatever that one
    /// held (its own signed changes first of all) is only known to partners now.
    public func markLostDatabase() throws {
        try write { transaction in
            try transaction.connection.statement("INSERT OR REPLACE INTO node_state(key, value) VALUES (?, ?)")
                .bind(.text(Self.restoredBackupKey), .text(Self.lostDatabaseValue)).run()
        }
    }

}

/// Why a node may be behind its own history.
public enum OwnHistoryGap: Sendable, Equatable {
    /// Started from a backup copy: changes signed after the backup may exist at partners.
    case restoredBackup
    /// The database was lost and made anew while the key was kept: partners may hold any of its changes.
    case lostDatabase
}

extension StoreWriter {
    /// The node learned its latest changes from a partner: local writes are safe again.
    public func clearRestoredBackup() throws {
        try connection.statement("DELETE FROM node_state WHERE key = ?").bind(.text(SQLiteStore.restoredBackupKey)).run()
    }
}
