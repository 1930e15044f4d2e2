import Foundation
import NIOCore
import SidingCore
import SidingSync
import SidingTestKit
import SidingWire
import SwiftProtobuf
import Testing

/// A node leaves its own key out of its changes only for a partner whose Hello says it can put it back;
/// an older partner gets every change whole.
@Suite(.serialized) struct SenderOriginSessionTests {
    @Test func ownChangesLoseTheirOriginOnlyForPartnersThatRestoreIt() async throws {
        let a = try SyncTestNode(name: "A")
        try await a.start()
        let (restoring, older) = (RawPeer(), RawPeer())
        for peer in [restoring, older] { await a.engine.addPartner(Partner(nodeID: peer.nodeID, name: "raw", address: nil)) }
        try await restoring.connect(port: a.port, server: a.nodeID, capabilities: ["deflate", SenderOrigin.capability])
        try await older.connect(port: a.port, server: a.nodeID, capabilities: ["deflate"])
        try a.write(1)
        for (peer, elided) in [(restoring, true), (older, false)] {
            let batch = try #require(try await Self.nextBatch(peer))
            #expect(batch.senderChanges.count == (elided ? 1 : 0) && batch.changes.count == (elided ? 0 : 1))
            // Restored by hand as SPEC.md says: the format byte, the sender's key, the rest.
            let restored = batch.senderChanges.map { [UInt8]($0) }.map { [$0[0]] + a.origin.bytes + $0[1...] }
            let received = try #require((restored + batch.changes.map { [UInt8]($0) }).first)
            let change = try VerifiedChange(verifying: received)
            #expect(change.origin == a.origin && change.seq == 1)
            await peer.close()
        }
        await a.stop()
    }

    /// The next batch frame's protobuf message as sent, skipping pings (bounded: a handful of frames).
    static func nextBatch(_ peer: RawPeer) async throws -> WireBatch? {
        for _ in 0..<10 {
            guard let frame = try await peer.receiveFrame() else { return nil }
            guard frame.type == WireMessage.FrameType.batch.rawValue else { continue }
            var payload = frame.payload
            if frame.flags & Frame.deflated != 0 {
                guard let declared = payload.readInteger(as: UInt32.self) else { return nil }
                return try WireBatch(
                    serializedBytes: try Zlib.inflate(payload.readBytes(length: payload.readableBytes) ?? [], declaredLength: Int(declared)))
            }
            return try WireBatch(serializedBytes: payload.readBytes(length: payload.readableBytes) ?? [])
        }
        return nil
    }
}
