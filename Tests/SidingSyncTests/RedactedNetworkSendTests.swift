import Crypto
import SidingCore
import SidingSync
import SidingTestKit
import SidingWire
import Testing

/// A redacted network change (format 3) goes only to a peer whose Hello lists `network-redaction`; from a
/// peer without it, the log is held back at its first redacted change (Protocol/SPEC.md, "Batch").
@Suite struct RedactedNetworkSendTests {
    typealias Machine = SessionStateMachine<ManualClock>
    let key = Curve25519.Signing.PrivateKey()
    let record = EntityID(kind: .contact, bytes: Array(repeating: 4, count: 10))!
    var origin: OriginKey { OriginKey(key.publicKey) }

    /// Seqs 1–3 of one network log, the second redacted.
    func log() throws -> [Change] {
        let changes = try (1...3).map { seq in
            try Change.sign(
                by: key, seq: UInt64(seq), hlc: HLC(milliseconds: UInt64(seq), counter: 0),
                operations: [Operation(entity: record, field: "name", action: .write(value: "v\(seq)", replaces: []))])
        }
        return [changes[0], try #require(changes[1].redacting(records: [record])), changes[2]]
    }

    func opened(peerCapabilities: [String]) -> Machine {
        let clock = ManualClock()
        var machine = Machine(sessionID: 1, timing: .standard, now: clock.now)
        var hello = WireHello()
        hello.protocolVersion = 2
        hello.minProtocolVersion = 1
        _ = machine.opened(sending: hello)
        hello.capabilities = peerCapabilities
        _ = machine.frameReceived(.hello(hello), now: clock.now)
        _ = machine.summaryLoaded(VersionVector([origin: 3]), tips: [:], circles: CircleLogIndex(), shared: [])
        _ = machine.frameReceived(.summary(VersionVector()), now: clock.now)
        return machine
    }

    static func sent(_ actions: [SessionAction<ManualClock.Instant>]) -> [[UInt8]] {
        actions.flatMap { action -> [[UInt8]] in if case .send(.batch(_, let changes)) = action { changes } else { [] } }
    }

    @Test func aPeerThatTakesRedactionsGetsThemAndOneThatDoesNotStopsBeforeTheFirst() throws {
        let changes = try log()
        var taking = opened(peerCapabilities: [RedactedNetworkChanges.capability])
        #expect(Self.sent(taking.batchFetched(changes)) == changes.map(\.encoded))

        var older = opened(peerCapabilities: [])
        let actions = older.batchFetched(changes)
        #expect(Self.sent(actions) == [changes[0].encoded], "nothing from the redacted change on: the peer would see a gap")
        #expect(!older.batchWritten(1).contains { if case .fetchBatch = $0 { true } else { false } }, "the log is not asked for again")
        _ = older.commitNotice(CommitNotice([.init(origin: origin, seq: 4, deliveredBy: nil)]))
        #expect(Self.sent(older.batchFetched(changes)).isEmpty)
    }
}
