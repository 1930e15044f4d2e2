import Crypto
import SidingCore
import SidingTestKit
import Testing

@testable import SidingStore

/// Schema 18: the big tables name a record by its row in `entities`, given as records arrive, and the
/// views power users read still name it by its ID.
@Suite struct RecordKeyTests {
    let directory = TemporaryDirectory("record-keys")

    @Test func recordsAreKeyedByArrivalAndReadByTheirIDs() throws {
        let store = try SQLiteStore(path: directory.file("keys.db"))
        let key = Curve25519.Signing.PrivateKey()
        // The record with the higher ID arrives first, so its key is the lower one.
        let (later, earlier) = try (
            #require(EntityID(kind: .contact, bytes: Array(repeating: 250, count: 10))),
            #require(EntityID(kind: .contact, bytes: Array(repeating: 1, count: 10)))
        )
        for (seq, (id, name)) in [(later, "Zainab Noor"), (earlier, "Aleksander Berg")].enumerated() {
            let change = try Change.sign(
                by: key, seq: UInt64(seq + 1), hlc: HLC(milliseconds: 1_000 + UInt64(seq), counter: 0),
                operations: [
                    Operation(entity: id, field: "name", action: .write(value: name, replaces: [])),
                    Operation(entity: id, field: "tags", action: .add(element: "water")),
                ])
            #expect(try store.apply([change]) == [.applied])
        }
        let keys = try store.read { try $0.statement("SELECT entity, id FROM entities ORDER BY id").rows { ($0.text(0) ?? "", $0.int(1)) } }
        #expect(keys.map(\.0) == [later.description, earlier.description])
        let types = try store.read { connection in
            try ["op_log", "field_winners", "set_elements"].flatMap { table in
                try connection.statement(sql: "SELECT DISTINCT typeof(entity) FROM \(table)").rows { $0.text(0) ?? "" }
            }
        }
        #expect(types == ["integer", "integer", "integer"])
        let logged = try store.read {
            try $0.statement("SELECT entity, count(*) FROM op_log GROUP BY entity ORDER BY entity").rows { [$0.int(0), $0.int(1)] }
        }
        #expect(logged == keys.map { [$0.1, 2] })
        // The views answer by ID, as before; search rows are keyed by the same integer.
        let shown = try store.read { connection in
            try keys.map { id, _ in
                let name = try connection.statement("SELECT name FROM contacts WHERE id = ?").bind(.text(id)).rows { $0.text(0) ?? "" }
                let tags = try connection.statement("SELECT element FROM set_members WHERE entity = ?").bind(.text(id)).rows { $0.text(0) ?? "" }
                let values = try connection.statement("SELECT count(*) FROM field_values WHERE entity = ?").bind(.text(id)).rows { $0.int(0) }
                let ops = try connection.statement("SELECT count(*) FROM ops WHERE entity = ?").bind(.text(id)).rows { $0.int(0) }
                return "\(name) \(tags) \(values) \(ops)"
            }
        }
        #expect(shown == [#"["Zainab Noor"] ["water"] [1] [2]"#, #"["Aleksander Berg"] ["water"] [1] [2]"#])
        #expect(try store.search("Zainab").hits.map(\.record.id) == [later])
        #expect(try store.entitiesWithStaleSearchRows() == [])
    }

    /// A row of the text-keyed log whose record has no row in `entities` would be lost by the copy: the
    /// migration refuses and leaves schema 17 as it was. The same database migrates once the row is gone.
    @Test func aMigrationThatWouldLoseARowChangesNothing() throws {
        let connection = try SQLiteConnection(path: directory.file("orphan.db"))
        try Migrations.migrate(connection, upTo: 17)
        try connection.execute(
            """
            INSERT INTO logs(id, log_key) VALUES (1, zeroblob(32));
            INSERT INTO entities(entity, kind) VALUES ('c_aaaaaaaaaaaaaaaa', 1);
            INSERT INTO op_log(entity, live, field, log, seq, op_index, op_type, value, hlc)
                VALUES ('c_aaaaaaaaaaaaaaaa', 1, 'tags', 1, 1, 0, 2, 'water', 1), ('c_bbbbbbbbbbbbbbbb', 1, 'tags', 1, 1, 1, 2, 'salt', 1);
            """)
        #expect(throws: StoreError.self) { try Migrations.migrate(connection) }
        func state() throws -> [String] {
            try connection.statement("PRAGMA user_version").rows { "\($0.int(0))" }
                + connection.statement("SELECT typeof(entity) || ' ' || value FROM op_log ORDER BY value").rows { $0.text(0) ?? "" }
        }
        #expect(try state() == ["17", "text salt", "text water"])
        try connection.execute("DELETE FROM op_log WHERE entity = 'c_bbbbbbbbbbbbbbbb'")
        try Migrations.migrate(connection)
        #expect(try state() == ["\(Migrations.all.count)", "integer water"])
        #expect(try connection.statement("SELECT entity FROM ops").rows { $0.text(0) ?? "" } == ["c_aaaaaaaaaaaaaaaa"])
    }
}
