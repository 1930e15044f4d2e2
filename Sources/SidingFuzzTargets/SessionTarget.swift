import NIOCore
import SidingCore
import SidingSync
import SidingWire

extension FuzzTargets {
    /// `session`: a byte stream cut into frames as a partner would send them, each decoded and fed to
    /// the session's state machine. Whatever the order, the machine must only stream in the live
    /// phase, and once it has closed it must stay closed and do nothing more.
    public static func session(_ input: UnsafeRawBufferPointer) {
        var buffer = ByteBuffer(bytes: input)
        var machine = SessionStateMachine()
        // As a session does: the peer's key from its certificate restores its own changes.
        let peer = OriginKey(bytes: Array(repeating: 0x5A, count: OriginKey.byteCount))
        while let frame = try? FrameDecoder.next(from: &buffer) {
            guard let message = try? WireMessage.decode(frame, sender: peer) else { continue }
            let before = machine.phase
            let action = machine.received(message)
            switch action {
            case .applyBatch, .recordAck, .sendPong:
                guard before == .live else { invariantBroken("session", "\(action) in phase \(before)") }
            case .sendSummary:
                guard before == .awaitingHello else { invariantBroken("session", "summary sent in phase \(before)") }
            case .startStreaming:
                guard before == .awaitingSummary else { invariantBroken("session", "streaming started in phase \(before)") }
            case .close, .closedByPeer:
                guard machine.phase == .closed else { invariantBroken("session", "\(action) left phase \(machine.phase)") }
            case .none:
                guard before == .closed || before == .live else { invariantBroken("session", "nothing done in phase \(before)") }
            }
        }
    }
}
