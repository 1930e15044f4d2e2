import Crypto
import Foundation
import NIOCore
import SidingCore
import SidingWire
import SwiftProtobuf
import Testing

/// A batch carries its sender's own changes without their origin key; the receiver restores the exact
/// signed bytes from the sender's key, keeps each origin's order, and refuses what it cannot restore.
@Suite struct SenderOriginTests {
    static func key(_ seed: UInt8) throws -> Curve25519.Signing.PrivateKey {
        try Curve25519.Signing.PrivateKey(rawRepresentation: Array(repeating: seed, count: 32))
    }

    static func change(by key: Curve25519.Signing.PrivateKey, _ seq: UInt64) throws -> Change {
        let entity = EntityID(kind: .contact, bytes: Array(repeating: UInt8(seq), count: 10))!
        return try Change.sign(
            by: key, seq: seq, hlc: HLC(milliseconds: 1_800_000_000_000 + seq, counter: 0),
            operations: [Operation(entity: entity, field: "name", action: .write(value: "Amira \(seq)", replaces: []))])
    }

    @Test func ownChangesTravelWithoutTheirOriginAndAreRestoredExactly() throws {
        let (sender, relayed) = (try Self.key(1), try Self.key(2))
        let senderKey = OriginKey(sender.publicKey)
        // Interleaved as a sender never would, to show that each origin's order survives regardless.
        let changes = [
            try Self.change(by: sender, 1), try Self.change(by: relayed, 1), try Self.change(by: sender, 2), try Self.change(by: relayed, 2),
        ].map(\.encoded)
        let message = WireMessage.batch(id: 5, changes: changes)
        let plain = try message.protobufBytes()
        let elided = try message.protobufBytes(sender: senderKey)
        // 32 bytes per own change, and a length prefix may shrink too.
        #expect(plain.count - elided.count >= 2 * OriginKey.byteCount)

        let decoded = try WireMessage.decode(try message.frame(sender: senderKey), sender: senderKey)
        guard case .batch(5, let received) = decoded else { Issue.record("decoded \(decoded)"); return }
        #expect(received == [changes[1], changes[3], changes[0], changes[2]])
        for bytes in received { _ = try VerifiedChange(verifying: bytes) }
        // A sender that is not the changes' author leaves them whole.
        #expect(try message.protobufBytes(sender: OriginKey(try Self.key(3).publicKey)) == plain)
    }

    @Test func changesWithoutOriginNeedTheSendersKey() throws {
        let sender = try Self.key(1)
        let senderKey = OriginKey(sender.publicKey)
        let frame = try WireMessage.batch(id: 1, changes: [try Self.change(by: sender, 1).encoded]).frame(sender: senderKey)
        #expect(throws: WireError.self) { try WireMessage.decode(frame) }
        // Restored with another key, the bytes are not what was signed.
        let stranger = OriginKey(try Self.key(9).publicKey)
        guard case .batch(_, let restored) = try WireMessage.decode(frame, sender: stranger) else { Issue.record("not a batch"); return }
        #expect(throws: ChangeError.self) { try VerifiedChange(verifying: restored[0]) }
    }

    @Test func emptyAndOverfullSenderChangesAreRefused() throws {
        let senderKey = OriginKey(try Self.key(1).publicKey)
        var empty = WireBatch()
        empty.batchID = 1
        empty.senderChanges = [Data()]
        #expect(throws: WireError.self) { try WireMessage.decode(Self.frame(empty), sender: senderKey) }
        var overfull = WireBatch()
        overfull.changes = Array(repeating: Data([1]), count: WireLimits.maxBatchChanges / 2 + 1)
        overfull.senderChanges = Array(repeating: Data([1]), count: WireLimits.maxBatchChanges / 2)
        #expect(throws: WireError.limitExceeded("\(WireLimits.maxBatchChanges + 1) changes in a batch")) {
            try WireMessage.decode(Self.frame(overfull), sender: senderKey)
        }
    }

    static func frame(_ batch: WireBatch) throws -> Frame {
        Frame(type: WireMessage.FrameType.batch.rawValue, payload: ByteBuffer(bytes: try batch.serializedBytes() as [UInt8]))
    }
}
