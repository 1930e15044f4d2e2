import Foundation
import SidingAPI
import SidingCore
import SidingStore
import SidingTestKit
import Testing

/// Erasure across real daemons, real sockets and the CLI ([erasure], issue 16): on a line A–B–C (B
/// relays; A and C are not partners) in circle X = {A, B, C} owned by A, A erases a contact and a note
/// while C is offline and while B, cut off from A, edits the contact. Every node that holds them ends
/// with no byte of any value in its files and the same logs, and a fresh member D that catches up
/// through B accepts every redacted change.
@Suite(.serialized) struct ErasureTests {
    @Test func anErasedRecordLeavesEveryNodeOfALineAndTheLogsStayWhole() async throws {
        try await Self.onALine(Self.eraseOnALine)
    }

    /// Runs `body` on a started line A–B–C (B relays; A and C are not partners) and a node D for later,
    /// stopping them all if it throws.
    static func onALine(_ body: (Cluster, TestNode) async throws -> Void) async throws {
        let cluster = try Cluster(size: 3)
        let fresh = try TestNode(name: "Node 3")
        do {
            try await cluster.start()
            try await cluster.link(0, 1, seed: 1)
            try await cluster.link(1, 2, seed: 2)
            try await body(cluster, fresh)
        } catch {
            await cluster.stop()
            fresh.stop()
            throw error
        }
    }

    static func eraseOnALine(_ cluster: Cluster, _ d: TestNode) async throws {
        var timer = PhaseTimer()
        let (a, b, c) = (cluster.nodes[0], cluster.nodes[1], cluster.nodes[2])
        let circle = try created(a, "circle", "create", "Frontier", "--member", b.nodeID, "--member", c.nodeID)
        var random = SystemRandomNumberGenerator()
        let planted = PlantedCanaries(using: &random)
        let contact = try created(a, planted.contactArguments + ["--circle", circle])
        let note = try created(a, planted.noteArguments(participant: contact) + ["--circle", circle])
        // A note that names the contact and is not erased: it keeps its own values, and nothing of the contact's.
        let kept = try created(a, "note", "add", "--title", "Kept note", "--body", "x", "--participant", contact, "--circle", circle)
        #expect(
            try await agree(on: circle, [a, b, c]) { try await $0.client.note(kept).members(NoteSchema.participants) == [contact] },
            "X never reached C")
        timer.lap("setup and first sync")

        // Positive control: every node's files hold every canary, and search finds them.
        for node in [a, b, c] {
            for canary in planted.all { #expect(!(try canary.files(under: node.home)).isEmpty, "\(node.nodeID) lacks \(canary)") }
            #expect(try await node.client.search(planted.name.value).map(\.id).contains(contact))
            #expect(try await node.client.search(planted.body.value).map(\.id) == [note])
        }

        // Only the record's creator or X's owner may erase it.
        for (kind, id) in [("contact", contact), ("note", note)] {
            let refused = try b.siding(kind, "erase", id, "--yes")
            #expect(refused.status == 1 && refused.stderr.contains("only the node that created this record"), "\(refused.stderr)")
        }
        timer.lap("positive control and refusals")

        try await eraseWhileCIsOfflineAndBEdits(cluster, contact, note, planted)
        timer.lap("partition, erase and concurrent edits")
        #expect(try await agree(on: circle, [a, b]) { _ in true }, "A and B never agreed on X after the partition")
        timer.lap("A–B resync")
        try await cluster.restart(2)
        for node in [b, c] { _ = try await node.client.syncNow() }
        #expect(try await agree(on: circle, [a, b, c]) { _ in true }, "C never caught up with X")
        timer.lap("C back and caught up")

        for node in [a, b, c] {
            try await expectErased(contact, note, planted, on: node, circle: circle, erasedBy: a.nodeID)
            try await expectKept(kept, naming: contact, planted, on: node)
        }
        let shownDigest = try a.siding("digest", "--circle", circle).stdout
        for node in [b, c] { #expect(try node.siding("digest", "--circle", circle).stdout == shownDigest) }
        let bEdit = try b.siding("contact", "set", contact, "role=After the fact")
        #expect(bEdit.status == 1 && bEdit.stderr.contains("was erased"), "an erased record refuses further edits: \(bEdit.stderr)")
        timer.lap("checks on A, B and C")

        // D, a partner of B only, is admitted to X and catches up through B on redacted changes.
        try await d.start()
        try await b.pair(dialledBy: d, names: ("Node 1", "Node 3"))
        let admitted = try a.siding("circle", "add", circle, d.nodeID)
        #expect(admitted.status == 0, "\(admitted.stderr)")
        #expect(try await agree(on: circle, [a, b, c, d]) { _ in true }, "D never caught up with X")
        timer.lap("D admitted and caught up")
        try await expectErased(contact, note, planted, on: d, circle: circle, erasedBy: a.nodeID)
        try await expectKept(kept, naming: contact, planted, on: d)
        #expect(try await d.client.history(contact).count == (try await a.client.history(contact).count), "D holds every operation")

        await cluster.stop()
        d.stop()
        try expectWholeVerifiedLogs([a, b, c, d], circle: circle, erased: [contact, note], erasedBy: a.nodeID)
        timer.lap("stores verified")
        print("ErasureTests timings: \(timer.laps)")
    }

    /// C goes offline; A and B are cut off from each other (black-holed, open sessions dropped); B edits
    /// the contact before and after A erases it and the note, knowing nothing of it; then A and B reconnect.
    static func eraseWhileCIsOfflineAndBEdits(_ cluster: Cluster, _ contact: String, _ note: String, _ planted: PlantedCanaries) async throws {
        let (a, b, c) = (cluster.nodes[0], cluster.nodes[1], cluster.nodes[2])
        c.stop()
        let ab = cluster.links[0]
        ab.proxy.set(.partition)
        ab.proxy.cut()
        #expect(try await eventually(30) { try await a.client.status().peers.allSatisfy { !$0.connected } })
        #expect(try await eventually(30) { try await b.client.status().peers.allSatisfy { !$0.connected } })
        #expect(try b.siding("contact", "set", contact, "role=\(planted.raceBefore.value)").status == 0)
        for (kind, id) in [("contact", contact), ("note", note)] {
            let erased = try a.siding(kind, "erase", id, "--yes")
            #expect(erased.status == 0 && erased.stdout.contains(id), "\(erased.stdout) \(erased.stderr)")
        }
        #expect(try b.siding("contact", "set", contact, "tags+=\(planted.raceAfter.value)").status == 0)
        for canary in planted.all { #expect(try canary.files(under: a.home).isEmpty, "A still holds \(canary) right after its erase") }
        for canary in planted.race { #expect(!(try canary.files(under: b.home)).isEmpty, "positive control: B holds its edit \(canary)") }
        let refusedEdit = try a.siding("contact", "set", contact, "role=Anything")
        #expect(refusedEdit.status == 1 && refusedEdit.stderr.contains("was erased"), "\(refusedEdit.stderr)")
        ab.proxy.set(.none)
        ab.proxy.cut()
        for node in [a, b] { _ = try await node.client.syncNow() }
    }

    /// What must hold on `node` once it has the erasure: nothing of any value in its files, its view, its
    /// search or its history; the records listed as erased by `erasedBy`; its partners in step.
    static func expectErased(
        _ contact: String, _ note: String, _ planted: PlantedCanaries, on node: TestNode, circle: String, erasedBy: String
    ) async throws {
        for canary in planted.all + planted.race {
            // The whole directory: the home (database, WAL, shared-memory index) and the daemon's log.
            #expect(try canary.files(under: node.directory.path).isEmpty, "\(node.nodeID) still holds \(canary)")
            #expect(try await node.client.search(canary.value).isEmpty, "\(node.nodeID) finds \(canary)")
        }
        for (kind, id) in [("contact", contact), ("note", note)] {
            let listed = try erasedIDs(kind, on: node)
            #expect(listed[id] == erasedBy, "\(node.nodeID): `\(kind) list --erased` shows \(listed)")
            for command in [[kind, "show", id], ["history", id], [kind, "show", id, "--json"], ["history", id, "--json"]] {
                let shown = try node.sidingArguments(command)
                #expect(shown.status == 0 && shown.stdout.contains("erased"), "\(command): \(shown.stdout) \(shown.stderr)")
                for canary in planted.all + planted.race {
                    #expect(!shown.stdout.contains(canary.needle), "\(node.nodeID): \(command) shows \(canary)")
                }
            }
        }
        let status = try await node.client.status()
        #expect(status.equivocations.isEmpty)
        #expect(try await eventually(30) { try await node.client.status().peers.allSatisfy { !$0.connected || $0.inStep } })
    }

    /// The note that names the erased contact keeps its values and shows nothing of the contact's.
    static func expectKept(_ kept: String, naming contact: String, _ planted: PlantedCanaries, on node: TestNode) async throws {
        let resource = try await node.client.note(kept)
        #expect(resource.text(NoteSchema.title) == "Kept note" && resource.members(NoteSchema.participants) == [contact] && !resource.deleted)
        for command in [["note", "show", kept], ["note", "show", kept, "--json"]] {
            let shown = try node.sidingArguments(command)
            #expect(shown.status == 0 && shown.stdout.contains("Kept note"), "\(shown.stderr)")
            for canary in planted.all { #expect(!shown.stdout.contains(canary.needle), "\(node.nodeID): \(command) shows \(canary)") }
        }
    }

    /// Each erased record's ID → the node that erased it, from `KIND list --erased --json`.
    static func erasedIDs(_ kind: String, on node: TestNode) throws -> [String: String] {
        let listed = try node.siding(kind, "list", "--erased", "--json")
        #expect(listed.status == 0, "\(listed.stderr)")
        let rows = (try? JSONSerialization.jsonObject(with: Data(listed.stdout.utf8))) as? [[String: Any]] ?? []
        return Dictionary(rows.compactMap { row in (row["id"] as? String).map { ($0, row["erased_by"] as? String ?? "") } }) { $1 }
    }

    /// With the daemons stopped: every node holds the same logs, gap-free, every stored change verifies
    /// against its author's signature, no fork was seen, and each record's erasure names `erasedBy`.
    static func expectWholeVerifiedLogs(_ nodes: [TestNode], circle text: String, erased: [String], erasedBy: String) throws {
        let circle = try #require(CircleID(text))
        var vectors: [[OriginKey: UInt64]] = []
        for node in nodes {
            let store = try SQLiteStore(path: node.databasePath)
            let vector = try store.versionVector()
            // X's logs and the network's (every node holds these); each node's own partners circle differs.
            let circleOf = try store.circleLogIndex().circleOf
            vectors.append(vector.entries.filter { circleOf[$0.key] == circle || circleOf[$0.key] == nil })
            for (origin, held) in vector.entries {
                let stored = try store.changes(of: origin, after: 0, limit: Int(held) + 1)
                #expect(stored.count == Int(held), "\(node.nodeID): a gap in \(origin)")
                for (offset, bytes) in stored.enumerated() {
                    let verified = try VerifiedChange(verifying: bytes)
                    #expect(verified.change.seq == UInt64(offset + 1))
                }
            }
            #expect(try store.equivocations().isEmpty)
            for id in erased {
                let record = try #require(EntityID(id))
                #expect(try store.write { try $0.erasure(of: record) }?.erasedBy.description == erasedBy)
            }
        }
        #expect(Set(vectors).count == 1 && vectors.first?.count ?? 0 >= 2, "the nodes' logs of X and the network differ: \(vectors)")
    }

    /// Waits (bounded) until every node holds the same digest of `circle` (its view and its logs' vector)
    /// and `check` holds on each.
    static func agree(on circle: String, _ nodes: [TestNode], _ check: (TestNode) async throws -> Bool) async throws -> Bool {
        try await eventually(60) {
            var digests: Set<DigestResource> = []
            for node in nodes {
                guard (try? await check(node)) == true, let digest = try? await node.client.digest(circle: circle) else { return false }
                digests.insert(digest)
            }
            return digests.count == 1
        }
    }

    static func created(_ node: TestNode, _ arguments: String...) throws -> String { try created(node, arguments) }

    static func created(_ node: TestNode, _ arguments: [String]) throws -> String {
        let result = try node.sidingArguments(arguments)
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A canary in every field of a contact and of a note that names it, and the two B writes during the
/// partition.
struct PlantedCanaries {
    let name, organization, role, bio, tag, email, phone: Canary
    let title, body, noteTag: Canary
    let raceBefore, raceAfter: Canary

    init(using random: inout some RandomNumberGenerator) {
        name = Canary("name", using: &random)
        organization = Canary("org", using: &random)
        role = Canary("role", using: &random)
        bio = Canary("bio", using: &random)
        tag = Canary("tag", using: &random)
        email = Canary("email", suffix: "@example.org", using: &random)
        phone = Canary.phone(using: &random)
        title = Canary("title", using: &random)
        body = Canary("body", using: &random)
        noteTag = Canary("ntag", using: &random)
        raceBefore = Canary("racerole", using: &random)
        raceAfter = Canary("xrace", using: &random)
    }

    var all: [Canary] { [name, organization, role, bio, tag, email, phone, title, body, noteTag] }
    var race: [Canary] { [raceBefore, raceAfter] }

    var contactArguments: [String] {
        [
            "contact", "add", "--name", name.value, "--org", organization.value, "--role", role.value, "--bio", "Bio: \(bio.value).",
            "--tag", tag.value, "--email", email.value, "--phone", phone.value,
        ]
    }

    func noteArguments(participant: String) -> [String] {
        ["note", "add", "--title", title.value, "--body", "Met them; \(body.value) said so.", "--tag", noteTag.value, "--participant", participant]
    }
}

/// Wall-clock durations of a test's phases, for the report.
struct PhaseTimer {
    private var last = ContinuousClock.now
    private(set) var laps: [String] = []

    mutating func lap(_ name: String) {
        let now = ContinuousClock.now
        laps.append("\(name) \(now - last)")
        last = now
    }
}
