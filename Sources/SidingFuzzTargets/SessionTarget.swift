import NIOCore
import SidingCore
import SidingSync
import SidingWire

extension FuzzTargets {
    /// `session`: a byte stream cut into frames as a partner would send them, each decoded and fed to
    /// the session's state machine. Whatever the order, the machine must only apply batches and
    /// acknowledge in the live phase, open in order, and once closed stay closed and do nothing more.
    ///
    /// An input that starts with `SessionWorld.marker` first describes this node's store: network and
    /// circle logs with their seqs and tips, and which circles are shared with the peer. Frames of type
    /// `SessionWorld.localEventType` are then local events (a commit that advances a log and changes a
    /// circle's membership, and the shared circles read again). Whatever happens, nothing of a circle that
    /// is not shared in the latest view (or of any circle on a version 1 session) is put in the summary,
    /// its tips, or a fetch.
    public static func session(_ input: UnsafeRawBufferPointer) {
        var bytes = [UInt8](input)[...]
        var world = SessionWorld(reading: &bytes)
        var buffer = ByteBuffer(bytes: bytes)
        let now = ContinuousClock.now
        var machine = SessionStateMachine<ContinuousClock>(sessionID: 1, timing: .standard, now: now)
        _ = machine.opened(sending: WireHello())
        // As a session does: the peer's key from its certificate restores its own changes, and the logs
        // it names restore its circle changes.
        let peer = OriginKey(bytes: Array(repeating: 0x5A, count: OriginKey.byteCount))
        var named: NamedLogs? = NamedLogs()
        while let frame = try? FrameDecoder.next(from: &buffer) {
            let before = machine.phase
            if frame.type == SessionWorld.localEventType {
                var event = frame.payload
                let actions = world.localEvent(&event, machine: &machine)
                if before == .closed, !actions.isEmpty { invariantBroken("session", "\(actions) after closing") }
                world.check(actions, before: before, after: machine.phase)
                continue
            }
            guard let message = try? WireMessage.decode(frame, sender: peer, logs: &named) else { continue }
            var actions = machine.frameReceived(message, now: now)
            if before == .awaitingHello, machine.phase == .awaitingSummary, case .hello(let hello) = message {
                world.version = min(WireLimits.protocolVersion, hello.protocolVersion)
            }
            if actions == [.loadSummary] {
                guard before == .awaitingHello else { invariantBroken("session", "summary loaded in phase \(before)") }
                actions = machine.summaryLoaded(world.vector, tips: world.tips, circles: world.index, shared: world.shared)
            }
            if before == .closed, !actions.isEmpty { invariantBroken("session", "\(actions) after closing") }
            world.check(actions, before: before, after: machine.phase)
        }
    }
}

/// This node's side of a fuzzed session: its logs, which are circles', and what it shares with the peer.
struct SessionWorld {
    /// First byte of an input that describes a world (a frame's length prefix never starts with it, as
    /// frames are at most 8 MiB).
    static let marker: UInt8 = 0xC1
    /// A frame type no message has: a local event rather than a frame from the peer.
    static let localEventType: UInt8 = 0xEE
    static let circles = (0..<4).compactMap { CircleID(bytes: Array(repeating: 0xC0 | $0, count: CircleID.byteCount)) }

    var vector = VersionVector()
    var tips: [OriginKey: [UInt8]] = [:]
    var index = CircleLogIndex()
    var shared: Set<CircleID> = []
    var logs: [OriginKey] = []
    /// The session's protocol version once the peer's Hello is accepted.
    var version: UInt32 = 0

    /// `marker`, a count, then per log 3 bytes (key, kind, seq) and a byte of shared circles (bit i:
    /// circle i). Kind: bits 0–1 the circle, bit 2 a network log, bit 3 the circle's owner's log, bit 4
    /// with a tip. Without the marker the world is empty, as older inputs expect.
    init(reading bytes: inout ArraySlice<UInt8>) {
        guard bytes.first == Self.marker, bytes.count >= 2 else { return }
        let count = Int(bytes[bytes.startIndex + 1] % 17)
        bytes = bytes.dropFirst(2)
        for position in 0..<count {
            guard bytes.count >= 3 else { break }
            let (keyByte, kind, seq) = (bytes[bytes.startIndex], bytes[bytes.startIndex + 1], UInt64(bytes[bytes.startIndex + 2]))
            bytes = bytes.dropFirst(3)
            guard let log = OriginKey(bytes: [UInt8(position), keyByte] + Array(repeating: kind, count: OriginKey.byteCount - 2)) else { continue }
            logs.append(log)
            vector.advance(log, to: seq)
            if kind & 0x10 != 0 { tips[log] = Array(repeating: keyByte ^ kind, count: WireLimits.tipDigestBytes) }
            guard kind & 0x04 == 0 else { continue }
            index.circleOf[log] = Self.circles[Int(kind & 0x03)]
            if kind & 0x08 != 0 { index.ownerLogs.insert(log) }
        }
        shared = Self.sharedCircles(bytes.first ?? 0)
        bytes = bytes.dropFirst()
    }

    static func sharedCircles(_ mask: UInt8) -> Set<CircleID> {
        Set(circles.indices.filter { mask & (1 << $0) != 0 }.map { circles[$0] })
    }

    /// Payload: a log to advance (index into `logs`) and the shared circles then read (a mask). The
    /// commit advances that log by one and says its circle's membership changed; the machine asks to
    /// read the shared circles, and gets the new mask.
    mutating func localEvent(_ payload: inout ByteBuffer, machine: inout SessionStateMachine<ContinuousClock>) -> [SessionAction<
        ContinuousClock.Instant
    >] {
        guard let which = payload.readInteger(as: UInt8.self), let mask = payload.readInteger(as: UInt8.self), !logs.isEmpty else { return [] }
        let log = logs[Int(which) % logs.count]
        let circle = index.circleOf[log]
        let seq = vector[log] + 1
        vector.advance(log, to: seq)
        let notice = CommitNotice(
            [.init(origin: log, seq: seq, deliveredBy: nil, circle: circle, isOwnerLog: index.ownerLogs.contains(log))],
            circlesChanged: circle.map { Set([$0]) } ?? [])
        var actions = machine.commitNotice(notice)
        if case .loadSharedCircles(let read) = actions.first {
            // A fetch decided before the read is allowed by the view it was decided in; the read applies next.
            check(Array(actions.dropFirst()), before: machine.phase, after: machine.phase)
            shared = Self.sharedCircles(mask)
            actions = machine.sharedCirclesLoaded(shared, read: read)
        }
        return actions
    }

    /// A log the peer may be told of or sent: a network log, or a log of a circle shared now, on a
    /// session that carries circles.
    func allows(_ log: OriginKey) -> Bool {
        guard let circle = index.circleOf[log] else { return true }
        return version >= 2 && shared.contains(circle)
    }

    func check(
        _ actions: [SessionAction<ContinuousClock.Instant>], before: SessionStateMachine<ContinuousClock>.Phase,
        after: SessionStateMachine<ContinuousClock>.Phase
    ) {
        for action in actions {
            switch action {
            case .apply:
                guard before == .live || (before == .awaitingSummary && after == .live) else {
                    invariantBroken("session", "\(action) in phase \(before)")
                }
            case .fetchBatch(let ranges):
                guard before == .live || (before == .awaitingSummary && after == .live) else {
                    invariantBroken("session", "\(action) in phase \(before)")
                }
                for range in ranges where !allows(range.origin) {
                    invariantBroken("session", "fetch of log \(range.origin) of a circle not shared")
                }
            case .send(.summary(let summary, let tips)):
                for log in summary.entries.keys where !allows(log) {
                    invariantBroken("session", "summary names log \(log) of a circle not shared")
                }
                for log in tips.keys where !allows(log) {
                    invariantBroken("session", "summary gives the tip of log \(log) of a circle not shared")
                }
            case .report(.established):
                guard before == .awaitingSummary else { invariantBroken("session", "established in phase \(before)") }
            case .close:
                guard after == .closed else { invariantBroken("session", "\(action) left phase \(after)") }
            case .send, .loadSummary, .loadSharedCircles, .recordDeliveries, .scheduleIdleCheck, .report:
                break
            }
        }
    }
}
