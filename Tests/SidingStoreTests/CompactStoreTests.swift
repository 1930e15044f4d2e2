import CSQLite
import Crypto
import SidingCore
import SidingTestKit
import Testing

@_spi(Testing) @testable import SidingStore

/// The leaner store (schemas 13 to 17): the search index keeps tokens only, the operation log and the
/// merged view key logs by small integers, the log keeps no copy of a written value and is keyed by
/// record with no second index, and everything a user reads is what it was.
@Suite struct CompactStoreTests {
    let directory = TemporaryDirectory("compact")

    /// Columns of every table and view the README lists for `sqlite3 -readonly`.
    @Test func theDocumentedTablesKeepTheirColumns() throws {
        let store = try SQLiteStore(path: directory.file("columns.db"))
        let documented: [String: [String]] = [
            "contacts": ["id", "name", "organization", "role", "country", "emails", "phones", "tags", "bio", "deleted"],
            "notes": ["id", "title", "date", "conflict", "location", "participants", "tags", "body", "deleted"],
            "changes": ["origin_key", "seq", "hlc", "bytes"],
            "origins": ["origin_key", "node_id", "max_seq"],
            "entities": ["id", "entity", "kind", "deleted"],
            "field_values": ["entity", "field", "value", "hlc", "origin_key", "value_count"],
            "set_members": ["entity", "field", "element"],
            "ops": ["origin_key", "seq", "op_index", "entity", "field", "op_type", "value", "hlc", "live"],
            "equivocations": ["origin_key", "seq", "bytes"],
            "import_keys": ["source_key", "entity"],
            "erasures": ["entity", "erased_by", "erased_at", "log_key", "seq"],
            "search": ["title", "content"],
        ]
        for (table, columns) in documented {
            let found = try store.read { try $0.statement(sql: "SELECT name FROM pragma_table_info('\(table)')").rows { $0.text(0) ?? "" } }
            #expect(found == columns, "\(table)")
        }
    }

    /// The search index holds no text of its own, yet finds and highlights what the merged view shows;
    /// the positive control is the same word found through the view.
    @Test func theSearchIndexKeepsNoCopyOfTheText() throws {
        let store = try SearchTests.store([(.note, ["title": "Frontier talks", "body": "the canary sings of glaciers"])], in: directory)
        let hits = try store.search("glaciers").hits
        #expect(hits.count == 1)
        #expect(hits.first?.snippet.contains("glaciers") == true)
        let indexedText = try store.read {
            try $0.statement("SELECT count(*) FROM search WHERE title IS NOT NULL OR content IS NOT NULL").rows { $0.int(0) }
        }
        #expect(indexedText == [0])
        let tables = try store.read { try $0.statement("SELECT name FROM sqlite_schema WHERE name LIKE 'search%'").rows { $0.text(0) ?? "" } }
        #expect(!tables.contains("search_content"))
        let shown = try store.read {
            try $0.statement("SELECT count(*) FROM field_values WHERE value LIKE '%glaciers%'").rows { $0.int(0) }
        }
        #expect(shown == [1])
    }

    /// The consistency check the differential test relies on can fail: a token the view does not give
    /// (a stale row) and a row missing are both reported.
    @Test func aStaleSearchRowIsFound() throws {
        let store = try SearchTests.store(
            [(.note, ["title": "Rivers", "body": "monsoon"]), (.note, ["title": "Grazing", "body": "spring"])], in: directory)
        #expect(try store.entitiesWithStaleSearchRows().isEmpty)
        let entities = try store.read { try $0.statement("SELECT entity, rowid FROM entities ORDER BY rowid").rows { ($0.text(0) ?? "", $0.int(1)) } }
        try #require(entities.count == 2)
        var handle: OpaquePointer?
        #expect(sqlite3_open(directory.file("search.db"), &handle) == SQLITE_OK)
        let sql = """
            INSERT INTO search(search, rowid, title, content) VALUES ('delete', \(entities[1].1), 'Grazing', 'spring');
            INSERT INTO search(search, rowid, title, content) VALUES ('delete', \(entities[0].1), 'Rivers', 'monsoon');
            INSERT INTO search(rowid, title, content) VALUES (\(entities[0].1), 'Rivers', 'monsoon typhoon');
            """
        #expect(sqlite3_exec(handle, sql, nil, nil, nil) == SQLITE_OK)
        sqlite3_close(handle)
        #expect(try store.entitiesWithStaleSearchRows() == entities.map(\.0).sorted())
    }

    /// A database of the previous release (schema 8: `ops` and `field_values` keyed by origin keys, the
    /// index with its copy of the text) reads exactly as before once migrated: digest, every operation,
    /// every shown value with its origin, history, search, and the `contacts` and `notes` views.
    @Test func aMigratedDatabaseReadsAsBefore() throws {
        let path = directory.file("old.db")
        let before: (ViewDigest, [String], [[HistoryEntry]], [SearchHit], [String], [ConflictRecord], [String])
        do {
            let store = try SQLiteStore(path: path)
            let key = Curve25519.Signing.PrivateKey()
            try Population.batches(signedBy: key, fieldOperations: 5_000, seed: 11, withNotes: true) { batch in _ = try store.apply(batch) }
            try Self.renameSome(in: store)
            before = (
                try store.digest(), try store.read(Self.operations), try Self.histories(store), try store.search("the").hits,
                try store.read(Self.shownValues), try store.conflicts(), try store.read(Self.recordRows)
            )
            #expect(try store.read(Self.winnersNotNamingTheirWrite) == 0)
            try store.checkpoint()
        }
        #expect(before.4.count > 1_000 && before.4.allSatisfy { !$0.contains("∅") }, "every shown value names its origin")
        let replacedInHistory = before.2.joined().filter { $0.action == "set" && !$0.current && $0.value != nil }.count
        #expect(replacedInHistory == 60, "history shows replaced values, read from their changes")
        #expect(before.5.count == 60 && before.5.allSatisfy { $0.values.count == 2 }, "a value in conflict is read from its change")
        try PreviousSchema.rollBack(path)
        // As the previous release left it, read without opening a store (which would migrate it).
        let old = try SQLiteConnection(path: path, readOnly: true)
        #expect(try Self.tables(old).isSuperset(of: ["ops", "search_content", "field_values"]))
        #expect(try Self.operations(old) == before.1)
        let replacedInOldLog = try old.statement("SELECT count(*) FROM ops WHERE op_type = 1 AND live = 0 AND value IS NOT NULL").rows { $0.int(0) }
        #expect(replacedInOldLog == [Int64(replacedInHistory)], "the previous release kept each replaced value in its log")
        #expect(try Self.shownValues(old) == before.4)
        #expect(try Self.recordRows(old) == before.6)
        #expect(before.6.count > 600 && before.6.contains { $0.contains("[\"") }, "rows with their set fields")
        let migrated = try SQLiteStore(path: path, localKey: OriginKey(Curve25519.Signing.PrivateKey().publicKey))
        #expect(try PreviousSchema.schemaVersion(path) == PreviousSchema.current)
        #expect(try migrated.read { try Self.tables($0) }.isDisjoint(with: ["search_content", "ops", "field_values"]))
        #expect(try migrated.read(Self.shownValues) == before.4)
        #expect(try migrated.read(Self.winnersNotNamingTheirWrite) == 0)
        #expect(try migrated.digest() == before.0)
        #expect(try migrated.read(Self.operations) == before.1)
        #expect(try Self.histories(migrated) == before.2)
        #expect(try migrated.conflicts() == before.5)
        #expect(try migrated.read(Self.recordRows) == before.6)
        let keptWrittenValues = try migrated.read {
            try $0.statement("SELECT count(*) FROM op_log WHERE op_type = 1 AND value IS NOT NULL").rows { $0.int(0) }
        }
        #expect(keptWrittenValues == [0], "the migrated log keeps no written value")
        #expect(try migrated.search("the").hits == before.3)
        #expect(try migrated.entitiesWithStaleSearchRows().isEmpty)
    }

    /// The log is keyed by record, yet a retired dot is found wherever it is: a dot that arrived is
    /// never tombstoned, even when a hostile change names it from another record (which cannot retire
    /// it); a dot that has not arrived is, and is retired when it comes.
    @Test func aRetiredDotIsFoundOnWhicheverRecordItIs() throws {
        let store = try SQLiteStore(path: directory.file("dots.db"))
        let author = Curve25519.Signing.PrivateKey()
        let other = Curve25519.Signing.PrivateKey()
        let (first, second) = (
            try #require(EntityID(kind: .contact, bytes: Array(repeating: 1, count: 10))),
            try #require(EntityID(kind: .contact, bytes: Array(repeating: 2, count: 10)))
        )
        func change(_ key: Curve25519.Signing.PrivateKey, _ seq: UInt64, _ entity: EntityID, _ value: String, replaces: [Dot]) throws -> Change {
            try Change.sign(
                by: key, seq: seq, hlc: HLC(milliseconds: 1_000 + seq, counter: 0),
                operations: [SidingCore.Operation(entity: entity, field: "name", action: .write(value: value, replaces: replaces))])
        }
        let written = try change(author, 1, first, "Amina", replaces: [])
        let writtenDot = Dot(origin: written.origin, seq: 1, index: 0)
        let notYet = Dot(origin: written.origin, seq: 2, index: 0)
        _ = try store.apply([written])
        // From the other record: neither retires nor tombstones the write; the dot not yet arrived is tombstoned.
        _ = try store.apply([try change(other, 1, second, "Badr", replaces: [writtenDot]), try change(other, 2, second, "Badr", replaces: [notYet])])
        #expect(try store.record(first)?.fields["name"] == "Amina")
        let tombstones = try store.read { try $0.statement("SELECT seq FROM tombstones ORDER BY seq").rows { $0.int(0) } }
        #expect(tombstones == [2])
        // The same record's retirement of an arrived dot, twice: retired once, never tombstoned.
        _ = try store.apply([
            try change(other, 3, first, "Chen", replaces: [writtenDot]), try change(other, 4, first, "Dana", replaces: [writtenDot]),
        ])
        #expect(try store.entityState(first)?.registers["name"]?.map(\.value).sorted() == ["Chen", "Dana"])
        #expect(try store.read { try $0.statement("SELECT count(*) FROM tombstones").rows { $0.int(0) } } == [1])
        let indexes = try store.read {
            try $0.statement("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'op_log'").rows { $0.int(0) }
        }
        #expect(indexes == [0], "the log needs no second index")
    }

    /// A change's operations go into the log in one statement, yet an operation that retires an earlier
    /// one of the same change finds it there: the name shows the second write alone, with no tombstone.
    /// The positive control is the same two writes in two changes.
    @Test func anOperationRetiresAnEarlierOneOfItsOwnChange() throws {
        let store = try SQLiteStore(path: directory.file("own-dots.db"))
        let author = Curve25519.Signing.PrivateKey()
        let (together, apart) = (
            try #require(EntityID(kind: .contact, bytes: Array(repeating: 3, count: 10))),
            try #require(EntityID(kind: .contact, bytes: Array(repeating: 4, count: 10)))
        )
        func write(_ entity: EntityID, _ value: String, replaces: [Dot] = []) -> SidingCore.Operation {
            SidingCore.Operation(entity: entity, field: "name", action: .write(value: value, replaces: replaces))
        }
        let origin = OriginKey(author.publicKey)
        let one = try Change.sign(
            by: author, seq: 1, hlc: HLC(milliseconds: 1_000, counter: 0),
            operations: [
                write(together, "Amina"), SidingCore.Operation(entity: together, field: "tags", action: .add(element: "water")),
                write(together, "Amina Y.", replaces: [Dot(origin: origin, seq: 1, index: 0)]),
            ])
        let two = try Change.sign(by: author, seq: 2, hlc: HLC(milliseconds: 1_001, counter: 0), operations: [write(apart, "Badr")])
        let three = try Change.sign(
            by: author, seq: 3, hlc: HLC(milliseconds: 1_002, counter: 0),
            operations: [write(apart, "Badr K.", replaces: [Dot(origin: origin, seq: 2, index: 0)])])
        #expect(try store.apply([one, two, three]) == [.applied, .applied, .applied])
        for (id, name) in [(together, "Amina Y."), (apart, "Badr K.")] {
            #expect(try store.entityState(id)?.registers["name"]?.map(\.value) == [name])
            #expect(try store.record(id)?.fields["name"] == name)
        }
        #expect(try store.entityState(together)?.sets["tags"]?.keys.sorted() == ["water"])
        #expect(try store.read { try $0.statement("SELECT count(*) FROM tombstones").rows { $0.int(0) } } == [0])
        #expect(try store.read { try $0.statement("SELECT live FROM op_log ORDER BY seq, op_index").rows { $0.int(0) } } == [0, 1, 1, 0, 1])
    }

    /// Schema 19: the search index merges its segments eight at a time, in a new database and in a
    /// migrated one (FTS5 keeps the setting in its config table).
    @Test func theSearchIndexMergesEightSegmentsAtATime() throws {
        let path = directory.file("automerge.db")
        _ = try SQLiteStore(path: path)
        let read = { try SQLiteStore(path: path).read { try $0.statement("SELECT v FROM search_config WHERE k = 'automerge'").rows { $0.int(0) } } }
        #expect(try read() == [8])
        try PreviousSchema.rollBack(path)
        #expect(try read() == [8])
    }

    /// Renames 120 contacts by another node: half replace the name (a replaced write), half are
    /// concurrent with it (a conflict, which the later write wins).
    static func renameSome(in store: SQLiteStore) throws {
        let other = Curve25519.Signing.PrivateKey()
        let contacts = try store.read {
            try $0.statement("SELECT entity FROM entities WHERE entity LIKE 'c_%' ORDER BY rowid LIMIT 120").rows { $0.text(0) ?? "" }
        }.compactMap(EntityID.init)
        let edits = try contacts.enumerated().map { n, id in
            let current = try #require(try store.entityState(id)?.registers["name"]?.first)
            let write = SidingCore.Operation(
                entity: id, field: "name", action: .write(value: "renamed \(n)", replaces: n % 2 == 0 ? [current.dot] : []))
            return try Change.sign(
                by: other, seq: UInt64(n + 1), hlc: HLC(milliseconds: 1_800_000_000_000 + UInt64(n), counter: 0), operations: [write])
        }
        #expect(try store.apply(edits).allSatisfy { $0 == .applied })
    }

    /// Every operation as `ops` shows it. Since schema 16 `ops` shows the value of a write only while the
    /// merged view shows it; the others (replaced, or in conflict) are compared through `histories` and
    /// `conflicts`.
    static func operations(_ connection: SQLiteConnection) throws -> [String] {
        try connection.statement(
            """
            SELECT hex(origin_key), seq, op_index, entity, field, op_type,
                CASE WHEN op_type = 1 AND NOT EXISTS (SELECT 1 FROM field_values f WHERE f.entity = o.entity AND f.field = o.field
                    AND f.value = o.value AND f.hlc = o.hlc AND f.origin_key = o.origin_key) THEN 'not shown' ELSE value END,
                hlc, live
            FROM ops o ORDER BY origin_key, seq, op_index
            """
        ).rows { row in (0..<9).map { row.text(Int32($0)) ?? "∅" }.joined(separator: "|") }
    }

    /// Every row of the `contacts` and `notes` views, as a power user reads them.
    static func recordRows(_ connection: SQLiteConnection) throws -> [String] {
        try ["contacts", "notes"].flatMap { view in
            try connection.statement(sql: "SELECT * FROM \(view) ORDER BY id").rows { row in
                (0..<10).map { row.text(Int32($0)) ?? "∅" }.joined(separator: "|")
            }
        }
    }

    /// The history of every entity, values of replaced writes included.
    static func histories(_ store: SQLiteStore) throws -> [[HistoryEntry]] {
        let entities = try store.read { try $0.statement("SELECT entity FROM entities ORDER BY entity").rows { $0.text(0) ?? "" } }
        return try entities.compactMap(EntityID.init).map { try store.history($0) }
    }

    /// The merged view as a power user reads it, each winner with its log's key.
    static func shownValues(_ connection: SQLiteConnection) throws -> [String] {
        try connection.statement(
            "SELECT entity, field, value, hlc, hex(origin_key), value_count FROM field_values ORDER BY entity, field"
        ).rows { row in (0..<6).map { row.text(Int32($0)) ?? "∅" }.joined(separator: "|") }
    }

    /// Shown values whose `origin_key` and `hlc` are not those of a live write of that value.
    static func winnersNotNamingTheirWrite(_ connection: SQLiteConnection) throws -> Int64 {
        try connection.statement(
            """
            SELECT count(*) FROM field_values f WHERE NOT EXISTS (SELECT 1 FROM ops o WHERE o.entity = f.entity
                AND o.field = f.field AND o.op_type = 1 AND o.live = 1 AND o.value = f.value AND o.hlc = f.hlc
                AND o.origin_key = f.origin_key)
            """
        ).rows { $0.int(0) }.first ?? -1
    }

    static func tables(_ connection: SQLiteConnection) throws -> Set<String> {
        Set(try connection.statement("SELECT name FROM sqlite_schema WHERE type = 'table'").rows { $0.text(0) ?? "" })
    }
}
