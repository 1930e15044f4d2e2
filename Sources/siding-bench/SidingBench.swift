import Crypto
import Foundation
import SidingAPI
import SidingCore
import SidingStore
import SidingTestKit

/// Sync figures against real `sidingd` processes on loopback TLS: a fresh node catching up N field
/// operations (time, bytes on the wire, peak memory of the receiver) and one-edit propagation to a live
/// partner and through a relay. Run in release: `swift build -c release && .build/release/siding-bench`.
@main
enum SidingBench {
    static func main() async throws {
        let options = Options(CommandLine.arguments)
        if !options.json {
            print("siding-bench: \(options.fieldOperations) field operations, \(options.edits) edits (release build expected)")
        }
        let scratch = TemporaryDirectory("bench")
        let ingest = try IngestBench.run(fieldOperations: options.fieldOperations, in: scratch)
        if options.only == "ingest" {
            print(ingest)
            return
        }
        let a = try TestNode(name: "A")
        let b = try TestNode(name: "B")
        let c = try TestNode(name: "C")
        let changes = try Population.fill(a, fieldOperations: options.fieldOperations)

        try await a.start()
        try await b.start()
        let aPort = try port(of: try await a.client.node().listen)
        let proxy = FaultyProxy()
        try await proxy.start(targetPort: aPort)
        _ = try await a.client.addPeer(PeerResource(nodeID: b.nodeID, name: "B", address: nil))
        let start = ContinuousClock.now
        _ = try await b.client.addPeer(PeerResource(nodeID: a.nodeID, name: "A", address: "127.0.0.1:\(proxy.port)"))
        while try await b.client.status().changes < changes { try await Task.sleep(for: .milliseconds(5)) }
        let catchUp = ContinuousClock.now - start
        let wireBytes = proxy.bytesDownstream + proxy.bytesUpstream
        let peak = b.peakRSSMiB

        // SIGTERM to a node in the middle of catching up: how long until it exited, then resume.
        let d = try TestNode(name: "D")
        try await d.start()
        _ = try await a.client.addPeer(PeerResource(nodeID: d.nodeID, name: "D", address: nil))
        _ = try await d.client.addPeer(PeerResource(nodeID: a.nodeID, name: "A", address: "127.0.0.1:\(aPort)"))
        while try await d.client.status().changes < changes / 4 { try await Task.sleep(for: .milliseconds(5)) }
        let stopStart = ContinuousClock.now
        let exitStatus = d.stop()
        let shutdown = ContinuousClock.now - stopStart
        try await d.start()
        while try await d.client.status().changes < changes { try await Task.sleep(for: .milliseconds(5)) }
        d.stop()

        try await c.start()
        let bAddress = try await b.client.node().listen
        _ = try await b.client.addPeer(PeerResource(nodeID: c.nodeID, name: "C", address: nil))
        _ = try await c.client.addPeer(PeerResource(nodeID: b.nodeID, name: "B", address: bAddress))
        let contact = try await a.client.create(.contacts, CreateRequest(set: ["name": "Propagation probe"])).id
        while (try? await c.client.contact(contact)) == nil { try await Task.sleep(for: .milliseconds(5)) }

        var direct: [Double] = []
        var relayed: [Double] = []
        for edit in 0..<options.edits {
            let role = "role \(edit)"
            _ = try await a.client.edit(.contacts, id: contact, EditRequest(set: ["role": role]))
            let committed = ContinuousClock.now
            async let onB = seen(role, contact, b.client, since: committed)
            async let onC = seen(role, contact, c.client, since: committed)
            direct.append(try await onB)
            relayed.append(try await onC)
        }
        for node in [a, b, c] { node.stop() }
        await proxy.stop()

        let catchUpSeconds = IngestBench.seconds(catchUp)
        let catchUpOpsPerSecond = Double(options.fieldOperations) / catchUpSeconds
        let (p50, p99) = (percentile(direct, 0.5), percentile(direct, 0.99))
        let relayP50 = percentile(relayed, 0.5)
        let figures = [
            Figure("ingest_store_ops_per_s", ingest.storeOpsPerSecond, "ops/s"),
            Figure("ingest_baseline_ops_per_s", ingest.baselineOpsPerSecond, "ops/s"),
            Figure("ingest_ratio", ingest.storeOpsPerSecond / ingest.baselineOpsPerSecond, "x", atLeast: 0.8),
            Figure("catchup_s", catchUpSeconds, "s"),
            Figure("catchup_ratio", catchUpOpsPerSecond / ingest.baselineOpsPerSecond, "x", atLeast: 0.5),
            Figure("catchup_peak_rss_mib", peak ?? .nan, "MiB", atMost: 100),
            Figure("wire_bytes_per_field_op", Double(wireBytes) / Double(options.fieldOperations), "B", atMost: 25),
            Figure("sigterm_during_catchup_exit_ms", milliseconds(shutdown), "ms", note: "exit status \(exitStatus)"),
            Figure("propagation_p50_ms", p50, "ms", atMost: 20),
            Figure("propagation_p99_ms", p99, "ms", atMost: 100),
            Figure("relay_p50_ms", relayP50, "ms"),
            Figure("relay_over_direct", relayP50 / p50, "x", atMost: 2),
        ]
        if options.json {
            print(try Figure.json(figures))
        } else {
            print(Figure.table(figures))
        }
    }

    /// Milliseconds from `since` until `client` shows `role` on `contact` (polling its local API).
    static func seen(_ role: String, _ contact: String, _ client: LocalAPIClient, since: ContinuousClock.Instant) async throws -> Double {
        let deadline = since + .seconds(10)
        while ContinuousClock.now < deadline {
            if (try? await client.contact(contact))?.role == role {
                let elapsed = ContinuousClock.now - since
                return Double(elapsed.components.seconds) * 1_000 + Double(elapsed.components.attoseconds) / 1e15
            }
        }
        throw BenchError("\(role) did not arrive within 10 s")
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1_000 + Double(duration.components.attoseconds) / 1e15
    }

    static func percentile(_ values: [Double], _ fraction: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.down)))]
    }

    static func port(of address: String) throws -> Int {
        guard let text = address.split(separator: ":").last, let port = Int(text) else { throw BenchError("bad address \(address)") }
        return port
    }
}

struct Options {
    var fieldOperations = 100_000
    var edits = 500
    var json = false
    var only: String?

    init(_ arguments: [String]) {
        var rest = arguments.dropFirst()[...]
        while let flag = rest.popFirst() {
            switch flag {
            case "--ops": fieldOperations = Int(rest.popFirst() ?? "") ?? fieldOperations
            case "--edits": edits = Int(rest.popFirst() ?? "") ?? edits
            case "--json": json = true
            case "--only": only = rest.popFirst()
            default: print("unknown option \(flag); options: --ops N --edits N --json")
            }
        }
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Writes a realistic history into a node's database before its daemon starts: contacts of 8 field
/// operations each (5 registers, 2 tags, an e-mail), signed with the node's own key.
