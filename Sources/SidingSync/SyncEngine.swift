import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import SidingCore
import SidingWire

/// Keeps this node in step with its partners: listens for them, dials those with an address (with
/// backoff), runs one session per partner, and pushes every commit to every live session.
public actor SyncEngine {
    public static let softwareVersion = "0.1.0"

    /// Notified after every commit (local edits or partners' batches): wakes every session's sender.
    public nonisolated let commits: Feed
    public nonisolated let partners: PartnerSet
    let identity: NodeIdentity
    let localName: String
    let store: any ChangeStore
    let logger: Logger
    let group: EventLoopGroup
    /// This machine's clock in ms since 1970, sent in Hello so partners can report skew.
    let wallClock: @Sendable () -> UInt64
    let timing: SessionTiming
    let gate: ConnectionGate
    let book = PeerStatusBook()
    private let syncNowFeed = Feed()
    /// Notified once when the engine stops: every session sends Close and ends.
    private let stopping = Feed()
    private let serverContext: NIOSSLContext
    private let clientContext: NIOSSLContext
    private var listener: Channel?
    private var listenerTask: Task<Void, Never>?
    private var dialers: [NodeID: Task<Void, Never>] = [:]
    private var sessions: [NodeID: ActiveSession] = [:]
    private var nextSessionID: UInt64 = 0
    private var stopped = false

    struct ActiveSession {
        let id: UInt64
        let channel: Channel
        let dialer: NodeID
    }

    public init(
        identity: NodeIdentity, localName: String, store: any ChangeStore, partners: PartnerSet, logger: Logger,
        commits: Feed = Feed(), group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        wallClock: @escaping @Sendable () -> UInt64 = { UInt64(max(0, Date().timeIntervalSince1970 * 1_000)) },
        timing: SessionTiming = .standard, caps: ConnectionGate.Caps = .standard
    ) throws {
        gate = ConnectionGate(caps: caps, logger: logger)
        self.timing = timing
        self.wallClock = wallClock
        self.commits = commits
        self.identity = identity
        self.localName = localName
        self.store = store
        self.partners = partners
        self.logger = logger
        self.group = group
        serverContext = try SecureChannel.context(identity, server: true)
        clientContext = try SecureChannel.context(identity, server: false)
        for partner in partners.all { book.update(partner.nodeID, name: partner.name, address: partner.address) { _ in } }
    }

    // MARK: Life cycle

    /// Binds the listener (port 0 picks a free port) and starts dialling partners. Returns the bound port.
    @discardableResult
    public func start(host: String, port: Int) async throws -> Int {
        let context = serverContext
        let partners = self.partners
        let logger = self.logger
        let timing = self.timing
        let gate = self.gate
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 128)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let address = channel.remoteAddress?.ipAddress ?? "unknown"
                    let admitted = gate.admit(address)
                    let handshake = try SecureChannel.configure(
                        channel, context: context, accept: { id in id.map(partners.contains) ?? false }, dialing: false, timing: timing,
                        logger: logger)
                    if admitted {
                        handshake.whenComplete { _ in gate.release(address) }
                    } else {
                        channel.close(promise: nil)
                    }
                    return (try NIOAsyncChannel<Frame, Frame>(wrappingChannelSynchronously: channel), handshake)
                }
            }
        listener = server.channel
        let boundPort = server.channel.localAddress?.port ?? port
        listenerTask = Task { [weak self] in
            try? await server.executeThenClose { inbound in
                try await withThrowingDiscardingTaskGroup { tasks in
                    for try await (connection, handshake) in inbound {
                        tasks.addTask { await self?.accept(connection, handshake) }
                    }
                }
            }
        }
        for partner in partners.all { startDialer(partner.nodeID) }
        logger.info("listening for partners", metadata: ["address": "\(host):\(boundPort)", "node": "\(identity.nodeID)"])
        return boundPort
    }

    /// Stops dialling and listening, tells every partner the node is shutting down (Close frame), waits
    /// up to `grace` for the sessions to end (an in-flight batch commits or is abandoned whole), then
    /// closes what is left.
    public func stop(grace: Duration = .seconds(2)) async {
        stopped = true
        for dialer in dialers.values { dialer.cancel() }
        dialers.removeAll()
        try? await listener?.close()
        stopping.notify()
        let deadline = ContinuousClock.now + grace
        while !sessions.isEmpty, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        for session in sessions.values { session.channel.close(promise: nil) }
        sessions.removeAll()
        listenerTask?.cancel()
    }

    // MARK: Partners

    public func addPartner(_ partner: Partner) {
        partners.set(partner)
        book.update(partner.nodeID, name: partner.name, address: partner.address) {
            $0.name = partner.name
            $0.address = partner.address
        }
        dialers.removeValue(forKey: partner.nodeID)?.cancel()
        startDialer(partner.nodeID)
    }

    /// Forgets a partner: closes its live session at once and refuses it from now on.
    public func removePartner(_ id: NodeID) {
        partners.remove(id)
        dialers.removeValue(forKey: id)?.cancel()
        sessions.removeValue(forKey: id)?.channel.close(promise: nil)
        book.remove(id)
    }

    /// Ends every backoff: dialers retry at once.
    public nonisolated func syncNow() { syncNowFeed.notify() }

    public func statuses() async throws -> [PeerStatus] {
        let mine = try await store.versionVector()
        return partners.all.map { partner in
            var status = book.status(partner.nodeID) ?? PeerStatus(nodeID: partner.nodeID, name: partner.name, address: partner.address)
            status.name = partner.name
            status.address = partner.address
            status.connected = sessions[partner.nodeID] != nil && status.connected
            status.missingHere = PeerStatus.lead(of: status.peerVector, over: mine)
            status.missingThere = PeerStatus.lead(of: mine, over: status.acknowledgedVector)
            return status
        }
    }

    // MARK: Connections

    private func accept(_ connection: NIOAsyncChannel<Frame, Frame>, _ handshake: EventLoopFuture<OriginKey>) async {
        let peer: OriginKey
        do {
            peer = try await handshake.get()
        } catch SyncError.connectionClosed {
            // Closed before the handshake ended: refused by the gate, or a port scan. Not worth a line each.
            await Self.discard(connection)
            return
        } catch {
            logger.notice(
                "TLS handshake from a would-be partner failed",
                metadata: ["address": "\(connection.channel.remoteAddress?.description ?? "?")", "error": "\(error)"])
            await Self.discard(connection)
            return
        }
        try? await runSession(peer, connection, dialer: peer.nodeID)
    }

    private func startDialer(_ id: NodeID) {
        guard !stopped, partners.partner(id)?.address != nil else { return }
        dialers[id] = Task { [weak self] in await self?.dialLoop(id) }
    }

    private func dialLoop(_ id: NodeID) async {
        var failures = 0
        while !Task.isCancelled {
            if sessions[id] == nil {
                guard let address = partners.partner(id)?.address, let (host, port) = Self.split(address) else { return }
                book.update(id) { $0.dialAttempts += 1 }
                do {
                    try await dial(id, host: host, port: port)
                    failures = 0
                } catch is CancellationError {
                    return
                } catch {
                    failures += 1
                    book.update(id) { $0.lastError = "\(error)" }
                    logger.debug("dial failed", metadata: ["peer": "\(id)", "error": "\(error)"])
                }
            }
            let delay = sessions[id] == nil ? Backoff.delay(afterFailures: max(failures, 1), jitter: Double.random(in: 0...1)) : 1
            book.update(id) { $0.backoffSeconds = self.sessions[id] == nil && failures > 0 ? delay : nil }
            await Self.sleep(seconds: delay, orUntil: syncNowFeed)
            if Task.isCancelled { return }
        }
    }

    private func dial(_ id: NodeID, host: String, port: Int) async throws {
        let context = clientContext
        let logger = self.logger
        let timing = self.timing
        let (connection, handshake) = try await ClientBootstrap(group: group)
            .connectTimeout(timing.handshakeAmount)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handshake = try SecureChannel.configure(
                        channel, context: context, accept: { $0 == id }, dialing: true, timing: timing, logger: logger)
                    return (try NIOAsyncChannel<Frame, Frame>(wrappingChannelSynchronously: channel), handshake)
                }
            }
        let peer: OriginKey
        do {
            peer = try await handshake.get()
        } catch {
            await Self.discard(connection)
            throw error
        }
        try await runSession(peer, connection, dialer: identity.nodeID)
    }

    /// Registers the connection as the partner's session (one per pair), runs it, and records how it
    /// ended. Throws only if the session failed before it was established (Hello and Summary
    /// exchanged): a dialer backs off then, but redials at once after a session that ran and broke.
    private func runSession(_ peerKey: OriginKey, _ connection: NIOAsyncChannel<Frame, Frame>, dialer: NodeID) async throws {
        let peer = peerKey.nodeID
        guard partners.contains(peer), !stopped else {
            await Self.discard(connection)
            throw SyncError.notAPartner
        }
        if let existing = sessions[peer] {
            // Both sides dialled at once: both keep the connection dialled by the smaller node ID.
            let keepNew = existing.dialer == dialer || dialer < existing.dialer
            if !keepNew {
                await Self.discard(connection)
                return
            }
            existing.channel.close(promise: nil)
        }
        nextSessionID += 1
        let sessionID = nextSessionID
        sessions[peer] = ActiveSession(id: sessionID, channel: connection.channel, dialer: dialer)
        book.update(peer) { _ in }
        book.makeCurrent(sessionID, for: peer)
        let session = Session(
            sessionID: sessionID, peerKey: peerKey, ownKey: identity.origin, channel: connection, localName: localName, store: store,
            commits: commits, stopping: stopping,
            book: book, logger: logger, wallClock: wallClock,
            timing: timing, probes: syncNowFeed)
        var failure: Error?
        do {
            try await session.run()
        } catch {
            failure = error
        }
        if sessions[peer]?.id == sessionID { sessions.removeValue(forKey: peer) }
        // A session replaced by a newer one (both dialled at once) must not mark the partner disconnected.
        let replaced = sessions[peer] != nil
        book.update(peer) {
            if !replaced { $0.connected = false }
            if let failure, !replaced { $0.lastError = "\(failure)" }
        }
        logger.info("session ended", metadata: ["peer": "\(peer)", "reason": "\(failure.map { "\($0)" } ?? "closed")"])
        if let failure, book.status(peer)?.establishedSession != sessionID { throw failure }
    }

    /// Closes a connection that will carry no session (NIOAsyncChannel must be finished through
    /// `executeThenClose`, never dropped).
    static func discard(_ connection: NIOAsyncChannel<Frame, Frame>) async {
        try? await connection.executeThenClose { _, _ in }
    }

    static func split(_ address: String) -> (String, Int)? {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) else { return nil }
        var host = String(address[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, port)
    }

    /// Sleeps for `seconds`, or less if `feed` is notified (`siding sync`) meanwhile.
    static func sleep(seconds: Double, orUntil feed: Feed) async {
        let start = feed.generation
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1_000))
        while ContinuousClock.now < deadline, feed.generation == start, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(50))
        }
    }
}
