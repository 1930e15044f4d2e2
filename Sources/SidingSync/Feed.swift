import Foundation

/// A wake-up broadcast: every subscriber's stream yields after `notify()`; bursts collapse into one.
/// Sessions subscribe to "shutting down" and "sync now", dialers to their own wake-ups and "sync now".
public final class Feed: @unchecked Sendable {
    private let lock = NSLock()
    private var subscribers: [UInt64: AsyncStream<Void>.Continuation] = [:]
    private var nextID: UInt64 = 0
    private var notifications: UInt64 = 0

    public init() {}

    /// How many times `notify()` was called: a waiter compares it before and after.
    public var generation: UInt64 { lock.withLock { notifications } }

    public func notify() {
        let current = lock.withLock { () -> [AsyncStream<Void>.Continuation] in
            notifications += 1
            return Array(subscribers.values)
        }
        for continuation in current { continuation.yield() }
    }

    public func subscribe() -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let id = lock.withLock { () -> UInt64 in
            nextID += 1
            subscribers[nextID] = continuation
            return nextID
        }
        continuation.onTermination = { [weak self] _ in
            guard let self else { return }
            _ = self.lock.withLock { self.subscribers.removeValue(forKey: id) }
        }
        return stream
    }
}
