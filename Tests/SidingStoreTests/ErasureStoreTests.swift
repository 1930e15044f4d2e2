import Crypto
import SidingCore
import SidingTestKit
import Testing

@testable import SidingStore

/// The store's erasure rules (Protocol/CHANGES.md, "Erasure"): who may order a record erased, and how a
/// redacted change is received, with real signed changes and real SQLite files.
@Suite struct ErasureStoreTests {
    let directory = TemporaryDirectory("erasure")
    /// 0: the circle's owner, 1: the member who creates the record, 2: a member who is neither.
    let keys = (1...3).map { try! Curve25519.Signing.PrivateKey(rawRepresentation: Array(repeating: UInt8($0), count: 32)) }
    var owner: OriginKey { OriginKey(keys[0].publicKey) }
    var creator: OriginKey { OriginKey(keys[1].publicKey) }
    var bystander: OriginKey { OriginKey(keys[2].publicKey) }
    let nonce = [UInt8](repeating: 9, count: 16)
    var circle: CircleID { CircleID(owner: owner, nonce: nonce)! }
    var ownerLog: CircleLog { CircleLog(circle: circle, author: owner, epoch: 0) }
    // Both members are admitted by the owner's first change, so their logs have epoch 1.
    var creatorLog: CircleLog { CircleLog(circle: circle, author: creator, epoch: 1) }
    var bystanderLog: CircleLog { CircleLog(circle: circle, author: bystander, epoch: 1) }
    /// The nonce the creator made `contact`'s ID from (RecordProvenance): its proof of having made it.
    let making = [UInt8](repeating: 7, count: 16)
    var contact: EntityID { RecordProvenance.id(kind: .contact, creator: creator.nodeID, nonce: making)! }
    let other = EntityID(kind: .contact, bytes: Array(repeating: 8, count: 10))!
    let canary = "cnryname5d1e9b7a2c40"
    let tagCanary = "cnrytag83f6a0d2b91c"

    func sign(_ key: Int, _ log: CircleLog, _ seq: UInt64, _ operations: [SidingCore.Operation], others: [CircleLog] = []) throws -> Change {
        try Change.sign(
            by: keys[key], in: log, seq: seq, hlc: HLC(milliseconds: 1_000 + seq * 10 + UInt64(key), counter: 0), operations: operations,
            otherLogs: others, seed: Array(repeating: UInt8(seq), count: 16))
    }

    var creation: Change {
        get throws {
            try sign(
                0, ownerLog, 1,
                [ControlAction.create(nonce: nonce), .admit(member: creator.nodeID), .admit(member: bystander.nodeID)].map {
                    $0.operation(in: circle)
                })
        }
    }

    /// The creator's first change: the record with a canary name and tag, and another record beside it.
    var made: Change {
        get throws {
            try sign(
                1, creatorLog, 1,
                [
                    SidingCore.Operation(entity: contact, field: "name", action: .write(value: canary, replaces: [])),
                    SidingCore.Operation(entity: contact, field: "tags", action: .add(element: tagCanary)),
                    SidingCore.Operation(entity: other, field: "name", action: .write(value: "Kept Beside", replaces: [])),
                ])
        }
    }

    func store(_ name: String, as key: OriginKey) throws -> SQLiteStore {
        try SQLiteStore(path: directory.file("\(name).db"), localKey: key)
    }

    /// Applies `changes` in one transaction; the outcomes and the erasure orders it refused.
    func apply(_ changes: [Change], to store: SQLiteStore) throws -> ([ApplyOutcome], [RefusedErasure]) {
        try store.write { writer in (try writer.apply(changes), writer.refusedErasures) }
    }

    func filesHolding(_ needle: String) throws -> [String] {
        try ByteSearch.files(under: directory.path, containing: Array(needle.utf8))
    }

    @Test func anOrderFromAMemberWhoIsNeitherCreatorNorOwnerFillsItsSeqAndErasesNothing() throws {
        let ownerStore = try store("owner", as: owner)
        #expect(try apply([try creation, try made], to: ownerStore).0 == [.applied, .applied])
        let proven = ErasureOrder(erasing: contact, creatorNonce: making)
        let unproven = ErasureOrder(erasing: contact)
        #expect(try ownerStore.write { try $0.mayGive(proven, by: bystander) } == false, "the proof is the creator's only")
        #expect(try ownerStore.write { try $0.mayGive(unproven, by: bystander) } == false)
        #expect(try ownerStore.write { try $0.mayGive(proven, by: creator) } == true)
        #expect(try ownerStore.write { try $0.mayGive(unproven, by: creator) } == false, "the creator proves it made the record")
        #expect(try ownerStore.write { try $0.mayGive(unproven, by: owner) } == true)

        let refusedOrder = try sign(2, bystanderLog, 1, [ErasureOrder.operation(erasing: contact, creatorNonce: making)])
        let (outcomes, refused) = try apply([refusedOrder], to: ownerStore)
        #expect(outcomes == [.applied])
        #expect(refused.map(\.circle) == [circle] && refused.map(\.author) == [bystander.nodeID])
        #expect(try ownerStore.versionVector()[bystanderLog.key] == 1, "the refused order fills its seq")
        #expect(try ownerStore.record(contact)?.fields["name"] == canary)
        #expect(try ownerStore.record(contact)?.sets["tags"] == [tagCanary])
        #expect(try ownerStore.search(canary).hits.map(\.record.id) == [contact])
        #expect(try ownerStore.write { try $0.erasure(of: contact) } == nil)
        try ownerStore.checkpoint()
        #expect(try filesHolding(canary).count == 1, "positive control: the owner's file holds the canary")

        // The same order from the owner erases the record, and only it.
        let order = try sign(0, ownerLog, 2, [ErasureOrder.operation(erasing: contact)])
        let (erasing, none) = try apply([order], to: ownerStore)
        #expect(erasing == [.applied] && none.isEmpty)
        let erasure = try #require(try ownerStore.write { try $0.erasure(of: contact) })
        #expect(erasure.erasedBy == owner.nodeID && erasure.erasedAt == order.hlc)
        #expect(try ownerStore.record(contact)?.fields["name"] == nil)
        #expect(try ownerStore.record(contact)?.sets["tags"] ?? [] == [])
        #expect(try ownerStore.search(canary).hits.isEmpty && ownerStore.search(tagCanary).hits.isEmpty)
        #expect(try ownerStore.history(contact).allSatisfy { $0.value == nil })
        #expect(try ownerStore.record(other)?.fields["name"] == "Kept Beside", "the other record of the change keeps its value")
        #expect(try filesHolding(canary).isEmpty && filesHolding(tagCanary).isEmpty)
        // Every stored change still verifies against its author's signature, and the logs have no gap.
        for (log, seq) in [(ownerLog, 2), (creatorLog, 1), (bystanderLog, 1)] {
            let stored = try ownerStore.changes(of: log.key, after: 0, limit: 10)
            #expect(stored.count == seq)
            for bytes in stored { _ = try VerifiedChange(verifying: bytes) }
        }
    }

    @Test func theCreatorMayEraseItsRecord() throws {
        let memberStore = try store("bystander", as: bystander)
        let order = try sign(1, creatorLog, 2, [ErasureOrder.operation(erasing: contact, creatorNonce: making)])
        let (outcomes, refused) = try apply([try creation, try made, order], to: memberStore)
        #expect(outcomes == [.applied, .applied, .applied] && refused.isEmpty)
        #expect(try memberStore.write { try $0.erasure(of: contact) }?.erasedBy == creator.nodeID)
        #expect(try memberStore.record(contact)?.fields["name"] == nil)
        #expect(try filesHolding(canary).isEmpty)
    }

    /// The author of a record's earliest operation is not thereby its creator: timestamps are each
    /// author's word, so a member that back-dates a write to someone else's record gains nothing.
    @Test func aMemberThatBackDatesAWriteToTheRecordCannotEraseIt() throws {
        let holder = try store("holder", as: owner)
        let backDated = try Change.sign(
            by: keys[2], in: bystanderLog, seq: 1, hlc: HLC(milliseconds: 1, counter: 0),
            operations: [SidingCore.Operation(entity: contact, field: "role", action: .write(value: "claimed first", replaces: []))],
            seed: Array(repeating: 5, count: 16))
        let forged = try sign(2, bystanderLog, 2, [ErasureOrder.operation(erasing: contact)])
        let (outcomes, refused) = try apply([try creation, try made, backDated, forged], to: holder)
        #expect(outcomes == [.applied, .applied, .applied, .applied])
        #expect(refused.map(\.author) == [bystander.nodeID])
        #expect(try holder.write { try $0.creator(of: contact) } == bystander.nodeID, "the earliest operation is the bystander's")
        #expect(try holder.write { try $0.erasure(of: contact) } == nil)
        #expect(try holder.record(contact)?.fields["name"] == canary)
    }

    @Test func aRedactedChangeIsADuplicateWhereTheOriginalIsHeld() throws {
        let holder = try store("holder", as: owner)
        #expect(try holder.apply([try creation, try made]) == [.applied, .applied])
        let redacted = try #require(try made.redacting(records: [contact]))
        #expect(redacted.encoded != (try made.encoded) && redacted.seq == 1)
        #expect(try holder.receive([redacted.encoded]) == [.duplicate])
        #expect(try holder.record(contact)?.fields["name"] == canary, "a redaction received is no order: the values stay")

        // Where the record was erased, the original arriving again from a relay that never erased it is
        // a duplicate too, and brings nothing back.
        let order = try sign(0, ownerLog, 2, [ErasureOrder.operation(erasing: contact)])
        #expect(try holder.apply([order]) == [.applied])
        #expect(try holder.receive([try made.encoded]) == [.duplicate])
        #expect(try holder.record(contact)?.fields["name"] == nil)
        #expect(try holder.changes(of: creatorLog.key, after: 0, limit: 1) == [redacted.encoded])
        #expect(try filesHolding(canary).isEmpty)
    }

    @Test func aRedactedChangeIsAppliedWhereNothingIsHeldAndShowsNothingOfTheValue() throws {
        let fresh = try store("fresh", as: bystander)
        let redacted = try #require(try made.redacting(records: [contact]))
        #expect(try fresh.receive([try creation.encoded, redacted.encoded]) == [.applied, .applied])
        #expect(try fresh.versionVector()[creatorLog.key] == 1)
        #expect(try fresh.record(contact)?.fields["name"] == nil)
        #expect(try fresh.record(contact)?.sets["tags"] ?? [] == [])
        #expect(try fresh.history(contact).allSatisfy { $0.value == nil })
        #expect(try fresh.search(canary).hits.isEmpty)
        #expect(try fresh.record(other)?.fields["name"] == "Kept Beside")
        #expect(try fresh.changes(of: creatorLog.key, after: 0, limit: 1) == [redacted.encoded])
        try fresh.checkpoint()
        #expect(try filesHolding(canary).isEmpty && filesHolding(tagCanary).isEmpty)
        #expect(try filesHolding("Kept Beside").count == 1, "positive control: the record beside it is in the file")
    }

    /// A redacted network change carries no signature binding its log: one that names a circle's log is
    /// refused, so nobody can slip an unverifiable change into a circle.
    @Test func aRedactedNetworkChangeNamingACircleLogIsRefused() throws {
        let member = try store("member", as: bystander)
        #expect(try member.apply([try creation, try made]) == [.applied, .applied])
        let network = try Change.sign(
            by: keys[2], seq: 2, hlc: HLC(milliseconds: 5_000, counter: 0),
            operations: [SidingCore.Operation(entity: other, field: "name", action: .write(value: "Slipped In", replaces: []))])
        var slot = try #require(network.redacting(records: [other])).encoded
        slot.replaceSubrange(1..<33, with: creatorLog.key.bytes)
        #expect(try Change(decoding: slot).origin == creatorLog.key)
        #expect(try member.receive([slot]) == [.refused])
        #expect(try member.versionVector()[creatorLog.key] == 1)
    }

    /// An edit made concurrently with the erasure (it names nothing of the order) is erased on arrival.
    @Test func anEditArrivingAfterTheErasureIsErasedOnArrival() throws {
        let ownerStore = try store("owner", as: owner)
        let order = try sign(0, ownerLog, 2, [ErasureOrder.operation(erasing: contact)])
        #expect(try ownerStore.apply([try creation, try made, order]) == [.applied, .applied, .applied])
        let late = "cnrylate0c7e2f94a1b3"
        let edit = try sign(
            2, bystanderLog, 1,
            [SidingCore.Operation(entity: contact, field: "role", action: .write(value: late, replaces: []))])
        #expect(try ownerStore.receive([edit.encoded]) == [.applied])
        #expect(try ownerStore.versionVector()[bystanderLog.key] == 1)
        #expect(try ownerStore.record(contact)?.fields["role"] == nil)
        let stored = try #require(try ownerStore.changes(of: bystanderLog.key, after: 0, limit: 1).first)
        #expect(stored != edit.encoded)
        _ = try VerifiedChange(verifying: stored)
        #expect(try filesHolding(late).isEmpty)
    }

    /// A read held across the erasure keeps its checkpoint from finishing (after the writer's busy
    /// timeout, 5 s): the next write finishes it, and then no copy of the value is left in the files.
    @Test func aReadHeldAcrossTheErasureLeavesNoCopyOnceTheNextWriteCommits() throws {
        let ownerStore = try store("owner", as: owner)
        #expect(try ownerStore.apply([try creation, try made]) == [.applied, .applied])
        try ownerStore.checkpoint()
        let reader = try SQLiteConnection(path: ownerStore.path, readOnly: true)
        try reader.execute("BEGIN")
        #expect(try reader.statement("SELECT count(*) FROM changes").rows { $0.int(0) } == [2])
        let order = try sign(0, ownerLog, 2, [ErasureOrder.operation(erasing: contact)])
        #expect(try ownerStore.apply([order]) == [.applied])
        #expect(try !filesHolding(canary).isEmpty, "the held read keeps the pages as they were in the database file")
        try reader.execute("COMMIT")
        let next = try sign(
            0, ownerLog, 3, [SidingCore.Operation(entity: other, field: "role", action: .write(value: "Kept", replaces: []))])
        #expect(try ownerStore.apply([next]) == [.applied])
        #expect(try filesHolding(canary).isEmpty && filesHolding(tagCanary).isEmpty)
        #expect(try ownerStore.record(other)?.fields["role"] == "Kept")
    }
}
