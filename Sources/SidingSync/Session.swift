import Crypto
import Foundation
import Logging
import NIOCore
import SidingCore
import SidingWire
import Synchronization

/// One authenticated connection to a partner, either direction. The protocol's rules live in
/// `SessionStateMachine`; this only feeds it events (frames, commits, time, shutdown, `siding sync`)
/// and performs the actions it returns: writing frames, reading and storing changes, status reports.
final class Session<C: Clock>: Sendable where C.Duration == Duration {
    let context: SessionContext
    let sessionID: UInt64
    /// From the peer's certificate: names the partner, and restores the origin of the changes it sends
    /// without one.
    let peerKey: OriginKey
    let clock: C
    private let channel: NIOAsyncChannel<Frame, Frame>
    let state: Mutex<State>
    let traffic: PartnerTraffic
    let tap: SessionTap?

    struct State {
        var machine: SessionStateMachine<C>
        /// This node's key, left out of its own changes once the peer's Hello says it can restore it.
        var elidedSender: OriginKey?
        /// The circle logs named to the peer so far, once its Hello says it can restore changes
        /// without their log's header; nil before that.
        var namedToPeer: NamedLogs?
        var ending: SyncError?
        var ended = false
        /// Batches decided but not yet written: a membership change is adopted once none decided
        /// before it is still on its way to the socket.
        var batchesToWrite = 0
        /// Barrier requests waiting for their shared-circles read to take effect.
        var awaitingAdoption: [(read: UInt64, generation: UInt64)] = []
    }

    var peer: NodeID { peerKey.nodeID }

    init(context: SessionContext, sessionID: UInt64, peerKey: OriginKey, channel: NIOAsyncChannel<Frame, Frame>, clock: C) {
        self.context = context
        self.sessionID = sessionID
        self.peerKey = peerKey
        self.channel = channel
        self.clock = clock
        traffic = context.metrics.traffic(for: peerKey.nodeID)
        tap = context.frameTap.map { SessionTap(tap: $0, local: context.ownKey.nodeID, peer: peerKey.nodeID, session: sessionID) }
        state = Mutex(State(machine: SessionStateMachine(sessionID: sessionID, timing: context.timing, now: clock.now)))
    }

    /// Runs the session until either side closes it; throws why it ended, unless in good order.
    func run() async throws {
        // Subscribed before our summary is read, so no commit falls between the two.
        let commits = context.commits.subscribe()
        let shutdown = context.stopping.subscribe()
        let probes = context.probes.subscribe()
        let membership = context.barrier.requests.subscribe()
        context.barrier.register(session: sessionID)
        defer { context.barrier.unregister(session: sessionID) }
        try await channel.executeThenClose { inbound, outbound in
            let writer = FrameWriter(outbound: outbound, traffic: traffic, tap: tap)
            // Our Hello goes out before anything the peer's frames may prompt.
            let opening = state.withLock { $0.machine.opened(sending: context.hello()) }
            await perform(opening.filter { $0.scheduledCheck == nil }, writer)
            await withDiscardingTaskGroup { group in
                group.addTask { await self.tick(from: opening.filter { $0.scheduledCheck != nil }, writer) }
                group.addTask { for await notice in commits { await self.handle(writer) { $0.commitNotice(notice) } } }
                group.addTask {
                    // A shutdown announced before this session subscribed still counts.
                    if self.context.stopping.generation == 0 { for await _ in shutdown { break } }
                    await self.handle(writer) { $0.shutdown() }
                }
                group.addTask { for await _ in probes { await self.handle(writer) { $0.probe() } } }
                group.addTask { for await _ in membership { await self.adoptMembership(writer) } }
                await receive(inbound, writer)
                group.cancelAll()
            }
        }
        if let ending = state.withLock({ $0.ending }) { throw ending }
    }

    /// Reads the peer's frames in order. A batch is verified here while the one before it is still
    /// being stored (in `storing`, one at a time), so a catch-up keeps both cores busy; every other
    /// frame waits until that batch is stored and acknowledged, so it is handled as if in sequence.
    private func receive(_ inbound: NIOAsyncChannelInboundStream<Frame>, _ writer: FrameWriter) async {
        // The circle logs the peer has named so far; frames are decoded one at a time, in order.
        var namedByPeer: NamedLogs? = NamedLogs()
        await withTaskGroup(of: Void.self) { storing in
            do {
                for try await frame in inbound {
                    traffic.bytesReceived.add(UInt64(Frame.headerBytes + frame.payload.readableBytes))
                    let message: WireMessage
                    do throws(WireError) {
                        message = try WireMessage.decode(frame, sender: peerKey, logs: &namedByPeer)
                    } catch {
                        await storing.waitForAll()
                        return await handle(writer) { $0.decodingFailed(error) }
                    }
                    tap?.record(.received, message, frame)
                    let now = clock.now
                    context.book.update(peer, session: sessionID) { $0.lastHeard = Date() }
                    if case .batch = message {
                        let actions = state.withLock { $0.machine.frameReceived(message, now: now) }
                        await receiveBatch(actions, storing: &storing, writer)
                    } else {
                        await storing.waitForAll()
                        await handle(writer) { $0.frameReceived(message, now: now) }
                    }
                    if state.withLock({ $0.ended }) { return }
                }
            } catch let error as WireError {
                // The frame decoder refused the stream (a length over the limit): say why before closing.
                await storing.waitForAll()
                return await handle(writer) { $0.decodingFailed(error) }
            } catch {
                // The connection broke; the machine decides below whether that was in good order.
            }
            await storing.waitForAll()
            await handle(writer) { $0.channelClosed() }
        }
    }

    /// What the machine said about a received batch: normally to apply it. Its signatures are checked
    /// now; it is stored once the batch before it is, and acknowledged when its transaction commits.
    private func receiveBatch(_ actions: [SessionAction<C.Instant>], storing: inout TaskGroup<Void>, _ writer: FrameWriter) async {
        guard actions.count == 1, case .apply(let id, let encoded) = actions[0] else {
            await storing.waitForAll()
            return await perform(actions, writer)
        }
        let start = clock.now
        let changes: [VerifiedChange]
        do throws(ChangeError) {
            changes = try await Self.verify(encoded)
        } catch {
            await storing.waitForAll()
            return await handle(writer) { $0.batchRejected(error.description) }
        }
        let verifying = start.duration(to: clock.now)
        await storing.waitForAll()
        if state.withLock({ $0.ended }) { return }
        storing.addTask { await self.perform(await self.store(id, changes, verifiedIn: verifying), writer) }
    }

    /// Sleeps until each idle check the machine schedules and hands it the time.
    private func tick(from opening: [SessionAction<C.Instant>], _ writer: FrameWriter) async {
        var actions = opening
        while true {
            await perform(actions.filter { $0.scheduledCheck == nil }, writer)
            guard let next = actions.compactMap(\.scheduledCheck).last else { return }
            do {
                try await clock.sleep(until: next, tolerance: nil)
            } catch {
                return
            }
            let now = clock.now
            actions = state.withLock { $0.machine.tick(now: now) }
        }
    }

    /// The revocation barrier asks: read the shared circles again, and say so once in force.
    private func adoptMembership(_ writer: FrameWriter) async {
        let generation = context.barrier.currentGeneration
        let actions = state.withLock { state -> [SessionAction<C.Instant>] in
            let actions = state.machine.requestSharedCircles()
            if case .loadSharedCircles(let read) = actions.first { state.awaitingAdoption.append((read, generation)) }
            return actions
        }
        // Closed: it writes nothing more, which is as good as adopted.
        if actions.isEmpty { return context.barrier.adopted(session: sessionID, generation: generation) }
        await perform(actions, writer)
    }

    /// Tells the barrier which requests are in force: their read applied and no batch decided before
    /// it still unwritten.
    private func reportAdoptions() {
        let generation = state.withLock { state -> UInt64? in
            guard state.batchesToWrite == 0 else { return nil }
            let applied = state.machine.appliedSharedRead
            let ready = state.awaitingAdoption.filter { $0.read <= applied }
            state.awaitingAdoption.removeAll { $0.read <= applied }
            return ready.map(\.generation).max()
        }
        if let generation { context.barrier.adopted(session: sessionID, generation: generation) }
    }

    /// Feeds one event to the machine and performs what it returns.
    private func handle(_ writer: FrameWriter, _ event: (inout SessionStateMachine<C>) -> [SessionAction<C.Instant>]) async {
        await perform(state.withLock { event(&$0.machine) }, writer)
    }

    /// Performs actions in order; an action's outcome is an event whose actions run next. Any failure
    /// ends the session with that failure as its reason.
    private func perform(_ actions: [SessionAction<C.Instant>], _ writer: FrameWriter) async {
        var queue = actions[...]
        while let action = queue.popFirst() {
            do {
                queue.append(contentsOf: try await perform(action, writer))
            } catch let error as SyncError {
                return end(error)
            } catch is ChannelError {
                // Closed under us (by the peer, or by this session's other half ending it).
                return end(.connectionClosed)
            } catch {
                return end(.closedLocally(.internalError, "\(error)"))
            }
        }
    }

    private func perform(_ action: SessionAction<C.Instant>, _ writer: FrameWriter) async throws -> [SessionAction<C.Instant>] {
        switch action {
        case .send(let message):
            guard case .batch(let id, _) = message else {
                try await writer.send(message)
                break
            }
            defer {
                state.withLock { $0.batchesToWrite -= 1 }
                reportAdoptions()
            }
            // Encoded under the lock, in the order batches are written: one at a time, since the machine
            // fetches the next batch only after this one is written.
            let frame = try state.withLock { state in try message.frame(sender: state.elidedSender, logs: &state.namedToPeer) }
            try await writer.write(frame, of: message)
            return state.withLock { $0.machine.batchWritten(id) }
        case .loadSummary:
            let summary = try await context.summary(for: peerKey)
            return state.withLock { $0.machine.summaryLoaded(summary.vector, tips: summary.tips, circles: summary.circles, shared: summary.shared) }
        case .loadSharedCircles(let read):
            let shared = try await context.store.sharedCircles(with: peerKey.nodeID)
            // Read after the membership: it holds every change that membership was folded from.
            let holding = try await context.store.versionVector()
            let actions = state.withLock { $0.machine.sharedCirclesLoaded(shared, read: read, holding: holding) }
            reportAdoptions()
            return actions
        case .recordDeliveries(let deliveries):
            let now = context.wallClock()
            do {
                let stamped = deliveries.map { delivery in
                    var stamped = delivery
                    stamped.sentAtMilliseconds = now
                    return stamped
                }
                try await context.store.recordDeliveries(stamped, to: peer)
            } catch {
                context.logger.error("could not record what was sent of a circle for its audit", metadata: ["peer": "\(peer)", "error": "\(error)"])
            }
        case .fetchBatch(let ranges):
            let changes = try await context.fetch(ranges)
            let now = clock.now
            return state.withLock { state in
                let actions = state.machine.batchFetched(changes, now: now)
                state.batchesToWrite += actions.filter(\.isBatch).count
                return actions
            }
        case .apply(let id, let encoded):
            return await apply(id, encoded)
        case .scheduleIdleCheck:
            break  // only `tick` schedules, and it takes its own schedule
        case .report(let report):
            if case .established(let hello, _, _) = report {
                state.withLock { state in
                    if hello.capabilities.contains(SenderOrigin.capability) { state.elidedSender = context.ownKey }
                    if hello.capabilities.contains(CircleElision.capability) { state.namedToPeer = NamedLogs() }
                }
            }
            context.record(report, peer: peer, session: sessionID)
        case .close(let reason):
            end(reason)
        }
        return []
    }

    /// Records why the session ended (the first reason counts) and closes the connection.
    private func end(_ reason: SyncError?) {
        state.withLock { state in
            if !state.ended { state.ending = reason }
            state.ended = true
        }
        if case .closedLocally(let code, let why) = reason, code != .shuttingDown {
            context.logger.warning("closing session", metadata: ["peer": "\(peer)", "code": "\(code)", "reason": "\(why)"])
        }
        channel.channel.close(promise: nil)
    }
}
