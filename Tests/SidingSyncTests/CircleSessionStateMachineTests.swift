import Crypto
import SidingCore
import SidingSync
import SidingTestKit
import SidingWire
import Testing

/// Protocol 2's send rules on the pure machine (Protocol/SPEC.md §6): what a session may write to its
/// peer, decided from the circle of each log and the circles shared with the peer.
@Suite struct CircleSessionStateMachineTests {
    typealias Machine = SessionStateMachine<ManualClock>
    typealias Action = SessionAction<ManualClock.Instant>

    /// Circle X (shared with the peer: owner log and a member's log) and circle Y (not shared), and a
    /// network origin, each with real signed changes.
    struct World {
        let owner = Curve25519.Signing.PrivateKey()
        let member = Curve25519.Signing.PrivateKey()
        let networkKey = Curve25519.Signing.PrivateKey()
        let x: CircleID
        let y: CircleID
        var xOwner: CircleLog { CircleLog(circle: x, author: OriginKey(owner.publicKey), epoch: 0) }
        var xMember: CircleLog { CircleLog(circle: x, author: OriginKey(member.publicKey), epoch: 1) }
        var yOwner: CircleLog { CircleLog(circle: y, author: OriginKey(owner.publicKey), epoch: 0) }
        var network: OriginKey { OriginKey(networkKey.publicKey) }

        init() throws {
            x = try #require(CircleID(owner: OriginKey(owner.publicKey), nonce: Array(repeating: 1, count: 16)))
            y = try #require(CircleID(owner: OriginKey(owner.publicKey), nonce: Array(repeating: 2, count: 16)))
        }

        var index: CircleLogIndex {
            CircleLogIndex(circleOf: [xOwner.key: x, xMember.key: x, yOwner.key: y], ownerLogs: [xOwner.key, yOwner.key])
        }

        func changes(_ log: CircleLog, _ seqs: ClosedRange<UInt64>) throws -> [Change] {
            let key = log.author == OriginKey(owner.publicKey) ? owner : member
            return try seqs.map { seq in
                try Change.sign(
                    by: key, in: log, seq: seq, hlc: HLC(milliseconds: seq, counter: 0),
                    operations: [Operation(entity: log.circle.entity, field: "name", action: .write(value: "v\(seq)", replaces: []))],
                    seed: Array(repeating: 0, count: ValueSeal.seedByteCount))
            }
        }

        func networkChanges(_ seqs: ClosedRange<UInt64>) throws -> [Change] {
            try seqs.map { try Change.sign(by: networkKey, seq: $0, hlc: HLC(milliseconds: $0, counter: 0), operations: []) }
        }
    }

    static func hello(version: UInt32) -> WireHello {
        var hello = WireHello()
        hello.protocolVersion = version
        hello.minProtocolVersion = 1
        return hello
    }

    /// A machine that read `ours` with `world`'s index and `shared`; returns it and the summary it sent.
    static func opened(_ world: World, version: UInt32 = 2, ours: VersionVector, shared: Set<CircleID>) -> (Machine, [Action]) {
        let clock = ManualClock()
        var machine = Machine(sessionID: 1, timing: .standard, now: clock.now)
        _ = machine.opened(sending: hello(version: version))
        _ = machine.frameReceived(.hello(hello(version: version)), now: clock.now)
        let summary = machine.summaryLoaded(ours, tips: [:], circles: world.index, shared: shared)
        return (machine, summary)
    }

    static func fetched(_ actions: [Action]) -> [FetchRange] {
        actions.flatMap { action -> [FetchRange] in if case .fetchBatch(let ranges) = action { ranges } else { [] } }
    }

    static func sent(_ actions: [Action]) -> [[UInt8]] {
        actions.flatMap { action -> [[UInt8]] in if case .send(.batch(_, let changes)) = action { changes } else { [] } }
    }

    @Test func theSummaryAndTheFetchesNameNetworkLogsAndSharedCirclesOnlyOwnersLogsFirst() throws {
        let world = try World()
        let ours = VersionVector([world.network: 3, world.xOwner.key: 2, world.xMember.key: 2, world.yOwner.key: 2])
        var (machine, summary) = Self.opened(world, ours: ours, shared: [world.x])
        #expect(summary == [.send(.summary(VersionVector([world.network: 3, world.xOwner.key: 2, world.xMember.key: 2])))])
        let established = machine.frameReceived(.summary(VersionVector()), now: ManualClock().now)
        let ranges = Self.fetched(established)
        #expect(ranges.first?.origin == world.xOwner.key, "the owner's log comes first")
        #expect(Set(ranges.map(\.origin)) == [world.network, world.xOwner.key, world.xMember.key], "Y's log is never asked for")

        // A log learned from a commit notice as Y's stays out; once known as a circle's, a notice that
        // names no circle does not make it a network log.
        let yMember = CircleLog(circle: world.y, author: OriginKey(world.member.publicKey), epoch: 1)
        _ = machine.commitNotice(CommitNotice([.init(origin: yMember.key, seq: 4, deliveredBy: nil, circle: world.y)]))
        _ = machine.commitNotice(CommitNotice([.init(origin: world.yOwner.key, seq: 3, deliveredBy: nil)]))
        let batch = try world.changes(world.xOwner, 1...2) + world.networkChanges(1...3) + world.changes(world.xMember, 1...2)
        let actions = machine.batchFetched(batch)
        #expect(Self.sent(actions).count == 7)
        #expect(
            actions.first
                == .recordDeliveries([
                    CircleDelivery(circle: world.x, log: world.xOwner.key, firstSeq: 1, lastSeq: 2),
                    CircleDelivery(circle: world.x, log: world.xMember.key, firstSeq: 1, lastSeq: 2),
                ]), "what was sent of X is recorded for the audit, before the frame")
        #expect(Self.fetched(machine.batchWritten(1)).isEmpty, "nothing else may be sent: not Y, not an unknown log")
        var ack = WireAck()
        ack.batchID = 1
        #expect(Self.fetched(machine.frameReceived(.ack(ack), now: ManualClock().now)).isEmpty)
    }

    @Test func aBatchReadBeforeARevocationLeavesWithoutTheRevokedCircle() throws {
        let world = try World()
        let ours = VersionVector([world.network: 1, world.xOwner.key: 2])
        var (machine, _) = Self.opened(world, ours: ours, shared: [world.x])
        #expect(
            Set(Self.fetched(machine.frameReceived(.summary(VersionVector()), now: ManualClock().now)).map(\.origin)) == [
                world.network, world.xOwner.key,
            ])
        // The removal commits while that read is under way.
        let reread = machine.commitNotice(CommitNotice(circlesChanged: [world.x]))
        #expect(reread == [.loadSharedCircles(read: 2)])
        #expect(machine.sharedCirclesLoaded([], read: 2) == [])
        #expect(machine.sharedCirclesLoaded([world.x], read: 1) == [], "an older read does not bring X back")
        let network = try world.networkChanges(1...1)
        let actions = machine.batchFetched(try world.changes(world.xOwner, 1...2) + network)
        #expect(Self.sent(actions) == network.map(\.encoded), "only the network change leaves")
        #expect(!actions.contains { if case .recordDeliveries = $0 { true } else { false } })
        let written = actions.compactMap { action -> UInt64? in if case .send(.batch(let id, _)) = action { id } else { nil } }
        #expect(written.count == 1 && Self.fetched(machine.batchWritten(written[0])).isEmpty)

        // Admitted again: X is sent from where the peer is known to be (nothing of it: seq 1).
        let again = machine.requestSharedCircles()
        #expect(again == [.loadSharedCircles(read: 3)])
        #expect(Self.fetched(machine.sharedCirclesLoaded([world.x], read: 3)) == [FetchRange(origin: world.xOwner.key, after: 0, limit: 2)])
    }

    /// A peer just admitted to X stores X's owner's log only from a batch that carries it up to the
    /// admission: when the pacing leaves less room than the log, the owner's log still goes whole.
    @Test func pacingNeverSplitsAnOwnersLogBelowAFullBatch() throws {
        let world = try World()
        let ours = VersionVector([world.network: 1_000, world.xOwner.key: 100])
        var (machine, _) = Self.opened(world, ours: ours, shared: [])
        let established = machine.frameReceived(.summary(VersionVector()), now: ManualClock().now)
        #expect(Self.fetched(established) == [FetchRange(origin: world.network, after: 0, limit: 512)])
        _ = machine.batchFetched(try world.networkChanges(1...512))
        #expect(Self.fetched(machine.batchWritten(1)) == [FetchRange(origin: world.network, after: 512, limit: 488)])
        _ = machine.batchFetched(try world.networkChanges(513...1_000))
        #expect(Self.fetched(machine.batchWritten(2)).isEmpty)

        // X is shared now: the pacing leaves 24 changes of room, but X's owner's log goes whole.
        guard case .loadSharedCircles(let read) = machine.requestSharedCircles().first else { throw SyncError.unexpectedMessage("no read") }
        #expect(Self.fetched(machine.sharedCirclesLoaded([world.x], read: read)) == [FetchRange(origin: world.xOwner.key, after: 0, limit: 100)])
    }

    /// The commit that shares X with the peer (its admission) may not be announced to the session yet
    /// when the membership read finds X shared: the vector read after it brings `ours` up to date, so
    /// the owner's log goes out up to the admission, not short of it.
    @Test func aNewlySharedCircleGoesOutUpToWhatTheMembershipReadSaw() throws {
        let world = try World()
        var (machine, _) = Self.opened(world, ours: VersionVector([world.network: 1, world.xOwner.key: 40]), shared: [])
        let established = machine.frameReceived(.summary(VersionVector([world.network: 1])), now: ManualClock().now)
        #expect(Self.fetched(established).isEmpty)
        guard case .loadSharedCircles(let read) = machine.requestSharedCircles().first else { throw SyncError.unexpectedMessage("no read") }
        let holding = VersionVector([world.network: 1, world.xOwner.key: 60])
        #expect(
            Self.fetched(machine.sharedCirclesLoaded([world.x], read: read, holding: holding)) == [
                FetchRange(origin: world.xOwner.key, after: 0, limit: 60)
            ])
    }

    @Test func aVersionOneSessionCarriesTheNetworkLogsOnly() throws {
        let world = try World()
        let ours = VersionVector([world.network: 2, world.xOwner.key: 2])
        var (machine, summary) = Self.opened(world, version: 1, ours: ours, shared: [world.x])
        #expect(summary == [.send(.summary(VersionVector([world.network: 2])))], "no circle summary entry")
        let established = machine.frameReceived(.summary(VersionVector([world.xOwner.key: 1])), now: ManualClock().now)
        #expect(Self.fetched(established) == [FetchRange(origin: world.network, after: 0, limit: 2)])
        let actions = machine.batchFetched(try world.changes(world.xOwner, 1...2) + world.networkChanges(1...2))
        let sent = try Self.sent(actions).map { try Change(decoding: $0) }
        #expect(sent.count == 2 && sent.allSatisfy { $0.circle == nil }, "never a format 2 change")
        _ = machine.commitNotice(CommitNotice([.init(origin: world.xOwner.key, seq: 3, deliveredBy: nil, circle: world.x, isOwnerLog: true)]))
        #expect(machine.sharedCirclesLoaded([world.x], read: 5).allSatisfy { if case .fetchBatch = $0 { false } else { true } })
    }

    /// Bad-input row: a peer that negotiated version 1 and still sends a circle's change.
    @Test func aFormat2ChangeOnAVersionOneSessionEndsIt() throws {
        let world = try World()
        var (machine, _) = Self.opened(world, version: 1, ours: VersionVector(), shared: [])
        _ = machine.frameReceived(.summary(VersionVector()), now: ManualClock().now)
        let network = try world.networkChanges(1...1).map(\.encoded)
        #expect(machine.frameReceived(.batch(id: 1, changes: network), now: ManualClock().now) == [.apply(batchID: 1, changes: network)])
        let circle = try world.changes(world.xOwner, 1...1).map(\.encoded)
        let actions = machine.frameReceived(.batch(id: 2, changes: network + circle), now: ManualClock().now)
        #expect(actions.contains { if case .send(.close(.invalidChange, _, _)) = $0 { true } else { false } })
        #expect(machine.phase == .closed)
    }

    @Test func refusedChangesAreCountedInTheAckAndDoNotEndTheSession() throws {
        let world = try World()
        var (machine, _) = Self.opened(world, ours: VersionVector(), shared: [])
        _ = machine.frameReceived(.summary(VersionVector()), now: ManualClock().now)
        let actions = machine.batchCommitted(9, outcomes: [.applied, .refused, .refused, .duplicate])
        var ack = WireAck()
        ack.batchID = 9
        ack.applied = 1
        ack.duplicates = 1
        ack.refused = 2
        #expect(actions.first == .send(.ack(ack)))
        #expect(machine.phase == .live)
    }
}
