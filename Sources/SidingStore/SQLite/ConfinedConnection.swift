import Foundation

/// A connection used by one thread at a time. SQLite handles are not shareable, so every use goes
/// through `withLock`; this is why the store can be `Sendable` while the handle is not.
final class ConfinedConnection: @unchecked Sendable {
    private let lock = NSLock()
    private let connection: SQLiteConnection

    init(_ connection: SQLiteConnection) { self.connection = connection }

    func withLock<T>(_ body: (SQLiteConnection) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(connection)
    }
}
