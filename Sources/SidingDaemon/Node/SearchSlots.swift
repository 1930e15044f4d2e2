import Foundation

/// How many searches may run at once: each has a thread and a connection of its own for up to its
/// budget, and on a small machine a crowd of them would starve the node's other work of the CPU.
final class SearchSlots: @unchecked Sendable {
    static let standardLimit = 4
    let limit: Int
    private let lock = NSLock()
    private var running = 0

    init(limit: Int) { self.limit = limit }

    /// Takes a slot if one is free.
    func take() -> Bool {
        lock.withLock {
            guard running < limit else { return false }
            running += 1
            return true
        }
    }

    func give() { lock.withLock { running -= 1 } }
}
