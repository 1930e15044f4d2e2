import Foundation
import SidingAPI
import SidingCore
import SidingTestKit

/// Revocation in the middle of a circle's backlog, against real `sidingd` processes: B catches up on a
/// large circle of A's; once it holds 2,000 more changes A removes it (the call returns after the
/// revocation barrier), then writes a network contact, timed until B's local API shows it. Whatever of
/// the circle was in flight at the barrier is ahead of that contact at B (Protocol/SPEC.md §3, "Pacing").
enum CircleRevocationBench {
    static func run(scale: Int) async throws -> [Figure] {
        let a = try TestNode(name: "A")
        let b = try TestNode(name: "B")
        // At least 200,000 field operations (25,000 changes): still flowing when B is removed, even in release.
        let operations = max(scale, 200_000)
        let (circle, _) = try Population.fillCircle(a, fieldOperations: operations, members: [NodeID(b.nodeID)].compactMap { $0 })
        try await a.start()
        try await b.start()
        defer { for node in [a, b] { node.stop() } }
        let backlog = try await a.client.status().changes
        let start = try await b.client.status().changes
        _ = try await a.client.addPeer(PeerResource(nodeID: b.nodeID, name: "B", address: nil))
        _ = try await b.client.addPeer(PeerResource(nodeID: a.nodeID, name: "A", address: try await a.client.node().listen))
        try await CatchUpBench.waitUntil(b, holds: start + 2_000, within: .seconds(120))

        let removal = ContinuousClock.now
        _ = try await a.client.removeMember(circle.description, nodeID: b.nodeID)
        let barrier = Measure.milliseconds(ContinuousClock.now - removal)
        let heldAtBarrier = try await b.client.status().changes - start
        let written = try await a.client.create(.contacts, CreateRequest(set: ["name": "after the revocation"], circle: CircleRef.networkName))
        let since = ContinuousClock.now
        let deadline = since + .seconds(60)
        while (try? await b.client.contact(written.id)) == nil {
            guard ContinuousClock.now < deadline else { throw BenchError("the network contact did not reach B within 60 s of the revocation") }
            try await Task.sleep(for: .milliseconds(1))
        }
        let latency = Measure.milliseconds(ContinuousClock.now - since)
        let heldAfter = try await b.client.status().changes - start
        guard heldAfter < backlog else { throw BenchError("B got the whole circle: the removal came after the backlog") }
        return [
            Figure("revocation_barrier_ms", barrier, "ms", note: "circle remove, mid-backlog (B held \(heldAtBarrier) of \(backlog) changes)"),
            Figure(
                "network_edit_after_revocation_ms", latency, "ms", atMost: 1_000,
                note: "network edit latency after revocation: committed at A → shown at B; B then held \(heldAfter) changes"),
        ]
    }
}
