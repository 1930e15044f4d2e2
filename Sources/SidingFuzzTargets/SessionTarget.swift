import NIOCore
import SidingCore
import SidingSync
import SidingWire

extension FuzzTargets {
    /// `session`: a byte stream cut into frames as a partner would send them, each decoded and fed to
    /// the session's state machine. Whatever the order, the machine must only apply batches and
    /// acknowledge in the live phase, open in order, and once closed stay closed and do nothing more.
    public static func session(_ input: UnsafeRawBufferPointer) {
        var buffer = ByteBuffer(bytes: input)
        let now = ContinuousClock.now
        var machine = SessionStateMachine<ContinuousClock>(sessionID: 1, timing: .standard, now: now)
        _ = machine.opened(sending: WireHello())
        // As a session does: the peer's key from its certificate restores its own changes.
        let peer = OriginKey(bytes: Array(repeating: 0x5A, count: OriginKey.byteCount))
        while let frame = try? FrameDecoder.next(from: &buffer) {
            guard let message = try? WireMessage.decode(frame, sender: peer) else { continue }
            let before = machine.phase
            var actions = machine.frameReceived(message, now: now)
            if actions == [.loadSummary] {
                guard before == .awaitingHello else { invariantBroken("session", "summary loaded in phase \(before)") }
                actions = machine.summaryLoaded(VersionVector(), tips: [:], circles: CircleLogIndex(), shared: [])
            }
            if before == .closed, !actions.isEmpty { invariantBroken("session", "\(actions) after closing") }
            for action in actions {
                switch action {
                case .apply, .fetchBatch:
                    guard before == .live || (before == .awaitingSummary && machine.phase == .live) else {
                        invariantBroken("session", "\(action) in phase \(before)")
                    }
                case .report(.established):
                    guard before == .awaitingSummary else { invariantBroken("session", "established in phase \(before)") }
                case .close:
                    guard machine.phase == .closed else { invariantBroken("session", "\(action) left phase \(machine.phase)") }
                case .send, .loadSummary, .loadSharedCircles, .recordDeliveries, .scheduleIdleCheck, .report:
                    break
                }
            }
        }
    }
}
