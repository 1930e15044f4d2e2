import Crypto
import SidingCore
import SidingStore
import SidingTestKit
import Testing

/// The store's circle rules (Protocol/CHANGES.md, "Receiving a format 2 change"), with real signed
/// changes and real SQLite files.
@Suite struct CircleStoreTests {
    let directory = TemporaryDirectory("circles")
    let keys = (1...4).map { try! Curve25519.Signing.PrivateKey(rawRepresentation: Array(repeating: UInt8($0), count: 32)) }
    var owner: OriginKey { OriginKey(keys[0].publicKey) }
    var member: OriginKey { OriginKey(keys[1].publicKey) }
    var outsider: OriginKey { OriginKey(keys[2].publicKey) }
    let nonce = [UInt8](repeating: 9, count: 16)
    var circle: CircleID { CircleID(owner: owner, nonce: nonce)! }
    var ownerLog: CircleLog { CircleLog(circle: circle, author: owner, epoch: 0) }
    let contact = EntityID(kind: .contact, bytes: Array(repeating: 7, count: 10))!

    func sign(_ key: Int, _ log: CircleLog, _ seq: UInt64, _ operations: [SidingCore.Operation], others: [CircleLog] = []) throws -> Change {
        try Change.sign(
            by: keys[key], in: log, seq: seq, hlc: HLC(milliseconds: 1_000 + seq * 10 + UInt64(key), counter: 0), operations: operations,
            otherLogs: others, seed: Array(repeating: UInt8(seq), count: 16))
    }

    func control(_ actions: [ControlAction]) -> [SidingCore.Operation] { actions.map { $0.operation(in: circle) } }

    func name(_ value: String, replaces: [Dot] = []) -> SidingCore.Operation {
        SidingCore.Operation(entity: contact, field: "name", action: .write(value: value, replaces: replaces))
    }

    func store(_ name: String, as key: OriginKey) throws -> SQLiteStore {
        try SQLiteStore(path: directory.file("\(name).db"), localKey: key)
    }

    var creation: Change { get throws { try sign(0, ownerLog, 1, control([.create(nonce: nonce), .admit(member: member.nodeID)])) } }

    @Test func aNonMemberStoresNothingOfTheCircle() throws {
        let outsiderStore = try store("outsider", as: outsider)
        let record = try sign(0, ownerLog, 2, [name("canary-8f3a")])
        #expect(try outsiderStore.apply([try creation, record]) == [.refused, .refused])
        #expect(try outsiderStore.versionVector().entries.isEmpty && outsiderStore.mergedView().isEmpty)
        #expect(try outsiderStore.circles().isEmpty)
        // The member stores both, and the same probe finds the marker in its file.
        let memberStore = try store("member", as: member)
        #expect(try memberStore.apply([try creation, record]) == [.applied, .applied])
        try memberStore.checkpoint()
        try outsiderStore.checkpoint()
        #expect(try ByteSearch.files(under: directory.path, containing: Array("canary-8f3a".utf8)).map { $0.hasSuffix("member.db") } == [true])
    }

    @Test func membersConvergeOnTheCircleDigestAndTheNetworkDigestIgnoresIt() throws {
        let ownerStore = try store("owner", as: owner)
        let memberStore = try store("member", as: member)
        let memberLog = CircleLog(circle: circle, author: member, epoch: 1)
        let first = try sign(0, ownerLog, 2, [name("Li Wei")])
        let second = try sign(1, memberLog, 1, [name("Li Wei (Geneva)", replaces: [first.dot(0)])], others: [ownerLog])
        #expect(try ownerStore.apply([try creation, first, second]) == [.applied, .applied, .applied])
        #expect(try memberStore.apply([try creation, first]) == [.applied, .applied])
        #expect(try memberStore.apply([second]) == [.applied])
        #expect(try ownerStore.digest(of: circle) == memberStore.digest(of: circle))
        #expect(try memberStore.record(contact)?.fields["name"] == "Li Wei (Geneva)")
        let empty = try store("empty", as: outsider)
        #expect(try memberStore.digest() == empty.digest(), "the network's digest holds nothing of a circle")
    }

    @Test func writesPastTheCutAreVoidAndRetractedWhereTheyWereApplied() throws {
        let ownerStore = try store("owner", as: owner)
        let memberLog = CircleLog(circle: circle, author: member, epoch: 1)
        let kept = try sign(1, memberLog, 1, [name("kept")], others: [ownerLog])
        let late = try sign(1, memberLog, 2, [name("void-canary", replaces: [kept.dot(0)])], others: [ownerLog])
        #expect(try ownerStore.apply([try creation, kept, late]) == [.applied, .applied, .applied])
        #expect(try ownerStore.record(contact)?.fields["name"] == "void-canary")
        let removal = try sign(0, ownerLog, 2, control([.remove(member: member.nodeID, cut: 1)]))
        #expect(try ownerStore.apply([removal]) == [.applied])
        #expect(try ownerStore.record(contact)?.fields["name"] == "kept", "retracted: the replaced value is back")
        #expect(try ownerStore.versionVector()[memberLog.key] == 1)

        // A third member that gets the removal first never applies the late write, and agrees.
        let third = OriginKey(keys[3].publicKey)
        let admitThird = try sign(0, ownerLog, 3, control([.admit(member: third.nodeID)]))
        #expect(try ownerStore.apply([admitThird]) == [.applied])
        let thirdStore = try store("third", as: third)
        #expect(try thirdStore.apply([try creation, removal, admitThird, kept]) == [.applied, .applied, .applied, .applied])
        #expect(try thirdStore.apply([late]) == [.refused])
        #expect(try thirdStore.digest(of: circle) == ownerStore.digest(of: circle))
        // The removed member learns of its removal and stores nothing more of the circle.
        let memberStore = try store("member", as: member)
        let outcomes = try memberStore.apply([try creation, kept, removal])
        #expect(outcomes == [.applied, .applied, .applied])
        #expect(try !memberStore.membership(of: circle).isMember(member))
        #expect(try memberStore.apply([admitThird]) == [.refused])
        #expect(try memberStore.apply([late]) == [.refused])
    }

    /// A record created past the cut leaves the retracting member's view and search whole, as if it had
    /// never arrived: members list the same records (found end to end by `CircleRemovalTests`).
    @Test func aRecordCreatedPastTheCutLeavesTheViewWhereItWasApplied() throws {
        let ownerStore = try store("owner", as: owner)
        let memberLog = CircleLog(circle: circle, author: member, epoch: 1)
        let kept = try sign(1, memberLog, 1, [name("kept")], others: [ownerLog])
        let voidRecord = try #require(EntityID(kind: .contact, bytes: Array(repeating: 8, count: 10)))
        let write = SidingCore.Operation(entity: voidRecord, field: "name", action: .write(value: "voidcanary", replaces: []))
        let late = try sign(1, memberLog, 2, [write], others: [ownerLog])
        #expect(try ownerStore.apply([try creation, kept, late]) == [.applied, .applied, .applied])
        #expect(try ownerStore.record(voidRecord) != nil && ownerStore.search("voidcanary").hits.count == 1, "positive control")
        let removal = try sign(0, ownerLog, 2, control([.remove(member: member.nodeID, cut: 1)]))
        #expect(try ownerStore.apply([removal]) == [.applied])
        #expect(try ownerStore.record(voidRecord) == nil)
        #expect(try ownerStore.mergedView()[voidRecord] == nil)
        #expect(try ownerStore.search("voidcanary").hits.isEmpty)
        #expect(try ownerStore.circleRecordCounts()[circle] == 1)
    }

    /// Found by the circle chaos test: a retraction that un-makes a record deleted its row but not its
    /// search row, and SQLite gave the freed rowid to the next new record, whose search row then clashed
    /// (FTS5 "constraint failed", 1555) on every try: the node stopped storing what it was sent.
    @Test(arguments: [false, true]) func aRecordUnmadeByARetractionLeavesNoSearchRowBehind(oneBatch: Bool) throws {
        let ownerStore = try store("owner", as: owner)
        let memberLog = CircleLog(circle: circle, author: member, epoch: 1)
        let made = EntityID(kind: .contact, bytes: Array(repeating: 8, count: 10))!
        let write = try sign(
            1, memberLog, 1, [SidingCore.Operation(entity: made, field: "name", action: .write(value: "void canary", replaces: []))],
            others: [ownerLog])
        let removal = try sign(0, ownerLog, 2, control([.remove(member: member.nodeID, cut: 0)]))
        let next = try sign(0, ownerLog, 3, [name("after the retraction")])
        if oneBatch {
            #expect(try ownerStore.apply([try creation, write, removal, next]) == [.applied, .applied, .applied, .applied])
        } else {
            #expect(try ownerStore.apply([try creation, write]) == [.applied, .applied])
            #expect(try ownerStore.apply([removal]) == [.applied])
            #expect(try ownerStore.apply([next]) == [.applied])
        }
        #expect(try ownerStore.record(made)?.fields["name"] == nil, "un-made")
        #expect(try ownerStore.record(contact)?.fields["name"] == "after the retraction")
        #expect(try ownerStore.search("retraction").hits.count == 1)
        #expect(try ownerStore.search("canary").hits.isEmpty)
    }

    @Test func reAdmissionStartsANewLogAndTheOldOneKeepsItsCut() throws {
        let ownerStore = try store("owner", as: owner)
        let oldLog = CircleLog(circle: circle, author: member, epoch: 1)
        let removal = try sign(0, ownerLog, 2, control([.remove(member: member.nodeID, cut: 0)]))
        let readmission = try sign(0, ownerLog, 3, control([.admit(member: member.nodeID)]))
        let newLog = CircleLog(circle: circle, author: member, epoch: 3)
        let inOldLog = try sign(1, oldLog, 1, [name("old")], others: [ownerLog])
        let inNewLog = try sign(1, newLog, 1, [name("new")], others: [ownerLog])
        #expect(try ownerStore.apply([try creation, removal, readmission]) == [.applied, .applied, .applied])
        #expect(try ownerStore.apply([inOldLog, inNewLog]) == [.refused, .applied])
        #expect(try ownerStore.record(contact)?.fields["name"] == "new")
    }

    @Test func aRecordStaysInItsCircle() throws {
        let ownerStore = try store("owner", as: owner)
        #expect(try ownerStore.apply([try creation, try sign(0, ownerLog, 2, [name("in the circle")])]) == [.applied, .applied])
        // A network change naming the circle's record applies, but not to that record.
        let network = try Change.sign(by: keys[0], seq: 1, hlc: HLC(milliseconds: 5_000, counter: 0), operations: [name("from the network")])
        #expect(try ownerStore.apply([network]) == [.applied])
        #expect(try ownerStore.record(contact)?.fields["name"] == "in the circle")
        #expect(try ownerStore.versionVector()[owner] == 1)
    }

    /// The store decides a record's circle once per transaction: a record created in one transaction,
    /// in the circle or on the network, keeps out what comes from the other side in the same one.
    @Test func aRecordStaysInItsCircleWithinOneTransaction() throws {
        let ownerStore = try store("owner", as: owner)
        let other = EntityID(kind: .contact, bytes: Array(repeating: 8, count: 10))!
        func write(_ entity: EntityID, _ value: String) -> SidingCore.Operation {
            SidingCore.Operation(entity: entity, field: "name", action: .write(value: value, replaces: []))
        }
        let network = { (seq: UInt64, operations: [SidingCore.Operation]) in
            try Change.sign(by: keys[2], seq: seq, hlc: HLC(milliseconds: 5_000 + seq, counter: 0), operations: operations)
        }
        let batch = [
            try creation,
            try sign(0, ownerLog, 2, [write(contact, "circle")]),
            try network(1, [write(contact, "network"), write(other, "network")]),
            try sign(0, ownerLog, 3, [write(other, "circle"), write(contact, "circle again")]),
        ]
        #expect(try ownerStore.apply(batch) == [.applied, .applied, .applied, .applied])
        #expect(try ownerStore.record(contact)?.fields["name"] == "circle again")
        #expect(try ownerStore.record(other)?.fields["name"] == "network")
        #expect(try ownerStore.versionVector()[outsider] == 1)
    }

    /// The clock resumes after a restart past every change the node wrote, its circle changes too.
    @Test func theLatestHLCCountsTheNodesCircleLogs() throws {
        let memberStore = try store("member", as: member)
        let network = try Change.sign(by: keys[1], seq: 1, hlc: HLC(milliseconds: 900, counter: 0), operations: [name("network")])
        #expect(try memberStore.apply([try creation, network]) == [.applied, .applied])
        #expect(try memberStore.latestHLC(of: member) == HLC(milliseconds: 900, counter: 0))
        let memberLog = CircleLog(circle: circle, author: member, epoch: 1)
        let other = EntityID(kind: .contact, bytes: Array(repeating: 8, count: 10))!
        let inCircle = try Change.sign(
            by: keys[1], in: memberLog, seq: 1, hlc: HLC(milliseconds: 7_000, counter: 3),
            operations: [SidingCore.Operation(entity: other, field: "name", action: .write(value: "circle", replaces: []))],
            otherLogs: [ownerLog], seed: Array(repeating: 1, count: 16))
        #expect(try memberStore.apply([inCircle]) == [.applied])
        #expect(try memberStore.latestHLC(of: member) == HLC(milliseconds: 7_000, counter: 3))
        // The owner's log is another node's: it does not move this node's clock.
        #expect(try memberStore.latestHLC(of: outsider) == .zero)
    }

    /// Shared circles for many partners at once are those of each partner alone.
    @Test func sharedCirclesForManyPeersAreThoseOfEach() throws {
        let ownerStore = try store("owner", as: owner)
        #expect(try ownerStore.apply([try creation]) == [.applied])
        let peers = [member.nodeID, outsider.nodeID]
        let all = try ownerStore.sharedCircles(withEach: peers)
        #expect(all == [member.nodeID: [circle], outsider.nodeID: []])
        for peer in peers { #expect(try ownerStore.sharedCircles(with: peer) == all[peer]) }
        #expect(try SQLiteStore(path: directory.file("keyless.db")).sharedCircles(withEach: peers) == [:])
    }

    @Test func onlyTheOwnerSpeaksForItsCircle() throws {
        let memberStore = try store("member", as: member)
        #expect(try memberStore.apply([try creation]) == [.applied])
        // Another node's epoch-0 log in the same circle is not the owner's.
        let impostor = CircleLog(circle: circle, author: outsider, epoch: 0)
        let claim = try sign(2, impostor, 1, control([.admit(member: outsider.nodeID)]) + [name("impostor")])
        #expect(try memberStore.apply([claim]) == [.refused])
        // A member cannot admit anyone.
        let memberLog = CircleLog(circle: circle, author: member, epoch: 1)
        let admitting = try sign(1, memberLog, 1, control([.admit(member: outsider.nodeID)]), others: [])
        #expect(try memberStore.apply([admitting]) == [.refused])
        #expect(try memberStore.membership(of: circle).isMember(outsider) == false)
    }
}
