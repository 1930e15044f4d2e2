import Crypto
import SidingCore
import SidingStore
import SidingTestKit
import Testing

/// The API sync will call: verify, reject gaps, detect equivocation, apply idempotently, all or nothing.
@Suite struct RemoteChangeTests {
    let directory = TemporaryDirectory("remote")
    let author = Curve25519.Signing.PrivateKey()
    let contact = EntityID(kind: .contact, bytes: Array(repeating: 7, count: 10))!

    func change(_ seq: UInt64, name: String, replaces: [Dot] = []) throws -> Change {
        try Change.sign(
            by: author, seq: seq, hlc: HLC(milliseconds: 1_000 + seq, counter: 0),
            operations: [
                Operation(entity: contact, field: "name", action: .write(value: name, replaces: replaces))
            ])
    }

    func isEmpty(_ store: SQLiteStore) throws -> Bool {
        try store.versionVector().entries.isEmpty && store.mergedView().isEmpty
    }

    @Test func everyFlippedBitIsRejectedAndNothingIsStored() throws {
        let store = try SQLiteStore(path: directory.file("bits.db"))
        let bytes = try change(1, name: "Li Wei").encoded
        for bit in stride(from: 0, to: bytes.count * 8, by: 1) {
            var tampered = bytes
            tampered[bit / 8] ^= 1 << UInt8(bit % 8)
            #expect(throws: ReceiveError.self) { try store.receive([tampered]) }
        }
        #expect(try isEmpty(store))
        #expect(try store.receive([bytes]) == [.applied])
    }

    @Test func aGapRejectsTheWholeBatch() throws {
        let store = try SQLiteStore(path: directory.file("gap.db"))
        let first = try change(1, name: "A")
        let third = try change(3, name: "C")
        #expect(throws: ReceiveError.self) { try store.receive([first.encoded, third.encoded]) }
        #expect(try isEmpty(store))
    }

    @Test func aReplayIsADuplicateAndChangesNothing() throws {
        let store = try SQLiteStore(path: directory.file("replay.db"))
        let first = try change(1, name: "Li Wei")
        #expect(try store.receive([first.encoded]) == [.applied])
        let before = try store.mergedView()
        #expect(try store.receive([first.encoded, first.encoded]) == [.duplicate, .duplicate])
        #expect(try store.mergedView() == before)
        #expect(try store.versionVector()[first.origin] == 1)
    }

    /// Of two versions of one seq, every node keeps the one with the lower SHA-256 in force, whichever
    /// arrived first, so nodes that received a fork in opposite orders still agree.
    @Test(arguments: [false, true]) func equivocationKeepsTheLowerHashInForceAndTheOtherAsEvidence(lowerFirst: Bool) throws {
        let store = try SQLiteStore(path: directory.file("fork-\(lowerFirst).db"))
        let versions = [try change(1, name: "Li Wei"), try change(1, name: "Someone Else")].sorted {
            Array(SHA256.hash(data: $0.encoded)).lexicographicallyPrecedes(Array(SHA256.hash(data: $1.encoded)))
        }
        let (lower, higher) = (versions[0], versions[1])
        let (arrivesFirst, arrivesSecond) = lowerFirst ? (lower, higher) : (higher, lower)
        #expect(try store.receive([arrivesFirst.encoded]) == [.applied])
        #expect(try store.receive([arrivesSecond.encoded]) == [.equivocation])
        let lowerName = lower.operations.first.flatMap { operation -> String? in
            if case .write(let value, _) = operation.action { value } else { nil }
        }
        #expect(try store.record(contact)?.fields["name"] == lowerName)
        let evidence = try store.equivocations()
        #expect(evidence.count == 1)
        #expect(evidence.first?.first == lower.encoded && evidence.first?.second == higher.encoded)
        #expect(try store.receive([lower.encoded, higher.encoded]) == [.duplicate, .equivocation])
        #expect(try store.equivocations().count == 1)
        #expect(try store.versionVector()[lower.origin] == 1)
    }

    @Test func truncatedAndOversizedBytesAreRejected() throws {
        let store = try SQLiteStore(path: directory.file("short.db"))
        let bytes = try change(1, name: "Li Wei").encoded
        for length in [0, 1, 33, bytes.count - 1] {
            #expect(throws: ReceiveError.self) { try store.receive([Array(bytes.prefix(length))]) }
        }
        #expect(throws: ReceiveError.self) { try store.receive([bytes + [0]]) }
        #expect(throws: ReceiveError.self) { try store.receive([Array(repeating: 1, count: ChangeLimits.maxEncodedBytes + 1)]) }
        #expect(try isEmpty(store))
    }

    @Test func storedChangesAreRelayedByteForByte() throws {
        let store = try SQLiteStore(path: directory.file("relay.db"))
        let changes = try (1...5).map { try change($0, name: "v\($0)") }
        _ = try store.receive(changes.map(\.encoded))
        #expect(try store.changes(of: changes[0].origin, after: 2, limit: 10) == changes[2...].map(\.encoded))
        #expect(try store.versionVector()[changes[0].origin] == 5)
    }
}
