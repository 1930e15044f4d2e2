import Logging
import NIOPosix
import SidingCore
import SidingStore

/// The store as sync sees it (`SidingCore.ChangeStore`): reads on NIO's thread pool, partners' batches
/// through the same group-commit writer as local edits, so the node's clock follows what it receives.
struct NodeChangeStore: ChangeStore {
    let store: SQLiteStore
    let writer: GroupCommitWriter
    let author: LocalAuthor
    let logger: Logger
    /// Timestamps further ahead than this are logged as clock skew (they are applied all the same).
    static let reportedSkewMilliseconds: UInt64 = 60_000

    func versionVector() async throws -> VersionVector {
        try await NIOThreadPool.singleton.runIfActive { [store] in try store.versionVector() }
    }

    func changes(of origin: OriginKey, after: UInt64, limit: Int) async throws -> [[UInt8]] {
        try await NIOThreadPool.singleton.runIfActive { [store] in try store.changes(of: origin, after: after, limit: limit) }
    }

    func apply(_ changes: [VerifiedChange], deliveredBy session: UInt64) async throws -> [ApplyOutcome] {
        let (outcomes, skew) = try await writer.submit(deliveredBy: session) { [author] transaction in
            let outcomes = try changes.map { try transaction.apply($0.change) }
            return (outcomes, author.observe(changes.map(\.change)))
        }
        if skew > Self.reportedSkewMilliseconds {
            logger.warning(
                "received changes timestamped ahead of this machine's clock; applied, clock advanced at most 5 min",
                metadata: ["ahead_seconds": "\(skew / 1_000)"])
        }
        return outcomes
    }
}
