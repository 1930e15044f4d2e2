import SidingCore
import SidingWire

/// The session protocol (Protocol/SPEC.md, "State machine") as a pure value: the phase, what the peer
/// is known to hold, the batches in flight, when the peer was last heard from and the pending fork
/// probes. Every event returns the actions to perform, in order; `Session` only performs them and
/// reports their outcomes back as events. No I/O and no clock of its own: instants come with the
/// events, so tests drive it with a manual clock and no channel, and the fuzzer with any bytes.
public struct SessionStateMachine<C: Clock>: Sendable where C.Duration == Duration {
    public typealias Instant = C.Instant

    public enum Phase: Sendable, Equatable {
        case awaitingHello, awaitingSummary, live, closed
    }

    enum Fetch: Sendable, Equatable {
        case changes, forkProbes
    }

    public private(set) var phase = Phase.awaitingHello
    let timing: SessionTiming
    /// This session's number in the engine: commits it delivered itself need not be looked at.
    let sessionID: UInt64
    var openingDeadline: Instant
    var lastHeard: Instant
    var lastPing: Instant
    var pingNonce: UInt64 = 0
    var peerHello: WireHello?
    /// What this node holds: its summary, advanced by every commit since.
    public internal(set) var ours = VersionVector()
    var summaryLoaded = false
    /// What the peer holds as far as this node knows: its summary, every batch sent (TCP delivers in
    /// order) and every change it sent. `acknowledged` grows only with acks and what it sent.
    public internal(set) var known = VersionVector()
    public internal(set) var acknowledged = VersionVector()
    var inflight: [UInt64: [OriginKey: UInt64]] = [:]
    /// How much of the window the receiver's measured pace lets this session use.
    var pacing = SendPacing<Instant>()
    var nextBatchID: UInt64 = 1
    /// What the fetch under way reads, if one is: a fork probe that finds nothing to send lets the rest go.
    var fetching: Fetch?
    /// The batch decided but not yet written, if one is: nothing more is read until it is, so batches
    /// reach the peer in the order they were read.
    var unwritten: UInt64?
    /// Origins whose tip differs at the same seq, with the peer's tip digest: a version other than the
    /// peer's is sent first, as proof of the fork.
    var forkProbes: [OriginKey: [UInt8]] = [:]
    public internal(set) var batchesSent = 0
    public internal(set) var changesSent = 0
    /// What may be written to this peer (protocol 2: the circles shared with it).
    var scope = SendScope()
    /// Reads of the shared circles, numbered in the order they were asked for: a result older than
    /// the one in force is dropped. The summary's read is one of them.
    var sharedReadsRequested: UInt64 = 0
    public internal(set) var appliedSharedRead: UInt64 = 0
    var summaryRead: UInt64 = 0

    public init(sessionID: UInt64, timing: SessionTiming, now: Instant) {
        self.sessionID = sessionID
        self.timing = timing
        openingDeadline = now.advanced(by: timing.handshake)
        lastHeard = now
        lastPing = now
    }

    /// The session begins: send our Hello and check again when the opening's deadline passes.
    public mutating func opened(sending hello: WireHello) -> [SessionAction<Instant>] {
        [.send(.hello(hello)), .scheduleIdleCheck(at: openingDeadline)]
    }

    public mutating func frameReceived(_ message: WireMessage, now: Instant) -> [SessionAction<Instant>] {
        guard phase != .closed else { return [] }
        lastHeard = now
        switch (phase, message) {
        case (.closed, _):
            return []
        case (_, .close(_, let code, let reason)):
            phase = .closed
            return [.close(.closedByPeer(code: code, reason: reason))]
        case (.awaitingHello, .hello(let hello)):
            guard hello.protocolVersion >= WireLimits.minimumProtocolVersion, hello.minProtocolVersion <= WireLimits.protocolVersion else {
                return closing(.unsupportedVersion, "versions \(hello.minProtocolVersion)…\(hello.protocolVersion) unsupported")
            }
            peerHello = hello
            scope.version = min(WireLimits.protocolVersion, hello.protocolVersion)
            scope.carriesNetworkRedactions = hello.capabilities.contains(RedactedNetworkChanges.capability)
            phase = .awaitingSummary
            sharedReadsRequested += 1
            summaryRead = sharedReadsRequested
            return [.loadSummary]
        case (.awaitingHello, _):
            return closing(.protocolError, "expected hello first, got \(message.frameType)")
        case (.awaitingSummary, .summary(let vector, let tips)) where summaryLoaded:
            return established(peerSummary: vector, peerTips: tips)
        case (.awaitingSummary, _):
            return closing(.protocolError, "expected summary after hello, got \(message.frameType)")
        case (.live, .batch(let id, let changes)):
            // A version 1 session carries the network only; a circle's change on it is a peer's error.
            if scope.version < 2, changes.contains(where: { $0.first == CircleChangeFormat.byte }) {
                return closing(.invalidChange, "a format 2 (circle) change on a protocol version 1 session")
            }
            return [.apply(batchID: id, changes: changes)]
        case (.live, .ack(let ack)):
            guard let highest = inflight.removeValue(forKey: ack.batchID) else {
                return closing(.protocolError, "ack for unknown batch \(ack.batchID)")
            }
            for (origin, seq) in highest { acknowledged.advance(origin, to: seq) }
            pacing.acknowledged(batch: ack.batchID, at: now)
            return [.report(.acknowledged(acknowledged))] + sendMore()
        case (.live, .ping(let nonce)):
            return [.send(.pong(nonce))]
        case (.live, .pong):
            return []
        case (.live, .hello), (.live, .summary):
            return closing(.protocolError, "unexpected \(message.frameType) during the session")
        }
    }

    /// A frame could not be decoded: the stream is unusable.
    public mutating func decodingFailed(_ error: WireError) -> [SessionAction<Instant>] {
        guard phase != .closed else { return [] }
        phase = .closed
        return [.send(.close(error.closeCode, error.description)), .close(.wire(error))]
    }

    /// The peer's side of the connection ended without a Close.
    public mutating func channelClosed() -> [SessionAction<Instant>] {
        defer { phase = .closed }
        switch phase {
        case .closed: return []
        case .live: return [.close(nil)]
        case .awaitingHello, .awaitingSummary: return [.close(.connectionClosed)]
        }
    }

    /// Our summary, read from the store after their Hello, with the circle of each log (read after the
    /// vector) and the circles shared with the peer: send what the peer may see of it.
    public mutating func summaryLoaded(
        _ vector: VersionVector, tips: [OriginKey: [UInt8]], circles: CircleLogIndex, shared: Set<CircleID>
    ) -> [SessionAction<Instant>] {
        guard phase == .awaitingSummary else { return [] }
        for (origin, seq) in vector.entries { ours.advance(origin, to: seq) }
        scope.learn(circles, logs: vector.entries.keys)
        if summaryRead > appliedSharedRead {
            scope.shared = shared
            appliedSharedRead = summaryRead
        }
        summaryLoaded = true
        ourTips = tips.filter { scope.allows($0.key) }
        return [.send(.summary(VersionVector(vector.entries.filter { scope.allows($0.key) }), tips: ourTips))]
    }

    var ourTips: [OriginKey: [UInt8]] = [:]

    private mutating func established(peerSummary: VersionVector, peerTips: [OriginKey: [UInt8]]) -> [SessionAction<Instant>] {
        phase = .live
        known = peerSummary
        acknowledged = peerSummary
        // Same seq, different change: the origin signed two versions (a fork). Send ours (or, if we have
        // since put the peer's in force, the one we keep as evidence), so the peer holds both and records
        // the proof, as we will when it sends its version.
        forkProbes = peerTips.filter { origin, tip in
            scope.allows(origin) && ours.entries[origin] != nil && peerSummary[origin] == ours[origin] && tip != ourTips[origin]
        }
        let hello = peerHello ?? WireHello()
        return [.report(.established(hello: hello, summary: peerSummary, forked: forkProbes.keys.sorted()))] + sendMore()
    }

    /// Time passed: close an opening that took too long or a peer silent past the idle timeout, and
    /// keep the link alive with pings.
    public mutating func tick(now: Instant) -> [SessionAction<Instant>] {
        switch phase {
        case .closed:
            return []
        case .awaitingHello, .awaitingSummary:
            guard now < openingDeadline else {
                phase = .closed
                return [.close(.handshakeTimeout)]
            }
            return [.scheduleIdleCheck(at: openingDeadline)]
        case .live:
            if lastHeard.duration(to: now) > timing.idleTimeout {
                return closing(.idleTimeout, "no traffic for \(timing.idleTimeout)", ending: .idleTimeout)
            }
            var actions: [SessionAction<Instant>] = []
            let interval = min(timing.pingInterval, timing.idleTimeout / 3)
            if lastPing.duration(to: now) >= interval {
                pingNonce += 1
                lastPing = now
                actions.append(.send(.ping(pingNonce)))
            }
            let idleAt = lastHeard.advanced(by: timing.idleTimeout + .milliseconds(1))
            actions.append(.scheduleIdleCheck(at: min(lastPing.advanced(by: interval), idleAt)))
            return actions
        }
    }

    /// The node is shutting down: tell the peer and close.
    public mutating func shutdown() -> [SessionAction<Instant>] {
        guard phase != .closed else { return [] }
        phase = .closed
        return [.send(.close(.shuttingDown, "the partner node is shutting down")), .close(nil)]
    }

    /// `siding sync`: ping at once, so a connection that died silently is found now.
    public func probe() -> [SessionAction<Instant>] {
        phase == .live ? [.send(.ping(0))] : []
    }

    /// Ends the session with `code`, telling the peer why.
    mutating func closing(_ code: CloseCode, _ reason: String, ending: SyncError? = nil) -> [SessionAction<Instant>] {
        phase = .closed
        return [.send(.close(code, reason)), .close(ending ?? .closedLocally(code, reason))]
    }
}
