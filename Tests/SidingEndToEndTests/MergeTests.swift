import Foundation
import SidingAPI
import SidingCore
import SidingTestKit
import Testing

/// `siding contact duplicates` and `siding contact merge` through the real CLI and daemons: what is
/// found, what a merge does and prints, what it refuses, and two partners merging at once.
@Suite(.serialized) struct MergeTests {
    @Test func duplicatesAreFoundAndMergedAsOneChange() async throws {
        let node = try TestNode(name: "Geneva Centre")
        try await node.start()
        defer { node.stop() }
        let keep = try Self.created(node, "contact", "add", "--name", "Li Wei", "--role", "Professor", "--email", "li.wei@tsinghua.edu.cn")
        let other = try Self.created(
            node, "contact", "add", "--name", "Wei Li", "--org", "Tsinghua University", "--country", "CN", "--email", "LI.WEI@tsinghua.edu.cn",
            "--email", "wei@example.org", "--phone", "+86 10 6278 1234", "--tag", "water", "--tag", "rivers")
        let byPhone = try Self.created(node, "contact", "add", "--name", "W. Li", "--phone", "+8610-62781234")
        let sameOrg = try Self.created(node, "contact", "add", "--name", "Priya Raman", "--org", "ORF")
        let sameOrgAgain = try Self.created(node, "contact", "add", "--name", "priya  raman", "--org", "orf")
        _ = try Self.created(node, "contact", "add", "--name", "Priya Raman")  // name alone: not a duplicate
        let note = try Self.created(node, "note", "add", "--title", "Round 3", "--participant", other, "--body", "Water.")
        let both = try Self.created(node, "note", "add", "--title", "Round 4", "--participant", other, "--participant", keep, "--body", "x")

        let found = try node.siding("contact", "duplicates", "--json")
        #expect(found.status == 0, "\(found.stderr)")
        let groups = try JSONDecoder().decode([DuplicateGroup].self, from: Data(found.stdout.utf8))
        #expect(Set(groups.map { Set($0.ids) }) == [[keep, other, byPhone], [sameOrg, sameOrgAgain]], "\(groups)")
        let people = try #require(groups.first { $0.ids.contains(keep) })
        #expect(people.ids == people.ids.sorted() && people.names.count == 3)
        #expect(people.reasons == ["e-mail li.wei@tsinghua.edu.cn", "phone +861062781234"])
        let text = try node.siding("contact", "duplicates")
        #expect(text.stdout.contains("Wei Li (\(other))") && text.stdout.contains("siding contact merge"), "\(text.stdout)")

        // One change: KEEP gains, OTHER is deleted pointing at KEEP, notes list KEEP.
        let changesBefore = try await node.client.digest().changes
        let merged = try node.siding("contact", "merge", "Li Wei", String(other.prefix(8)))
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(
            merged.stdout == "merged \(other) into \(keep) (1 e-mail, 1 phone, 2 tags, organization, country filled, 2 notes now list \(keep))\n",
            "\(merged.stdout)")
        #expect(try await node.client.digest().changes == changesBefore + 1)
        let kept = try await node.client.contact(keep)
        // The same address in another case is not added again.
        #expect(Set(kept.members(ContactSchema.emails)) == ["li.wei@tsinghua.edu.cn", "wei@example.org"])
        #expect(kept.members(ContactSchema.phones) == ["+86 10 6278 1234"] && Set(kept.members(ContactSchema.tags)) == ["water", "rivers"])
        #expect(kept.text(ContactSchema.role) == "Professor" && kept.text(ContactSchema.organization) == "Tsinghua University")
        #expect(kept.mergedInto == nil && !kept.deleted)
        let gone = try await node.client.contact(other)
        #expect(gone.deleted && gone.mergedInto == keep && gone.names[keep] == "Li Wei")
        let shown = try node.siding("contact", "show", other)
        #expect(shown.stdout.contains("merged into:") && shown.stdout.contains("Li Wei (\(keep))"), "\(shown.stdout)")
        #expect(try await node.client.note(note).members(NoteSchema.participants) == [keep])
        #expect(try await node.client.note(both).members(NoteSchema.participants) == [keep])
        #expect(!(try node.siding("search", "Wei", "--json").stdout.contains(other)))
        let after = try JSONDecoder().decode([DuplicateGroup].self, from: Data(try node.siding("contact", "duplicates", "--json").stdout.utf8))
        #expect(Set(after.map { Set($0.ids) }) == [[keep, byPhone], [sameOrg, sameOrgAgain]])

        // `--json`, several OTHERs at once.
        let json = try node.siding("contact", "merge", sameOrg, sameOrgAgain, "--json")
        let result = try JSONDecoder().decode(MergeResult.self, from: Data(json.stdout.utf8))
        #expect(result.keep == sameOrg && result.merged == [sameOrgAgain] && result.notes.isEmpty && result.emails == 0)

        // Refused, each changing nothing, each saying what to do.
        let digest = try await node.client.digest()
        for (arguments, expected) in [
            (["contact", "merge", keep, keep], "cannot be merged into itself"),
            (["contact", "merge", keep, other], "already deleted (merged into \(keep))"),
            (["contact", "merge", other, byPhone], "the record to keep, is deleted; restore it first"),
            (["contact", "merge", keep, note], "is not a contact"),
            (["contact", "set", byPhone, "merged_into=\(keep)"], "siding contact merge"),
        ] {
            let refused = try node.sidingArguments(arguments)
            #expect(refused.status != 0 && refused.stderr.contains(expected), "\(arguments): \(refused.stderr)")
        }
        #expect(try await node.client.digest() == digest, "a refused merge must change nothing")

        // A restore undoes the merge of that record: back, without the pointer, as it was.
        #expect(try node.siding("contact", "restore", other).status == 0)
        let restored = try await node.client.contact(other)
        #expect(!restored.deleted && restored.mergedInto == nil && restored.text(ContactSchema.name) == "Wei Li")
        #expect(!(try node.siding("contact", "show", other).stdout.contains("merged into")))
    }

    /// Partners A and B hold X and Y, lose their link, and both merge the pair (the same way, or the
    /// opposite way); when they meet again their digests are equal and nothing is lost.
    @Test(arguments: [false, true]) func partnersMergingTheSamePairAtOnceConverge(opposite: Bool) async throws {
        let a = try TestNode(name: "A")
        let b = try TestNode(name: "B")
        try await a.start()
        try await b.start()
        defer {
            a.stop()
            b.stop()
        }
        try await a.pair(dialledBy: b, names: ("A", "B"))
        let x = try Self.created(a, "contact", "add", "--name", "Li Wei", "--email", "li@a.org", "--tag", "water")
        let y = try Self.created(a, "contact", "add", "--name", "Li Wei", "--email", "li@b.org", "--org", "Tsinghua")
        let note = try Self.created(a, "note", "add", "--title", "Both", "--participant", x, "--participant", y, "--body", "b")
        #expect(try b.siding("sync", "--wait", "--timeout", "30").status == 0)
        #expect(try await eventually { (try? await b.client.note(note)) != nil })

        // The link is cut on both sides; each merges on its own.
        _ = try await a.client.removePeer(b.nodeID)
        _ = try await b.client.removePeer(a.nodeID)
        let aPeers = try await a.client.status().peers
        let bPeers = try await b.client.status().peers
        #expect(aPeers.isEmpty && bPeers.isEmpty)
        #expect(try a.siding("contact", "merge", y, x).status == 0)
        let bMerge = opposite ? try b.siding("contact", "merge", x, y) : try b.siding("contact", "merge", y, x)
        #expect(bMerge.status == 0, "\(bMerge.stderr)")
        let apart = (try await a.client.digest(), try await b.client.digest())
        #expect(apart.0 != apart.1)

        try await a.pair(dialledBy: b, names: ("A", "B"))
        #expect(try b.siding("sync", "--wait", "--timeout", "30").status == 0)
        #expect(try a.siding("sync", "--wait", "--timeout", "30").status == 0)
        #expect(try await eventually { try await a.client.digest() == (try await b.client.digest()) })
        let digests = try [a, b].map { try $0.siding("digest").stdout }
        #expect(digests[0] == digests[1] && !digests[0].isEmpty)

        let records = [try await a.client.contact(x), try await a.client.contact(y)]
        #expect(Set(records.flatMap { $0.members(ContactSchema.emails) }) == ["li@a.org", "li@b.org"], "no e-mail is lost")
        #expect(records.filter { $0.deleted }.allSatisfy { $0.mergedInto != nil }, "every deleted record says where it went")
        #expect(!(try await a.client.note(note).members(NoteSchema.participants).isEmpty), "the note still names the person")
        let groups = try JSONDecoder().decode([DuplicateGroup].self, from: Data(try a.siding("contact", "duplicates", "--json").stdout.utf8))
        if opposite {
            // Both deleted, each pointing at the other: reported, with the commands that settle it.
            #expect(records.allSatisfy { $0.deleted })
            #expect(groups == [DuplicateGroup(ids: [x, y].sorted(), names: ["Li Wei", "Li Wei"], reasons: [DuplicateGroup.mergedIntoEachOther])])
            let advice = try a.siding("contact", "duplicates").stdout
            #expect(advice.contains("merged into each other") && advice.contains("siding contact restore"), "\(advice)")
            let ids = [x, y].sorted()
            for id in ids { #expect(try a.siding("contact", "restore", id).status == 0) }
            #expect(try a.siding("contact", "merge", ids[0], ids[1]).status == 0)
            #expect(try await a.client.contact(ids[0]).deleted == false)
            #expect(try await a.client.contact(ids[1]).mergedInto == ids[0])
            #expect(try await a.client.note(note).members(NoteSchema.participants) == [ids[0]])
            let settled = try a.siding("contact", "duplicates", "--json").stdout
            #expect(try JSONDecoder().decode([DuplicateGroup].self, from: Data(settled.utf8)).isEmpty, "\(settled)")
        } else {
            #expect(records[1].deleted == false && records[0].mergedInto == y)
            #expect(groups.isEmpty, "\(groups)")
            #expect(try await a.client.note(note).members(NoteSchema.participants) == [y])
            // Both wrote the same pointer: concurrent values, which a delete of X settles.
            let conflicts = try a.siding("conflicts").stdout
            #expect(conflicts.contains("\(x) was merged on two nodes at once; `siding contact delete \(x)`"), "\(conflicts)")
            #expect(try a.siding("contact", "delete", x).status == 0)
            #expect(try await a.client.conflicts().filter { $0.id == x }.isEmpty)
            #expect(try await a.client.contact(x).mergedInto == y)
        }
    }

    static func created(_ node: TestNode, _ arguments: String...) throws -> String {
        let added = try node.sidingArguments(arguments)
        #expect(added.status == 0, "\(arguments): \(added.stderr)")
        return added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
