import Crypto
import SidingCore
import SidingTestKit
import Testing

@testable import SidingStore

/// A job the node's writer runs in a savepoint (a partner's batch, one imported record) and that fails
/// must leave nothing behind when the transaction around it commits.
@Suite struct SavepointTests {
    @Test func aFailedJobLeavesNothingInTheMergedView() throws {
        let directory = TemporaryDirectory("savepoint")
        let store = try SQLiteStore(path: directory.file("node.db"))
        let key = Curve25519.Signing.PrivateKey()
        let entity = EntityID(kind: .contact, bytes: Array(repeating: 3, count: 10))!
        func change(_ seq: UInt64, _ value: String) throws -> Change {
            try Change.sign(
                by: key, seq: seq, hlc: HLC(milliseconds: 5 + seq, counter: 0),
                operations: [SidingCore.Operation(entity: entity, field: "name", action: .write(value: value, replaces: []))])
        }
        // Seq 1 applies, seq 3 is a gap: the job throws and its savepoint is rolled back.
        let (first, gapped) = (try change(1, "phantom"), try change(3, "later"))
        try store.write { transaction in _ = try? transaction.savepoint { try transaction.apply([first, gapped]) } }
        #expect(try store.versionVector()[OriginKey(key.publicKey)] == 0)
        #expect(try store.record(entity) == nil)
        let leftovers = try store.read { connection in
            try ["field_values", "search"].map { table in
                try connection.statement(sql: "SELECT count(*) FROM \(table)").rows { $0.int(0) }.first ?? 0
            }
        }
        #expect(leftovers == [0, 0], "rows of the rolled-back job: field_values, search")
        #expect(try store.entitiesWithStaleSearchRows() == [])
    }

    /// A job that fails after an earlier job of the same transaction created a record: the earlier
    /// job's record is shown and found, the failed job's write is not.
    @Test func aFailedJobKeepsTheEarlierJobsRecord() throws {
        let directory = TemporaryDirectory("savepoint")
        let store = try SQLiteStore(path: directory.file("node.db"))
        let key = Curve25519.Signing.PrivateKey()
        let entity = EntityID(kind: .contact, bytes: Array(repeating: 4, count: 10))!
        func change(_ seq: UInt64, _ field: String, _ value: String) throws -> Change {
            try Change.sign(
                by: key, seq: seq, hlc: HLC(milliseconds: 5 + seq, counter: 0),
                operations: [SidingCore.Operation(entity: entity, field: field, action: .write(value: value, replaces: []))])
        }
        try store.write { transaction in
            _ = try transaction.savepoint { try transaction.apply([try change(1, "name", "Amira")]) }
            _ = try? transaction.savepoint { try transaction.apply([try change(2, "role", "phantom"), try change(4, "org", "later")]) }
        }
        #expect(try store.record(entity)?.fields == ["name": "Amira"])
        #expect(try store.entitiesWithStaleSearchRows() == [])
        #expect(try store.search("phantom").total == 0 && store.search("Amira").total == 1)
    }

    /// Where temporary data lives: a reader's search snippets in memory, the writer's savepoint
    /// sub-journal in a file (an in-memory one is walked from its start on every statement, which made a
    /// 1,000-record import batch, each record in a savepoint nested in the job's, quadratic).
    @Test func theWritersSubJournalIsAFileAndAReadersTemporaryTablesAreInMemory() throws {
        let directory = TemporaryDirectory("savepoint")
        let store = try SQLiteStore(path: directory.file("node.db"))
        let fileStore: Int64 = 1
        let memoryStore: Int64 = 2
        let writers = try store.write { transaction in
            try transaction.savepoint { try transaction.connection.statement(sql: "PRAGMA temp_store").rows { $0.int(0) } }
        }
        #expect(writers == [fileStore])
        #expect(try store.read { try $0.statement(sql: "PRAGMA temp_store").rows { $0.int(0) } } == [memoryStore])
        let searchReader = try ReaderPool.open(directory.file("node.db"))
        #expect(try searchReader.statement(sql: "PRAGMA temp_store").rows { $0.int(0) } == [memoryStore])
    }
}
