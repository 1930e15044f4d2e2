import SidingCore
import SidingStore
import SidingSync
import Synchronization

/// A node restored from a backup may have signed changes after that backup that its partners hold.
/// Writing again before learning them would reuse their seqs: a fork of its own history. So local
/// writes wait until a connected partner's summary shows it holds nothing of this node that this node
/// lacks (or there is no partner at all); then the backup mark is cleared for good.
final class RestoreGuard: Sendable {
    private let database: NodeDatabase
    private let origin: OriginKey
    /// Set once writes are known to be safe; the mark is never set again while the node runs.
    private let writable = Mutex(false)

    init(database: NodeDatabase, origin: OriginKey) {
        self.database = database
        self.origin = origin
    }

    /// Throws while writes would risk a fork; clears the guard once they no longer do.
    func checkWritable(_ engine: SyncEngine) async throws {
        guard !writable.withLock({ $0 }) else { return }
        guard try await database.read({ try $0.isRestoredBackup() }) else { return writable.withLock { $0 = true } }
        let statuses = try await engine.statuses()
        let own = try await database.read { [origin] in try $0.versionVector()[origin] }
        let caughtUp = statuses.isEmpty || statuses.contains { $0.connected && $0.peerVector[origin] <= own }
        guard caughtUp else { throw NodeError.restoredFromBackup }
        try await database.write { transaction, _ in try transaction.clearRestoredBackup() }
        writable.withLock { $0 = true }
    }
}
