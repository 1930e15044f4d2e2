/// Errors of the store; each message says what happened and what to do.
public enum StoreError: Error, Sendable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case notASidingDatabase(path: String)
    case newerSchema(path: String, version: Int, supported: Int)
    case sqlite(code: Int32, message: String, sql: String)
    /// SQLite found the file damaged (SQLITE_CORRUPT or SQLITE_NOTADB), or `quick_check` failed.
    case damaged(path: String, reason: String)
    /// A search with more words than are searched at once.
    case searchTooLong(words: Int, maximum: Int)
    /// A search ran out of its time or its client went away.
    case searchStopped(SearchStop)

    /// A failed SQLite call: `damaged` for SQLite's primary codes of a damaged file (11 SQLITE_CORRUPT,
    /// 26 SQLITE_NOTADB), wherever it is first noticed; `sqlite` otherwise.
    static func failure(_ code: Int32, _ message: String, sql: String, path: String) -> StoreError {
        [11, 26].contains(code & 0xFF) ? .damaged(path: path, reason: message) : .sqlite(code: code, message: message, sql: sql)
    }

    /// "3 s", or "250 ms" under a second.
    private static func shown(_ time: Duration) -> String {
        time < .seconds(1) ? "\(Int(time / .milliseconds(1))) ms" : "\(Int(time / .seconds(1))) s"
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
        case .searchTooLong(let words, let maximum):
            "the search has \(words) words (each Chinese, Japanese or Korean character counts as one); at most \(maximum) "
                + "are searched at once: search for the few words that matter most"
        case .searchStopped(.tooSlow(let time)):
            "the search was stopped after \(Self.shown(time)): its words are too many or too common; "
                + "search for fewer, rarer words, or ask for fewer results with --limit"
        case .searchStopped(.cancelled):
            "the search was stopped because its result is no longer wanted"
        }
    }
}
