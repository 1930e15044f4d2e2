import Crypto
import Foundation
import Logging
import NIOCore
import SidingCore
import SidingWire

/// One authenticated connection to a partner, either direction. Both sides run the same protocol:
/// hello → summary → each streams what the other lacks in acknowledged batches → live push of every
/// new commit, with keepalives. Ends on error, idle timeout, close, or when the channel is closed.
struct Session {
    let sessionID: UInt64
    /// From the peer's certificate: names the partner, and restores the origin of the changes it sends
    /// without one.
    let peerKey: OriginKey
    /// This node's key, left out of its own changes when the peer can restore it.
    let ownKey: OriginKey
    let channel: NIOAsyncChannel<Frame, Frame>
    let localName: String
    let store: any ChangeStore
    let commits: Feed
    let stopping: Feed
    let book: PeerStatusBook
    let logger: Logger
    let wallClock: @Sendable () -> UInt64
    let timing: SessionTiming
    /// `siding sync`: each live session pings at once, so a connection that died silently is found now.
    let probes: Feed

    var peer: NodeID { peerKey.nodeID }

    /// Clock differences beyond this are logged (they are always shown in `siding status --json`).
    static let reportedClockOffsetMilliseconds: Int64 = 60_000

    func run() async throws {
        try await channel.executeThenClose { inbound, outbound in
            var frames = inbound.makeAsyncIterator()
            let writer = FrameWriter(outbound: outbound)
            // Hello and Summary must both arrive within the handshake timeout: a peer (or a route) that
            // goes silent here would otherwise hold the partner's only session slot forever.
            let underlying = channel.channel
            let opening = underlying.eventLoop.scheduleTask(in: timing.handshakeAmount) { underlying.close(promise: nil) }
            var hello = WireHello()
            hello.protocolVersion = WireLimits.protocolVersion
            hello.minProtocolVersion = WireLimits.minimumProtocolVersion
            hello.softwareVersion = SyncEngine.softwareVersion
            hello.nodeName = String(localName.prefix(WireLimits.maxNameBytes))
            hello.capabilities = ["deflate", SenderOrigin.capability]
            hello.wallClockMs = wallClock()
            try await writer.send(.hello(hello))
            var machine = SessionStateMachine()
            let theirs: WireHello
            switch machine.received(try await nextMessage(&frames, writer)) {
            case .sendSummary(let hello): theirs = hello
            case let other: throw await end(other, writer)
            }
            let clockOffset = theirs.wallClockMs == 0 ? nil : Int64(bitPattern: theirs.wallClockMs &- wallClock())
            if let clockOffset, abs(clockOffset) > Self.reportedClockOffsetMilliseconds {
                logger.warning(
                    "partner's clock differs from this machine's; its edits are kept, but among concurrent edits the later clock is shown first",
                    metadata: ["peer": "\(peer)", "offset_seconds": "\(clockOffset / 1_000)"])
            }
            let ours = try await store.versionVector()
            let ourTips = try await tipDigests(ours)
            try await writer.send(.summary(ours, tips: ourTips))
            let (peerSummary, peerTips): (VersionVector, [OriginKey: [UInt8]])
            switch machine.received(try await nextMessage(&frames, writer)) {
            case .startStreaming(let vector, let tips): (peerSummary, peerTips) = (vector, tips)
            case let other: throw await end(other, writer)
            }
            opening.cancel()
            let sender = theirs.capabilities.contains(SenderOrigin.capability) ? ownKey : nil
            // Same seq, different change: the origin signed two versions (a fork). Send ours, so the
            // peer holds both and records the proof, as we will when it sends its version.
            let forked = ours.entries.keys.filter { origin in
                peerSummary[origin] == ours[origin] && peerTips[origin].map { $0 != ourTips[origin] } ?? false
            }
            let window = SendWindow(peerSummary: peerSummary)
            let clock = ActivityClock()
            book.update(peer, session: sessionID) {
                $0.connected = true
                $0.lastConnected = Date()
                $0.lastError = nil
                $0.backoffSeconds = nil
                $0.peerVector = peerSummary
                $0.acknowledgedVector = peerSummary
                $0.clockOffsetMilliseconds = clockOffset
                $0.establishedSession = sessionID
                // Counters describe the current session.
                $0.changesSent = 0
                $0.batchesSent = 0
                $0.changesReceived = 0
                $0.batchesReceived = 0
                if !theirs.nodeName.isEmpty && $0.name.isEmpty { $0.name = theirs.nodeName }
            }
            logger.info("session started", metadata: ["peer": "\(peer)", "peer_version": "\(theirs.softwareVersion)"])
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await closing(underlying) { try await sendLoop(writer.eliding(sender), window, forkProbes: forked, known: ours) }
                }
                group.addTask { try await closing(underlying) { try await keepalive(writer, clock) } }
                let pings = probes.subscribe()
                group.addTask {
                    try await closing(underlying) {
                        for await _ in pings { try await writer.send(.ping(0)) }
                    }
                }
                let shutdown = stopping.subscribe()
                group.addTask {
                    for await _ in shutdown {
                        try? await writer.send(.close(.shuttingDown, "the partner node is shutting down"))
                        underlying.close(promise: nil)
                        return
                    }
                }
                defer { group.cancelAll() }
                do {
                    try await receiveLoop(&frames, &machine, writer, window, clock)
                } catch {
                    underlying.close(promise: nil)
                    throw error
                }
                // The peer closed cleanly; surface a child's error if one caused it.
                group.cancelAll()
                while let _ = try await group.next() {}
            }
        }
    }

    /// Runs `body`; if it throws, closes the channel so the receive loop ends too.
    private func closing(_ channel: Channel, _ body: @Sendable () async throws -> Void) async throws {
        do {
            try await body()
        } catch is CancellationError {
        } catch {
            channel.close(promise: nil)
            throw error
        }
    }

    private func nextMessage(_ frames: inout NIOAsyncChannelInboundStream<Frame>.AsyncIterator, _ writer: FrameWriter) async throws -> WireMessage {
        let next: Frame?
        do {
            next = try await frames.next()
        } catch let error as WireError {
            // The frame decoder refused the stream (a length over the limit): say why before closing.
            throw await fail(writer, error.closeCode, error.description, wire: error)
        }
        guard let frame = next else { throw SyncError.connectionClosed }
        do {
            return try WireMessage.decode(frame, sender: peerKey)
        } catch {
            throw await fail(writer, error.closeCode, error.description, wire: error)
        }
    }

    /// Tells the peer why the session ends (best effort) and returns the error to throw.
    private func fail(_ writer: FrameWriter, _ code: CloseCode, _ reason: String, wire: WireError? = nil) async -> SyncError {
        logger.warning("closing session", metadata: ["peer": "\(peer)", "code": "\(code)", "reason": "\(reason)"])
        try? await writer.send(.close(code, reason))
        return wire.map(SyncError.wire) ?? .closedLocally(code, reason)
    }

    // MARK: Receiving

    /// What to throw for an action that ends the session (telling the peer why, when it is our call).
    private func end(_ action: SessionStateMachine.Action, _ writer: FrameWriter) async -> Error {
        switch action {
        case .close(let code, let reason): await fail(writer, code, reason)
        case .closedByPeer(let code, let reason): SyncError.closedByPeer(code: code, reason: reason)
        default: await fail(writer, .internalError, "unexpected step \(action)")
        }
    }

    private func receiveLoop(
        _ frames: inout NIOAsyncChannelInboundStream<Frame>.AsyncIterator, _ machine: inout SessionStateMachine, _ writer: FrameWriter,
        _ window: SendWindow, _ clock: ActivityClock
    ) async throws {
        while true {
            let message: WireMessage
            do {
                message = try await nextMessage(&frames, writer)
            } catch SyncError.connectionClosed {
                return
            }
            clock.touch()
            switch machine.received(message) {
            case .applyBatch(let id, let encoded):
                try await receive(batch: id, encoded, writer, window)
            case .recordAck(let ack):
                guard await window.acked(ack.batchID) else { throw await fail(writer, .protocolError, "ack for unknown batch \(ack.batchID)") }
                let acknowledged = await window.acknowledged
                book.update(peer, session: sessionID) {
                    $0.acknowledgedVector = acknowledged
                    $0.lastSync = Date()
                }
            case .sendPong(let nonce):
                try await writer.send(.pong(nonce))
            case .none:
                break
            case let other:
                throw await end(other, writer)
            }
        }
    }

    private func receive(batch id: UInt64, _ encoded: [[UInt8]], _ writer: FrameWriter, _ window: SendWindow) async throws {
        var changes: [Change] = []
        changes.reserveCapacity(encoded.count)
        for bytes in encoded {
            do {
                changes.append(try Change(verifying: bytes))
            } catch {
                throw await fail(writer, .invalidChange, error.description)
            }
        }
        // The peer holds what it sent: known before the commit wakes this session's sender, which
        // would otherwise send every received change straight back.
        await window.received(changes)
        let outcomes: [ApplyOutcome]
        do {
            outcomes = try await store.apply(changes)
        } catch let error as ReceiveError {
            throw await fail(writer, .gap, error.description)
        } catch {
            throw await fail(writer, .internalError, "could not store the batch")
        }
        // What arrived is now ours to relay: wake every session's sender (this one skips what the peer sent).
        if outcomes.contains(.applied) { commits.notify() }
        var ack = WireAck()
        ack.batchID = id
        ack.applied = UInt32(outcomes.filter { $0 == .applied }.count)
        ack.duplicates = UInt32(outcomes.filter { $0 == .duplicate }.count)
        ack.equivocations = UInt32(outcomes.filter { $0 == .equivocation }.count)
        try await writer.send(.ack(ack))
        // What the peer sent, it holds: both vectors move (status compares them with ours).
        let (known, acknowledged) = (await window.known, await window.acknowledged)
        book.update(peer, session: sessionID) { [ack] in
            $0.peerVector = known
            $0.acknowledgedVector = acknowledged
            $0.batchesReceived += 1
            $0.changesReceived += Int(ack.applied)
            $0.duplicatesReceived += Int(ack.duplicates)
            $0.equivocationsReceived += Int(ack.equivocations)
            $0.lastSync = Date()
        }
        if ack.equivocations > 0 {
            logger.error(
                "equivocation: a partner relayed a second, different change for a seq already held; both kept as evidence",
                metadata: ["peer": "\(peer)"])
        }
    }

    // MARK: Sending

    private func sendLoop(_ writer: FrameWriter, _ window: SendWindow, forkProbes: [OriginKey], known: VersionVector) async throws {
        let wakeups = commits.subscribe()
        if !forkProbes.isEmpty {
            var tips: [Change] = []
            for origin in forkProbes.sorted().prefix(WireLimits.maxBatchChanges) {
                if let bytes = try await store.changes(of: origin, after: known[origin] - 1, limit: 1).first {
                    tips.append(try Change(decoding: bytes))
                }
            }
            logger.warning(
                "partner holds a different change at the same seq for some origins: fork, sending ours as proof",
                metadata: ["peer": "\(peer)", "origins": "\(forkProbes.map(\.nodeID))"])
            let id = await window.sent(tips)
            try await writer.send(.batch(id: id, changes: tips.map(\.encoded)))
        }
        try await sendMissing(writer, window)
        for await _ in wakeups {
            try await sendMissing(writer, window)
        }
    }

    /// Streams everything the peer lacks, one bounded batch at a time, never more than the window ahead.
    private func sendMissing(_ writer: FrameWriter, _ window: SendWindow) async throws {
        while true {
            let batch = try await nextBatch(window)
            if batch.isEmpty { return }
            while await window.inflightCount >= WireLimits.sendWindow {
                try await Task.sleep(for: .milliseconds(1))
            }
            let id = await window.sent(batch)
            try await writer.send(.batch(id: id, changes: batch.map(\.encoded)))
            let (batches, changes) = (await window.batchesSent, await window.changesSent)
            book.update(peer, session: sessionID) {
                $0.batchesSent = batches
                $0.changesSent = changes
            }
        }
    }

    private func nextBatch(_ window: SendWindow) async throws -> [Change] {
        let missing = await window.known.missing(from: try await store.versionVector())
        var batch: [Change] = []
        var bytes = 0
        for (origin, range) in missing.sorted(by: { $0.key < $1.key }) {
            let room = WireLimits.maxBatchChanges - batch.count
            if room <= 0 || bytes >= WireLimits.maxBatchBytes { break }
            for encoded in try await store.changes(of: origin, after: range.lowerBound - 1, limit: room) {
                guard bytes + encoded.count <= WireLimits.maxBatchBytes || batch.isEmpty else { return batch }
                // Our own stored bytes: decoding without re-verifying is safe and keeps sending cheap.
                batch.append(try Change(decoding: encoded))
                bytes += encoded.count
            }
        }
        return batch
    }

    /// For each origin held, the first bytes of SHA-256 of the change at its highest seq.
    private func tipDigests(_ vector: VersionVector) async throws -> [OriginKey: [UInt8]] {
        var tips: [OriginKey: [UInt8]] = [:]
        for (origin, seq) in vector.entries {
            guard let bytes = try await store.changes(of: origin, after: seq - 1, limit: 1).first else { continue }
            tips[origin] = Array(SHA256.hash(data: bytes).prefix(WireLimits.tipDigestBytes))
        }
        return tips
    }

    private func keepalive(_ writer: FrameWriter, _ clock: ActivityClock) async throws {
        var nonce: UInt64 = 0
        while true {
            try await Task.sleep(for: min(timing.pingInterval, timing.idleTimeout / 3))
            if clock.sinceLastActivity > timing.idleTimeout {
                logger.warning("partner silent past the idle timeout; closing", metadata: ["peer": "\(peer)"])
                try? await writer.send(.close(.idleTimeout, "no traffic for \(timing.idleTimeout)"))
                throw SyncError.idleTimeout
            }
            nonce += 1
            try await writer.send(.ping(nonce))
        }
    }
}

/// Serialises writes from the session's tasks onto the channel.
struct FrameWriter: Sendable {
    let outbound: NIOAsyncChannelOutboundWriter<Frame>
    /// This node's key, when the peer restores it in batches (its Hello lists the capability).
    var sender: OriginKey? = nil

    func send(_ message: WireMessage) async throws {
        try await outbound.write(try message.frame(sender: sender))
    }

    func eliding(_ sender: OriginKey?) -> FrameWriter {
        FrameWriter(outbound: outbound, sender: sender)
    }
}

/// When the peer was last heard from.
final class ActivityClock: @unchecked Sendable {
    private let lock = NSLock()
    private var last = ContinuousClock.now

    func touch() { lock.withLock { last = .now } }

    var sinceLastActivity: Duration { lock.withLock { ContinuousClock.now - last } }
}
