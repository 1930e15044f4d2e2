import Foundation
import SidingStore

/// Serialises local writes onto one thread and commits everything that queued up while the previous
/// transaction was syncing to disk in a single transaction: one fsync for many edits (group commit).
/// Each job sees the effects of the jobs before it; a job that throws `NodeError` fails alone and
/// wrote nothing, any other error fails the whole batch and nothing of it is kept.
final class GroupCommitWriter: @unchecked Sendable {
    typealias Job = (StoreWriter) throws -> WriteOutcome

    private struct Pending {
        let job: Job
        let continuation: CheckedContinuation<WriteOutcome, Error>
    }

    private let store: SQLiteStore
    private let condition = NSCondition()
    private var pending: [Pending] = []
    private var stopping = false
    private var finished = false

    init(store: SQLiteStore) {
        self.store = store
        let thread = Thread { [self] in loop() }
        thread.name = "siding-writer"
        thread.start()
    }

    func submit(_ job: @escaping Job) async throws -> WriteOutcome {
        try await withCheckedThrowingContinuation { continuation in
            condition.lock()
            defer { condition.unlock() }
            guard !stopping else {
                continuation.resume(throwing: NodeError.shuttingDown)
                return
            }
            pending.append(Pending(job: job, continuation: continuation))
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
        var results: [Result<WriteOutcome, Error>] = []
        do {
            try store.write { transaction in
                for item in batch {
                    do {
                        results.append(.success(try item.job(transaction)))
                    } catch let error as NodeError {
                        results.append(.failure(error))
                    }
                }
            }
        } catch {
            let failure = NodeError.storage(String(describing: error))
            for item in batch { item.continuation.resume(throwing: failure) }
            return
        }
        // Only now, after COMMIT returned (fsync done), is anything acknowledged.
        for (item, result) in zip(batch, results) { item.continuation.resume(with: result) }
    }
}

/// What a local write did.
struct WriteOutcome: Sendable {
    let id: String
    let changed: Bool
}
