import Foundation
import SidingAPI
import SidingCore
import SidingMetrics
import SidingStore

/// Serialises every write of the node (local edits and batches from partners) onto one thread and
/// commits everything that queued up while the previous transaction was syncing to disk in a single
/// transaction: one fsync for many writes (group commit). Each job runs in its own savepoint and sees
/// the effects of the jobs before it: a job that throws fails alone and wrote nothing; if the commit
/// itself fails, every job of the batch fails. Nothing is acknowledged before the commit returned.
/// The writer owns the node's clock (`LocalAuthor`) and lends it to each job in turn, on its thread.
final class GroupCommitWriter: @unchecked Sendable {
    /// A job as the writer thread runs it: with the transaction and the node's author.
    typealias Job<T> = (StoreWriter, inout LocalAuthor) throws -> T

    private struct Pending {
        /// Runs the job inside the transaction, leaving its result for `finish`.
        let run: (StoreWriter, inout LocalAuthor) -> Void
        /// Resumes the caller: with the job's result, or with the commit's error.
        let finish: (Error?) -> Void
        /// The session whose changes the job applies (nil: this node's own writes).
        let deliveredBy: UInt64?
    }

    private let store: SQLiteStore
    /// How long each transaction took to run its jobs and commit (the fsync included), for `GET /metrics`.
    let commitDurations = Histogram()
    private let onCommit: @Sendable (CommitNotice) -> Void
    /// Touched only on the writer thread, inside `commit(_:)`.
    private var author: LocalAuthor
    private let condition = NSCondition()
    private var pending: [Pending] = []
    private var stopping = false
    private var finished = false

    /// `onCommit` runs once after every transaction that added changes, with what they were.
    init(store: SQLiteStore, author: consuming LocalAuthor, onCommit: @escaping @Sendable (CommitNotice) -> Void = { _ in }) {
        self.store = store
        self.author = author
        self.onCommit = onCommit
        let thread = Thread { [self] in loop() }
        thread.name = "siding-writer"
        thread.start()
    }

    func submit<T: Sendable>(deliveredBy session: UInt64? = nil, _ job: @escaping Job<T>) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
            let box = ResultBox<T>()
            let item = Pending(
                run: { transaction, author in
                    box.result = Result { try transaction.savepoint { try job(transaction, &author) } }
                },
                finish: { commitError in
                    if let commitError { return continuation.resume(throwing: commitError) }
                    continuation.resume(with: box.result ?? .failure(NodeError.storage("the write was not run")))
                }, deliveredBy: session)
            condition.lock()
            defer { condition.unlock() }
            guard !stopping else { return continuation.resume(throwing: NodeError.shuttingDown) }
            pending.append(item)
            condition.signal()
        }
    }

    /// Commits what is queued, refuses new jobs, and returns when the writer thread has finished.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while pending.isEmpty && !stopping { condition.wait() }
            let batch = pending
            pending.removeAll()
            let done = stopping && batch.isEmpty
            condition.unlock()
            if done { break }
            commit(batch)
        }
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    private func commit(_ batch: [Pending]) {
        let notice: CommitNotice
        let start = ContinuousClock.now
        defer { commitDurations.observe(ContinuousClock.now - start) }
        do {
            notice = try store.write { transaction in
                for item in batch {
                    transaction.deliveredBy = item.deliveredBy
                    item.run(transaction, &author)
                }
                return transaction.notice
            }
        } catch {
            let failure = NodeError.storage(String(describing: error))
            for item in batch { item.finish(failure) }
            return
        }
        if !notice.isEmpty { onCommit(notice) }
        for item in batch { item.finish(nil) }
    }
}

/// Where a job leaves its result for the caller (written and read on the writer thread).
private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, Error>?
}

/// What a local write did.
struct WriteOutcome: Sendable {
    let id: String
    let changed: Bool
    /// Where a new record went.
    var placement: CirclePlacement? = nil
}
