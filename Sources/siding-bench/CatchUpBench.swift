import Foundation
import SidingAPI
import SidingCore
import SidingTestKit

/// Sync against real `sidingd` processes on loopback mutual TLS: a fresh node B pulls N contact-field
/// operations from A through a counting proxy (time, TLS bytes both ways, B's peak memory); a node
/// SIGTERMed while catching up (how long it takes to exit); then single edits on A seen on B (through
/// the proxy, so each edit's bytes are counted) and on C, which hears them only through B.
enum CatchUpBench {
    static func run(scale: Int, edits: Int, baselineOpsPerSecond: Double?) async throws -> [Figure] {
        let a = try TestNode(name: "A")
        let b = try TestNode(name: "B")
        let c = try TestNode(name: "C")
        let changes = try Population.fill(a, fieldOperations: scale)

        try await a.start()
        try await b.start()
        let aPort = try Measure.port(of: try await a.client.node().listen)
        let proxy = FaultyProxy()
        try await proxy.start(targetPort: aPort)
        _ = try await a.client.addPeer(PeerResource(nodeID: b.nodeID, name: "B", address: nil))
        let start = ContinuousClock.now
        _ = try await b.client.addPeer(PeerResource(nodeID: a.nodeID, name: "A", address: "127.0.0.1:\(proxy.port)"))
        try await waitUntil(b, holds: changes, within: .seconds(600))
        let catchUp = Measure.seconds(ContinuousClock.now - start)
        let wireBytes = proxy.bytesDownstream + proxy.bytesUpstream
        let peak = b.peakRSSMiB

        let shutdown = try await sigtermDuringCatchUp(from: a, port: aPort, changes: changes)

        try await c.start()
        let bAddress = try await b.client.node().listen
        _ = try await b.client.addPeer(PeerResource(nodeID: c.nodeID, name: "C", address: nil))
        _ = try await c.client.addPeer(PeerResource(nodeID: b.nodeID, name: "B", address: bAddress))
        let contact = try await a.client.create(.contacts, CreateRequest(set: ["name": "Propagation probe"])).id
        while (try? await c.client.contact(contact)) == nil { try await Task.sleep(for: .milliseconds(5)) }

        let (downBefore, upBefore) = (proxy.bytesDownstream, proxy.bytesUpstream)
        var direct: [Double] = []
        var relayed: [Double] = []
        for edit in 0..<edits {
            let role = "Role \(edit)"
            _ = try await a.client.edit(.contacts, id: contact, EditRequest(set: ["role": role]))
            let committed = ContinuousClock.now
            async let onB = seen(role, contact, b.client, since: committed)
            async let onC = seen(role, contact, c.client, since: committed)
            direct.append(try await onB)
            relayed.append(try await onC)
        }
        let editBytes = Double(proxy.bytesDownstream - downBefore) / Double(edits)
        let ackBytes = Double(proxy.bytesUpstream - upBefore) / Double(edits)
        for node in [a, b, c] { node.stop() }
        await proxy.stop()

        let opsPerSecond = Double(scale) / catchUp
        let p50 = Measure.percentile(direct, 0.5)
        let relayP50 = Measure.percentile(relayed, 0.5)
        // The ratio needs the ingest scenario's baseline from the same run (`--only ingest,catchup`).
        let ratio = baselineOpsPerSecond.map { Figure("catchup_ratio", opsPerSecond / $0, "x", atLeast: 0.5, note: "to the C-API ingest baseline") }
        return [
            Figure("catchup_s", catchUp, "s", note: "\(scale) contact-field ops, \(changes) changes"),
            Figure("catchup_ops_per_s", opsPerSecond, "ops/s"),
        ] + (ratio.map { [$0] } ?? []) + [
            Figure("catchup_peak_rss_mib", peak ?? .nan, "MiB", atMost: 100, note: "receiver VmHWM"),
            Figure("wire_bytes_per_field_op", Double(wireBytes) / Double(scale), "B", atMost: 25, note: "TLS bytes both ways"),
            Figure("sigterm_during_catchup_exit_ms", shutdown, "ms"),
            Figure("wire_bytes_per_edit", editBytes, "B", atMost: 150, note: "A → B: one-field edit, TLS bytes"),
            Figure("wire_bytes_per_edit_ack", ackBytes, "B", note: "B → A: its acknowledgement"),
            Figure("propagation_p50_ms", p50, "ms", atMost: 20, note: "\(edits) edits, A → B"),
            Figure("propagation_p99_ms", Measure.percentile(direct, 0.99), "ms", atMost: 100),
            Figure("relay_p50_ms", relayP50, "ms", note: "A → B → C"),
            Figure("relay_p99_ms", Measure.percentile(relayed, 0.99), "ms"),
            Figure("relay_over_direct", relayP50 / p50, "x", atMost: 2, note: "p50 over p50"),
        ]
    }

    /// A node told to stop (SIGTERM) while a quarter through catching up: milliseconds until it exited.
    /// It then resumes and finishes, so nothing about the interruption is left unchecked.
    static func sigtermDuringCatchUp(from a: TestNode, port: Int, changes: UInt64) async throws -> Double {
        let d = try TestNode(name: "D")
        try await d.start()
        _ = try await a.client.addPeer(PeerResource(nodeID: d.nodeID, name: "D", address: nil))
        _ = try await d.client.addPeer(PeerResource(nodeID: a.nodeID, name: "A", address: "127.0.0.1:\(port)"))
        try await waitUntil(d, holds: changes / 4, within: .seconds(600))
        let stopStart = ContinuousClock.now
        let status = d.stop()
        let shutdown = Measure.milliseconds(ContinuousClock.now - stopStart)
        guard status == 0 else { throw BenchError("node D exited with status \(status) on SIGTERM") }
        try await d.start()
        try await waitUntil(d, holds: changes, within: .seconds(600))
        d.stop()
        return shutdown
    }

    static func waitUntil(_ node: TestNode, holds changes: UInt64, within limit: Duration) async throws {
        let deadline = ContinuousClock.now + limit
        while try await node.client.status().changes < changes {
            guard ContinuousClock.now < deadline else { throw BenchError("node did not catch up within \(limit)") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Milliseconds from `since` until `client` shows `role` on `contact` (polling its local API).
    static func seen(_ role: String, _ contact: String, _ client: LocalAPIClient, since: ContinuousClock.Instant) async throws -> Double {
        let deadline = since + .seconds(10)
        while ContinuousClock.now < deadline {
            if (try? await client.contact(contact))?.text(ContactSchema.role) == role { return Measure.milliseconds(ContinuousClock.now - since) }
        }
        throw BenchError("\(role) did not arrive within 10 s")
    }
}
