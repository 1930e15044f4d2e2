import SidingCore
import SidingWire

/// The session protocol's rules as a pure value (Protocol/SPEC.md, "State machine"): which message
/// may come when, and what the session must do about it. No I/O, clock or store: the session feeds it
/// every received message and carries out the returned action; the fuzzer feeds it anything.
public struct SessionStateMachine: Sendable {
    public enum Phase: Sendable, Equatable {
        case awaitingHello, awaitingSummary, live, closed
    }

    public enum Action: Sendable, Equatable {
        /// Their Hello is acceptable: send our Summary.
        case sendSummary(WireHello)
        /// Their Summary arrived: start streaming what they lack (and send fork probes).
        case startStreaming(VersionVector, tips: [OriginKey: [UInt8]])
        case applyBatch(id: UInt64, changes: [[UInt8]])
        case recordAck(WireAck)
        case sendPong(UInt64)
        case none
        /// The partner closed the session, saying why.
        case closedByPeer(code: UInt32, reason: String)
        /// Close the session with this code (tell the peer first).
        case close(CloseCode, String)
    }

    public private(set) var phase = Phase.awaitingHello

    public init() {}

    public mutating func received(_ message: WireMessage) -> Action {
        let action = Self.action(for: message, in: phase)
        switch action {
        case .sendSummary: phase = .awaitingSummary
        case .startStreaming: phase = .live
        case .close, .closedByPeer: phase = .closed
        default: break
        }
        return action
    }

    private static func action(for message: WireMessage, in phase: Phase) -> Action {
        switch (phase, message) {
        case (.closed, _):
            return .none
        case (_, .close(_, let code, let reason)):
            return .closedByPeer(code: code, reason: reason)
        case (.awaitingHello, .hello(let hello)):
            guard hello.protocolVersion >= WireLimits.minimumProtocolVersion, hello.minProtocolVersion <= WireLimits.protocolVersion else {
                return .close(.unsupportedVersion, "versions \(hello.minProtocolVersion)…\(hello.protocolVersion) unsupported")
            }
            return .sendSummary(hello)
        case (.awaitingHello, _):
            return .close(.protocolError, "expected hello first, got \(message.frameType)")
        case (.awaitingSummary, .summary(let vector, let tips)):
            return .startStreaming(vector, tips: tips)
        case (.awaitingSummary, _):
            return .close(.protocolError, "expected summary after hello, got \(message.frameType)")
        case (.live, .batch(let id, let changes)):
            return .applyBatch(id: id, changes: changes)
        case (.live, .ack(let ack)):
            return .recordAck(ack)
        case (.live, .ping(let nonce)):
            return .sendPong(nonce)
        case (.live, .pong):
            return .none
        case (.live, .hello), (.live, .summary):
            return .close(.protocolError, "unexpected \(message.frameType) during the session")
        }
    }
}
