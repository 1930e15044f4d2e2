import Crypto
import Foundation
import SidingCore
import SidingStore
import SidingTestKit

/// Erasure on a large node: a circle of N field operations, plus one contact edited in 1,000 changes;
/// then the owner's erasure order for it, timed as the whole write (redacting the 1,000 stored changes,
/// clearing the view and search rows, merging the full-text index, vacuuming and checkpointing the WAL), as
/// `siding contact erase` runs it. Also what the value seal costs each operation of the circle as signed
/// and sent: 17 bytes per change (tag and 16-byte seed, not compressible) and a 1-byte tag per value.
/// Then the same for a network record its creator erases: listing the 1,000 redactions in the order
/// (SHA-256 of each) and carrying it out, and the order's size.
enum ErasureBench {
    static let editsOfTheErasedRecord = 1_000

    static func run(scale: Int) throws -> [Figure] {
        let node = try TestNode(name: "Erasure bench")
        let (circle, _) = try Population.fillCircle(node, fieldOperations: scale, members: [])
        guard let raw = Data(base64Encoded: try node.privateKeyBase64()) else { throw BenchError("unreadable node key") }
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        let owner = OriginKey(key.publicKey)
        let store = try SQLiteStore(path: node.databasePath, localKey: owner)
        let log = CircleLog(circle: circle, author: owner, epoch: 0)
        var seq = try store.versionVector()[log.key]
        var random = SystemRandomNumberGenerator()
        func sign(_ operations: [SidingCore.Operation]) throws -> Change {
            seq += 1
            return try Change.sign(
                by: key, in: log, seq: seq, hlc: HLC(milliseconds: 1_800_000_000_000 + seq, counter: 0), operations: operations,
                seed: (0..<ValueSeal.seedByteCount).map { _ in UInt8.random(in: 0...255, using: &random) })
        }
        guard let record = EntityID(kind: .contact, bytes: (0..<EntityID.randomByteCount).map { _ in UInt8.random(in: 0...255, using: &random) })
        else { throw BenchError("bad entity ID") }
        let population = try store.changes(of: log.key, after: 0, limit: 10_000).map { try Change(decoding: $0) }
        _ = try store.apply(try edits(of: record, "a bio", sign))
        try store.checkpoint()
        let order = try sign([ErasureOrder.operation(erasing: record)])
        let start = ContinuousClock.now
        _ = try store.apply([order])
        let seconds = Measure.seconds(ContinuousClock.now - start)
        guard try store.record(record)?.fields.isEmpty ?? true else { throw BenchError("the record was not erased") }
        let seal = sealBytes(of: population)
        let network = try eraseNetworkRecord(in: store, key: key)
        return network + [
            Figure(
                "erase_ms_record_of_1000_changes", seconds * 1_000, "ms",
                note: "owner's order, circle of \(scale) ops: redaction, view, FTS merge, VACUUM, WAL checkpoint"),
            Figure(
                "value_seal_bytes_per_op", seal, "B",
                note: "seal + slot tags per value as signed, over \(population.count) changes of the circle's contacts"),
        ]
    }

    /// The creator's erasure of a network record written in 1,000 changes, timed as `siding contact erase`
    /// runs it: the order's listings (every held change redacted and hashed), then the write that carries
    /// it out.
    static func eraseNetworkRecord(in store: SQLiteStore, key: Curve25519.Signing.PrivateKey) throws -> [Figure] {
        let origin = OriginKey(key.publicKey)
        var seq = try store.versionVector()[origin]
        var random = SystemRandomNumberGenerator()
        let nonce = (0..<RecordProvenance.nonceByteCount).map { _ in UInt8.random(in: 0...255, using: &random) }
        guard let record = RecordProvenance.id(kind: .contact, creator: origin.nodeID, nonce: nonce) else { throw BenchError("bad nonce") }
        func sign(_ operations: [SidingCore.Operation]) throws -> Change {
            seq += 1
            return try Change.sign(by: key, seq: seq, hlc: HLC(milliseconds: 1_800_000_100_000 + seq, counter: 0), operations: operations)
        }
        _ = try store.apply(try edits(of: record, "a network bio", sign))
        try store.checkpoint()
        let start = ContinuousClock.now
        let listings = try store.write { try $0.networkRedactions(erasing: record) }
        let order = try sign(ErasureOrder.networkOperations(erasing: record, creatorNonce: nonce, listings: listings))
        _ = try store.apply([order])
        let seconds = Measure.seconds(ContinuousClock.now - start)
        guard try store.write({ try $0.erasure(of: record) }) != nil, listings.count == editsOfTheErasedRecord else {
            throw BenchError("the network record was not erased")
        }
        return [
            Figure(
                "network_erase_ms_record_of_1000_changes", seconds * 1_000, "ms",
                note: "creator's order: 1,000 redactions listed, then carried out as in a circle"),
            Figure(
                "network_erase_order_bytes", Double(order.encoded.count), "B",
                note: "the order listing 1,000 redacted changes (origin, seq, SHA-256 each)"),
        ]
    }

    /// `editsOfTheErasedRecord` changes each setting `record`'s bio anew, replacing the one before.
    static func edits(of record: EntityID, _ what: String, _ sign: ([SidingCore.Operation]) throws -> Change) throws -> [Change] {
        var previous: [Dot] = []
        return try (0..<editsOfTheErasedRecord).map { n in
            let change = try sign([
                SidingCore.Operation(entity: record, field: "bio", action: .write(value: "edit \(n) of \(what)", replaces: previous))
            ])
            previous = [change.dot(0)]
            return change
        }
    }

    /// What the seal adds per value to changes as signed: a seed per change with values, a tag per value.
    static func sealBytes(of changes: [Change]) -> Double {
        var bytes = 0
        var values = 0
        for change in changes {
            let sealed = change.operations.filter { $0.action.committedValue != nil }.count
            values += sealed
            bytes += sealed + (sealed > 0 ? 1 + ValueSeal.seedByteCount : 0)
        }
        return values == 0 ? 0 : Double(bytes) / Double(values)
    }
}
