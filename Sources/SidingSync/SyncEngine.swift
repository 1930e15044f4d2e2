import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import SidingCore
import SidingWire

/// Keeps this node in step with its partners: listens for them, dials those with an address (with
/// backoff), runs one session per partner, and pushes every commit to every live session. `run()` owns
/// the listener, the dialers and every session in one task group; `shutdown()` ends it in good order.
public actor SyncEngine {
    public static let softwareVersion = "0.1.0"

    /// Every commit of the store (local edits or partners' batches): wakes the sessions' senders.
    public nonisolated let commits: CommitFeed
    public nonisolated let partners: PartnerSet
    let identity: NodeIdentity
    let logger: Logger
    let group: EventLoopGroup
    let timing: SessionTiming
    let gate: ConnectionGate
    let book = PeerStatusBook()
    /// Traffic, refusals and apply latency for `GET /metrics`.
    public nonisolated let metrics = SyncMetrics()
    let context: SessionContext
    let opening = OpenConnections()
    private let serverContext: NIOSSLContext
    private let clientContext: NIOSSLContext
    private var listener: NIOAsyncChannel<PendingConnection, Never>?
    private var listenerChannel: Channel?
    private let dialRequests: AsyncStream<NodeID>
    private let dialRequestSink: AsyncStream<NodeID>.Continuation
    /// Each partner's dialer; a newer one (the partner was changed) replaces it.
    var dialers: [NodeID: DialerTicket] = [:]
    var sessions: [NodeID: ActiveSession] = [:]
    var nextSessionID: UInt64 = 0
    private var nextDialerID: UInt64 = 0
    var stopped = false

    struct ActiveSession {
        let id: UInt64
        let channel: Channel
        let dialer: NodeID
    }

    struct DialerTicket {
        let id: UInt64
        /// Ends its backoff wait early: a changed partner, its session ended, shutdown (and, for every
        /// dialer, `siding sync`).
        let wakeups: Feed
    }

    public init(
        identity: NodeIdentity, localName: String, store: any ChangeStore, partners: PartnerSet, logger: Logger,
        commits: CommitFeed, group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        wallClock: @escaping @Sendable () -> UInt64 = { UInt64(max(0, Date().timeIntervalSince1970 * 1_000)) },
        timing: SessionTiming = .standard, caps: ConnectionGate.Caps = .standard
    ) throws {
        try self.init(
            identity: identity, localName: localName, store: store, partners: partners, logger: logger, commits: commits, group: group,
            wallClock: wallClock, timing: timing, caps: caps, probes: SyncTestProbes())
    }

    /// The test kit's way in: `probes` taps every frame and logs TLS secrets. Never reachable from the daemon.
    @_spi(TestKit) public init(
        identity: NodeIdentity, localName: String, store: any ChangeStore, partners: PartnerSet, logger: Logger,
        commits: CommitFeed, group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        wallClock: @escaping @Sendable () -> UInt64 = { UInt64(max(0, Date().timeIntervalSince1970 * 1_000)) },
        timing: SessionTiming = .standard, caps: ConnectionGate.Caps = .standard, probes: SyncTestProbes
    ) throws {
        gate = ConnectionGate(caps: caps, logger: logger)
        self.timing = timing
        self.commits = commits
        self.identity = identity
        self.partners = partners
        self.logger = logger
        self.group = group
        context = SessionContext(
            store: store, commits: commits, stopping: Feed(), probes: Feed(), book: book, logger: logger, timing: timing,
            ownKey: identity.origin, localName: localName, wallClock: wallClock, metrics: metrics, frameTap: probes.frameTap)
        serverContext = try SecureChannel.context(identity, server: true, keyLog: probes.keyLog)
        clientContext = try SecureChannel.context(identity, server: false, keyLog: probes.keyLog)
        (dialRequests, dialRequestSink) = AsyncStream<NodeID>.makeStream()
        for partner in partners.all { book.update(partner.nodeID, name: partner.name, address: partner.address) { _ in } }
    }

    // MARK: Life cycle

    /// Binds the partner listener (port 0 picks a free port) and returns the bound port. Connections
    /// wait in the backlog until `run()`.
    @discardableResult
    public func bind(host: String, port: Int) async throws -> Int {
        let context = serverContext
        let partners = self.partners
        let (logger, timing, gate, opening) = (self.logger, self.timing, self.gate, self.opening)
        let metrics = self.metrics
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 128)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let address = channel.remoteAddress?.ipAddress ?? "unknown"
                    let admitted = gate.admit(address)
                    if !admitted { metrics.refused(.handshakeCap) }
                    let handshake = try SecureChannel.configure(
                        channel, context: context, accept: metrics.counting(.notAPartner) { id in id.map(partners.contains) ?? false },
                        dialing: false, timing: timing,
                        logger: logger)
                    if admitted {
                        handshake.whenComplete { _ in gate.release(address) }
                        opening.track(channel)
                    } else {
                        channel.close(promise: nil)
                    }
                    return PendingConnection(try NIOAsyncChannel<Frame, Frame>(wrappingChannelSynchronously: channel), handshake: handshake)
                }
            }
        listener = server
        listenerChannel = server.channel
        let boundPort = server.channel.localAddress?.port ?? port
        logger.info("listening for partners", metadata: ["address": "\(host):\(boundPort)", "node": "\(identity.nodeID)"])
        return boundPort
    }

    /// Accepts partners, dials them and runs their sessions until `shutdown()` (or cancellation); returns
    /// once every connection has ended. Call `bind` first.
    public func run() async {
        guard let listener else { return }
        self.listener = nil
        for partner in partners.all { requestDialer(partner.nodeID) }
        let listenerChannel = self.listenerChannel
        await withTaskCancellationHandler {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.runDialers() }
                do {
                    // Every accepted connection is taken, until the listener closes and its queue ends.
                    try await listener.executeThenClose { inbound in
                        for try await connection in inbound {
                            group.addTask { await self.accept(connection) }
                        }
                    }
                } catch {
                    logger.error("the partner listener failed; sync stops", metadata: ["error": "\(error)"])
                }
                shutdown()
            }
        } onCancel: {
            listenerChannel?.close(promise: nil)
        }
    }

    /// Stops dialling and listening and tells every partner the node is shutting down (Close frame);
    /// `run()` returns when the sessions have ended (a batch being applied commits or is abandoned whole).
    public func shutdown() {
        guard !stopped else { return }
        stopped = true
        listenerChannel?.close(promise: nil)
        dialRequestSink.finish()
        context.stopping.notify()
        for dialer in dialers.values { dialer.wakeups.notify() }
        opening.closeAll()
    }

    // MARK: Partners

    public func addPartner(_ partner: Partner) {
        partners.set(partner)
        book.update(partner.nodeID, name: partner.name, address: partner.address) {
            $0.name = partner.name
            $0.address = partner.address
        }
        requestDialer(partner.nodeID)
    }

    /// Forgets a partner: closes its live session at once and refuses it from now on.
    public func removePartner(_ id: NodeID) {
        partners.remove(id)
        dialers.removeValue(forKey: id)?.wakeups.notify()
        sessions.removeValue(forKey: id)?.channel.close(promise: nil)
        book.remove(id)
    }

    /// The revocation barrier: call after committing a membership change. Every live session reads
    /// again which circles it shares with its peer, and this returns once each has adopted the result
    /// (no frame decided under the old membership is still unwritten) or ended, or after `timeout`.
    /// Returns whether every session adopted it in time.
    @discardableResult
    public nonisolated func adoptMembershipChanges(timeout: Duration = .seconds(10)) async -> Bool {
        let late = await context.barrier.adoptAll(timeout: timeout)
        if !late.isEmpty {
            logger.error("some sessions did not adopt a membership change in time", metadata: ["sessions": "\(late.sorted())"])
        }
        return late.isEmpty
    }

    /// Ends every backoff (dialers retry at once) and has every live session ping its partner.
    public nonisolated func syncNow() { context.probes.notify() }

    public func statuses() async throws -> [PeerStatus] {
        let mine = try await context.store.versionVector()
        let circleOf = try await context.store.circleLogs().circleOf
        let all = partners.all
        // Each circle folded once for every partner, not once per partner.
        let sharedWith = circleOf.isEmpty ? [:] : try await context.store.sharedCircles(withEach: all.map(\.nodeID))
        var statuses: [PeerStatus] = []
        for partner in all {
            var status = book.status(partner.nodeID) ?? PeerStatus(nodeID: partner.nodeID, name: partner.name, address: partner.address)
            status.name = partner.name
            status.address = partner.address
            status.connected = sessions[partner.nodeID] != nil && status.connected
            // What this partner may receive: the network and the circles shared with it, nothing else.
            let shared = sharedWith[partner.nodeID] ?? []
            let sendable = VersionVector(mine.entries.filter { log, _ in circleOf[log].map(shared.contains) ?? true })
            status.missingHere = PeerStatus.lead(of: status.peerVector, over: mine)
            status.missingThere = PeerStatus.lead(of: sendable, over: status.acknowledgedVector)
            statuses.append(status)
        }
        return statuses
    }

    // MARK: Dialers

    /// Starts a dialer for the partner if it has an address; one already running for it stops.
    private func requestDialer(_ id: NodeID) {
        dialers.removeValue(forKey: id)?.wakeups.notify()
        guard !stopped, partners.partner(id)?.address != nil else { return }
        nextDialerID += 1
        dialers[id] = DialerTicket(id: nextDialerID, wakeups: Feed())
        dialRequestSink.yield(id)
    }

    private func runDialers() async {
        await withDiscardingTaskGroup { group in
            for await id in dialRequests {
                guard let ticket = dialers[id] else { continue }
                group.addTask { await self.dialLoop(id, ticket) }
            }
        }
    }

    private func dialLoop(_ id: NodeID, _ ticket: DialerTicket) async {
        var failures = 0
        // Logged once per change: a partner down for a day must not fill the journal with one line per retry.
        var lastProblem: String?
        while true {
            let wakeups = [ticket.wakeups.subscribe(), context.probes.subscribe()]
            guard !stopped, !Task.isCancelled, dialers[id]?.id == ticket.id, let partner = partners.partner(id), let address = partner.address,
                let (host, port) = Self.split(address)
            else { return }
            if sessions[id] == nil {
                book.update(id) { $0.dialAttempts += 1 }
                do {
                    try await dial(id, host: host, port: port)
                    failures = 0
                    lastProblem = nil
                } catch {
                    failures += 1
                    let problem = PartnerProblem.sentence(error, partner: partner.name, address: address, localID: identity.nodeID)
                    book.update(id) {
                        $0.lastError = problem
                        $0.failedDials += 1
                    }
                    if problem != lastProblem {
                        logger.warning("cannot reach partner \(partner.name)", metadata: ["peer": "\(id)", "problem": "\(problem)"])
                        lastProblem = problem
                    }
                }
            }
            // While a session the partner dialled runs, wait for it to end (it wakes this dialer).
            let delay = sessions[id] == nil ? Backoff.delay(afterFailures: max(failures, 1), jitter: Double.random(in: 0...1)) : nil
            book.update(id) { $0.backoffSeconds = delay != nil && failures > 0 ? delay : nil }
            await Self.wait(seconds: delay, orUntil: wakeups)
        }
    }

    private func dial(_ id: NodeID, host: String, port: Int) async throws {
        let (context, logger, timing, opening) = (clientContext, self.logger, self.timing, self.opening)
        let metrics = self.metrics
        let connection = try await ClientBootstrap(group: group)
            .connectTimeout(timing.handshakeAmount)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    opening.track(channel)
                    let handshake = try SecureChannel.configure(
                        channel, context: context, accept: metrics.counting(.unexpectedNode) { $0 == id }, dialing: true, timing: timing,
                        logger: logger)
                    return PendingConnection(try NIOAsyncChannel<Frame, Frame>(wrappingChannelSynchronously: channel), handshake: handshake)
                }
            }
        try await runSession(connection, dialer: identity.nodeID)
    }

    /// Sleeps for `seconds` (forever if nil), or less if one of `wakeups` yields meanwhile.
    static func wait(seconds: Double?, orUntil wakeups: [AsyncStream<Void>]) async {
        await withTaskGroup(of: Void.self) { group in
            if let seconds { group.addTask { try? await Task.sleep(for: .milliseconds(Int(seconds * 1_000))) } }
            for wakeup in wakeups { group.addTask { for await _ in wakeup { return } } }
            await group.next()
            group.cancelAll()
        }
    }

    static func split(_ address: String) -> (String, Int)? {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) else { return nil }
        var host = String(address[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, port)
    }
}
