import Logging
import SidingCore
import SidingStore

/// The store as sync sees it (`SidingCore.ChangeStore`): reads and partners' batches go through the
/// node's database like local edits, so the node's clock follows what it receives.
struct NodeChangeStore: ChangeStore {
    let database: NodeDatabase
    let logger: Logger
    /// Timestamps further ahead than this are logged as clock skew (they are applied all the same).
    static let reportedSkewMilliseconds: UInt64 = 60_000

    func versionVector() async throws -> VersionVector {
        try await database.read { try $0.versionVector() }
    }

    func changes(of origin: OriginKey, after: UInt64, limit: Int) async throws -> [[UInt8]] {
        try await database.read { try $0.changes(of: origin, after: after, limit: limit) }
    }

    func versions(of origin: OriginKey, at seq: UInt64) async throws -> [[UInt8]] {
        try await database.read { try $0.versions(of: origin, at: seq) }
    }

    func circleLogs() async throws -> CircleLogIndex {
        try await database.read { try $0.circleLogIndex() }
    }

    func sharedCircles(with peer: NodeID) async throws -> Set<CircleID> {
        try await database.read { try $0.sharedCircles(with: peer) }
    }

    func sharedCircles(withEach peers: [NodeID]) async throws -> [NodeID: Set<CircleID>] {
        try await database.read { try $0.sharedCircles(withEach: peers) }
    }

    func recordDeliveries(_ deliveries: [CircleDelivery], to peer: NodeID) async throws {
        guard !deliveries.isEmpty else { return }
        try await database.write { transaction, _ in try transaction.recordDeliveries(deliveries, to: peer) }
    }

    func apply(_ changes: [VerifiedChange], deliveredBy session: UInt64) async throws -> [ApplyOutcome] {
        let (outcomes, skew, refusedErasures) = try await database.write(deliveredBy: session) { transaction, author in
            // The writer's transaction may hold other jobs of the same group commit: only this job's refusals.
            let refusedBefore = transaction.refusedErasures.count
            let outcomes = try transaction.apply(changes.map(\.change))
            return (outcomes, author.observe(changes.map(\.change)), Array(transaction.refusedErasures[refusedBefore...]))
        }
        for refusal in refusedErasures {
            // Without the record's ID or anything of it: who gave the order, in which circle.
            logger.warning(
                "refused an erasure order: its author neither created the record nor owns its circle; the change is kept, the record is not erased",
                metadata: ["author": "\(refusal.author)", "circle": "\(refusal.circle.map(\.description) ?? "network")"])
        }
        if skew > Self.reportedSkewMilliseconds {
            logger.warning(
                "received changes timestamped ahead of this machine's clock; applied, clock advanced at most 5 min",
                metadata: ["ahead_seconds": "\(skew / 1_000)"])
        }
        return outcomes
    }
}
