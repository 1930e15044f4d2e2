import CSQLite

/// A thin owner of one sqlite3 handle with a statement cache. Not thread-safe on purpose: the store
/// confines each connection behind a lock, so there is exactly one writer.
final class SQLiteConnection {
    private let handle: OpaquePointer
    private var statements: [String: OpaquePointer] = [:]
    /// The same statements by the address of their literal: hashing a long SQL text on every use cost
    /// a tenth of the ingest path.
    private var literalStatements: [UnsafeRawPointer: OpaquePointer] = [:]
    /// Statements of several rows, by their head's literal and their row count.
    private var rowStatements: [RowsKey: OpaquePointer] = [:]
    let path: String

    init(path: String, readOnly: Bool = false) throws(StoreError) {
        var opened: OpaquePointer?
        let flags = readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        let status = sqlite3_open_v2(path, &opened, flags | SQLITE_OPEN_NOMUTEX, nil)
        guard status == SQLITE_OK, let opened else {
            let message = opened.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(opened)
            throw StoreError.cannotOpen(path: path, reason: message)
        }
        handle = opened
        self.path = path
        sqlite3_extended_result_codes(handle, 1)
        // A reader's temporary tables (a search hit's text, indexed for its snippet) never reach a file.
        // The writer's stay in files: temp_store also decides where a savepoint's sub-journal lives, and
        // SQLite truncates an in-memory one by walking it from its start, once per statement. Nested in
        // a write job's savepoint, an import's per-record savepoints grow it with every page they touch,
        // so a batch's statements walked ever longer lists (the import lost a third of its rate, the
        // daemon's peak RSS went from 92 to 170 MiB). A file-backed one is written in place, never walked.
        try execute(readOnly ? "PRAGMA temp_store = MEMORY" : "PRAGMA temp_store = FILE")
    }

    deinit {
        for statement in statements.values { sqlite3_finalize(statement) }
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements that take no parameters and return nothing of interest.
    func execute(_ sql: String) throws(StoreError) {
        var message: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &message)
        if status != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(message)
            throw StoreError.failure(status, text, sql: sql, path: path)
        }
    }

    /// SQLite's `PRAGMA integrity_check` (every page and index entry) or, `quick`, `quick_check` (no
    /// index against its table): "ok", or what is damaged.
    func check(quick: Bool = false) throws -> String {
        try statement(quick ? "PRAGMA quick_check" : "PRAGMA integrity_check").rows { $0.text(0) ?? "" }.joined(separator: "; ")
    }

    /// A cached prepared statement for SQL written in the source, reset and with its bindings cleared.
    func statement(_ sql: StaticString) throws(StoreError) -> Statement {
        guard sql.hasPointerRepresentation else { return try statement(sql: sql.description) }
        let address = UnsafeRawPointer(sql.utf8Start)
        if let cached = literalStatements[address] {
            sqlite3_reset(cached)
            sqlite3_clear_bindings(cached)
            return Statement(handle: cached, connection: self)
        }
        let statement = try statement(sql: sql.description)
        literalStatements[address] = statement.handle
        return statement
    }

    /// A cached statement that writes `rows` rows at once: `head` up to `VALUES`, then `rows` groups of
    /// `columns` parameters, then `tail` (an upsert clause, or nothing). One statement for a change's
    /// rows costs much less than one per row: each statement run has its own fixed cost.
    func statement(_ head: StaticString, rows: Int, columns: Int, _ tail: StaticString = "") throws(StoreError) -> Statement {
        let key = RowsKey(head: UnsafeRawPointer(head.utf8Start), rows: rows)
        if let cached = rowStatements[key] {
            sqlite3_reset(cached)
            sqlite3_clear_bindings(cached)
            return Statement(handle: cached, connection: self)
        }
        let row = "(" + Array(repeating: "?", count: columns).joined(separator: ", ") + ")"
        let sql = "\(head) VALUES " + Array(repeating: row, count: rows).joined(separator: ", ") + " \(tail)"
        let statement = try statement(sql: sql)
        rowStatements[key] = statement.handle
        return statement
    }

    private struct RowsKey: Hashable {
        let head: UnsafeRawPointer
        let rows: Int
    }

    /// A cached prepared statement, reset and with its bindings cleared.
    func statement(sql: String) throws(StoreError) -> Statement {
        if let cached = statements[sql] {
            sqlite3_reset(cached)
            sqlite3_clear_bindings(cached)
            return Statement(handle: cached, connection: self)
        }
        var prepared: OpaquePointer?
        let status = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &prepared, nil)
        guard status == SQLITE_OK, let prepared else { throw error(status, sql: sql) }
        statements[sql] = prepared
        return Statement(handle: prepared, connection: self)
    }

    /// Runs `body` in one transaction: committed if it returns, rolled back if it throws.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Runs `body` with SQLite asking `budget` every few thousand steps whether to go on; a query it
    /// stops throws `StoreError.searchStopped`.
    func within<T>(_ budget: SearchBudget, _ body: () throws -> T) throws -> T {
        try withExtendedLifetime(budget) {
            sqlite3_progress_handler(
                handle, 4_000,
                { context in
                    guard let context else { return 0 }
                    return Unmanaged<SearchBudget>.fromOpaque(context).takeUnretainedValue().exhausted == nil ? 0 : 1
                }, Unmanaged.passUnretained(budget).toOpaque())
            defer { sqlite3_progress_handler(handle, 0, nil, nil) }
            do {
                if let stop = budget.exhausted { throw StoreError.searchStopped(stop) }
                return try body()
            } catch StoreError.sqlite(let code, _, _) where code & 0xFF == SQLITE_INTERRUPT {
                throw StoreError.searchStopped(budget.exhausted ?? .cancelled)
            }
        }
    }

    var changesCount: Int { Int(sqlite3_changes(handle)) }
    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    func error(_ status: Int32, sql: String) -> StoreError {
        StoreError.failure(status, String(cString: sqlite3_errmsg(handle)), sql: sql, path: path)
    }
}

/// A prepared statement: bind by position (1-based), step, read columns (0-based).
struct Statement {
    // SQLite copies bound text and blobs at once when told the buffer is transient.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
    let handle: OpaquePointer
    let connection: SQLiteConnection
    /// The statement's text, for error messages.
    var sql: String { sqlite3_sql(handle).map { String(cString: $0) } ?? "" }

    @discardableResult
    func bind(_ values: SQLValue...) -> Statement { bind(values) }

    @discardableResult
    func bind(_ values: [SQLValue]) -> Statement {
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            switch value {
            case .integer(let number): sqlite3_bind_int64(handle, index, number)
            case .text(let text): sqlite3_bind_text(handle, index, text, -1, Self.transient)
            case .blob(let bytes):
                bytes.withUnsafeBytes { raw in
                    _ = sqlite3_bind_blob(handle, index, raw.baseAddress, Int32(raw.count), Self.transient)
                }
            case .null: sqlite3_bind_null(handle, index)
            }
        }
        return self
    }

    /// Steps once; true while a row is available.
    private func step() throws(StoreError) -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let status: throw connection.error(status, sql: sql)
        }
    }

    /// Runs a statement that returns no rows.
    func run() throws(StoreError) {
        defer { sqlite3_reset(handle) }
        while try step() {}
    }

    /// Whether the query returns at least one row.
    func exists() throws(StoreError) -> Bool {
        defer { sqlite3_reset(handle) }
        return try step()
    }

    /// Every row, each read by `read`. The statement is reset afterwards so it holds no lock.
    func rows<T>(_ read: (Statement) throws -> T) throws -> [T] {
        defer { sqlite3_reset(handle) }
        var result: [T] = []
        while try step() { result.append(try read(self)) }
        return result
    }

    func int(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    func text(_ column: Int32) -> String? {
        guard let pointer = sqlite3_column_text(handle, column) else { return nil }
        return String(cString: pointer)
    }

    func blob(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count > 0, let pointer = sqlite3_column_blob(handle, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }
}

enum SQLValue {
    case integer(Int64)
    case text(String)
    case blob([UInt8])
    case null
}
