import Foundation
import SidingAPI
import SidingCore
import SidingStore
import SidingTestKit
import Testing

/// Erasure of records shared with the whole network ([erasure], issue 16; Protocol/CHANGES.md "Erasure
/// of network records"), across real daemons and the CLI: on a line A–B–C (B relays), A erases a network
/// contact and a network note it made while C is offline and while B, cut off from A, edits the contact.
/// Every node ends with no byte of any value in its files and the same logs; a fresh partner D of B
/// catches up on redacted changes that A's order vouches for, and every other change still verifies.
@Suite(.serialized) struct NetworkErasureTests {
    @Test func anErasedNetworkRecordLeavesEveryNodeOfALineAndAFreshNodeCatchesUp() async throws {
        try await ErasureTests.onALine(Self.eraseOnALine)
    }

    static func eraseOnALine(_ cluster: Cluster, _ d: TestNode) async throws {
        var timer = PhaseTimer()
        let (a, b, c) = (cluster.nodes[0], cluster.nodes[1], cluster.nodes[2])
        var random = SystemRandomNumberGenerator()
        let planted = PlantedCanaries(using: &random)
        let contact = try ErasureTests.created(a, planted.contactArguments + ["--circle", "network"])
        let note = try ErasureTests.created(a, planted.noteArguments(participant: contact) + ["--circle", "network"])
        let kept = try ErasureTests.created(
            a, ["note", "add", "--title", "Kept note", "--body", "x", "--participant", contact, "--circle", "network"])
        #expect(
            try await agree([a, b, c]) { try await $0.client.note(kept).members(NoteSchema.participants) == [contact] },
            "the records never reached C")
        timer.lap("setup and first sync")

        for node in [a, b, c] {
            for canary in planted.all { #expect(!(try canary.files(under: node.home)).isEmpty, "\(node.nodeID) lacks \(canary)") }
        }
        // The network has no owner: only the node that made a record may erase it.
        for (kind, id) in [("contact", contact), ("note", note)] {
            let refused = try b.siding(kind, "erase", id, "--yes")
            #expect(refused.status == 1 && refused.stderr.contains("only the node that created it"), "\(refused.stderr)")
        }
        timer.lap("positive control and refusals")

        try await ErasureTests.eraseWhileCIsOfflineAndBEdits(cluster, contact, note, planted)
        timer.lap("partition, erase and concurrent edits")
        #expect(try await agree([a, b]) { _ in true }, "A and B never agreed after the partition")
        try await cluster.restart(2)
        for node in [b, c] { _ = try await node.client.syncNow() }
        #expect(try await agree([a, b, c]) { _ in true }, "C never caught up")
        timer.lap("resync and C back")

        for node in [a, b, c] {
            try await ErasureTests.expectErased(contact, note, planted, on: node, circle: "network", erasedBy: a.nodeID)
            try await ErasureTests.expectKept(kept, naming: contact, planted, on: node)
            #expect(try await node.client.status().unvouched == 0, "\(node.nodeID) holds redactions nothing vouched for")
        }
        let shownDigest = try a.siding("digest").stdout
        for node in [b, c] { #expect(try node.siding("digest").stdout == shownDigest) }

        try await d.start()
        try await b.pair(dialledBy: d, names: ("Node 1", "Node 3"))
        #expect(try await agree([a, b, c, d]) { _ in true }, "D never caught up")
        try await ErasureTests.expectErased(contact, note, planted, on: d, circle: "network", erasedBy: a.nodeID)
        try await ErasureTests.expectKept(kept, naming: contact, planted, on: d)
        #expect(try await d.client.history(contact).count == (try await a.client.history(contact).count), "D holds every operation")
        timer.lap("D caught up")

        await cluster.stop()
        d.stop()
        try expectWholeVouchedLogs([a, b, c, d], erased: [contact, note], erasedBy: a.nodeID)
        print("NetworkErasureTests timings: \(timer.laps)")
    }

    /// With the daemons stopped: every node holds the same network logs, gap-free; every change verifies
    /// against its author's signature or is a redaction that an order held vouches for, or whose every
    /// operation is on an erased record; none is held unvouched.
    static func expectWholeVouchedLogs(_ nodes: [TestNode], erased: [String], erasedBy: String) throws {
        var vectors: [[OriginKey: UInt64]] = []
        var redactions = 0
        for node in nodes {
            let store = try SQLiteStore(path: node.databasePath)
            let circleOf = try store.circleLogIndex().circleOf
            let vector = try store.versionVector().entries.filter { circleOf[$0.key] == nil }
            vectors.append(vector)
            let listed = try store.listedRedactions()
            let erasedHere = try Set(erased.map { try #require(EntityID($0)) })
            for (origin, held) in vector {
                let stored = try store.changes(of: origin, after: 0, limit: Int(held) + 1)
                #expect(stored.count == Int(held), "\(node.nodeID): a gap in \(origin)")
                for bytes in stored {
                    let change = try VerifiedChange(verifying: bytes).change
                    guard change.networkRedaction != nil else { continue }
                    redactions += 1
                    let vouched = listed.contains(ErasureOrder.Listing(change)) || change.operations.allSatisfy { erasedHere.contains($0.entity) }
                    #expect(vouched, "\(node.nodeID): redacted change \(change.seq) of \(origin) is vouched for by nothing")
                }
            }
            #expect(try store.unvouchedCount() == 0, "\(node.nodeID) holds unvouched changes")
            #expect(try store.equivocations().isEmpty)
            for id in erased {
                #expect(try store.write { try $0.erasure(of: try #require(EntityID(id))) }?.erasedBy.description == erasedBy)
            }
        }
        #expect(Set(vectors).count == 1, "the nodes' network logs differ: \(vectors)")
        #expect(redactions >= 4 * 3, "each node holds the creations and B's two edits redacted (\(redactions))")
    }

    /// Waits (bounded) until every node shows the same network digest and `check` holds on each.
    static func agree(_ nodes: [TestNode], _ check: (TestNode) async throws -> Bool) async throws -> Bool {
        try await eventually(60) {
            var digests: Set<DigestResource> = []
            for node in nodes {
                guard (try? await check(node)) == true, let digest = try? await node.client.digest() else { return false }
                digests.insert(digest)
            }
            return digests.count == 1
        }
    }
}
