import Foundation
import SidingAPI
import SidingCore
import SidingTestKit
import Testing

/// People, not IDs: records named by ID prefix or name, names beside IDs, deleted records listed and
/// restored, tags that ignore case, real country codes and limits in characters — through the `siding`
/// CLI against a real daemon.
@Suite(.serialized) struct PeopleTests {
    @Test func recordsAreNamedByIDPrefixOrByName() async throws {
        let node = try TestNode(name: "Geneva Centre")
        try await node.start()
        defer { node.stop() }
        let li = try Self.created(node, "contact", "add", "--name", "Li Wei", "--org", "Tsinghua University")
        let priya = try Self.created(node, "contact", "add", "--name", "Priya Raman", "--org", "ORF")
        let prefix = try #require(try Self.uniquePrefix(of: priya, among: [li, priya]))

        // A note names its participants by name (any case) and by ID prefix.
        let note = try Self.created(
            node, "note", "add", "--title", "Frontier dialogue, round 3", "--date", "2026-10-02", "--participant", "li wei",
            "--participant", prefix, "--body", "Water sharing.")
        let participants = try JSONDecoder().decode(NoteResource.self, from: Data(try node.siding("note", "show", note, "--json").stdout.utf8))
        #expect(Set(participants.members(NoteSchema.participants)) == [li, priya])
        #expect(participants.names == [li: "Li Wei", priya: "Priya Raman"])
        let shownNote = try node.siding("note", "show", String(note.prefix(6)))
        #expect(
            shownNote.status == 0 && shownNote.stdout.contains("Li Wei (\(li))") && shownNote.stdout.contains("Priya Raman (\(priya))"),
            "\(shownNote)")

        // A contact is shown by name, with the notes the person took part in.
        let shown = try node.siding("contact", "show", "LI WEI")
        #expect(shown.status == 0 && shown.stdout.contains(li) && shown.stdout.contains("Frontier dialogue, round 3"), "\(shown)")
        #expect(try node.siding("contact", "set", prefix, "role=Fellow").status == 0)
        #expect(try node.siding("note", "list", "--participant", "Priya Raman", "--json").stdout.contains(note))
        let history = try node.siding("history", "Priya Raman")
        #expect(history.status == 0 && history.stdout.contains("Geneva Centre") && history.stdout.contains("Fellow"), "\(history)")
        let noteHistory = try node.siding("history", note, "--json")
        let items = try JSONDecoder().decode([HistoryItem].self, from: Data(noteHistory.stdout.utf8))
        #expect(items.contains { $0.field == "participants" && $0.value == li && $0.valueName == "Li Wei" && $0.nodeName == "Geneva Centre" })

        // A second Li Wei makes the name ambiguous: the candidates are listed, nothing is guessed.
        let other = try Self.created(node, "contact", "add", "--name", "Li Wei", "--org", "Peking University")
        for arguments in [["contact", "show", "Li Wei"], ["note", "add", "--title", "T", "--participant", "Li Wei", "--body", "b"]] {
            let ambiguous = try node.sidingArguments(arguments)
            #expect(ambiguous.status != 0, "\(arguments)")
            for expected in [li, other, "Tsinghua University", "Peking University", "longer ID prefix"] {
                #expect(ambiguous.stderr.contains(expected), "\(arguments): \(ambiguous.stderr)")
            }
        }
        // Names travel in the URL path: "/" and "%" in them are still one name, decoded once.
        let slashed = try Self.created(node, "contact", "add", "--name", "Ana/Maria %41")
        let shownSlashed = try node.siding("contact", "show", "ana/maria %41")
        #expect(shownSlashed.status == 0 && shownSlashed.stdout.contains(slashed), "\(shownSlashed)")
        let shortPrefix = try node.siding("contact", "show", "c_")
        #expect(shortPrefix.status != 0 && shortPrefix.stderr.contains("matches 4 contacts"), "\(shortPrefix.stderr)")
        let nobody = try node.siding("contact", "show", "Nobody Here")
        #expect(nobody.status != 0 && nobody.stderr.contains("is not an ID, ID prefix or name"), "\(nobody.stderr)")
        let wrongKind = try node.siding("contact", "show", String(note.prefix(5)))
        #expect(wrongKind.status != 0 && wrongKind.stderr.contains("not a contact"), "\(wrongKind.stderr)")
        #expect(try await node.client.notes().count == 1, "a refused command must change nothing")
    }

    @Test func deletedRecordsAreListedAndRestored() async throws {
        let node = try TestNode()
        try await node.start()
        defer { node.stop() }
        let contact = try Self.created(node, "contact", "add", "--name", "Ayesha Siddiqa")
        let note = try Self.created(node, "note", "add", "--title", "Round 9", "--body", "text")
        #expect(try node.siding("contact", "delete", "Ayesha Siddiqa").status == 0)
        #expect(try node.siding("note", "delete", note).status == 0)

        #expect(!(try node.siding("contact", "list").stdout.contains(contact)))
        let deleted = try node.siding("contact", "list", "--deleted")
        #expect(deleted.status == 0 && deleted.stdout.contains(contact) && deleted.stdout.contains("Ayesha Siddiqa"))
        #expect(try node.siding("note", "list", "--deleted", "--json").stdout.contains(note))
        let blocked = try node.siding("contact", "set", contact, "role=Author")
        #expect(blocked.status != 0 && blocked.stderr.contains("deleted"))

        // Restored by name (only deleted records are looked at) and by ID.
        let restored = try node.siding("contact", "restore", "ayesha siddiqa")
        #expect(restored.status == 0 && restored.stdout.contains(contact), "\(restored)")
        #expect(try node.siding("note", "restore", note).status == 0)
        #expect(try node.siding("contact", "list").stdout.contains(contact))
        #expect(!(try node.siding("contact", "list", "--deleted").stdout.contains(contact)))
        #expect(try node.siding("note", "list", "--json").stdout.contains(note))
        #expect(try node.siding("contact", "set", contact, "role=Author").status == 0)
        let again = try node.siding("contact", "restore", contact)
        #expect(again.status == 0 && again.stdout.contains("no change"))
        let history = try JSONDecoder().decode([HistoryItem].self, from: Data(try node.siding("history", contact, "--json").stdout.utf8))
        #expect(history.filter { $0.field == EntityState.deletedField }.map(\.value) == ["true", "false"])
    }

    @Test func aRestoreMeetsAConcurrentDeleteAsAConflict() async throws {
        let pair = try await Pair.started()
        defer { pair.stop() }
        let (a, b) = (pair.a, pair.b)
        let contact = try Self.created(a, "contact", "add", "--name", "Sergei Karaganov")
        try await pair.link()
        #expect(try await eventually { (try? await b.client.contact(contact)) != nil })
        #expect(try a.siding("contact", "delete", contact).status == 0)
        #expect(try await eventually { (try? await b.client.contact(contact))?.deleted == true })

        // Apart: A restores the contact and deletes it again, while B restores it.
        try await pair.apart(
            { () throws in
                #expect(try a.siding("contact", "restore", contact).status == 0)
                #expect(try a.siding("contact", "delete", contact).status == 0)
            },
            { () throws in #expect(try b.siding("contact", "restore", contact).status == 0) })
        #expect(try await pair.inStep(), "the nodes did not converge")

        for node in [a, b] {
            let shown = try JSONDecoder().decode(ContactResource.self, from: Data(try node.siding("contact", "show", contact, "--json").stdout.utf8))
            #expect(shown.deleted && shown.conflicts == [EntityState.deletedField], "the delete must stay in force, as a conflict")
            #expect(try node.siding("contact", "list", "--deleted").stdout.contains(contact))
        }
        let conflicts = try b.siding("conflicts")
        #expect(conflicts.status == 0)
        for expected in [contact, "Sergei Karaganov", "deleted", "restored", "Alpha", "Bravo", "siding contact restore \(contact)"] {
            #expect(conflicts.stdout.contains(expected), "conflicts lacks \(expected): \(conflicts.stdout)")
        }
        let items = try JSONDecoder().decode([ConflictItem].self, from: Data(try b.siding("conflicts", "--json").stdout.utf8))
        #expect(items.count == 1 && items[0].values.map(\.value) == ["true", "false"] && items[0].title == "Sergei Karaganov")
        #expect(Set(items[0].values.compactMap(\.nodeName)) == ["Alpha", "Bravo"])

        // Restoring again settles it everywhere.
        #expect(try b.siding("contact", "restore", contact).status == 0)
        #expect(try await eventually { (try? await a.client.contact(contact)).map { !$0.deleted && $0.conflicts.isEmpty } == true })
    }

    @Test func tagsIgnoreCaseCountriesAreRealAndLimitsCountCharacters() async throws {
        let node = try TestNode()
        try await node.start()
        defer { node.stop() }
        let contact = try Self.created(node, "contact", "add", "--name", "Ali Nasr", "--tag", "Water", "--country", "eg")
        let unchanged = try node.siding("contact", "tag", contact, "--add", "water")
        #expect(unchanged.status == 0 && unchanged.stdout.contains("no change"), "\(unchanged)")
        #expect(try node.siding("contact", "set", contact, "tags+=WATER").stdout.contains("no change"))
        #expect(try node.siding("contact", "list", "--tag", "WATER", "--json").stdout.contains(contact))
        let shown = try JSONDecoder().decode(ContactResource.self, from: Data(try node.siding("contact", "show", contact, "--json").stdout.utf8))
        #expect(shown.members(ContactSchema.tags) == ["Water"] && shown.text(ContactSchema.country) == "EG")
        #expect(try node.siding("contact", "tag", contact, "--remove", "water").status == 0)
        #expect(try await node.client.contact(contact).members(ContactSchema.tags).isEmpty)
        let note = try Self.created(node, "note", "add", "--title", "Nile talks", "--tag", "Rivers", "--body", "b")
        #expect(try node.siding("note", "list", "--tag", "rivers", "--json").stdout.contains(note))

        let uk = try node.siding("contact", "add", "--name", "Jonathan Powell", "--country", "uk")
        #expect(uk.status != 0 && uk.stderr.contains("did you mean GB?"), "\(uk.stderr)")
        let filter = try node.siding("contact", "list", "--country", "UK")
        #expect(filter.status != 0 && filter.stderr.contains("did you mean GB?"), "\(filter.stderr)")
        #expect(try node.siding("contact", "add", "--name", "Jonathan Powell", "--country", "gb").status == 0)

        // 200 characters of Chinese (600 bytes) are a valid name; 201 are not.
        let longest = String(repeating: "水", count: 200)
        #expect(try node.siding("contact", "add", "--name", longest).status == 0)
        let over = try node.siding("contact", "add", "--name", longest + "水")
        #expect(over.status != 0 && over.stderr.contains("201 characters, over its limit of 200 characters"), "\(over.stderr)")
        let help = try node.siding("contact", "add", "--help")
        #expect(help.stdout.contains("up to 200 characters"), "\(help.stdout)")
        #expect(try node.siding("note", "add", "--help").stdout.contains("up to 200,000 bytes of UTF-8"))
    }

    static func created(_ node: TestNode, _ arguments: String...) throws -> String {
        let added = try node.sidingArguments(arguments)
        #expect(added.status == 0, "\(arguments): \(added.stderr)")
        return added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The shortest prefix of `id` (with its kind) that no other of `ids` starts with.
    static func uniquePrefix(of id: String, among ids: [String]) throws -> String? {
        (3...id.count).lazy.map { String(id.prefix($0)) }.first { prefix in ids.filter { $0.hasPrefix(prefix) } == [id] }
    }
}

/// Two daemons, Alpha and Bravo (on a fixed port, so it can restart where Alpha dials it).
struct Pair {
    let a: TestNode
    let b: TestNode

    static func started() async throws -> Pair {
        let pair = Pair(a: try TestNode(name: "Alpha"), b: try TestNode(name: "Bravo", listenPort: try freeLoopbackPort()))
        try await pair.a.start()
        try await pair.b.start()
        return pair
    }

    /// A dials B; each names the other.
    func link() async throws {
        let address = try await b.client.node().listen
        _ = try await a.client.addPeer(PeerResource(nodeID: b.nodeID, name: "Bravo", address: address))
        _ = try await b.client.addPeer(PeerResource(nodeID: a.nodeID, name: "Alpha", address: nil))
        _ = try await a.client.syncNow()
    }

    /// Runs `onA` while B is down, then `onB` while A is down: edits neither node can have seen of the
    /// other's. Both run again afterwards and reconnect.
    func apart(_ onA: () throws -> Void, _ onB: () throws -> Void) async throws {
        b.stop()
        try onA()
        a.stop()
        try await b.start()
        try onB()
        try await a.start()
        _ = try await a.client.syncNow()
    }

    /// Waits (at most 20 s) until both hold the same changes and show the same view.
    func inStep() async throws -> Bool {
        try await eventually {
            let first = try await a.client.digest()
            let second = try await b.client.digest()
            return first.viewDigest == second.viewDigest && first.vectorDigest == second.vectorDigest
        }
    }

    func stop() {
        a.stop()
        b.stop()
    }
}
