import Foundation
import NIOPosix
import SidingMetrics
import SidingStore

/// The daemon's one way to its database from async code, so that no query or fsync blocks Swift's
/// cooperative threads or an event loop: reads run on NIO's thread pool for blocking work; writes run
/// as jobs of the group-commit writer, on its thread, with the node's author (and clock) that only
/// that thread holds.
struct NodeDatabase: Sendable {
    private let store: SQLiteStore
    private let writer: GroupCommitWriter
    private let searches = SearchSlots(limit: SearchSlots.standardLimit)

    /// The database file, for messages.
    var path: String { store.path }

    /// Each group commit's duration (`GroupCommitWriter`), for `GET /metrics`.
    var commitDurations: Histogram { writer.commitDurations }

    init(store: SQLiteStore, writer: GroupCommitWriter) {
        self.store = store
        self.writer = writer
    }

    /// Runs `body` on NIO's thread pool. For reads, and the online backup; never for writes, which
    /// must go through `write` to be group-committed.
    func read<T: Sendable>(_ body: @escaping @Sendable (SQLiteStore) throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive { [store] in try body(store) }
    }

    /// Runs a search on a thread of its own: it may run for its whole budget, and on the shared pool
    /// it would hold a thread that sync's reads and every other read need. At most
    /// `SearchSlots.standardLimit` run at once; another is refused with a message saying so.
    func search<T: Sendable>(_ body: @escaping @Sendable (SQLiteStore) throws -> T) async throws -> T {
        guard searches.take() else {
            throw NodeError.searchRefused("\(searches.limit) searches are running already; try again when one has finished")
        }
        defer { searches.give() }
        return try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { [store] in continuation.resume(with: Result { try body(store) }) }
            thread.name = "search"
            thread.start()
        }
    }

    /// Runs `job` in the writer's next transaction (see `GroupCommitWriter`); `session` names the sync
    /// session whose changes it applies, for the commit's announcement.
    func write<T: Sendable>(deliveredBy session: UInt64? = nil, _ job: @escaping GroupCommitWriter.Job<T>) async throws -> T {
        try await writer.submit(deliveredBy: session, job)
    }
}
