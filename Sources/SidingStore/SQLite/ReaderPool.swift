import Foundation

/// Read-only connections for long reads (searches), each used by one thread at a time: a search runs
/// on a connection of its own, so it never holds the store's reader that sync and every other read
/// wait on. Connections are opened when more are wanted at once than are idle, and a few are kept.
final class ReaderPool: @unchecked Sendable {
    private static let keptIdle = 4
    private let path: String
    private let lock = NSLock()
    private var idle: [SQLiteConnection] = []

    init(path: String) { self.path = path }

    func withConnection<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        let connection = try lock.withLock { idle.popLast() } ?? Self.open(path)
        defer {
            lock.withLock { if idle.count < Self.keptIdle { idle.append(connection) } }
        }
        return try body(connection)
    }

    static func open(_ path: String) throws -> SQLiteConnection {
        let connection = try SQLiteConnection(path: path, readOnly: true)
        try connection.execute("PRAGMA busy_timeout = 5000")
        return connection
    }
}
