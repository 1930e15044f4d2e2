import Foundation
import SidingAPI
import SidingCore
import SidingStore
import SidingTestKit
import Testing

/// A member removed while it is cut off from the circle, with real daemons, real sockets and the CLI.
@Suite(.serialized) struct CircleRemovalTests {
    /// X = {A (owner), B, C}, every pair partners. B is partitioned; A removes it; B keeps writing into X;
    /// A and C keep writing too. When the links heal, B's writes past the cut are void at A and C, A and C
    /// agree on X, and B gets nothing of X written after its removal. Re-admitting B starts a new log for
    /// it: its new writes reach A and C, and all three agree on X.
    @Test func aMemberRemovedWhilePartitionedWritesInVainAndIsReadmittedWithANewLog() async throws {
        let cluster = try Cluster(size: 3)
        do {
            try await Self.removeWhilePartitioned(cluster)
        } catch {
            await cluster.stop()
            throw error
        }
    }

    static func removeWhilePartitioned(_ cluster: Cluster) async throws {
        try await cluster.start()
        let (a, b, c) = (cluster.nodes[0], cluster.nodes[1], cluster.nodes[2])
        try await cluster.link(0, 1, seed: 1)
        try await cluster.link(0, 2, seed: 2)
        try await cluster.link(1, 2, seed: 3)
        let circle = try CircleCommandTests.created(a, "circle", "create", "Frontier", "--member", b.nodeID, "--member", c.nodeID)
        let shared = try CircleCommandTests.created(a, "contact", "add", "--name", "Li Wei", "--circle", circle)
        for node in [b, c] {
            #expect(try await eventually(30) { try node.siding("circle", "show", circle).status == 0 }, "the admission never reached a member")
        }
        let early = try CircleCommandTests.created(b, "contact", "add", "--name", "Before the cut", "--circle", circle)
        #expect(try await Self.agree(on: circle, [a, b, c]) { $0.count == 2 }, "X never reached every member")

        // B is cut off from A and C (both links black-holed, the open sessions dropped).
        let bLinks = cluster.links.filter { $0.dialer == 1 || $0.listener == 1 }
        for link in bLinks {
            link.proxy.set(.partition)
            link.proxy.cut()
        }
        #expect(try await eventually(30) { try await b.client.status().peers.allSatisfy { !$0.connected } })
        for node in [a, c] {
            #expect(try await eventually(30) { try await node.client.status().peers.first { $0.nodeID == b.nodeID }?.connected == false })
        }

        let removed = try a.siding("circle", "remove", circle, b.nodeID)
        #expect(removed.status == 0, "\(removed.stderr)")
        // C stops sending X to B once the removal reaches it (A's barrier covers A's sessions only).
        #expect(
            try await eventually(30) {
                let shown = try CircleCommandTests.decode(CircleDetailResource.self, try c.siding("circle", "show", circle, "--json"))
                return !shown.memberList.contains { $0.nodeID == b.nodeID }
            }, "the removal never reached C")
        // A and C go on in X: B must never receive these.
        #expect(try a.siding("contact", "set", shared, "role=Professor").status == 0)
        let fromC = try CircleCommandTests.created(c, "contact", "add", "--name", "Written by C after the removal", "--circle", circle)
        // B, unaware, keeps writing into X: an edit of A's record, of its own, and a new record.
        #expect(try b.siding("contact", "set", shared, "organization=Written by B after the cut").status == 0)
        #expect(try b.siding("contact", "set", early, "role=Edited by B after the cut").status == 0)
        let late = try CircleCommandTests.created(b, "contact", "add", "--name", "Written by B after the cut", "--circle", circle)
        // A network record written after the removal: once B holds it, the healed links have carried what they may.
        let marker = try CircleCommandTests.created(a, "contact", "add", "--name", "Network marker", "--circle", "network")

        for link in bLinks {
            link.proxy.set(.none)
            link.proxy.cut()
        }
        for node in [a, b, c] { _ = try await node.client.syncNow() }
        #expect(try await eventually(60) { try await b.client.contacts(circle: "network").contains { $0.id == marker } })
        #expect(
            try await eventually(60) {
                let peers = try await b.client.status().peers
                return peers.count == 2 && peers.allSatisfy { $0.connected && $0.missingThere == 0 }
            }, "B's sessions with A and C came back and sent what B holds")

        // B's writes past the cut are void at A and C, which agree on X.
        #expect(try await Self.agree(on: circle, [a, c]) { $0.count == 3 })
        for node in [a, c] {
            let records = try await node.client.contacts(circle: circle)
            #expect(!records.contains { $0.id == late }, "B's record written after the cut reached \(node.nodeID)")
            #expect(records.first { $0.id == shared }.map { $0.text(ContactSchema.organization) } == "")
            #expect(records.first { $0.id == shared }.map { $0.text(ContactSchema.role) } == "Professor")
            #expect(records.first { $0.id == early }.map { $0.text(ContactSchema.role) } == "", "B's edit after the cut counted")
            #expect(records.contains { $0.id == fromC })
        }
        #expect(try a.siding("digest", "--circle", circle).stdout == (try c.siding("digest", "--circle", circle).stdout))
        // B holds nothing of X that A and C wrote after the removal.
        let onB = try await b.client.contacts(circle: circle)
        #expect(!onB.contains { $0.id == fromC }, "C's record written after the removal reached B")
        #expect(onB.first { $0.id == shared }.map { $0.text(ContactSchema.role) } == "", "A's edit after the removal reached B")

        // Re-admission: B learns of its cut, its void writes leave its own view too, and its new log counts.
        let readmitted = try a.siding("circle", "add", circle, b.nodeID)
        #expect(readmitted.status == 0, "\(readmitted.stderr)")
        #expect(
            try await eventually(60) {
                try await b.client.contacts(circle: circle).contains { $0.id == fromC && !$0.deleted }
            }, "B, re-admitted, never received X")
        let after = try await Self.eventuallyCreated(b, "Written by B after re-admission", in: circle)
        #expect(try await Self.agree(on: circle, [a, b, c]) { records in records.count == 4 && records.contains { $0.id == after } })
        for node in [a, b, c] {
            let records = try await node.client.contacts(circle: circle)
            #expect(!records.contains { $0.id == late }, "\(node.nodeID) holds B's void record")
            #expect(records.first { $0.id == shared }.map { $0.text(ContactSchema.organization) } == "")
        }
        await cluster.stop()
        let circleID = try #require(CircleID(circle))
        let bID = try #require(NodeID(b.nodeID))
        for node in [a, b, c] {
            let store = try SQLiteStore(path: node.databasePath)
            let tenures = try store.membership(of: circleID).tenures[bID] ?? []
            #expect(tenures.count == 2 && tenures[0].cut != nil && tenures[1].cut == nil && tenures[0].epoch != tenures[1].epoch)
            #expect(try store.equivocations().isEmpty)
        }
    }

    /// Waits (bounded) until every node holds the same digest of `circle` and its records satisfy `check`.
    static func agree(on circle: String, _ nodes: [TestNode], _ check: ([ContactResource]) -> Bool) async throws -> Bool {
        try await eventually(60) {
            var digests: [DigestResource] = []
            for node in nodes {
                guard check(try await node.client.contacts(circle: circle)) else { return false }
                digests.append(try await node.client.digest(circle: circle))
            }
            return Set(digests).count == 1
        }
    }

    /// Adds a contact in `circle` at `node` once the node accepts it (a re-admitted member writes only once
    /// the owner's admission has reached it); its ID.
    static func eventuallyCreated(_ node: TestNode, _ name: String, in circle: String) async throws -> String {
        var id = ""
        _ = try await eventually(60) {
            let result = try node.siding("contact", "add", "--name", name, "--circle", circle)
            id = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            return result.status == 0
        }
        return id
    }
}
