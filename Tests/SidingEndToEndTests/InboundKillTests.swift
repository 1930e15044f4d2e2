import Foundation
import SidingAPI
import SidingCore
import SidingStore
import SidingTestKit
import Testing

/// SIGKILL to a node at random points while it catches up from a partner: the database afterwards
/// holds whole batches only (its merged view is exactly what its stored changes give), nothing the
/// partner sent and the node acknowledged is lost, and the resumed session re-sends at most one batch.
/// `SIDING_KILL_TRIALS` sets the number of kills (default 6), `SIDING_SEED` the kill points.
@Suite(.serialized) struct InboundKillTests {
    static let trials = Int(ProcessInfo.processInfo.environment["SIDING_KILL_TRIALS"] ?? "") ?? 6
    static let seed = UInt64(ProcessInfo.processInfo.environment["SIDING_SEED"] ?? "") ?? 9

    @Test func killDuringCatchUpKeepsWholeBatchesAndResumes() async throws {
        let a = try TestNode(name: "A")
        let total = try Population.fill(a, fieldOperations: 96_000)
        try await a.start()
        let aAddress = try await a.client.node().listen
        let b = try TestNode(name: "B")
        try await b.start()
        _ = try await a.client.addPeer(PeerResource(nodeID: b.nodeID, name: "B", address: nil))
        _ = try await b.client.addPeer(PeerResource(nodeID: a.nodeID, name: "A", address: aAddress))
        var random = SeededGenerator(seed: Self.seed)
        var kills: [UInt64] = []
        for _ in 0..<Self.trials {
            // Kill somewhere in the first 80 % of what is still missing.
            // The network's changes (`digest`): both nodes also hold partners circles' first changes.
            let before = try await b.client.digest().changes
            let target = before + UInt64.random(in: 1...max(1, (total - before) * 8 / 10), using: &random)
            _ = try await eventually(60) { try await b.client.digest().changes >= target }
            b.kill9()
            let held = try Self.checkWholeBatches(b.databasePath)
            try await b.start()
            kills.append(held)
            if held >= total { break }
        }
        #expect(try await eventually(60) { try await b.client.digest().changes == total }, "B never caught up")
        #expect(try await b.client.digest() == a.client.digest())
        // What A sent in the last session beyond what B lacked when it restarted: the re-sent part.
        let lastSent = try await a.client.status().peers.first?.changesSent ?? 0
        let resent = lastSent - Int(total - (kills.last ?? 0))
        print("inbound kill: \(kills.count) kills at held = \(kills) of \(total); last session re-sent \(resent) changes")
        #expect(resent >= 0 && resent <= 1_024, "re-sent \(resent) changes after the last restart")
        #expect(kills.count >= min(Self.trials, 2))
        a.stop()
        b.stop()
    }

    /// Opens the killed node's database: integrity ok, seqs contiguous per origin, and the merged view
    /// equal to the reference merge of exactly the changes stored. Returns how many changes it holds.
    static func checkWholeBatches(_ path: String) throws -> UInt64 {
        let store = try SQLiteStore(path: path)
        #expect(try store.integrityCheck() == "ok")
        var reference = Replica()
        var held: UInt64 = 0
        // The network's logs (those the test wrote); the partners circles' are checked by the store's own tests.
        let circleLogs = try store.circleLogIndex().circleOf
        for (origin, seq) in try store.versionVector().entries where circleLogs[origin] == nil {
            let stored = try store.changes(of: origin, after: 0, limit: Int(seq) + 10)
            #expect(stored.count == Int(seq), "origin has a gap: \(stored.count) changes stored, vector says \(seq)")
            for bytes in stored { _ = try reference.receive(try VerifiedChange(verifying: bytes).change) }
            held += seq
        }
        #expect(try store.mergedView().filter { $0.key.kind != .circle } == reference.view, "the merged view does not match the stored changes")
        return held
    }
}
