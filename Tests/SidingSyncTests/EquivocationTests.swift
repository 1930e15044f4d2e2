import Crypto
import Foundation
import SidingCore
import SidingStore
import SidingTestKit
import SidingWire
import Testing

@testable import SidingSync

/// A node signs two different changes with the same seq and gives one to each of two partners.
@Suite(.serialized) struct EquivocationTests {
    @Test func aForkIsDetectedKeptAsEvidenceAndSyncGoesOn() async throws {
        let (a, b, c) = (try SyncTestNode(name: "A"), try SyncTestNode(name: "B"), try SyncTestNode(name: "C"))
        for node in [a, b, c] { try await node.start() }
        let forker = RawPeer()
        for node in [a, b] { await node.engine.addPartner(Partner(nodeID: forker.nodeID, name: "forker", address: nil)) }
        let left = try forker.change(1, "version for A")
        let right = try forker.change(1, "version for B")
        let lower = Array(SHA256.hash(data: left.encoded)).lexicographicallyPrecedes(Array(SHA256.hash(data: right.encoded))) ? left : right
        for (node, version) in [(a, left), (b, right)] {
            try await forker.connect(port: node.port, server: node.nodeID)
            try await forker.send(.batch(id: 1, changes: [version.encoded]))
            _ = try await forker.receive(skippingPushes: true)
            await forker.close()
        }
        // A, B and C in a triangle: A and B each learn the other version in the first round. Their
        // session is established (both summaries read) before C can relay either version to them.
        let start = ContinuousClock.now
        await a.pair(with: b)
        #expect(try await eventually(10) { try await a.engine.statuses().contains { $0.nodeID == b.nodeID && $0.connected } })
        await b.pair(with: c)
        await c.pair(with: a)
        // A and B hold different versions when their session starts, so both detect the fork. C may not:
        // if A has already put B's lower version in force when C's session with A starts, both offer the
        // same tip and C never sees the other version (evidence is not relayed); it still keeps the same
        // version in force, which is what convergence needs.
        let settled = try await eventually(10) {
            try [a, b].allSatisfy { node in try node.store.equivocations().contains { $0.origin == forker.origin && $0.seq == 1 } }
                && [a, b, c].allSatisfy { node in try node.store.changes(of: forker.origin, after: 0, limit: 10) == [lower.encoded] }
        }
        print("equivocation: detected on A and B, lower version in force on A, B and C after \(ContinuousClock.now - start)")
        #expect(settled, "the fork was not detected on A and B, or a node keeps another version in force")
        for node in [a, b, c] {
            let held = try node.store.changes(of: forker.origin, after: 0, limit: 10)
            let evidence = try node.store.equivocations().map(\.second)
            // Nothing but the two versions, one in force: the lower hash, whichever arrived first.
            #expect(Set(held + evidence).isSubset(of: [left.encoded, right.encoded]))
            #expect(held == [lower.encoded], "\(node.nodeID) keeps another version in force")
        }
        #expect(Set(try [a, b, c].map { try $0.store.digest() }).count == 1, "digests agree under equivocation")
        // The network keeps converging: later writes from every node reach every node.
        let written = try [a, b, c].map { try $0.write(5) }.flatMap { $0 }
        #expect(
            try await eventually(10) {
                try [a, b, c].allSatisfy { node in try written.allSatisfy { try node.store.record($0) != nil } }
                    && Set(try [a, b, c].map { try $0.store.versionVector() }).count == 1
            })
        for node in [a, b, c] { await node.stop() }
    }

    /// Between a node's summary and its fork probe, a third partner may deliver the peer's version,
    /// which is lower and so goes in force: the probe then sends the version kept as evidence, the one
    /// the peer lacks, not the peer's own back to it.
    @Test func aForkProbeSendsTheVersionThePeerLacks() async throws {
        let forker = RawPeer()
        let (left, right) = (try forker.change(1, "version for A"), try forker.change(1, "version for B"))
        let leftIsLower = Array(SHA256.hash(data: left.encoded)).lexicographicallyPrecedes(Array(SHA256.hash(data: right.encoded)))
        let (lower, higher) = leftIsLower ? (left, right) : (right, left)
        let a = try SyncTestNode(name: "A", arrivingBeforeForkProbe: [lower])
        try await a.start()
        try a.commit([higher])
        let peer = RawPeer()
        await a.engine.addPartner(Partner(nodeID: peer.nodeID, name: "peer", address: nil))
        try await peer.connect(
            port: a.port, server: a.nodeID, summary: VersionVector([forker.origin: 1]), tips: [forker.origin: SessionContext.tipDigest(lower.encoded)]
        )
        var probe: [[UInt8]]?
        for _ in 0..<10 {
            guard let message = try await peer.receive() else { break }
            if case .batch(_, let changes) = message {
                probe = changes
                break
            }
        }
        #expect(probe == [higher.encoded], "the probe must carry the version the peer lacks")
        #expect(try a.store.changes(of: forker.origin, after: 0, limit: 10) == [lower.encoded])
        #expect(try a.store.equivocations().map(\.second) == [higher.encoded])
        await peer.close()
        await a.stop()
    }
}
