import SidingCore
import SidingWire
import Testing

@testable import SidingSync

/// A node checks the signatures of a partner's next batch while it stores the one before (Protocol/
/// SPEC.md §3): what the partner sees must not change. The node here stores slowly (a pause per
/// change), so the frames behind a batch have arrived, and the next batch is verified, while it is
/// still being stored.
@Suite(.serialized) struct ReceiveOrderTests {
    /// A node that stores a batch only after 1 ms per change, and a partner connected to it.
    static func slowNodeAndPeer() async throws -> (SyncTestNode, RawPeer) {
        let a = try SyncTestNode(name: "A", applyPausePerChange: .milliseconds(1))
        try await a.start()
        let peer = RawPeer()
        await a.engine.addPartner(Partner(nodeID: peer.nodeID, name: "peer", address: nil))
        try await peer.connect(port: a.port, server: a.nodeID)
        return (a, peer)
    }

    /// What the node answered, in order, until it closed or `count` answers came.
    static func answers(from peer: RawPeer, count: Int) async throws -> [String] {
        var seen: [String] = []
        while seen.count < count, let message = try await peer.receive(skippingPushes: true) {
            switch message {
            case .ack(let ack): seen.append("ack \(ack.batchID)")
            case .pong(let nonce): seen.append("pong \(nonce)")
            case .close(let code, _, _): seen.append("close \(code.map { "\($0)" } ?? "?")")
            default: break
            }
        }
        return seen
    }

    static func batch(_ peer: RawPeer, seqs: ClosedRange<UInt64>) throws -> [[UInt8]] {
        try seqs.map { try peer.change($0, "value \($0)").encoded }
    }

    @Test func batchesAreStoredAndAcknowledgedInTheOrderTheyArrived() async throws {
        let (a, peer) = try await Self.slowNodeAndPeer()
        // Each batch continues the log of the one before: stored out of order, one would be a gap.
        for id in 1...5 as ClosedRange<UInt64> {
            try await peer.send(.batch(id: id, changes: try Self.batch(peer, seqs: (id - 1) * 100 + 1...id * 100)))
        }
        #expect(try await Self.answers(from: peer, count: 5) == ["ack 1", "ack 2", "ack 3", "ack 4", "ack 5"])
        #expect(try a.store.versionVector()[peer.origin] == 500)
        await peer.close()
        await a.stop()
    }

    @Test func aFrameBehindABatchIsAnsweredOnlyOnceTheBatchIsAcknowledged() async throws {
        let (a, peer) = try await Self.slowNodeAndPeer()
        try await peer.send(.batch(id: 1, changes: try Self.batch(peer, seqs: 1...300)))
        try await peer.send(.ping(7))
        #expect(try await Self.answers(from: peer, count: 2) == ["ack 1", "pong 7"])
        await peer.close()
        await a.stop()
    }

    @Test func aForgedBatchBehindAGoodOneClosesTheSessionOnlyAfterTheGoodOneIsStored() async throws {
        let (a, peer) = try await Self.slowNodeAndPeer()
        var forged = try peer.change(301).encoded
        forged[forged.count - 10] ^= 0x40
        try await peer.send(.batch(id: 1, changes: try Self.batch(peer, seqs: 1...300)))
        try await peer.send(.batch(id: 2, changes: [forged]))
        #expect(try await Self.answers(from: peer, count: 3) == ["ack 1", "close \(CloseCode.invalidChange)"])
        #expect(try a.store.versionVector()[peer.origin] == 300)
        await peer.close()
        await a.stop()
    }
}
