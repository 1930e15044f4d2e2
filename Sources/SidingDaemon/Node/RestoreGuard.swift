import SidingCore
import SidingStore
import SidingSync
import Synchronization

/// A node restored from a backup, or whose database was lost while its key was kept, may have signed
/// changes that its partners hold and it does not. Writing before learning them would reuse their
/// seqs: a fork of its own history. So local writes wait until a connected partner's summary shows it
/// holds nothing of this node that this node lacks; then the mark is cleared for good. Circles are
/// guarded the same way, each on its own (`RestoreGuard+Circles.swift`).
final class RestoreGuard: Sendable {
    let database: NodeDatabase
    let origin: OriginKey
    /// Set once writes are known to be safe; the mark is never set again while the node runs.
    private let writable = Mutex(false)
    /// Set once no circle waits for a member any more (see `confirmRestoredCircles`).
    let circlesSettled = Mutex(false)

    init(database: NodeDatabase, origin: OriginKey) {
        self.database = database
        self.origin = origin
    }

    /// Throws while writes would risk a fork; clears the guard once they no longer do.
    func checkWritable(_ engine: SyncEngine) async throws {
        if let gap = try await lock(engine) { throw NodeError.ownHistoryGap(gap) }
    }

    /// Why edits are locked now (nil: they are not), clearing the mark once it no longer holds, and
    /// lifting the lock of each circle a connected member has caught this node up in.
    func lock(_ engine: SyncEngine) async throws -> OwnHistoryGap? {
        if let gap = try await networkLock(engine) { return gap }
        try await confirmRestoredCircles(engine)
        return nil
    }

    private func networkLock(_ engine: SyncEngine) async throws -> OwnHistoryGap? {
        guard !writable.withLock({ $0 }) else { return nil }
        guard let gap = try await database.read({ try $0.ownHistoryGap() }) else {
            writable.withLock { $0 = true }
            return nil
        }
        let statuses = try await engine.statuses()
        let own = try await database.read { [origin] in try $0.versionVector()[origin] }
        // A backup of a node without partners: nobody can hold what it signed later. A lost database
        // lost the partner list with it, so it waits for a partner to be added again and connect.
        let nobodyToAsk = statuses.isEmpty && gap == .restoredBackup
        let caughtUp = nobodyToAsk || statuses.contains { $0.connected && $0.peerVector[origin] <= own }
        guard caughtUp else { return gap }
        try await database.write { transaction, _ in try transaction.clearRestoredBackup() }
        writable.withLock { $0 = true }
        return nil
    }
}
