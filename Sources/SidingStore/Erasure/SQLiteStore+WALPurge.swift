extension SQLiteStore {
    /// After a transaction that erased a record, the WAL still holds the pages as they were before it,
    /// and the database file too until they are copied back: a checkpoint copies them and empties the
    /// WAL. A reader on a snapshot older than the erasure keeps it from finishing (it waits the busy
    /// timeout first); the store then tries again after each later write, without waiting, until one
    /// finishes. Found by `ErasureStoreTests`: with one try only, a read held across the erasure left
    /// the erased values in the database file until the daemon stopped.
    func purgeWALAfterErasure(_ connection: SQLiteConnection, erasedNow: Bool) {
        guard erasedNow || erasedPagesLinger.withLock({ $0 }) else { return }
        if !erasedNow { try? connection.execute("PRAGMA busy_timeout = 0") }
        let finished = (try? connection.statement("PRAGMA wal_checkpoint(TRUNCATE)").rows { $0.int(0) == 0 }.first) ?? false
        if !erasedNow { try? connection.execute("PRAGMA busy_timeout = \(Self.writerBusyTimeoutMilliseconds)") }
        erasedPagesLinger.withLock { $0 = !finished }
    }
}
