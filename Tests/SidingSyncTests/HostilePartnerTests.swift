import Crypto
import Foundation
import NIOCore
import SidingCore
import SidingStore
import SidingSync
import SidingTestKit
import SidingWire
import Testing

/// A configured partner that misbehaves: each attack is refused with a close code, nothing of it is
/// stored, and the node keeps serving its other partners throughout.
@Suite(.serialized) struct HostilePartnerTests {
    static func deflatedBatch(_ plain: [UInt8], declared: Int, mutate: ([UInt8]) -> [UInt8] = { $0 }) -> Frame {
        var payload = ByteBuffer()
        payload.writeInteger(UInt32(declared))
        payload.writeBytes(mutate(Zlib.deflate(plain)))
        return Frame(type: WireMessage.FrameType.batch.rawValue, flags: Frame.deflated, payload: payload)
    }

    @Test func everyAttackIsRefusedAndTheNodeKeepsServing() async throws {
        let (a, friend) = (try SyncTestNode(name: "A"), try SyncTestNode(name: "Friend"))
        try await a.start()
        try await friend.start()
        await friend.pair(with: a)
        let attacker = RawPeer()
        await a.engine.addPartner(Partner(nodeID: attacker.nodeID, name: "attacker", address: nil))
        let good = try attacker.change(1, "genuine")
        let plain = try WireMessage.batch(id: 1, changes: [good.encoded]).protobufBytes()

        let stranger = try RawPeer().change(1, "someone else's")
        var badSignature = try attacker.change(1).encoded
        badSignature[badSignature.count - 10] ^= 0x40
        let attacks: [(String, [Frame], CloseCode?)] = [
            ("bad signature", [try WireMessage.batch(id: 1, changes: [badSignature]).frame()], .invalidChange),
            ("gap", [try WireMessage.batch(id: 1, changes: [try attacker.change(2).encoded]).frame()], .gap),
            // Sent as the attacker's own, another node's change gets the attacker's key back and fails to verify.
            (
                "another's change as its own", [try WireMessage.batch(id: 1, changes: [stranger.encoded]).frame(sender: stranger.origin)],
                .invalidChange
            ),
            ("oversized frame", [Frame(type: 3, flags: 0, payload: ByteBuffer(repeating: 0, count: WireLimits.maxFrameBytes))], nil),
            ("zlib bomb", [Self.deflatedBatch([UInt8](repeating: 0, count: 32 << 20), declared: plain.count)], .badCompression),
            ("truncated deflate", [Self.deflatedBatch(plain, declared: plain.count, mutate: { Array($0.dropLast(4)) })], .badCompression),
            ("trailing bytes", [Self.deflatedBatch(plain, declared: plain.count, mutate: { $0 + [1, 2, 3] })], .badCompression),
            ("length mismatch", [Self.deflatedBatch(plain, declared: plain.count + 1)], .badCompression),
            ("unknown frame type", [Frame(type: 42, payload: ByteBuffer())], .protocolError),
            ("hello again", [try WireMessage.hello(.init()).frame()], .protocolError),
        ]
        for (name, frames, expected) in attacks {
            try await attacker.expectRefused(name, by: a, friend: friend, expected: expected) { attacker in
                for frame in frames { try? await attacker.send(frame) }
            }
        }

        // Equivocation: of the two versions the one with the lower SHA-256 is in force, the other is kept
        // as evidence, and the session goes on.
        try await attacker.connect(port: a.port, server: a.nodeID)
        try await attacker.send(.batch(id: 1, changes: [good.encoded]))
        let fork = try attacker.change(1, "forged")
        try await attacker.send(.batch(id: 2, changes: [fork.encoded]))
        var acks: [WireAck] = []
        while acks.count < 2, let message = try await attacker.receive(skippingPushes: true) {
            if case .ack(let ack) = message { acks.append(ack) }
        }
        #expect(acks.map(\.applied) == [1, 0] && acks.map(\.equivocations) == [0, 1])
        let evidence = try a.store.equivocations()
        let goodIsLower = Array(SHA256.hash(data: good.encoded)).lexicographicallyPrecedes(Array(SHA256.hash(data: fork.encoded)))
        let (inForce, other) = goodIsLower ? (good, fork) : (fork, good)
        #expect(evidence.count == 1 && evidence.first?.first == inForce.encoded && evidence.first?.second == other.encoded)
        let entity = try #require(good.operations.first?.entity)
        #expect(try a.store.record(entity)?.fields["name"] == (goodIsLower ? "genuine" : "forged"))
        await attacker.close()
        await a.stop()
        await friend.stop()
    }
}
