import Foundation
import SidingAPI
import SidingCore
import SidingTestKit

/// Circles against real `sidingd` processes on loopback mutual TLS: a member catching up on a circle's
/// records through a counting proxy (TLS bytes per field operation), then single edits of a circle's
/// record seen at the member (bytes and propagation); and a node in 100 circles of 40 members: the
/// summary it sends a member of all of them and how long that session takes to start.
enum CircleBench {
    static func run(scale: Int, edits: Int) async throws -> [Figure] {
        let a = try TestNode(name: "A")
        let b = try TestNode(name: "B")
        let (_, contact) = try Population.fillCircle(a, fieldOperations: scale, members: [NodeID(b.nodeID)].compactMap { $0 })
        guard let contact else { throw BenchError("the circle has no contact") }
        try await a.start()
        try await b.start()
        let changes = try await a.client.status().changes
        let aPort = try Measure.port(of: try await a.client.node().listen)
        let proxy = FaultyProxy()
        try await proxy.start(targetPort: aPort)
        _ = try await a.client.addPeer(PeerResource(nodeID: b.nodeID, name: "B", address: nil))
        let start = ContinuousClock.now
        _ = try await b.client.addPeer(PeerResource(nodeID: a.nodeID, name: "A", address: "127.0.0.1:\(proxy.port)"))
        try await CatchUpBench.waitUntil(b, holds: changes, within: .seconds(600))
        let catchUp = Measure.seconds(ContinuousClock.now - start)
        let wireBytes = proxy.bytesDownstream + proxy.bytesUpstream

        let (downBefore, upBefore) = (proxy.bytesDownstream, proxy.bytesUpstream)
        var direct: [Double] = []
        for edit in 0..<edits {
            let role = "Role \(edit)"
            _ = try await a.client.edit(.contacts, id: contact.description, EditRequest(set: ["role": role]))
            direct.append(try await CatchUpBench.seen(role, contact.description, b.client, since: ContinuousClock.now))
        }
        let editBytes = Double(proxy.bytesDownstream - downBefore) / Double(edits)
        let ackBytes = Double(proxy.bytesUpstream - upBefore) / Double(edits)
        for node in [a, b] { node.stop() }
        await proxy.stop()
        let (summaryBytes, sessionStart, sessionStartWithout) = try await manyCircles()
        return [
            Figure("circle_catchup_s", catchUp, "s", note: "\(scale) contact-field ops in one circle, \(changes) changes"),
            Figure("circle_wire_bytes_per_field_op", Double(wireBytes) / Double(scale), "B", atMost: 21, note: "TLS bytes both ways"),
            Figure("circle_wire_bytes_per_edit", editBytes, "B", atMost: 150, note: "A → B: one-field edit in a circle"),
            Figure("circle_wire_bytes_per_edit_ack", ackBytes, "B"),
            Figure("circle_propagation_p50_ms", Measure.percentile(direct, 0.5), "ms", atMost: 20, note: "\(edits) edits, A → B"),
            Figure("circle_propagation_p99_ms", Measure.percentile(direct, 0.99), "ms", atMost: 100),
            Figure("summary_bytes_100_circles", summaryBytes, "B", note: "to a member of 100 circles of 40 members, plus tips"),
            Figure("session_start_ms_100_circles", sessionStart, "ms", note: "peer added → connected"),
            Figure("session_start_ms_no_circles", sessionStartWithout, "ms", note: "the same without circles"),
        ]
    }

    /// A node in 100 circles of 40 members (itself, the peer and 38 others), 10 contacts each: the peer's
    /// received bytes before its first batch cannot be told apart from a proxy, so the summary is the
    /// one the store gives for that peer, encoded as the session sends it.
    static func manyCircles() async throws -> (summaryBytes: Double, sessionStart: Double, sessionStartWithout: Double) {
        let (plain, _) = try await sessionStart(circles: 0)
        let (start, summary) = try await sessionStart(circles: 100)
        return (summary, start, plain)
    }

    static func sessionStart(circles: Int) async throws -> (Double, Double) {
        let a = try TestNode(name: "A")
        let e = try TestNode(name: "E")
        var random = SeededGenerator(seed: 5)
        for n in 0..<circles {
            let others = (0..<38).compactMap { _ in NodeID(fingerprint: random.bytes(NodeID.digestBytes)) }
            try Population.fillCircle(
                a, fieldOperations: 80, members: [NodeID(e.nodeID)].compactMap { $0 } + others, name: "Circle \(n)", seed: UInt64(n))
        }
        let summary = try SummarySize.bytes(databasePath: a.databasePath, ownKeyBase64: try a.privateKeyBase64(), peer: e.nodeID)
        try await a.start()
        try await e.start()
        _ = try await a.client.addPeer(PeerResource(nodeID: e.nodeID, name: "E", address: nil))
        let start = ContinuousClock.now
        _ = try await e.client.addPeer(PeerResource(nodeID: a.nodeID, name: "A", address: try await a.client.node().listen))
        let deadline = start + .seconds(30)
        while try await e.client.status().peers.first?.connected != true {
            guard ContinuousClock.now < deadline else { throw BenchError("the session did not start within 30 s") }
            try await Task.sleep(for: .milliseconds(1))
        }
        let elapsed = Measure.milliseconds(ContinuousClock.now - start)
        for node in [a, e] { node.stop() }
        return (elapsed, summary)
    }
}
