/// Errors of the store; each message says what happened and what to do.
public enum StoreError: Error, Sendable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case notASidingDatabase(path: String)
    case newerSchema(path: String, version: Int, supported: Int)
    case sqlite(code: Int32, message: String, sql: String)
    /// SQLite found the file damaged (SQLITE_CORRUPT or SQLITE_NOTADB), or `quick_check` failed.
    case damaged(path: String, reason: String)

    /// A failed SQLite call: `damaged` for SQLite's primary codes of a damaged file (11 SQLITE_CORRUPT,
    /// 26 SQLITE_NOTADB), wherever it is first noticed; `sqlite` otherwise.
    static func failure(_ code: Int32, _ message: String, sql: String, path: String) -> StoreError {
        [11, 26].contains(code & 0xFF) ? .damaged(path: path, reason: message) : .sqlite(code: code, message: message, sql: sql)
    }

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            "cannot open the database \(path): \(reason); check the path and its permissions"
        case .notASidingDatabase(let path):
            "\(path) is not a Siding database; point --home at a Siding home or move the file away"
        case .newerSchema(let path, let version, let supported):
            "\(path) has schema version \(version) but this sidingd supports up to \(supported); upgrade sidingd"
        case .sqlite(let code, let message, _):
            "database error \(code): \(message)"
        case .damaged(let path, let reason):
            "the database \(path) is damaged (\(reason)); it was left exactly as it is. Restore the latest backup "
                + "(README: Backup and restore) and start again; partners re-send whatever the backup lacks"
        }
    }
}
