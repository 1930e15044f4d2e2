import Crypto
import Foundation
import SidingCore
import SidingTestKit
import Testing

/// Redacted network changes (format 3) and the network erasure order that lists them
/// (Protocol/CHANGES.md, "Erasure of network records"; vectors in Protocol/vectors/change-v3.json).
@Suite struct NetworkRedactionTests {
    struct Vector: Decodable {
        let name: String
        let hex: String
        let origin: String
        let seq: UInt64
        let hlc_ms: UInt64
        let hlc_counter: UInt16
        let original_hex: String?
        let original_digest: String?
        let digest: String?
        let erased: [Int]?
        let operations: [String]?
        let record: String?
        let nonce: String?
        let listings: [String]?
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test func vectorsDecodeToTheirStatedMeaning() throws {
        let data = try Data(contentsOf: ProtocolVectorTests.vectorsDirectory.appendingPathComponent("change-v3.json"))
        let vectors = try JSONDecoder().decode([Vector].self, from: data)
        let redacted = try #require(vectors.first { $0.name == "change-v3-redacted" })
        let slot = try Change(decoding: hexBytes(redacted.hex))
        let original = try VerifiedChange(verifying: hexBytes(try #require(redacted.original_hex))).change
        #expect(slot.origin.nodeID.description == redacted.origin && slot.seq == redacted.seq)
        #expect(slot.hlc == HLC(milliseconds: redacted.hlc_ms, counter: redacted.hlc_counter))
        #expect(slot.erasedOperations == Set(try #require(redacted.erased)))
        #expect(slot.operations.map(ProtocolVectorTests.describe) == redacted.operations)
        #expect(Self.hex(try #require(slot.networkRedaction).originalDigest) == redacted.original_digest)
        #expect(Self.hex(slot.bytesDigest) == redacted.digest)
        #expect(Self.hex(original.bytesDigest) == redacted.original_digest)
        #expect(original.redactingNetwork(slot.erasedOperations)?.encoded == slot.encoded, "the redaction is made alike everywhere")

        let orderVector = try #require(vectors.first { $0.name == "change-v1-erase-order-network" })
        let order = try VerifiedChange(verifying: hexBytes(orderVector.hex)).change
        #expect(order.origin.nodeID.description == orderVector.origin && order.seq == orderVector.seq)
        let erasure = try #require(order.erasureOrders.first)
        #expect(erasure.record.description == orderVector.record && erasure.creatorNonce.map(Self.hex) == orderVector.nonce)
        #expect(erasure.isFromCreator(order.author))
        #expect(erasure.listings.map { "\($0.origin.nodeID)/\($0.seq)/\(Self.hex($0.digest))" } == orderVector.listings)
        #expect(erasure.listings == [ErasureOrder.Listing(slot)])
    }

    let key = try! Curve25519.Signing.PrivateKey(rawRepresentation: Array(repeating: UInt8(3), count: 32))
    let record = EntityID(kind: .contact, bytes: Array(repeating: 4, count: 10))!
    let beside = EntityID(kind: .note, bytes: Array(repeating: 5, count: 10))!

    var original: Change {
        get throws {
            try Change.sign(
                by: key, seq: 4, hlc: HLC(milliseconds: 1_000, counter: 0),
                operations: [
                    Operation(entity: record, field: "name", action: .write(value: "Li Wei", replaces: [])),
                    Operation(entity: beside, field: "title", action: .write(value: "Round 4", replaces: [])),
                    Operation(entity: record, field: "tags", action: .remove(element: "old", removes: [])),
                    Operation(entity: beside, field: "x", action: .unknown(type: 9, body: [1, 2])),
                ])
        }
    }

    @Test func redactingTwiceEqualsRedactingOnceAndKeepsTheVersion() throws {
        let original = try original
        let first = try #require(original.redactingNetwork([0]))
        let both = try #require(original.redactingNetwork([0, 2]))
        #expect(first.redactingNetwork([2])?.encoded == both.encoded)
        #expect(both.redactingNetwork([0]) == nil && both.redactingNetwork([3]) == nil, "nothing more to drop")
        #expect(try Change(decoding: both.encoded) == both)
        #expect(both.erasedOperations == [0, 2] && both.operations[1] == original.operations[1])
        #expect(Admission.versionDigest(both.encoded) == Admission.versionDigest(original.encoded))
        #expect(Admission.decide(seq: 4, held: 4, storedBytes: original.encoded, bytes: both.encoded) == .duplicate)
        #expect(!String(decoding: both.encoded, as: UTF8.self).contains("Li Wei"))
        // It decodes as received but cannot verify: the store takes it only as an order vouches for it.
        #expect(try VerifiedChange(verifying: both.encoded).networkRedaction != nil)
    }

    @Test func malformedRedactionsAreRejected() throws {
        let slot = try #require(try original.redactingNetwork([0, 2])).encoded
        // 0x03, the origin and the original's digest come first; then the count of erased indices.
        let indexAt = 1 + 32 + 32
        #expect(slot[0] == NetworkRedaction.format && slot[indexAt] == 2, "two erased indices")
        var unordered = slot
        unordered[indexAt + 1] = 2
        unordered[indexAt + 2] = 0
        let none = Array(slot[..<indexAt]) + [0] + slot[(indexAt + 3)...]
        var notEmptied = slot
        notEmptied[indexAt + 2] = 1  // operation 1 still has its value
        var unknownAction = slot
        unknownAction[indexAt + 2] = 3  // an opaque action has no value to erase
        for (why, bytes) in [("unordered", unordered), ("none erased", none), ("a value left", notEmptied), ("opaque", unknownAction)] {
            #expect(throws: ChangeError.self, "\(why)") { try Change(decoding: bytes) }
        }
    }

    @Test func aNetworkOrderListsAcrossOperationsAndAMalformedOneIsNoOrder() throws {
        let listings = (1...(ErasureOrder.maxListingsPerOperation + 1)).map {
            ErasureOrder.Listing(origin: OriginKey(key.publicKey), seq: UInt64($0), digest: Array(repeating: UInt8($0 % 256), count: 32))
        }
        let nonce = [UInt8](repeating: 6, count: 16)
        let operations = ErasureOrder.networkOperations(erasing: record, creatorNonce: nonce, listings: listings)
        #expect(operations.count == 2)
        let change = try Change.sign(by: key, seq: 1, hlc: HLC(milliseconds: 5, counter: 0), operations: operations)
        #expect(change.erasureOrders.flatMap(\.listings) == listings)
        #expect(ErasureOrder.networkOperations(erasing: record, creatorNonce: nonce, listings: []).count == 1)
        let truncated = Operation(entity: record, field: "", action: .unknown(type: ErasureOrder.actionType, body: nonce + [1, 9]))
        let malformed = try Change.sign(by: key, seq: 2, hlc: HLC(milliseconds: 6, counter: 0), operations: [truncated])
        #expect(malformed.erasureOrders.isEmpty, "still a valid change, as on a node of the first release")
    }
}
