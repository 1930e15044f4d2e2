import Crypto
import SidingCore
import SidingTestKit
import SidingWire
import Testing

@testable import SidingSync

/// The session protocol without a channel: each event's actions, driven by a manual clock.
@Suite struct SessionStateMachineTests {
    typealias Machine = SessionStateMachine<ManualClock>
    typealias Action = SessionAction<ManualClock.Instant>

    static let timing = SessionTiming(handshake: .seconds(10), pingInterval: .seconds(15), idleTimeout: .seconds(45))
    static let sessionID: UInt64 = 7

    static var hello: WireHello {
        var hello = WireHello()
        hello.protocolVersion = 1
        hello.minProtocolVersion = 1
        return hello
    }

    /// A machine past Hello and Summary, holding `ours`, whose peer holds `theirs`.
    static func live(_ clock: ManualClock, ours: VersionVector = VersionVector(), theirs: VersionVector = VersionVector()) -> Machine {
        var machine = Machine(sessionID: sessionID, timing: timing, now: clock.now)
        _ = machine.opened(sending: hello)
        _ = machine.frameReceived(.hello(hello), now: clock.now)
        _ = machine.summaryLoaded(ours, tips: [:], circles: CircleLogIndex(), shared: [])
        _ = machine.frameReceived(.summary(theirs), now: clock.now)
        return machine
    }

    /// `count` signed changes of one origin, seqs 1…count.
    static func changes(_ count: Int) throws -> [Change] {
        let key = Curve25519.Signing.PrivateKey()
        return try (1...count).map { seq in try Change.sign(by: key, seq: UInt64(seq), hlc: HLC(milliseconds: 1, counter: 0), operations: []) }
    }

    static func closeCode(_ actions: [Action]) -> CloseCode? {
        for action in actions {
            if case .send(.close(let code, _, _)) = action { return code }
        }
        return nil
    }

    @Test func theOpeningIsHelloThenSummaryThenLive() {
        let clock = ManualClock()
        var machine = Machine(sessionID: Self.sessionID, timing: Self.timing, now: clock.now)
        #expect(machine.opened(sending: Self.hello) == [.send(.hello(Self.hello)), .scheduleIdleCheck(at: clock.now.advanced(by: .seconds(10)))])
        #expect(machine.frameReceived(.hello(Self.hello), now: clock.now) == [.loadSummary] && machine.phase == .awaitingSummary)
        #expect(machine.summaryLoaded(VersionVector(), tips: [:], circles: CircleLogIndex(), shared: []) == [.send(.summary(VersionVector()))])
        #expect(
            machine.frameReceived(.summary(VersionVector()), now: clock.now) == [
                .report(.established(hello: Self.hello, summary: VersionVector(), forked: []))
            ])
        #expect(machine.phase == .live)
        #expect(machine.frameReceived(.ping(7), now: clock.now) == [.send(.pong(7))])
        #expect(machine.frameReceived(.pong(7), now: clock.now) == [])
        #expect(machine.frameReceived(.batch(id: 1, changes: [[1]]), now: clock.now) == [.apply(batchID: 1, changes: [[1]])])
        #expect(
            machine.frameReceived(.close(.shuttingDown, code: 11, reason: "bye"), now: clock.now) == [
                .close(.closedByPeer(code: 11, reason: "bye"))
            ])
        #expect(machine.phase == .closed && machine.frameReceived(.ping(1), now: clock.now) == [])
    }

    @Test(arguments: [
        ([WireMessage.summary(VersionVector())], CloseCode.protocolError),
        ([.batch(id: 1, changes: [[1]])], .protocolError),
        ([.ping(1)], .protocolError),
        ([.hello(hello), .hello(hello)], .protocolError),
        ([.hello(hello), .batch(id: 1, changes: [[1]])], .protocolError),
        ([.hello(hello), .summary(VersionVector()), .summary(VersionVector())], .protocolError),
        ([.hello(hello), .summary(VersionVector()), .hello(hello)], .protocolError),
        ([.hello(hello), .summary(VersionVector()), .ack(WireAck())], .protocolError),
    ])
    func outOfOrderMessagesClose(_ messages: [WireMessage], _ code: CloseCode) {
        let clock = ManualClock()
        var machine = Machine(sessionID: Self.sessionID, timing: Self.timing, now: clock.now)
        var last: [Action] = []
        for message in messages {
            last = machine.frameReceived(message, now: clock.now)
            if last == [.loadSummary] { last = machine.summaryLoaded(VersionVector(), tips: [:], circles: CircleLogIndex(), shared: []) }
        }
        #expect(Self.closeCode(last) == code && machine.phase == .closed, "\(last)")
        guard case .close(.closedLocally(code, _)) = last.last else {
            Issue.record("the session did not end: \(last)")
            return
        }
    }

    @Test func versionsMustOverlap() {
        var future = Self.hello
        future.protocolVersion = 9
        future.minProtocolVersion = 5
        let clock = ManualClock()
        var machine = Machine(sessionID: Self.sessionID, timing: Self.timing, now: clock.now)
        #expect(Self.closeCode(machine.frameReceived(.hello(future), now: clock.now)) == .unsupportedVersion)
    }

    @Test func helloAndSummaryMustArriveBeforeTheDeadline() {
        let clock = ManualClock()
        var machine = Machine(sessionID: Self.sessionID, timing: Self.timing, now: clock.now)
        _ = machine.opened(sending: Self.hello)
        _ = machine.frameReceived(.hello(Self.hello), now: clock.now)
        clock.advance(by: .seconds(9))
        #expect(machine.tick(now: clock.now) == [.scheduleIdleCheck(at: ManualClock.Instant(offset: .seconds(10)))])
        clock.advance(by: .seconds(1))
        #expect(machine.tick(now: clock.now) == [.close(.handshakeTimeout)] && machine.phase == .closed)
    }

    @Test func aSilentPeerIsPingedThenClosedAtTheIdleTimeout() {
        let clock = ManualClock()
        var machine = Self.live(clock)
        clock.advance(by: .seconds(15))
        #expect(machine.tick(now: clock.now) == [.send(.ping(1)), .scheduleIdleCheck(at: ManualClock.Instant(offset: .seconds(30)))])
        clock.advance(by: .seconds(15))
        #expect(machine.tick(now: clock.now).first == .send(.ping(2)))
        clock.advance(by: .seconds(10))
        _ = machine.frameReceived(.pong(2), now: clock.now)  // heard from at 40 s
        clock.advance(by: .seconds(45))
        #expect(machine.tick(now: clock.now).first == .send(.ping(3)), "45 s since the pong is not yet past the timeout")
        clock.advance(by: .milliseconds(1))
        let actions = machine.tick(now: clock.now)
        #expect(Self.closeCode(actions) == .idleTimeout && actions.last == .close(.idleTimeout))
    }

    @Test func aFullWindowWaitsForAnAckBeforeTheNextBatch() throws {
        let clock = ManualClock()
        let changes = try Self.changes(10)
        let origin = changes[0].origin
        var machine = Self.live(clock)
        #expect(
            machine.commitNotice(CommitNotice([.init(origin: origin, seq: 10, deliveredBy: nil)])) == [
                .fetchBatch([FetchRange(origin: origin, after: 0, limit: 10)])
            ])
        // The store returns two changes per read: four batches fill the window.
        for batch in 0..<WireLimits.sendWindow {
            let actions = machine.batchFetched(Array(changes[(batch * 2)..<(batch * 2 + 2)]))
            #expect(actions.first == .send(.batch(id: UInt64(batch + 1), changes: changes[(batch * 2)..<(batch * 2 + 2)].map(\.encoded))))
            let wantsMore = machine.batchWritten(UInt64(batch + 1)).contains { if case .fetchBatch = $0 { true } else { false } }
            #expect(wantsMore == (batch + 1 < WireLimits.sendWindow), "batch \(batch + 1)")
        }
        #expect(machine.commitNotice(CommitNotice([.init(origin: origin, seq: 10, deliveredBy: nil)])) == [], "window full")
        var ack = WireAck()
        ack.batchID = 1
        let acknowledged = VersionVector([origin: 2])
        #expect(
            machine.frameReceived(.ack(ack), now: clock.now) == [
                .report(.acknowledged(acknowledged)), .fetchBatch([FetchRange(origin: origin, after: 8, limit: 2)]),
            ])
    }

    /// A batch is read only once the one before it is written: an ack that frees the window while a
    /// batch's audit is still being recorded must not let a later batch reach the socket first (the
    /// peer would refuse a circle member's change ahead of the owner's change admitting it).
    @Test func noBatchIsReadUntilTheOneBeforeItIsWritten() throws {
        let clock = ManualClock()
        let changes = try Self.changes(10)
        let origin = changes[0].origin
        var machine = Self.live(clock)
        _ = machine.commitNotice(CommitNotice([.init(origin: origin, seq: 10, deliveredBy: nil)]))
        #expect(machine.batchFetched(Array(changes[0..<2])).first == .send(.batch(id: 1, changes: changes[0..<2].map(\.encoded))))
        #expect(machine.batchWritten(1) == [.fetchBatch([FetchRange(origin: origin, after: 2, limit: 8)])])
        #expect(machine.batchFetched(Array(changes[2..<4])).first == .send(.batch(id: 2, changes: changes[2..<4].map(\.encoded))))
        var ack = WireAck()
        ack.batchID = 1
        let acked = machine.frameReceived(.ack(ack), now: clock.now)
        #expect(acked == [.report(.acknowledged(VersionVector([origin: 2])))], "batch 2 is not written yet")
        #expect(machine.commitNotice(CommitNotice([.init(origin: origin, seq: 10, deliveredBy: nil)])) == [])
        #expect(machine.batchWritten(3) == [], "another batch's write does not count")
        #expect(machine.batchWritten(2) == [.fetchBatch([FetchRange(origin: origin, after: 4, limit: 6)])])
    }

    @Test func aLogWithABacklogDoesNotHoldBackAnotherLogsNewChange() throws {
        let clock = ManualClock()
        let origins = try (0..<3).map { _ in try Self.changes(1)[0].origin }.sorted()
        let (busy, quiet, other) = (origins[0], origins[1], origins[2])
        var machine = Self.live(clock)
        // The busy log sorts first and alone could fill every batch; the quiet log's one change and the
        // other log's few go out in the same batch, and the busy log takes the rest of the room.
        let notice = CommitNotice([
            .init(origin: busy, seq: 100_000, deliveredBy: nil), .init(origin: quiet, seq: 1, deliveredBy: nil),
            .init(origin: other, seq: 3, deliveredBy: nil),
        ])
        let actions = machine.commitNotice(notice)
        guard case .fetchBatch(let ranges) = actions.first, actions.count == 1, ranges.count == 3 else {
            Issue.record("one fetch of three logs expected: \(actions)")
            return
        }
        #expect(ranges[1] == FetchRange(origin: quiet, after: 0, limit: 1) && ranges[2] == FetchRange(origin: other, after: 0, limit: 3))
        #expect(ranges[0].origin == busy && ranges[0].after == 0 && ranges[0].limit > 1, "\(ranges[0])")
    }

    @Test func fairSharesSplitTheRoomAndServeTheShortestFirstWhenItIsShort() throws {
        let origins = try (0..<4).map { _ in try Self.changes(1)[0].origin }.sorted()
        func shares(_ room: Int, _ needs: [UInt64]) -> [Int] {
            let logs = zip(origins, needs).map { (origin: $0, range: ClosedRange<UInt64>(uncheckedBounds: (1, $1))) }
            let result = Machine.fairShares(of: room, among: logs)
            #expect(result.map(\.origin) == result.map(\.origin).sorted(), "in log order")
            return origins.map { origin in result.first { $0.origin == origin }?.limit ?? 0 }
        }
        #expect(shares(100, [500, 500, 500, 500]) == [25, 25, 25, 25])
        #expect(shares(100, [500, 2, 500, 10]) == [44, 2, 44, 10])
        #expect(shares(100, [1, 2, 3, 4]) == [1, 2, 3, 4])
        // Room for fewer than an even share each: the shortest needs first, no share under 16.
        #expect(shares(20, [500, 7, 500, 3]) == [10, 7, 0, 3])
        #expect(shares(64, [500, 500, 500, 500]) == [16, 16, 16, 16])
        #expect(shares(40, [500, 500, 500, 500]) == [16, 16, 8, 0])
        #expect(shares(0, [5, 5, 5, 5]) == [0, 0, 0, 0])
    }

    @Test func commitsThePeerDeliveredWakeNothing() throws {
        let clock = ManualClock()
        let origin = try Self.changes(1)[0].origin
        var machine = Self.live(clock)
        let received = try Self.changes(1).map { try VerifiedChange(verifying: $0.encoded) }
        machine.batchVerified(received)
        let notice = CommitNotice(applied: received, outcomes: [.applied], deliveredBy: Self.sessionID)
        #expect(machine.commitNotice(notice) == [] && machine.ours[received[0].origin] == 1)
        // The same log advanced by another session's delivery: the peer lacks it.
        let other = CommitNotice([.init(origin: origin, seq: 1, deliveredBy: Self.sessionID + 1)])
        #expect(machine.commitNotice(other) == [.fetchBatch([FetchRange(origin: origin, after: 0, limit: 1)])])
    }

    @Test func aForkIsProbedWithOurTipFirst() throws {
        let clock = ManualClock()
        let origin = try Self.changes(1)[0].origin
        var machine = Machine(sessionID: Self.sessionID, timing: Self.timing, now: clock.now)
        _ = machine.opened(sending: Self.hello)
        _ = machine.frameReceived(.hello(Self.hello), now: clock.now)
        _ = machine.summaryLoaded(VersionVector([origin: 5]), tips: [origin: [1, 1]], circles: CircleLogIndex(), shared: [])
        let actions = machine.frameReceived(.summary(VersionVector([origin: 5]), tips: [origin: [2, 2]]), now: clock.now)
        #expect(
            actions == [
                .report(.established(hello: Self.hello, summary: VersionVector([origin: 5]), forked: [origin])),
                .fetchBatch([FetchRange(origin: origin, after: 4, limit: 1, unlikeTip: [2, 2])]),
            ])
    }

    @Test func shutdownTellsThePeerAndEndsInGoodOrder() {
        let clock = ManualClock()
        var machine = Self.live(clock)
        let actions = machine.shutdown()
        #expect(Self.closeCode(actions) == .shuttingDown && actions.last == .close(nil))
        #expect(machine.shutdown() == [] && machine.tick(now: clock.now) == [] && machine.probe() == [])
    }

    @Test func storeAndDecodingFailuresCloseWithTheirCodes() {
        let clock = ManualClock()
        var rejected = Self.live(clock)
        #expect(Self.closeCode(rejected.batchRejected("bad signature")) == .invalidChange)
        var gap = Self.live(clock)
        #expect(Self.closeCode(gap.applyFailed(gap: "expected seq 3, got 5")) == .gap)
        var failed = Self.live(clock)
        #expect(Self.closeCode(failed.applyFailed(gap: nil)) == .internalError)
        var garbled = Self.live(clock)
        let error = WireError.frameTooLarge(9 << 20, limit: 8 << 20)
        #expect(Self.closeCode(garbled.decodingFailed(error)) == error.closeCode)
        var dropped = Machine(sessionID: Self.sessionID, timing: Self.timing, now: clock.now)
        #expect(dropped.channelClosed() == [.close(.connectionClosed)], "a connection lost while opening is a failure")
        var finished = Self.live(clock)
        #expect(finished.channelClosed() == [.close(nil)], "a live connection that ends is not")
    }
}
