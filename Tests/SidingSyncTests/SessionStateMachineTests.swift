import SidingCore
import SidingSync
import SidingWire
import Testing

/// The protocol's ordering rules, without a channel: what each message does in each phase.
@Suite struct SessionStateMachineTests {
    static var hello: WireHello {
        var hello = WireHello()
        hello.protocolVersion = 1
        hello.minProtocolVersion = 1
        return hello
    }

    @Test func theOpeningIsHelloThenSummaryThenLive() {
        var machine = SessionStateMachine()
        #expect(machine.received(.hello(Self.hello)) == .sendSummary(Self.hello) && machine.phase == .awaitingSummary)
        #expect(machine.received(.summary(VersionVector())) == .startStreaming(VersionVector(), tips: [:]) && machine.phase == .live)
        #expect(machine.received(.ping(7)) == .sendPong(7))
        #expect(machine.received(.pong(7)) == SessionStateMachine.Action.none)
        #expect(machine.received(.batch(id: 1, changes: [[1]])) == .applyBatch(id: 1, changes: [[1]]))
        #expect(machine.received(.close(.shuttingDown, code: 11, reason: "bye")) == .closedByPeer(code: 11, reason: "bye"))
        #expect(machine.phase == .closed && machine.received(.ping(1)) == SessionStateMachine.Action.none)
    }

    @Test(arguments: [
        ([WireMessage.summary(VersionVector())], CloseCode.protocolError),
        ([.batch(id: 1, changes: [[1]])], .protocolError),
        ([.ping(1)], .protocolError),
        ([.hello(hello), .hello(hello)], .protocolError),
        ([.hello(hello), .batch(id: 1, changes: [[1]])], .protocolError),
        ([.hello(hello), .summary(VersionVector()), .summary(VersionVector())], .protocolError),
        ([.hello(hello), .summary(VersionVector()), .hello(hello)], .protocolError),
    ])
    func outOfOrderMessagesClose(_ messages: [WireMessage], _ code: CloseCode) {
        var machine = SessionStateMachine()
        var last = SessionStateMachine.Action.none
        for message in messages { last = machine.received(message) }
        guard case .close(let actual, _) = last else {
            Issue.record("not closed: \(last)")
            return
        }
        #expect(actual == code && machine.phase == .closed)
    }

    @Test func versionsMustOverlap() {
        var future = Self.hello
        future.protocolVersion = 9
        future.minProtocolVersion = 5
        var machine = SessionStateMachine()
        guard case .close(.unsupportedVersion, _) = machine.received(.hello(future)) else {
            Issue.record("a hello with no common version was accepted")
            return
        }
    }
}
