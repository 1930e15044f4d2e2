import CSQLite
import Crypto
import Foundation
import SidingCore
import SidingTestKit
import Synchronization
import Testing

@_spi(Testing) @testable import SidingStore

/// Full-text search in the store: CJK text found inside words, case and diacritics folded in other
/// scripts, bounded searches (words, time, cancellation), totals and snippets, and the migration
/// that rewrites an existing index.
@Suite struct SearchTests {
    /// A store holding one record per `records` entry (kind and fields), written in one change.
    static func store(_ records: [(EntityKind, [String: String])], in directory: TemporaryDirectory) throws -> SQLiteStore {
        let store = try SQLiteStore(path: directory.file("search.db"))
        var operations: [SidingCore.Operation] = []
        for (index, (kind, fields)) in records.enumerated() {
            var bytes = Array(repeating: UInt8(1), count: EntityID.randomByteCount)
            bytes[0] = UInt8(truncatingIfNeeded: index >> 8)
            bytes[1] = UInt8(truncatingIfNeeded: index)
            let id = try #require(EntityID(kind: kind, bytes: bytes))
            for (field, value) in fields.sorted(by: { $0.key < $1.key }) {
                operations.append(Operation(entity: id, field: field, action: .write(value: value, replaces: [])))
            }
        }
        let change = try Change.sign(
            by: Curve25519.Signing.PrivateKey(), seq: 1, hlc: HLC(milliseconds: 1_000, counter: 0), operations: operations)
        #expect(try store.receive([change.encoded]) == [.applied])
        return store
    }

    static func titles(_ store: SQLiteStore, _ text: String) throws -> [String] {
        try store.search(text).hits.map { $0.record.fields["title"] ?? $0.record.fields["name"] ?? "" }
    }

    @Test func chineseJapaneseAndKoreanAreFoundInsideWords() throws {
        let directory = TemporaryDirectory("search-cjk")
        let store = try Self.store(
            [
                (.note, ["title": "Water talks", "body": "今天我们讨论了水资源问题和洪水数据共享。"]),
                (.contact, ["name": "Li Wei", "organization": "北京大学"]),
                (.note, ["title": "Tokyo", "body": "東京都に住んでいるジャーナリストと話した。"]),
                (.note, ["title": "Seoul", "body": "서울대학교에서 회의를 했다."]),
            ], in: directory)
        #expect(try Self.titles(store, "水资源") == ["Water talks"])
        #expect(try Self.titles(store, "北京") == ["Li Wei"])
        #expect(try Self.titles(store, "数据共享") == ["Water talks"])
        #expect(try Self.titles(store, "水") == ["Water talks"])
        #expect(try Self.titles(store, "東京") == ["Tokyo"])
        #expect(try Self.titles(store, "ジャーナリスト") == ["Tokyo"])
        #expect(try Self.titles(store, "서울") == ["Seoul"])
        // Characters that are in the text but not side by side are not a match.
        #expect(try Self.titles(store, "水问题").isEmpty)
        #expect(try Self.titles(store, "北大").isEmpty)
        let hit = try #require(try store.search("水资源").hits.first)
        #expect(hit.snippet == "…论了水资源问题和洪水数据…")
    }

    @Test func otherScriptsMatchWithCaseAndDiacriticsFolded() throws {
        let directory = TemporaryDirectory("search-scripts")
        let store = try Self.store(
            [
                (.note, ["title": "Latin", "body": "Met Zoë at the Café Müller in São Paulo."]),
                (.note, ["title": "Cyrillic", "body": "Встреча в Москве, Ёлкин говорил о воде."]),
                (.note, ["title": "Arabic", "body": "تحدث مُحَمَّد عن المياه"]),
                (.note, ["title": "Arabic plain", "body": "قال أحمد إن الحدود مغلقة"]),
                (.note, ["title": "Devanagari", "body": "पानी के बँटवारे पर संवाद हुआ"]),
            ], in: directory)
        #expect(try Self.titles(store, "cafe MULLER") == ["Latin"])
        #expect(try Self.titles(store, "zoe sao") == ["Latin"])
        #expect(try Self.titles(store, "CAFÉ") == ["Latin"])
        #expect(try Self.titles(store, "москве") == ["Cyrillic"])
        #expect(try Self.titles(store, "МОСКВЕ ЁЛКИН") == ["Cyrillic"])
        #expect(try Self.titles(store, "محمد") == ["Arabic"])
        #expect(try Self.titles(store, "أَحْمَد") == ["Arabic plain"])
        #expect(try Self.titles(store, "المياه") == ["Arabic"])
        #expect(try Self.titles(store, "पानी") == ["Devanagari"])
        #expect(try Self.titles(store, "संवाद") == ["Devanagari"])
    }

    @Test func aPageSaysHowManyMatchedAndItsSnippetsShowTheMatchedWords() throws {
        let directory = TemporaryDirectory("search-page")
        let filler = Array(repeating: "the delegates spoke about many other things at length", count: 40).joined(separator: " ")
        let store = try Self.store(
            (0..<5).map { (.note, ["title": "Round \($0)", "body": filler + " then the monsoon river flows were shared " + filler]) },
            in: directory)
        let page = try store.search("monsoon flows", limit: 2)
        #expect(page.hits.count == 2)
        #expect(page.total == 5)
        for hit in page.hits {
            #expect(hit.snippet.hasPrefix("…") && hit.snippet.hasSuffix("…"), "\(hit.snippet)")
            #expect(hit.snippet.contains("monsoon river flows"), "\(hit.snippet)")
        }
        #expect(try store.search("monsoon", limit: 50).total == 5)
    }

    @Test func aSearchOfTooManyWordsIsRefusedSayingWhatToDo() throws {
        let directory = TemporaryDirectory("search-long")
        let store = try Self.store([(.note, ["title": "A", "body": "words"])], in: directory)
        let paragraph = (0..<65).map { "word\($0)" }.joined(separator: " ")
        #expect {
            try store.search(paragraph)
        } throws: { error in
            guard case StoreError.searchTooLong(let words, let maximum) = error else { return false }
            return words == 65 && maximum == SearchIndex.maxTokens && "\(error)".contains("the few words that matter most")
        }
        // Each CJK character counts as a word.
        #expect(throws: StoreError.self) { try store.search(String(repeating: "水资源问题", count: 13)) }
        #expect(try store.search((0..<64).map { "word\($0)" }.joined(separator: " ")).hits.isEmpty)
    }

    @Test func aSearchPastItsBudgetOrCancelledIsStopped() throws {
        let directory = TemporaryDirectory("search-budget")
        let store = try Self.store(
            (0..<1_000).map { (.note, ["title": "Round \($0)", "body": "monsoon river flows and grazing disputes in spring"]) }, in: directory)
        // A clock that moves 2 ms each time the budget reads it: the check before the query passes,
        // no snippet is made (a third of the time is gone by then), and SQLite's progress check, a few
        // thousand steps into the thousand records, finds the 5 ms spent, on any machine.
        let readings = Atomic(0)
        let start = ContinuousClock.now
        let budget = SearchBudget(time: .milliseconds(5)) { start + .milliseconds(2 * readings.wrappingAdd(1, ordering: .relaxed).oldValue) }
        #expect {
            try store.search("monsoon", limit: 1_000, budget: budget)
        } throws: { error in
            guard case StoreError.searchStopped(.tooSlow) = error else { return false }
            return "\(error)".contains("fewer, rarer words")
        }
        let cancelled = SearchBudget()
        cancelled.cancel()
        #expect {
            try store.search("monsoon", budget: cancelled)
        } throws: { error in
            guard case StoreError.searchStopped(.cancelled) = error else { return false }
            return true
        }
        // The connection is usable again at once.
        #expect(try store.search("monsoon", limit: 1_000).hits.count == 1_000)
    }

    @Test func anIndexWrittenBeforeCJKWasSplitIsRewrittenOnOpening() throws {
        let directory = TemporaryDirectory("search-migration")
        let path = directory.file("search.db")
        do {
            let store = try Self.store([(.note, ["title": "水资源 talks", "body": "今天我们讨论了水资源问题。"])], in: directory)
            #expect(try Self.titles(store, "资源").count == 1)
        }
        // Put the database back as migration 6 left it: texts indexed as shown, no tables of later migrations.
        try PreviousSchema.rollBack(path)
        var handle: OpaquePointer?
        #expect(sqlite3_open(path, &handle) == SQLITE_OK)
        let sql = """
            DROP TABLE import_keys;
            DELETE FROM search;
            INSERT INTO search(rowid, title, content) VALUES ((SELECT rowid FROM entities), '水资源 talks', '今天我们讨论了水资源问题。');
            PRAGMA user_version = 6;
            """
        #expect(sqlite3_exec(handle, sql, nil, nil, nil) == SQLITE_OK)
        sqlite3_close(handle)
        let old = try SQLiteStore(path: path)
        #expect(try old.entitiesWithStaleSearchRows().isEmpty)
        #expect(try Self.titles(old, "资源") == ["水资源 talks"])
        #expect(try old.read { try $0.statement("PRAGMA user_version").rows { $0.int(0) } } == [Int64(Migrations.all.count)])
    }
}
