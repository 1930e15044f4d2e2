import Crypto
import SidingCore
import SidingTestKit
import Testing

/// Change format 2 (Protocol/CHANGES.md, "Format 2") and the membership folded from an owner's log.
@Suite struct CircleChangeTests {
    let ownerKey = try! Curve25519.Signing.PrivateKey(rawRepresentation: Array(repeating: 1, count: 32))
    let memberKey = try! Curve25519.Signing.PrivateKey(rawRepresentation: Array(repeating: 2, count: 32))
    let strangerKey = try! Curve25519.Signing.PrivateKey(rawRepresentation: Array(repeating: 3, count: 32))
    let nonce = [UInt8](repeating: 9, count: 16)
    let seed = [UInt8](repeating: 5, count: 16)
    let contact = EntityID(kind: .contact, bytes: Array(0..<10))!
    var owner: OriginKey { OriginKey(ownerKey.publicKey) }
    var member: OriginKey { OriginKey(memberKey.publicKey) }
    var circle: CircleID { CircleID(owner: owner, nonce: nonce)! }
    var ownerLog: CircleLog { CircleLog(circle: circle, author: owner, epoch: 0) }

    func create(admitting members: [OriginKey] = []) throws -> Change {
        try Change.sign(
            by: ownerKey, in: ownerLog, seq: 1, hlc: HLC(rawValue: 1 << 16),
            operations: [ControlAction.create(nonce: nonce).operation(in: circle)]
                + members.map { ControlAction.admit(member: $0.nodeID).operation(in: circle) }, seed: seed)
    }

    @Test func aCircleChangeDecodesVerifiesAndKeepsItsLog() throws {
        let memberLog = CircleLog(circle: circle, author: member, epoch: 1)
        let operations = [
            Operation(entity: contact, field: "name", action: .write(value: "Li Wei", replaces: [Dot(origin: ownerLog.key, seq: 2, index: 0)])),
            Operation(entity: contact, field: "tags", action: .add(element: "water")),
        ]
        let change = try Change.sign(
            by: memberKey, in: memberLog, seq: 3, hlc: HLC(rawValue: 5 << 16), operations: operations, otherLogs: [ownerLog], seed: seed)
        let decoded = try VerifiedChange(verifying: change.encoded)
        #expect(decoded.change == change)
        #expect(decoded.origin == memberLog.key && decoded.author == member && decoded.circle == circle)
        #expect(decoded.otherLogs == [ownerLog])
        #expect(decoded.canonicalBody + decoded.encoded.suffix(64) == change.encoded)
        #expect(memberLog.key != member && memberLog.key != CircleLog(circle: circle, author: member, epoch: 2).key, "a log key per admission")
    }

    @Test func aDotCannotNameALogOfAnotherCircle() throws {
        let otherCircle = CircleID(owner: owner, nonce: [UInt8](repeating: 8, count: 16))!
        let foreign = CircleLog(circle: otherCircle, author: owner, epoch: 0)
        let operation = Operation(entity: contact, field: "name", action: .write(value: "x", replaces: [Dot(origin: foreign.key, seq: 1, index: 0)]))
        #expect(throws: ChangeError.self) {
            try Change.sign(by: ownerKey, in: ownerLog, seq: 2, hlc: HLC(rawValue: 1), operations: [operation], otherLogs: [foreign], seed: seed)
        }
    }

    @Test func anyFlippedByteIsRefused() throws {
        let change = try create(admitting: [member])
        for position in 0..<change.encoded.count {
            var tampered = change.encoded
            tampered[position] ^= 0x01
            #expect(throws: ChangeError.self) { try VerifiedChange(verifying: tampered) }
        }
    }

    @Test func erasingAValueLeavesTheSignatureValidAndTheOtherValuesIntact() throws {
        let operations = [
            Operation(entity: contact, field: "name", action: .write(value: "Canary Person", replaces: [])),
            Operation(entity: contact, field: "phones", action: .add(element: "+41 22 555 0100")),
            Operation(entity: contact, field: "country", action: .write(value: "CH", replaces: [])),
        ]
        let change = try Change.sign(by: ownerKey, in: ownerLog, seq: 2, hlc: HLC(rawValue: 7), operations: operations, seed: seed)
        let redacted = try #require(change.redacting([0, 1]))
        let verified = try VerifiedChange(verifying: redacted.encoded)
        #expect(verified.erasedOperations == [0, 1])
        #expect(verified.operations[2] == operations[2])
        #expect(!redacted.encoded.contains(subsequence: Array("Canary".utf8)) && !redacted.encoded.contains(subsequence: seed))
        #expect(!redacted.encoded.contains(subsequence: Array("555 0100".utf8)))
        // Erasing one more later still verifies; erasing nothing new is no change.
        let further = try #require(verified.change.redacting([2]))
        #expect(try VerifiedChange(verifying: further.encoded).erasedOperations == [0, 1, 2])
        #expect(verified.change.redacting([0]) == nil)
        // A redacted value cannot be put back as something else.
        var forged = redacted.encoded
        let marker = Array("CH".utf8)
        let at = try #require(forged.firstRange(of: marker))
        forged[at.lowerBound] = UInt8(ascii: "D")
        #expect(throws: ChangeError.self) { try VerifiedChange(verifying: forged) }
    }

    @Test func membershipFollowsTheOwnersLog() throws {
        var membership = CircleMembership(circle: circle)
        try membership.apply(ownerChange: try create(admitting: [member]))
        let memberLog = CircleLog(circle: circle, author: member, epoch: 1)
        #expect(membership.owner == owner && membership.isMember(member))
        #expect(membership.standing(of: memberLog, seq: 40) == .valid)
        #expect(membership.standing(of: CircleLog(circle: circle, author: member, epoch: 2), seq: 1) == .notAdmitted)

        let removal = try Change.sign(
            by: ownerKey, in: ownerLog, seq: 2, hlc: HLC(rawValue: 2 << 16),
            operations: [ControlAction.remove(member: member.nodeID, cut: 7).operation(in: circle)], seed: seed)
        try membership.apply(ownerChange: removal)
        #expect(!membership.isMember(member))
        #expect(membership.standing(of: memberLog, seq: 7) == .valid)
        #expect(membership.standing(of: memberLog, seq: 8) == .void)

        let readmission = try Change.sign(
            by: ownerKey, in: ownerLog, seq: 3, hlc: HLC(rawValue: 3 << 16),
            operations: [ControlAction.admit(member: member.nodeID).operation(in: circle)], seed: seed)
        try membership.apply(ownerChange: readmission)
        #expect(membership.isMember(member))
        #expect(membership.standing(of: CircleLog(circle: circle, author: member, epoch: 3), seq: 1) == .valid, "re-admission starts a new log")
        #expect(membership.standing(of: memberLog, seq: 8) == .void, "the old log keeps its cut")
        #expect(membership.currentLog(of: member)?.epoch == 3 && membership.members == [owner.nodeID, member.nodeID])
    }

    @Test func onlyTheOwnerCreatesAdmitsAndRemoves() throws {
        let stranger = OriginKey(strangerKey.publicKey)
        var membership = CircleMembership(circle: circle)
        // Someone else cannot claim the circle: the ID is derived from the owner's key.
        let strangerLog = CircleLog(circle: circle, author: stranger, epoch: 0)
        let claim = try Change.sign(
            by: strangerKey, in: strangerLog, seq: 1, hlc: HLC(rawValue: 1),
            operations: [ControlAction.create(nonce: nonce).operation(in: circle)], seed: seed)
        #expect(throws: CircleRuleError.badCreate) { try membership.apply(ownerChange: claim) }
        try membership.apply(ownerChange: try create(admitting: [member]))
        // A member's log may not admit anyone; it may leave.
        let memberLog = CircleLog(circle: circle, author: member, epoch: 1)
        let admitting = try Change.sign(
            by: memberKey, in: memberLog, seq: 1, hlc: HLC(rawValue: 1),
            operations: [ControlAction.admit(member: stranger.nodeID).operation(in: circle)], seed: seed)
        #expect(throws: CircleRuleError.notTheOwner) { try membership.standing(ofMemberChange: admitting) }
        let leaving = try Change.sign(
            by: memberKey, in: memberLog, seq: 4, hlc: HLC(rawValue: 1), operations: [ControlAction.leave.operation(in: circle)], seed: seed)
        #expect(try membership.standing(ofMemberChange: leaving) == .valid)
        membership.memberLeft(memberLog, at: 4)
        #expect(!membership.isMember(member) && membership.standing(of: memberLog, seq: 5) == .void)
    }
}

extension Array where Element == UInt8 {
    func contains(subsequence: [UInt8]) -> Bool { firstRange(of: subsequence) != nil }
}
