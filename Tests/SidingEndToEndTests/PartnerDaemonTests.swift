import Foundation
import SidingAPI
import SidingCore
import SidingTestKit
import Testing

/// Three `sidingd` processes in a line (A–B–C, no A–C link), set up and driven with the `siding` CLI.
@Suite(.serialized) struct PartnerDaemonTests {
    @Test func threeDaemonsInALineConvergeThroughTheCLI() async throws {
        let nodes = try ["A", "B", "C"].map { try TestNode(name: $0) }
        let (a, b, c) = (nodes[0], nodes[1], nodes[2])
        for node in nodes { try await node.start() }
        defer { for node in nodes { node.stop() } }
        // Each daemon bound a free port (listen port 0); B's is where A and C dial.
        let bAddress = try await b.client.node().listen

        #expect(try a.siding("peer", "add", b.nodeID, "--address", bAddress, "--name", "B").status == 0)
        #expect(try b.siding("peer", "add", a.nodeID, "--name", "A").status == 0)
        #expect(try b.siding("peer", "add", c.nodeID, "--name", "C").status == 0)
        #expect(try c.siding("peer", "add", b.nodeID, "--address", bAddress, "--name", "B").status == 0)
        let mistyped = String(c.nodeID.dropLast()) + (c.nodeID.hasSuffix("a") ? "b" : "a")
        let typo = try a.siding("peer", "add", mistyped, "--name", "typo")
        #expect(typo.status != 0 && typo.stderr.contains("not a node ID"))

        let contact = try a.siding("contact", "add", "--name", "Li Wei", "--country", "CN").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let note = try c.siding("note", "add", "--title", "Round 4", "--body", "water").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let synced = try a.siding("sync", "--wait", "--timeout", "30")
        #expect(synced.status == 0, "\(synced.stderr)")
        let syncedC = try c.siding("sync", "--wait", "--timeout", "30")
        let statusC = try c.siding("status").stdout
        #expect(syncedC.status == 0, "\(syncedC.stderr) \(statusC) \(c.logText.suffix(1500))")

        // A's contact reaches C through B, and C's note reaches A.
        #expect(try await eventually { (try? await c.client.contact(contact))?.text(ContactSchema.name) == "Li Wei" })
        #expect(try await eventually { (try? await a.client.note(note))?.text(NoteSchema.title) == "Round 4" })

        let status = try JSONSerialization.jsonObject(with: Data(try b.siding("status", "--json").stdout.utf8)) as? [String: Any]
        #expect(status?["node_id"] as? String == b.nodeID)
        let peers = try #require(status?["peers"] as? [[String: Any]])
        #expect(peers.count == 2)
        for peer in peers {
            // Every documented key is present, unknown ones as null (a script can rely on the shape).
            for key in [
                "node_id", "name", "address", "connected", "last_connected", "last_sync", "last_heard", "last_error", "backoff_seconds",
                "missing_here", "missing_there", "changes_sent", "changes_received", "dial_attempts", "failed_dials", "clock_offset_seconds",
            ] {
                #expect(peer.keys.contains(key), "status lacks \(key)")
            }
            #expect(peer["backoff_seconds"] is NSNull && peer["last_error"] is NSNull)
            #expect(peer["last_heard"] is String)
            #expect(peer["connected"] as? Bool == true)
        }

        // Removing C on B closes that session at once; C's later edits stop reaching A.
        #expect(try b.siding("peer", "remove", c.nodeID).status == 0)
        let again = try b.siding("peer", "remove", c.nodeID)
        #expect(again.status != 0 && again.stderr == "siding: \(c.nodeID) is not a partner of this node; see `siding peer list`\n", "\(again.stderr)")
        #expect(try await eventually { try await c.client.status().peers.first?.connected == false })
        let late = try c.siding("note", "add", "--title", "After removal", "--body", "x").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try await Task.sleep(for: .seconds(1))
        #expect((try? await a.client.note(late)) == nil)
        let behind = try c.siding("sync", "--wait", "--timeout", "2")
        #expect(behind.status != 0 && behind.stderr.contains("B (") && behind.stdout.isEmpty, "\(behind.stdout) \(behind.stderr)")
    }

}
