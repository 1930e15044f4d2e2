import SidingCore
import SidingTestKit
import Testing

/// `siding contact merge` planned from entity states: what KEEP gains, what each OTHER becomes, which
/// notes change, what is refused, and that concurrent merges (same or opposite direction) converge
/// with nothing lost.
@Suite struct MergePlannerTests {
    static let keep = EntityID("c_aaaaaaaaaaaaaaaa")!
    static let other = EntityID("c_bbbbbbbbbbbbbbbb")!
    static let third = EntityID("c_cccccccccccccccc")!
    static let note = EntityID("n_dddddddddddddddd")!
    static let unrelatedNote = EntityID("n_eeeeeeeeeeeeeeee")!

    /// Keep has a name, a role and one e-mail; other has more; a note lists other; another lists keep.
    static func setUp(_ author: inout TestAuthor) throws -> Replica {
        var replica = Replica()
        let operations = [
            write(keep, "name", "Li Wei"), write(keep, "role", "Professor"), add(keep, "emails", "li@tsinghua.edu.cn"),
            add(keep, "tags", "Water"),
            write(other, "name", "Wei Li"), write(other, "role", "Fellow"), write(other, "country", "CN"),
            write(other, "organization", "Tsinghua University"),
            add(other, "emails", "Li@Tsinghua.edu.cn"), add(other, "emails", "wei.li@example.org"), add(other, "phones", "+86 10 6278 1234"),
            add(other, "tags", "water"), add(other, "tags", "rivers"),
            write(note, "title", "Round 3"), add(note, "participants", other.description),
            write(unrelatedNote, "title", "Round 4"), add(unrelatedNote, "participants", keep.description),
        ]
        _ = try replica.receive(try author.sign(operations))
        return replica
    }

    @Test func keepGainsWhatItLacksAndOtherIsDeletedPointingAtKeep() throws {
        var author = TestAuthor(1)
        var replica = try Self.setUp(&author)
        let states = try #require(replica.entity(Self.keep).flatMap { k in replica.entity(Self.other).map { (k, $0) } })
        let (operations, summary) = try MergePlanner.plan(
            keep: states.0, others: [states.1], notes: [try #require(replica.entity(Self.note))])
        #expect(summary.emails == 1 && summary.phones == 1 && summary.tags == 1, "\(summary)")
        #expect(summary.filledFields == ["organization", "country"])
        #expect(summary.notes == [Self.note])
        #expect(Set(operations.map(\.entity)) == [Self.keep, Self.other, Self.note], "one change touches all three")
        _ = try replica.receive(try author.sign(operations))

        let kept = try #require(replica.entity(Self.keep))
        #expect(kept.value("name") == "Li Wei" && kept.value("role") == "Professor", "KEEP's own values stay")
        #expect(kept.value("organization") == "Tsinghua University" && kept.value("country") == "CN")
        #expect(kept.members("emails") == ["li@tsinghua.edu.cn", "wei.li@example.org"], "an address in another case is held already")
        #expect(kept.members("phones") == ["+86 10 6278 1234"])
        #expect(kept.members("tags") == ["Water", "rivers"], "tags ignore case: water is not added again")
        #expect(kept.conflictedFields.isEmpty)

        let merged = try #require(replica.entity(Self.other))
        #expect(merged.isDeleted && merged.value(ContactSchema.mergedInto.name) == Self.keep.description)
        #expect(merged.members("emails") == ["Li@Tsinghua.edu.cn", "wei.li@example.org"], "OTHER keeps its data, for a restore")
        #expect(try #require(replica.entity(Self.note)).members("participants") == [Self.keep.description])
        #expect(try #require(replica.entity(Self.unrelatedNote)).members("participants") == [Self.keep.description])

        // A restore of OTHER clears the pointer along with the tombstone.
        let unlink = MergePlanner.unlinking(merged)
        #expect(unlink.count == 1 && unlink[0].field == ContactSchema.mergedInto.name)
        #expect(MergePlanner.unlinking(kept).isEmpty)
    }

    @Test func registersComeFromTheFirstOtherThatHasThem() throws {
        var author = TestAuthor(2)
        var replica = Replica()
        _ = try replica.receive(
            try author.sign([
                Self.write(Self.keep, "name", "Li Wei"), Self.write(Self.keep, "role", ""),
                Self.write(Self.other, "name", "L. Wei"), Self.write(Self.third, "name", "Wei"),
                Self.write(Self.third, "role", "Dean"), Self.write(Self.other, "bio", "first"), Self.write(Self.third, "bio", "second"),
            ]))
        let states = try [Self.keep, Self.other, Self.third].map { try #require(replica.entity($0)) }
        let (operations, summary) = try MergePlanner.plan(keep: states[0], others: [states[1], states[2]], notes: [])
        #expect(summary.filledFields == ["role", "bio"])
        _ = try replica.receive(try author.sign(operations))
        let kept = try #require(replica.entity(Self.keep))
        #expect(kept.value("name") == "Li Wei" && kept.value("role") == "Dean" && kept.value("bio") == "first")
        #expect(kept.conflictedFields.isEmpty, "an empty value KEEP held is replaced, not left beside")
        #expect(replica.entity(Self.other)?.isDeleted == true && replica.entity(Self.third)?.isDeleted == true)
    }

    @Test func mergesThatCannotBeAreRefusedWithWhatToDo() throws {
        var author = TestAuthor(3)
        var replica = try Self.setUp(&author)
        let keep = try #require(replica.entity(Self.keep))
        let other = try #require(replica.entity(Self.other))
        let note = try #require(replica.entity(Self.note))
        #expect(throws: MergeRefusal.intoItself(Self.keep)) { try MergePlanner.plan(keep: keep, others: [keep], notes: []) }
        #expect(throws: MergeRefusal.notAContact(Self.note)) { try MergePlanner.plan(keep: keep, others: [note], notes: []) }
        #expect(throws: MergeRefusal.notAContact(Self.note)) { try MergePlanner.plan(keep: note, others: [other], notes: []) }

        _ = try replica.receive(try author.sign(EditPlanner.operations(for: .delete, on: Self.keep, current: keep)))
        let deletedKeep = try #require(replica.entity(Self.keep))
        let refusal = #expect(throws: MergeRefusal.keepDeleted(Self.keep)) {
            try MergePlanner.plan(keep: deletedKeep, others: [other], notes: [])
        }
        #expect(refusal?.description.contains("siding contact restore \(Self.keep)") == true)
        let (operations, _) = try MergePlanner.plan(keep: other, others: [deletedKeep].compactMap { _ in nil }, notes: [])
        #expect(operations.isEmpty)
        #expect(throws: MergeRefusal.otherDeleted(Self.keep, mergedInto: nil)) {
            try MergePlanner.plan(keep: other, others: [deletedKeep], notes: [])
        }
    }

    /// Two nodes merge the same pair before hearing of each other: in the same direction, and in
    /// opposite directions. Both orders of delivery give one view; no e-mail and no participant is lost.
    @Test(arguments: [false, true]) func concurrentMergesConvergeAndLoseNothing(opposite: Bool) throws {
        var setup = TestAuthor(4)
        var base = Replica()
        let created = try setup.sign([
            Self.write(Self.keep, "name", "Li Wei"), Self.add(Self.keep, "emails", "li@a.org"),
            Self.write(Self.other, "name", "Li Wei"), Self.add(Self.other, "emails", "li@b.org"),
            Self.write(Self.note, "title", "Both"), Self.add(Self.note, "participants", Self.keep.description),
            Self.add(Self.note, "participants", Self.other.description),
        ])
        _ = try base.receive(created)
        var (nodeA, nodeB) = (base, base)
        var (authorA, authorB) = (TestAuthor(5, startingAt: 5_000), TestAuthor(6, startingAt: 5_000))
        func merge(_ replica: Replica, keep: EntityID, other: EntityID, author: inout TestAuthor) throws -> Change {
            let states = try [keep, other, Self.note].map { try #require(replica.entity($0)) }
            return try author.sign(try MergePlanner.plan(keep: states[0], others: [states[1]], notes: [states[2]]).operations)
        }
        let changeA = try merge(nodeA, keep: Self.keep, other: Self.other, author: &authorA)
        let changeB = try merge(nodeB, keep: opposite ? Self.other : Self.keep, other: opposite ? Self.keep : Self.other, author: &authorB)
        _ = try nodeA.receive(changeA)
        _ = try nodeA.receive(changeB)
        _ = try nodeB.receive(changeB)
        _ = try nodeB.receive(changeA)
        #expect(nodeA.view == nodeB.view)

        let contacts = [Self.keep, Self.other].compactMap { nodeA.entity($0) }
        #expect(Set(contacts.flatMap { $0.members("emails") }) == ["li@a.org", "li@b.org"])
        let participants = Set(try #require(nodeA.entity(Self.note)).members("participants"))
        #expect(!participants.isEmpty, "the note still names the person")
        if opposite {
            #expect(contacts.allSatisfy { $0.isDeleted }, "each was merged into the other")
            #expect(contacts.allSatisfy { Set($0.members("emails")) == ["li@a.org", "li@b.org"] }, "each holds the union")
            let pointers = Dictionary(
                uniqueKeysWithValues: contacts.compactMap { c in
                    c.value(ContactSchema.mergedInto.name).flatMap(EntityID.init).map { (c.id, $0) }
                })
            #expect(MergePlanner.rings(pointers) == [[Self.keep, Self.other]], "reported as merged into each other")
        } else {
            #expect(nodeA.entity(Self.keep)?.isDeleted == false && nodeA.entity(Self.other)?.isDeleted == true)
            #expect(participants == [Self.keep.description])
            // Both wrote the same pointer; a delete settles it to one value.
            let merged = try #require(nodeA.entity(Self.other))
            #expect(merged.registers[ContactSchema.mergedInto.name]?.count == 2)
            _ = try nodeA.receive(try authorA.sign(MergePlanner.settlingPointer(merged)))
            #expect(nodeA.entity(Self.other)?.registers[ContactSchema.mergedInto.name]?.map(\.value) == [Self.keep.description])
        }
    }

    @Test func ringsAreFoundOnceAndChainsToALiveRecordAreNot() {
        let (a, b, c, d) = (Self.keep, Self.other, Self.third, EntityID("c_ffffffffffffffff")!)
        #expect(MergePlanner.rings([a: b, b: a]) == [[a, b]])
        #expect(MergePlanner.rings([a: b, b: c, c: a, d: a]) == [[a, b, c]])
        #expect(MergePlanner.rings([a: b, c: b]).isEmpty, "b is live: merges into it are settled")
    }

    static func write(_ entity: EntityID, _ field: String, _ value: String) -> Operation {
        Operation(entity: entity, field: field, action: .write(value: value, replaces: []))
    }

    static func add(_ entity: EntityID, _ field: String, _ element: String) -> Operation {
        Operation(entity: entity, field: field, action: .add(element: element))
    }
}
