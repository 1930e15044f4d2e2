import Foundation
import SidingAPI
import SidingCore
import SidingTestKit
import Testing

/// `siding circle …`, `--circle`, `move`, the reference guard and `[sharing] default_circle` through the
/// real CLI and daemons.
@Suite(.serialized) struct CircleCommandTests {
    @Test func circlesAreCreatedShownChangedAndNamedOnOneNode() async throws {
        let node = try TestNode(name: "Geneva Centre", defaultCircle: nil)
        try await node.start()
        defer { node.stop() }
        let partner = try TestNode(name: "Peace Institute")
        let outsider = try TestNode(name: "Centre")

        // `init` made the partners circle and made it the default; status has no network notice.
        let config = try String(contentsOfFile: node.home + "/siding.toml", encoding: .utf8)
        #expect(config.contains("[sharing]") && config.contains("default_circle = \"partners\""), "\(config)")
        let listed = try Self.decode([CircleResource].self, try node.siding("circle", "list", "--json"))
        #expect(listed.map(\.name) == ["partners"] && listed.first?.partners == true && listed.first?.role == "owner")
        #expect(!(try node.siding("status").stdout.contains("sharing:")))

        // `peer add` admits, `peer remove` removes.
        #expect(try node.siding("peer", "add", partner.nodeID, "--name", "Peace Institute").status == 0)
        var partners = try Self.decode(CircleDetailResource.self, try node.siding("circle", "show", "partners", "--json"))
        #expect(Set(partners.memberList.map(\.nodeID)) == [node.nodeID, partner.nodeID])
        #expect(partners.memberList.first { $0.nodeID == partner.nodeID }?.isPartner == true)
        let added = try node.siding("contact", "add", "--name", "Priya Raman")
        #expect(added.status == 0 && added.stderr == "added to circle \"partners\" (your 1 partner)\n", "\(added.stderr)")
        #expect(try node.siding("peer", "add", outsider.nodeID, "--name", "Centre").status == 0)
        #expect(try node.siding("peer", "remove", outsider.nodeID).status == 0)
        partners = try Self.decode(CircleDetailResource.self, try node.siding("circle", "show", "PARTNERS", "--json"))
        #expect(Set(partners.memberList.map(\.nodeID)) == [node.nodeID, partner.nodeID])

        // create, then find it by any case, by ID and by ID prefix; a member who is not a partner is said to be reached through others.
        let created = try node.siding("circle", "create", "Frontier dialogue", "--member", partner.nodeID, "--member", outsider.nodeID)
        #expect(created.status == 0, "\(created.stderr)")
        let circleID = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(circleID.hasPrefix("x_") && circleID.count == 28, "\(circleID)")
        for name in ["frontier DIALOGUE", circleID, String(circleID.prefix(8))] {
            let shown = try node.siding("circle", "show", name)
            #expect(shown.status == 0 && shown.stdout.contains("id       \(circleID)"), "\(name): \(shown.stdout) \(shown.stderr)")
            #expect(shown.stdout.contains("Peace Institute (\(partner.nodeID.prefix(11)))  your partner"), "\(shown.stdout)")
            #expect(shown.stdout.contains("\(outsider.nodeID)  not your partner: reached only through other members"), "\(shown.stdout)")
        }
        let list = try node.siding("circle", "list")
        #expect(list.stdout.contains("Frontier dialogue  \(circleID)  Geneva Centre ("), "\(list.stdout)")
        _ = try Self.created(node, "circle", "create", "Twin")
        _ = try Self.created(node, "circle", "create", "twin")
        let ambiguous = try node.siding("circle", "show", "Twin")
        #expect(ambiguous.status == 1 && ambiguous.stderr.contains("'Twin' matches 2 circles"), "\(ambiguous.stderr)")
        let unknown = try node.siding("circle", "show", "Nowhere")
        #expect(unknown.status == 1 && unknown.stderr.contains("`siding circle list`"), "\(unknown.stderr)")
        #expect(try node.siding("circle", "create", "network").stderr.contains("built-in circle name"))

        // --circle on add; records show and list their circle; the filters.
        let li = try node.siding("contact", "add", "--name", "Li Wei", "--circle", "Frontier dialogue")
        #expect(li.status == 0 && li.stderr == "added to circle \"Frontier dialogue\" (3 members)\n", "\(li.stderr)")
        let liID = li.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let wide = try node.siding("contact", "add", "--name", "Wide Contact", "--circle", "network", "--json")
        #expect(wide.stderr.isEmpty && wide.stdout.contains("\"circle\" : \"network\""), "\(wide.stdout)")
        let liJSON = try await node.client.contact(liID)
        #expect(liJSON.circle == .circle(id: circleID, name: "Frontier dialogue"))
        #expect(try node.siding("contact", "show", liID).stdout.contains("circle:       Frontier dialogue"))
        let inFrontier = try Self.decode([ContactResource].self, try node.siding("contact", "list", "--circle", "frontier dialogue", "--json"))
        #expect(inFrontier.map(\.id) == [liID])
        let inNetwork = try Self.decode([ContactResource].self, try node.siding("contact", "list", "--circle", "network", "--json"))
        #expect(inNetwork.map { $0.text(ContactSchema.name) } == ["Wide Contact"] && inNetwork.first?.circle == .network)
        #expect(try node.siding("contact", "list").stdout.contains("Frontier dialogue"))
        let found = try Self.decode([SearchResult].self, try node.siding("search", "Li", "--circle", "Frontier dialogue", "--json"))
        #expect(found.map(\.id) == [liID])
        #expect(try Self.decode([SearchResult].self, try node.siding("search", "Li", "--circle", "partners", "--json")).isEmpty)

        // The reference guard: a note of a wider circle may not name a contact of a narrower one.
        let refused = try node.siding("note", "add", "--title", "Round 4", "--participant", liID, "--body", "x", "--circle", "network")
        #expect(refused.status == 1 && refused.stderr.contains("does not include every member of the network"), "\(refused.stderr)")
        #expect(refused.stderr.contains("siding move \(liID)"))
        // `partners` (this node and Peace Institute) is inside "Frontier dialogue": its note may name the contact.
        let inPartners = try node.siding("note", "add", "--title", "Round 3", "--participant", liID, "--body", "x")
        #expect(inPartners.status == 0 && inPartners.stderr == "added to circle \"partners\" (your 1 partner)\n", "\(inPartners.stderr)")
        let note = try node.siding("note", "add", "--title", "Round 4", "--participant", "Li Wei", "--body", "x", "--circle", circleID)
        #expect(note.status == 0 && note.stderr == "added to circle \"Frontier dialogue\" (3 members)\n", "\(note.stderr)")
        let noteID = note.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(
            try Self.decode([NoteResource].self, try node.siding("note", "list", "--circle", "Frontier dialogue", "--json")).map(\.id) == [noteID])
        // A note of the network may name a contact of the network; editing one to name a narrower contact is refused too.
        let wideID = try Self.decode([String: String].self, wide)["id"] ?? ""
        let wideNote = try Self.created(node, "note", "add", "--title", "Open", "--participant", wideID, "--body", "x", "--circle", "network")
        let edit = try node.siding("note", "set", wideNote, "participants+=\(liID)")
        #expect(edit.status == 1 && edit.stderr.contains("does not include every member"), "\(edit.stderr)")

        // Merging contacts of two circles is refused.
        let merge = try node.siding("contact", "merge", wideID, liID)
        #expect(merge.status == 1 && merge.stderr.contains("contacts of different circles cannot be merged"), "\(merge.stderr)")

        // move: a new record in the target circle with the current values, the old one deleted, no pointer.
        let moved = try node.siding("move", liID, "--to", "partners")
        #expect(moved.status == 0 && moved.stderr.contains("moved to circle \"partners\" (your 1 partner); \(liID) is deleted"), "\(moved.stderr)")
        let movedID = moved.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let copy = try await node.client.contact(movedID)
        #expect(copy.text(ContactSchema.name) == "Li Wei" && copy.circle == .circle(id: listed.first?.id ?? "", name: "partners"))
        let old = try await node.client.contact(liID)
        #expect(old.deleted && old.mergedInto == nil && copy.mergedInto == nil)
        let again = try node.siding("move", movedID, "--to", "partners")
        #expect(again.status == 1 && again.stderr.contains("already"), "\(again.stderr)")

        // Members: add and remove by node ID; the owner cannot leave; the audit is empty before any session.
        let third = try TestNode(name: "Third")
        let admitted = try Self.decode(CircleDetailResource.self, try node.siding("circle", "add", "Frontier dialogue", third.nodeID, "--json"))
        #expect(admitted.circle.members == 4 && admitted.memberList.contains { $0.nodeID == third.nodeID })
        let removed = try Self.decode(
            CircleDetailResource.self, try node.siding("circle", "remove", "Frontier dialogue", outsider.nodeID, "--json"))
        #expect(removed.circle.members == 3 && !removed.memberList.contains { $0.nodeID == outsider.nodeID })
        let leave = try node.siding("circle", "leave", "Frontier dialogue")
        #expect(leave.status == 1 && leave.stderr.contains("an owner cannot leave its circle"), "\(leave.stderr)")
        let audit = try node.siding("circle", "audit", "Frontier dialogue", "--json")
        let deliveries = try Self.decode([CircleDeliveryResource].self, audit)
        #expect(deliveries.isEmpty)
        #expect(try node.siding("circle", "audit", "Frontier dialogue").stdout.contains("Nothing of this circle has been sent"))
        let badID = try node.siding("circle", "add", "Frontier dialogue", "not-a-node")
        #expect(badID.status == 1 && badID.stderr.contains("is not a node ID"), "\(badID.stderr)")

        // An import's new records go to the default circle too.
        let csv = node.directory.file("people.csv")
        try "name,organization\nImported Person,ORF\n".write(toFile: csv, atomically: true, encoding: .utf8)
        let imported = try node.siding("contact", "import", csv, "--map", "name=name", "--map", "organization=organization")
        #expect(imported.status == 0, "\(imported.stderr)")
        let inPartnersNow = try Self.decode([ContactResource].self, try node.siding("contact", "list", "--circle", "partners", "--json"))
        #expect(inPartnersNow.contains { $0.text(ContactSchema.name) == "Imported Person" }, "\(inPartnersNow.map(\.id))")

        // Per-circle digests: the network's is `digest` as before.
        #expect(try node.siding("digest", "--circle", "network").stdout == (try node.siding("digest").stdout))
        #expect(try node.siding("digest", "--circle", "Frontier dialogue").stdout != (try node.siding("digest").stdout))
    }

    @Test func aHomeMadeBeforeCirclesKeepsTheNetworkAndSaysSo() async throws {
        let node = try TestNode(name: "Old NGO", defaultCircle: nil)
        let file = node.home + "/siding.toml"
        let config = try String(contentsOfFile: file, encoding: .utf8)
        let old = try #require(config.components(separatedBy: "\n[sharing]").first)
        try Self.write(old, to: file)
        try await node.start()
        defer { node.stop() }
        let status = try node.siding("status")
        let notice = "sharing: new records go to the network (every partner and their partners); see `siding circle`"
        #expect(status.stdout.components(separatedBy: notice).count == 2, "\(status.stdout)")
        #expect(try await node.client.status().sharingNotice == notice)
        let added = try node.siding("contact", "add", "--name", "Li Wei")
        #expect(added.status == 0 && added.stderr == "added to the network (every partner and their partners)\n", "\(added.stderr)")
        // A default_circle naming no circle is refused with what to do.
        try Self.write(old + "\n[sharing]\ndefault_circle = \"Gone\"\n", to: file)
        node.stop()
        try await node.start()
        let refused = try node.siding("contact", "add", "--name", "Wei Li")
        #expect(refused.status == 1 && refused.stderr.contains("default_circle = \"Gone\" in siding.toml"), "\(refused.stderr)")
    }

    /// A circle {A, B}: its record reaches B and never C, a partner of A only.
    @Test func aCircleRecordReachesItsMembersAndNoOtherPartner() async throws {
        let a = try TestNode(name: "Association", defaultCircle: nil)
        let b = try TestNode(name: "Peace Institute", defaultCircle: nil)
        let c = try TestNode(name: "Centre", defaultCircle: nil)
        for node in [a, b, c] { try await node.start() }
        defer { for node in [a, b, c] { node.stop() } }
        try await a.pair(dialledBy: b, names: ("Association", "Peace Institute"))
        try await a.pair(dialledBy: c, names: ("Association", "Centre"))
        let circleID = try Self.created(a, "circle", "create", "Frontier dialogue", "--member", b.nodeID)
        let marker = "canary-" + String(format: "%08x", UInt32.random(in: 0...UInt32.max))
        let added = try a.siding("contact", "add", "--name", marker, "--circle", "Frontier dialogue")
        #expect(added.status == 0 && added.stderr == "added to circle \"Frontier dialogue\" (2 members)\n", "\(added.stderr)")
        let contact = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        // A network record as the control: it reaches C, so C has had every chance to receive the circle's.
        let control = try Self.created(a, "contact", "add", "--name", "Network Person", "--circle", "network")

        let reachedB = try await eventually(30) {
            (try? Self.decode([ContactResource].self, try b.siding("contact", "list", "--circle", circleID, "--json")))?.map(\.id) == [contact]
        }
        let listOnB = try b.siding("contact", "list").stdout
        #expect(reachedB, "B never listed the circle's contact: \(listOnB)")
        let shownOnB = try b.siding("circle", "show", "Frontier dialogue")
        #expect(shownOnB.stdout.contains("role     this node is its member"), "\(shownOnB.stdout) \(shownOnB.stderr)")
        let sameDigest = try await eventually(30) {
            try a.siding("digest", "--circle", circleID).stdout == (try b.siding("digest", "--circle", circleID).stdout)
        }
        #expect(sameDigest)
        #expect(try await eventually(30) { (try await c.client.contacts()).contains { $0.id == control } })
        #expect(try await eventually(30) { try await c.client.digest() == (try await a.client.digest()) })

        #expect(!(try c.siding("contact", "list").stdout.contains(marker)))
        #expect(try c.siding("circle", "show", circleID).status == 1)
        #expect(try Self.databaseFiles(of: c, containing: marker).isEmpty)
        #expect(!(try Self.databaseFiles(of: b, containing: marker).isEmpty), "positive control: B's files hold the canary")

        // B, a member, may leave; then it cannot move anything into the circle; the owner cannot leave.
        let left = try b.siding("circle", "leave", "Frontier dialogue")
        #expect(left.status == 0 && left.stdout.contains("left circle"), "\(left.stderr)")
        let own = try Self.created(b, "contact", "add", "--name", "B's own")
        let moveIn = try b.siding("move", own, "--to", circleID)
        #expect(moveIn.status == 1 && moveIn.stderr.contains("not a member"), "\(moveIn.stderr)")
        #expect(try a.siding("circle", "leave", circleID).status == 1)
    }

    /// Which of the node's database and WAL files hold `marker`.
    static func databaseFiles(of node: TestNode, containing marker: String) throws -> [String] {
        try [node.databasePath, node.databasePath + "-wal"].filter { path in
            guard let data = FileManager.default.contents(atPath: path) else { return false }
            return ByteSearch.occurs(Array(marker.utf8), in: data)
        }
    }

    /// Writes a node's siding.toml as the daemon wants it: readable by its owner only.
    static func write(_ text: String, to file: String) throws {
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
    }

    static func created(_ node: TestNode, _ arguments: String...) throws -> String {
        let result = try node.sidingArguments(arguments)
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ result: ProcessResult) throws -> T {
        #expect(result.status == 0, "\(result.stderr)")
        return try JSONDecoder().decode(type, from: Data(result.stdout.utf8))
    }
}
