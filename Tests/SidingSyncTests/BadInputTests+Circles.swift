import Crypto
import SidingCore
import SidingStore
import SidingSync
import SidingWire
import Testing

extension BadInputTests {
    /// The bad-input table for circle changes (Protocol/CHANGES.md, "Receiving a format 2 change"; SPEC
    /// §6): on a version 2 session, a change the node must not store is refused and counted in
    /// `Ack.refused` while the session goes on; a circle change on a version 1 session closes it with
    /// `invalidChange`. Nothing of a refused change is stored.
    @Test func badCircleChangesAreRefused() async throws {
        let (a, friend) = (try SyncTestNode(name: "A", timing: Self.refusalTiming, caps: Self.caps), try SyncTestNode(name: "Friend"))
        try await a.start()
        try await friend.start()
        await friend.pair(with: a)
        let attacker = RawPeer()
        let stranger = Curve25519.Signing.PrivateKey()
        await a.engine.addPartner(Partner(nodeID: attacker.nodeID, name: "attacker", address: nil))
        // X admits the attacker in the owner's change 2 (its log has epoch 2); Y does not, and holds a
        // record written by the owner's change 5.
        var x = try TestCircle(owner: a, members: [])
        try x.commit([ControlAction.admit(member: attacker.nodeID).operation(in: x.id)])
        var y = try TestCircle(owner: a, members: [])
        for n in 0..<3 { try y.writeContact(bio: "decoy \(n)") }
        let secret = try y.writeContact(bio: "secret")
        let attackerLog = CircleLog(circle: x.id, author: attacker.origin, epoch: 2)

        func sign(_ key: Curve25519.Signing.PrivateKey, _ log: CircleLog, _ seq: UInt64, _ operations: [Operation], others: [CircleLog] = [])
            throws -> Change
        {
            try Change.sign(
                by: key, in: log, seq: seq, hlc: HLC(milliseconds: 1_800_000_100_000 + seq, counter: 0), operations: operations, otherLogs: others,
                seed: TestCircle.randomBytes(ValueSeal.seedByteCount))
        }
        func write(_ entity: EntityID, _ value: String, replacing dots: [Dot] = []) -> Operation {
            Operation(entity: entity, field: "bio", action: .write(value: value, replaces: dots))
        }
        var batchID: UInt64 = 0
        /// Sends `changes` in one batch and returns the node's ack (nil if the session ended first).
        func ack(_ changes: [Change]) async throws -> WireAck? {
            batchID += 1
            try await attacker.send(.batch(id: batchID, changes: changes.map(\.encoded)))
            let deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline, let message = try await attacker.receive(skippingPushes: true) {
                if case .ack(let ack) = message, ack.batchID == batchID { return ack }
            }
            return nil
        }

        // A format 2 change on a version 1 session ends it; nothing of it is stored.
        let onVersion1 = try sign(attacker.key, attackerLog, 1, [write(TestCircle.newContact(), "v1")])
        try await attacker.expectRefused("format 2 change on a version 1 session", by: a, friend: friend, expected: .invalidChange) {
            try await $0.send(.batch(id: 1, changes: [onVersion1.encoded]))
        }
        #expect(try a.store.versionVector()[attackerLog.key] == 0)

        try await attacker.connect(port: a.port, server: a.nodeID, version: 2)
        // (name, changes, the log that must stay empty, the entity that must stay unknown)
        let notAdmitted = CircleLog(circle: x.id, author: OriginKey(stranger.publicKey), epoch: 2)
        let wrongEpoch = CircleLog(circle: x.id, author: attacker.origin, epoch: 1)
        let refusedCases: [(String, Change, CircleLog)] = [
            ("author not admitted", try sign(stranger, notAdmitted, 1, [write(TestCircle.newContact(), "not admitted")]), notAdmitted),
            ("wrong epoch", try sign(attacker.key, wrongEpoch, 1, [write(TestCircle.newContact(), "wrong epoch")]), wrongEpoch),
        ]
        for (name, change, log) in refusedCases {
            let answer = try await ack([change])
            #expect(answer?.refused == 1 && answer?.applied == 0, "\(name): \(String(describing: answer))")
            #expect(try a.store.versionVector()[log.key] == 0, "\(name): something was stored")
            #expect(try a.store.record(change.operations[0].entity) == nil, "\(name): the record was stored")
        }

        // A dot into another circle's log: dots of a format 2 change name logs of its own circle, so the
        // owner's (author, epoch 0, seq 5, op 0) is X's, not Y's secret. The change applies; Y is untouched.
        let reaching = try sign(
            attacker.key, attackerLog, 1, [write(TestCircle.newContact(), "reaching", replacing: [Dot(origin: x.ownerLog.key, seq: 5, index: 0)])],
            others: [x.ownerLog])
        let reachingAck = try await ack([reaching])
        #expect(reachingAck?.applied == 1 && reachingAck?.refused == 0, "dot into another circle's log: \(String(describing: reachingAck))")
        #expect(try a.store.record(secret)?.fields["bio"] == "secret", "a format 2 dot reached Y's record")
        // A network change (format 1) names any log by its key: one naming Y's owner's log applies to
        // the network and retires nothing of Y, neither an operation already held (seq 5) nor one still
        // to come (seq 6): a dot retires only an operation on its own record (CHANGES.md, "Merge rules").
        let intoY = Dot(origin: y.ownerLog.key, seq: 5, index: 0)
        let aheadInY = Dot(origin: y.ownerLog.key, seq: 6, index: 0)
        let fromNetwork = try Change.sign(
            by: attacker.key, seq: 1, hlc: HLC(milliseconds: 1_800_000_000_001, counter: 0),
            operations: [write(TestCircle.newContact(), "network", replacing: [intoY, aheadInY])])
        let networkAck = try await ack([fromNetwork])
        #expect(networkAck?.applied == 1, "dot into a circle's log from the network: \(String(describing: networkAck))")
        #expect(try a.store.record(secret)?.fields["bio"] == "secret", "Y's record was touched by a network change")
        let later = try y.writeContact(bio: "written after the attack")
        #expect(try a.store.record(later)?.fields["bio"] == "written after the attack", "a network change retired Y's write in advance")

        // An erasure order from a member that neither created the record nor owns the circle: its change
        // fills its seq (the log stays whole) and erases nothing; the same order from the owner erases.
        let ownersRecord = try x.writeContact(bio: "the owner's")
        let unauthorised = try sign(attacker.key, attackerLog, 2, [ErasureOrder.operation(erasing: ownersRecord)])
        let unauthorisedAck = try await ack([unauthorised])
        #expect(unauthorisedAck?.applied == 1, "unauthorised erasure order: \(String(describing: unauthorisedAck))")
        #expect(try a.store.versionVector()[attackerLog.key] == 2, "unauthorised erasure order: its seq is not filled")
        #expect(try a.store.record(ownersRecord)?.fields["bio"] == "the owner's", "an unauthorised erasure order erased the record")
        try x.commit([ErasureOrder.operation(erasing: ownersRecord)])
        #expect(try a.store.record(ownersRecord)?.fields["bio"] == nil, "the owner's erasure order did not erase")

        // Seq past the cut: the owner removes the attacker keeping its writes up to seq 2.
        try x.commit([ControlAction.remove(member: attacker.nodeID, cut: 2).operation(in: x.id)])
        let pastCut = try sign(attacker.key, attackerLog, 3, [write(TestCircle.newContact(), "past the cut")])
        let pastCutAck = try await ack([pastCut])
        #expect(pastCutAck?.refused == 1 && pastCutAck?.applied == 0, "seq past the cut: \(String(describing: pastCutAck))")
        #expect(try a.store.versionVector()[attackerLog.key] == 2, "seq past the cut: stored")
        #expect(try a.store.record(pastCut.operations[0].entity) == nil, "seq past the cut: the record was stored")

        // The session went on through all of it.
        let network = try attacker.change(2, "still talking")
        #expect(try await ack([network])?.applied == 1, "the session did not go on")
        await attacker.close()
        await a.stop()
        await friend.stop()
    }
}
