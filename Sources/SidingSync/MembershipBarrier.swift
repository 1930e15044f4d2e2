import Foundation

/// The revocation barrier (Protocol/SPEC.md §6): a caller asks every live session to read its shared
/// circles again and waits until each has adopted the result (or ended). A session registers before it
/// first reads them, so one that starts later has adopted every request made before it.
final class MembershipBarrier: @unchecked Sendable {
    private let lock = NSLock()
    private var generation: UInt64 = 0
    private var adopted: [UInt64: UInt64] = [:]
    private var waiters: [UInt64: (generation: UInt64, wake: AsyncStream<Void>.Continuation)] = [:]
    private var nextWaiter: UInt64 = 0
    /// Wakes every session: read the shared circles again.
    let requests = Feed()

    var currentGeneration: UInt64 { lock.withLock { generation } }

    func register(session: UInt64) { lock.withLock { adopted[session] = generation } }

    /// The session ended: it writes nothing more, so it holds up no barrier.
    func unregister(session: UInt64) {
        let woken = lock.withLock { () -> [AsyncStream<Void>.Continuation] in
            adopted.removeValue(forKey: session)
            return satisfiedWaiters()
        }
        for wake in woken { wake.yield() }
    }

    /// `session` writes nothing from now on that its view of `generation` forbids.
    func adopted(session: UInt64, generation: UInt64) {
        let woken = lock.withLock { () -> [AsyncStream<Void>.Continuation] in
            guard let current = adopted[session], current < generation else { return [] }
            adopted[session] = generation
            return satisfiedWaiters()
        }
        for wake in woken { wake.yield() }
    }

    /// Asks every session to adopt the current membership and waits until they all have, at most
    /// `timeout`. Returns the sessions that had not adopted it by then (none: every one did).
    func adoptAll(timeout: Duration) async -> Set<UInt64> {
        let (stream, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let (target, waiter, done) = lock.withLock { () -> (UInt64, UInt64, Bool) in
            generation += 1
            nextWaiter += 1
            waiters[nextWaiter] = (generation, wake)
            return (generation, nextWaiter, adopted.values.allSatisfy { $0 >= generation })
        }
        requests.notify()
        if !done {
            let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
            await SyncEngine.wait(seconds: seconds, orUntil: [stream])
        }
        return lock.withLock {
            waiters.removeValue(forKey: waiter)
            return Set(adopted.filter { $0.value < target }.keys)
        }
    }

    /// Called with the lock held: the waiters every session has caught up with, removed.
    private func satisfiedWaiters() -> [AsyncStream<Void>.Continuation] {
        let lowest = adopted.values.min() ?? .max
        let satisfied = waiters.filter { $0.value.generation <= lowest }
        for id in satisfied.keys { waiters.removeValue(forKey: id) }
        return satisfied.values.map(\.wake)
    }
}
