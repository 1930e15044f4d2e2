import CSQLite
import Crypto
import Foundation
import SidingCore
import SidingStore
import SidingTestKit

/// Durable ingest, measured against the machine's ceiling in the same run: the same signed changes,
/// 1,000 per transaction (the realistic mixed data set: contacts and notes with 1–2 KB bodies), written through `SQLiteStore` (change log, merged view, search index) and
/// through a baseline on the SQLite C API (an op log with UNIQUE(origin, seq) and a per-field
/// current-value upsert), both WAL with `synchronous=FULL`. Batches alternate between the two, so the
/// machine's noise falls on both.
enum IngestBench {
    struct Result {
        let fieldOperations: Int
        let storeSeconds: Double
        let baselineSeconds: Double
        /// Database and WAL file bytes after the run: what each had to write, roughly.
        let storeBytes: Int
        let baselineBytes: Int
        var storeOpsPerSecond: Double { Double(fieldOperations) / storeSeconds }
        var baselineOpsPerSecond: Double { Double(fieldOperations) / baselineSeconds }
    }

    static func run(fieldOperations: Int, in directory: TemporaryDirectory) throws -> Result {
        let (storePath, baselinePath) = (directory.file("ingest-store.db"), directory.file("ingest-baseline.db"))
        let key = Curve25519.Signing.PrivateKey()
        let store = try SQLiteStore(path: storePath, localKey: OriginKey(key.publicKey))
        try ownCircle(signedBy: key, in: store)
        let baseline = try Baseline(path: baselinePath)
        var storeTime = Duration.zero
        var baselineTime = Duration.zero
        try Population.batches(signedBy: Curve25519.Signing.PrivateKey(), fieldOperations: fieldOperations, seed: 99, withNotes: true) { batch in
            storeTime += try ContinuousClock().measure { _ = try store.apply(batch) }
            baselineTime += try ContinuousClock().measure { try baseline.insert(batch) }
        }
        return Result(
            fieldOperations: fieldOperations, storeSeconds: Measure.seconds(storeTime), baselineSeconds: Measure.seconds(baselineTime),
            storeBytes: fileBytes(storePath), baselineBytes: fileBytes(baselinePath))
    }

    /// A circle the store's node owns, as every node made by `siding init` owns its `partners` circle:
    /// ingest then pays whatever the circle rules cost per operation.
    static func ownCircle(signedBy key: Curve25519.Signing.PrivateKey, in store: SQLiteStore) throws {
        let owner = OriginKey(key.publicKey)
        var random = SeededGenerator(seed: 7)
        let nonce = random.bytes(CircleID.nonceByteCount)
        guard let circle = CircleID(owner: owner, nonce: nonce) else { throw BenchError("ingest: no circle ID") }
        let creation = try Change.sign(
            by: key, in: CircleLog(circle: circle, author: owner, epoch: 0), seq: 1, hlc: HLC(milliseconds: 1_790_000_000_000, counter: 0),
            operations: [ControlAction.create(nonce: nonce).operation(in: circle)], seed: random.bytes(16))
        guard try store.apply([creation]) == [.applied] else { throw BenchError("ingest: the circle was not created") }
    }

    /// Copies the store's database and its WAL (the store is closed by now) to `path` and `path-wal`.
    static func keep(_ database: String, at path: String) throws {
        for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: database + suffix) {
            try? FileManager.default.removeItem(atPath: path + suffix)
            try FileManager.default.copyItem(atPath: database + suffix, toPath: path + suffix)
        }
    }

    static func fileBytes(_ database: String) -> Int {
        [database, database + "-wal"].reduce(0) { sum, path in
            sum + ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0)
        }
    }
}

/// The C-API baseline: what a minimal durable op store costs on this machine (the store's own pragmas:
/// WAL, `synchronous=FULL`, 16 KiB pages, a 32 MiB page cache).
final class Baseline {
    private var handle: OpaquePointer?
    private var insertChange: OpaquePointer?
    private var upsertField: OpaquePointer?

    init(path: String) throws {
        guard sqlite3_open(path, &handle) == SQLITE_OK else { throw BenchError("baseline: cannot open \(path)") }
        try execute(
            """
            PRAGMA page_size = 16384; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA cache_size = -32768;
            CREATE TABLE oplog(origin BLOB NOT NULL, seq INTEGER NOT NULL, hlc INTEGER NOT NULL, bytes BLOB NOT NULL, UNIQUE(origin, seq));
            CREATE TABLE field_values(entity BLOB NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL, hlc INTEGER NOT NULL,
                PRIMARY KEY(entity, field)) WITHOUT ROWID;
            """)
        insertChange = try prepare("INSERT INTO oplog(origin, seq, hlc, bytes) VALUES (?, ?, ?, ?)")
        upsertField = try prepare(
            """
            INSERT INTO field_values(entity, field, value, hlc) VALUES (?, ?, ?, ?)
            ON CONFLICT(entity, field) DO UPDATE SET value = excluded.value, hlc = excluded.hlc WHERE excluded.hlc > field_values.hlc
            """)
    }

    deinit {
        sqlite3_finalize(insertChange)
        sqlite3_finalize(upsertField)
        sqlite3_close(handle)
    }

    /// One transaction: each change into the op log, each operation's value into its field (a set
    /// addition counts as the field `name/element`).
    func insert(_ changes: [Change]) throws {
        try execute("BEGIN")
        for change in changes {
            try run(insertChange) { statement in
                _ = change.origin.bytes.withUnsafeBytes { sqlite3_bind_blob(statement, 1, $0.baseAddress, Int32($0.count), Self.transient) }
                sqlite3_bind_int64(statement, 2, Int64(change.seq))
                sqlite3_bind_int64(statement, 3, Int64(change.hlc.rawValue))
                _ = change.encoded.withUnsafeBytes { sqlite3_bind_blob(statement, 4, $0.baseAddress, Int32($0.count), Self.transient) }
            }
            for operation in change.operations {
                let (field, value): (String, String)
                switch operation.action {
                case .write(let written, _): (field, value) = (operation.field, written)
                case .add(let element): (field, value) = (operation.field + "/" + element, element)
                default: continue
                }
                try run(upsertField) { statement in
                    _ = operation.entity.bytes.withUnsafeBytes { sqlite3_bind_blob(statement, 1, $0.baseAddress, Int32($0.count), Self.transient) }
                    sqlite3_bind_text(statement, 2, field, -1, Self.transient)
                    sqlite3_bind_text(statement, 3, value, -1, Self.transient)
                    sqlite3_bind_int64(statement, 4, Int64(change.hlc.rawValue))
                }
            }
        }
        try execute("COMMIT")
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private func execute(_ sql: String) throws {
        guard sqlite3_exec(handle, sql, nil, nil, nil) == SQLITE_OK else { throw BenchError("baseline: \(String(cString: sqlite3_errmsg(handle)))") }
    }

    private func prepare(_ sql: String) throws -> OpaquePointer? {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK else {
            throw BenchError("baseline: \(String(cString: sqlite3_errmsg(handle)))")
        }
        return statement
    }

    private func run(_ statement: OpaquePointer?, bind: (OpaquePointer?) -> Void) throws {
        sqlite3_reset(statement)
        bind(statement)
        guard sqlite3_step(statement) == SQLITE_DONE else { throw BenchError("baseline: \(String(cString: sqlite3_errmsg(handle)))") }
    }
}
