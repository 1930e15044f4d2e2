import Crypto
import SidingCore
import SidingTestKit
import Testing

@testable import SidingStore

/// `circleRecordCounts` counts without joining every row of `entity_circles` to its record: what it
/// leaves out (deleted records, rows whose record has no row) must be what the join leaves out.
@Suite struct CircleRecordCountTests {
    let directory = TemporaryDirectory("circle-counts")

    @Test func aCircleCountsItsLiveRecordsOnly() throws {
        let key = OriginKey(try Curve25519.Signing.PrivateKey(rawRepresentation: Array(repeating: 1, count: 32)).publicKey)
        let circles = try (1...3).map { n in try #require(CircleID(owner: key, nonce: Array(repeating: UInt8(n), count: 16))) }
        let path = directory.file("counts.db")
        let connection = try SQLiteConnection(path: path)
        try Migrations.migrate(connection)
        // (record, deleted: nil when it has no row in entities, circle: nil for the network)
        let records: [(String, Int?, Int?)] = [
            ("c_live1", 0, 0), ("c_live2", 0, 0), ("c_gone1", 1, 0), ("c_orphan1", nil, 0),
            ("c_live3", 0, 1), ("c_gone2", 1, 1), ("c_orphan2", nil, 1),
            ("c_gone3", 1, 2), ("c_orphan3", nil, 2),
            ("c_network", 0, nil), ("c_gonenetwork", 1, nil),
        ]
        for (entity, deleted, circle) in records {
            if let deleted {
                try connection.statement(sql: "INSERT INTO entities(entity, kind, deleted) VALUES (?, 1, ?)")
                    .bind(.text(entity), .integer(Int64(deleted))).run()
            }
            if let circle {
                try connection.statement(sql: "INSERT INTO entity_circles(entity, circle) VALUES (?, ?)")
                    .bind(.text(entity), .blob(circles[circle].bytes)).run()
            }
        }
        let joined = try connection.statement(
            "SELECT c.circle, count(*) FROM entity_circles c JOIN entities e ON e.entity = c.entity WHERE e.deleted = 0 GROUP BY c.circle"
        ).rows { ($0.blob(0), Int($0.int(1))) }.compactMap { bytes, count in CircleID(bytes: bytes).map { ($0, count) } }
        let store = try SQLiteStore(path: path, localKey: key)
        let counts = try store.circleRecordCounts()
        #expect(counts == [circles[0]: 2, circles[1]: 1], "a circle with no live record is absent")
        #expect(counts == Dictionary(uniqueKeysWithValues: joined), "what the join of each row to its record counts")
    }
}
