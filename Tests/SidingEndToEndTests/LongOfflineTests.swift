import Foundation
import SidingAPI
import SidingTestKit
import Testing

/// A node offline while many operations happen elsewhere rejoins and catches up — through a restart
/// storm (SIGTERM and SIGKILL while it catches up) — with bounded memory, ending in step.
/// `SIDING_OFFLINE_OPS` sets the field operations (default 24,000; the figure is 100,000).
@Suite(.serialized) struct LongOfflineTests {
    static let operations = Int(ProcessInfo.processInfo.environment["SIDING_OFFLINE_OPS"] ?? "") ?? 24_000

    @Test func aLongOfflineNodeCatchesUpThroughARestartStorm() async throws {
        // A keeps its port across its restart: its partners dial it.
        let a = try TestNode(name: "A", listenPort: try freeLoopbackPort())
        let (b, offline) = (try TestNode(name: "B"), try TestNode(name: "Offline"))
        for node in [a, b, offline] { try await node.start() }
        let aAddress = try await a.client.node().listen
        for node in [b, offline] {
            _ = try await a.client.addPeer(PeerResource(nodeID: node.nodeID, name: "peer", address: nil))
            _ = try await node.client.addPeer(PeerResource(nodeID: a.nodeID, name: "A", address: aAddress))
        }
        // The node goes offline; meanwhile A gains the operations (written straight into its database
        // while A is briefly stopped) and B, online, follows.
        offline.stop()
        a.stop()
        let total = try Population.fill(a, fieldOperations: Self.operations, seed: 77)
        try await a.start()
        // The network's changes (`digest`): each node also holds its partners circle's first changes.
        #expect(try await eventually(120) { try await b.client.digest().changes == total }, "the online partner did not follow")
        print("long offline: B followed")

        // Back online, with a restart storm while it catches up.
        let start = ContinuousClock.now
        try await offline.start()
        var peak = 0.0
        for round in 0..<4 {
            print("long offline: round \(round) at \(ContinuousClock.now - start), held \(try await offline.client.digest().changes) of \(total)")
            let goal = total * UInt64(round + 1) / 6
            _ = try await eventually(60) { try await offline.client.digest().changes >= goal }
            peak = max(peak, offline.peakRSSMiB ?? 0)
            if round.isMultiple(of: 2) { offline.stop() } else { offline.kill9() }
            try await offline.start()
        }
        #expect(try await eventually(120) { try await offline.client.digest().changes == total }, "never caught up")
        peak = max(peak, offline.peakRSSMiB ?? 0)
        #expect(try await offline.client.digest() == a.client.digest())
        print(
            "long offline: \(Self.operations) field ops (\(total) changes) caught up in \(ContinuousClock.now - start) through 4 restarts; peak RSS \(peak) MiB"
        )
        #expect(peak > 0 && peak < 100, "peak memory \(peak) MiB")
        for node in [a, b, offline] { node.stop() }
    }
}
