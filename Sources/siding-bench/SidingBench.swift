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
        print("siding-bench: \(options.fieldOperations) field operations, \(options.edits) edits (release build expected)")
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

        let seconds = Double(catchUp.components.seconds) + Double(catchUp.components.attoseconds) / 1e18
        let rows: [(String, String)] = [
            (
                "catch-up of \(options.fieldOperations) field ops (\(changes) changes)",
                String(format: "%.2f s (%.0f ops/s)", seconds, Double(options.fieldOperations) / seconds)
            ),
            (
                "bytes on the wire per field op (TLS, both directions)",
                String(format: "%.1f B (%d B total)", Double(wireBytes) / Double(options.fieldOperations), wireBytes)
            ),
            ("receiver peak RSS (VmHWM of sidingd B)", peak.map { String(format: "%.1f MiB", $0) } ?? "n/a"),
            (
                "SIGTERM during a catch-up: time to exit (status)",
                String(format: "%.0f ms (exit %d), then resumed", milliseconds(shutdown), exitStatus)
            ),
            (
                "propagation A→B p50 / p99 (\(options.edits) edits)",
                String(format: "%.2f ms / %.2f ms", percentile(direct, 0.5), percentile(direct, 0.99))
            ),
            (
                "propagation A→B→C p50 / p99 (through one relay)",
                String(format: "%.2f ms / %.2f ms", percentile(relayed, 0.5), percentile(relayed, 0.99))
            ),
        ]
        let width = rows.map(\.0.count).max() ?? 0
        for (name, value) in rows { print(name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value) }
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

    init(_ arguments: [String]) {
        var rest = arguments.dropFirst()[...]
        while let flag = rest.popFirst() {
            switch flag {
            case "--ops": fieldOperations = Int(rest.popFirst() ?? "") ?? fieldOperations
            case "--edits": edits = Int(rest.popFirst() ?? "") ?? edits
            default: print("unknown option \(flag); options: --ops N --edits N")
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
