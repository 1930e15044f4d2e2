import Foundation
import SidingCore
import SidingStore
import SidingSync

/// A node restored from a backup may have signed changes after that backup that its partners hold.
/// Writing again before learning them would reuse their seqs: a fork of its own history. So local
/// writes wait until a connected partner's summary shows it holds nothing of this node that this node
/// lacks (or there is no partner at all); then the backup mark is cleared for good.
final class RestoreGuard: @unchecked Sendable {
    private let lock = NSLock()
    private var restored: Bool
    private let store: SQLiteStore
    private let origin: OriginKey

    init(store: SQLiteStore, origin: OriginKey) throws {
        self.store = store
        self.origin = origin
        restored = try store.isRestoredBackup()
    }

    var isWaiting: Bool { lock.withLock { restored } }

    /// Throws while writes would risk a fork; clears the guard once they no longer do.
    func checkWritable(_ engine: SyncEngine) async throws {
        guard isWaiting else { return }
        let statuses = try await engine.statuses()
        let own = try store.versionVector()[origin]
        let caughtUp = statuses.isEmpty || statuses.contains { $0.connected && $0.peerVector[origin] <= own }
        guard caughtUp else { throw NodeError.restoredFromBackup }
        try store.clearRestoredBackup()
        lock.withLock { restored = false }
    }
}
