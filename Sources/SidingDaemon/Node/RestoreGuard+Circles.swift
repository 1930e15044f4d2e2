import SidingCore
import SidingStore
import SidingSync

/// A restored node may have written into a circle after its backup: changes that only the circle's
/// members hold (Protocol/SPEC.md §6, "A restored node"). The backup copy marks every circle it held;
/// `LocalAuthor` refuses to write into a marked circle, and the mark is lifted here once a member of
/// that circle has shown, in its summary, that it holds nothing of this node's logs there that this node lacks.
extension RestoreGuard {
    /// Lifts the mark of every circle that a connected member has caught this node up in.
    func confirmRestoredCircles(_ engine: SyncEngine) async throws {
        guard !circlesSettled.withLock({ $0 }) else { return }
        let waiting = try await database.read { try $0.circlesAwaitingRestoreConfirmation() }
        guard !waiting.isEmpty else {
            circlesSettled.withLock { $0 = true }
            return
        }
        let summaries = try await engine.statuses().filter { $0.connected && $0.summarySeen }.map(\.summary)
        let origin = origin
        let confirmed = try await database.read { store in
            let held = try store.versionVector()
            return try waiting.filter { Self.isCaughtUp(in: try store.membership(of: $0), own: origin, held: held, summaries: summaries) }
        }
        guard !confirmed.isEmpty else { return }
        try await database.write { transaction, _ in
            for circle in confirmed { try transaction.confirmRestoredCircle(circle) }
        }
    }

    /// Whether this node may write into the circle again: it is not a member (it cannot write there
    /// anyway); it was the only member (nobody can hold what it wrote there, as for a node without
    /// partners); or a peer's summary carries the circle and holds no more than this node of the
    /// owner's log and of every log of this node in the circle.
    static func isCaughtUp(in membership: CircleMembership, own: OriginKey, held: VersionVector, summaries: [VersionVector]) -> Bool {
        guard membership.isMember(own), let ownerLog = membership.ownerLog else { return true }
        guard membership.members.contains(where: { $0 != own.nodeID }) else { return true }
        let ownLogs = (membership.tenures[own.nodeID] ?? []).map { CircleLog(circle: membership.circle, author: own, epoch: $0.epoch) }
        let logs = [ownerLog] + ownLogs
        // A summary carries a circle's logs only when its sender shares the circle with this node, and
        // then always its owner's log (a member holds it): without it, the summary says nothing of the circle.
        return summaries.contains { summary in
            summary.entries[ownerLog.key] != nil && logs.allSatisfy { summary[$0.key] <= held[$0.key] }
        }
    }
}
