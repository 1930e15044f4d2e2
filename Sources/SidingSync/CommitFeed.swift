import Foundation
import SidingCore

/// Announces every commit to every subscribed session, once. A subscriber that is busy does not
/// queue one notice per commit: what it has not read yet is merged into one notice, so a burst of
/// commits costs a slow session one wake-up and bounded memory.
public final class CommitFeed: @unchecked Sendable {
    private let lock = NSLock()
    private var subscribers: [UInt64: UnreadNotices] = [:]
    private var nextID: UInt64 = 0

    public init() {}

    /// Called by the store's writer after each transaction that changed what the node holds.
    public func publish(_ notice: CommitNotice) {
        guard !notice.isEmpty else { return }
        let current = lock.withLock { Array(subscribers.values) }
        for subscriber in current { subscriber.deliver(notice) }
    }

    /// The commits from now on, for as long as the returned sequence is iterated.
    public func subscribe() -> CommitSubscription {
        let (wakeups, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let unread = UnreadNotices(continuation)
        let id = lock.withLock { () -> UInt64 in
            nextID += 1
            subscribers[nextID] = unread
            return nextID
        }
        continuation.onTermination = { [weak self] _ in
            guard let self else { return }
            _ = self.lock.withLock { self.subscribers.removeValue(forKey: id) }
        }
        return CommitSubscription(wakeups: wakeups, unread: unread)
    }
}

/// One subscriber's commits: each `next()` returns everything committed since the previous one.
public struct CommitSubscription: AsyncSequence, Sendable {
    public typealias Element = CommitNotice
    let wakeups: AsyncStream<Void>
    let unread: UnreadNotices

    public func makeAsyncIterator() -> Iterator { Iterator(wakeups: wakeups.makeAsyncIterator(), unread: unread) }

    public struct Iterator: AsyncIteratorProtocol {
        var wakeups: AsyncStream<Void>.AsyncIterator
        let unread: UnreadNotices

        public mutating func next() async -> CommitNotice? {
            while await wakeups.next() != nil {
                if let notice = unread.take() { return notice }
            }
            return nil
        }
    }
}

/// A subscriber's unread notices, merged into one, and the wake-up that says there is one.
final class UnreadNotices: @unchecked Sendable {
    private let lock = NSLock()
    private var unread: CommitNotice?
    private let continuation: AsyncStream<Void>.Continuation

    init(_ continuation: AsyncStream<Void>.Continuation) { self.continuation = continuation }

    func deliver(_ notice: CommitNotice) {
        lock.withLock { unread = unread.map { $0.merged(with: notice) } ?? notice }
        continuation.yield()
    }

    func take() -> CommitNotice? {
        lock.withLock {
            defer { unread = nil }
            return unread
        }
    }
}
