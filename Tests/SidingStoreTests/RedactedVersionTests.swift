import Crypto
import SidingCore
import SidingStore
import SidingTestKit
import Testing

/// A change and its redactions are one version (Protocol/CHANGES.md, "Erasure"): whichever arrives
/// first, a value comes back from a fuller copy unless its record was erased, and never after.
@Suite struct RedactedVersionTests {
    let directory = TemporaryDirectory("redacted")
    let key = try! Curve25519.Signing.PrivateKey(rawRepresentation: Array(repeating: 1, count: 32))
    var owner: OriginKey { OriginKey(key.publicKey) }
    let nonce = [UInt8](repeating: 9, count: 16)
    var log: CircleLog { CircleLog(circle: CircleID(owner: owner, nonce: nonce)!, author: owner, epoch: 0) }
    let contact = EntityID(kind: .contact, bytes: Array(repeating: 7, count: 10))!
    let other = EntityID(kind: .contact, bytes: Array(repeating: 8, count: 10))!

    func sign(_ seq: UInt64, _ operations: [SidingCore.Operation]) throws -> Change {
        try Change.sign(
            by: key, in: log, seq: seq, hlc: HLC(milliseconds: 1_000 + seq, counter: 0), operations: operations,
            seed: Array(repeating: UInt8(seq), count: 16))
    }

    func bio(_ record: EntityID, _ value: String) -> SidingCore.Operation {
        SidingCore.Operation(entity: record, field: "bio", action: .write(value: value, replaces: []))
    }

    var creation: Change { get throws { try sign(1, [ControlAction.create(nonce: nonce).operation(in: log.circle)]) } }

    @Test func aStrippedCopyFirstThenTheOriginalBringsTheValueBack() throws {
        let store = try SQLiteStore(path: directory.file("stripped.db"), localKey: owner)
        let original = try sign(2, [bio(contact, "canary-original"), bio(other, "kept")])
        let stripped = try #require(original.redacting(records: [contact]))
        #expect(try store.apply([try creation, stripped]) == [.applied, .applied])
        #expect(try store.record(contact)?.fields["bio"] == nil, "an erased slot showed a value")
        #expect(try store.record(other)?.fields["bio"] == "kept")
        #expect(try store.apply([original]) == [.duplicate])
        #expect(try store.record(contact)?.fields["bio"] == "canary-original", "the fuller copy did not bring the value back")
        #expect(try store.apply([stripped]) == [.duplicate])
        #expect(try store.record(contact)?.fields["bio"] == "canary-original", "a stripped copy took a value away")
    }

    @Test func onceErasedTheOriginalBringsNothingBack() throws {
        let store = try SQLiteStore(path: directory.file("erased.db"), localKey: owner)
        let original = try sign(2, [bio(contact, "canary-erased"), bio(other, "kept")])
        let order = try sign(3, [ErasureOrder.operation(erasing: contact)])
        #expect(try store.apply([try creation, original, order]) == [.applied, .applied, .applied])
        #expect(try store.record(contact)?.fields["bio"] == nil && store.record(other)?.fields["bio"] == "kept")
        #expect(try store.apply([original]) == [.duplicate])
        #expect(try store.record(contact)?.fields["bio"] == nil, "the original brought an erased value back")
        // A later edit of the erased record is erased on arrival; the file holds neither value.
        let late = try sign(4, [bio(contact, "canary-late")])
        #expect(try store.apply([late]) == [.applied])
        #expect(try store.record(contact)?.fields["bio"] == nil)
        let stored = try store.changes(of: log.key, after: 0, limit: 10)
        #expect(try stored.allSatisfy { (try VerifiedChange(verifying: $0)).seq > 0 }, "a redacted change no longer verifies")
        try store.checkpoint()
        // A backup made after the erasure holds nothing of it either.
        #expect(try store.backup(to: directory.file("backup.db")) == "ok")
        for canary in ["canary-erased", "canary-late"] {
            #expect(try ByteSearch.files(under: directory.path, containing: Array(canary.utf8)).isEmpty, "\(canary) is still in the file")
        }
        #expect(try ByteSearch.files(under: directory.path, containing: Array("kept".utf8)).count == 2, "the probe finds nothing")
    }
}
