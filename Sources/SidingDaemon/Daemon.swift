import Foundation
import Logging
import NIOCore
import NIOPosix
import SidingCore
import SidingStore
import SidingSync

/// The composition root: wires the store, the node service and the local API for one node, runs until
/// SIGTERM or SIGINT, then shuts down cleanly.
public enum Daemon {
    public static let version = "0.1.0"
    /// How long SIGTERM may take before the daemon gives up waiting for partners and exits anyway.
    static let shutdownGrace: Duration = .seconds(5)

    /// Command-line settings that take precedence over siding.toml (the systemd units use them).
    public struct Overrides: Sendable {
        public var socketPath: String?
        public var groupAccess: Bool?
        /// Shortened only by tests.
        public var apiTimeouts: LocalAPITimeouts

        public init(socketPath: String? = nil, groupAccess: Bool? = nil, apiTimeouts: LocalAPITimeouts = .standard) {
            self.socketPath = socketPath
            self.groupAccess = groupAccess
            self.apiTimeouts = apiTimeouts
        }
    }

    public static func run(home: NodeHome, overrides: Overrides = Overrides(), wallClock: WallClock = WallClock()) async throws {
        do {
            try await serve(home: home, overrides: overrides, wallClock: wallClock)
        } catch StoreError.damaged(let path, let reason) {
            throw DaemonError.damagedDatabase(StoreError.damaged(path: path, reason: reason).description)
        }
    }

    static func serve(home: NodeHome, overrides: Overrides, wallClock: WallClock) async throws {
        // Everything the daemon creates (database, WAL, socket) is private to its user from the start.
        umask(0o077)
        signal(SIGPIPE, SIG_IGN)
        let signals = TerminationSignal.stream()
        try FilePermissions.requirePrivate([home.keyFile, home.configFile])
        var (configuration, key) = try home.load()
        configuration.socketPath = overrides.socketPath ?? configuration.socketPath
        configuration.groupAccess = overrides.groupAccess ?? configuration.groupAccess
        let levelBox = DaemonLogHandler.LevelBox(configuration.logLevel)
        let journal = ProcessInfo.processInfo.environment["JOURNAL_STREAM"] != nil
        let logger = Logger(label: "sidingd") { label in DaemonLogHandler(label: label, journal: journal, levelBox: levelBox) }
        let notifier = SystemdNotifier()

        let store = try SQLiteStore(path: home.databaseFile)
        let origin = OriginKey(key.publicKey)
        let author = LocalAuthor(key: key, wallClock: wallClock, lastHLC: try store.latestHLC(of: origin))
        let commits = Feed()
        let writer = GroupCommitWriter(store: store, author: author, onCommit: { commits.notify() })
        let database = NodeDatabase(store: store, writer: writer)
        let partners = PartnerSet(try await database.read { try $0.peers() }.map { Partner(nodeID: $0.nodeID, name: $0.name, address: $0.address) })
        let engine = try SyncEngine(
            identity: try NodeIdentity(key: key, name: configuration.name, now: Date()), localName: configuration.name,
            store: NodeChangeStore(database: database, logger: logger), partners: partners, logger: logger,
            commits: commits, wallClock: { wallClock.nowMilliseconds() })
        let socketPath = home.socketPath(configuration)
        var running = configuration
        let server: LocalAPIServer
        let partnerService: PartnerService
        do {
            // Port 0 in the configuration means any free port; what is shown is the port actually bound.
            let port = try await engine.start(host: configuration.listen.host, port: configuration.listen.port)
            running.listen = ListenAddress(host: configuration.listen.host, port: port)
            let service = NodeService(
                database: database, configuration: running, nodeID: origin.nodeID, engine: engine,
                restoreGuard: RestoreGuard(database: database, origin: origin))
            partnerService = PartnerService(database: database, engine: engine, configuration: running, ownID: origin.nodeID)
            let router = LocalAPIRouter(service: service, partners: partnerService, version: version)
            server = try await LocalAPIServer.start(
                socketPath: socketPath, groupAccess: configuration.groupAccess, timeouts: overrides.apiTimeouts, router: router,
                group: MultiThreadedEventLoopGroup.singleton, logger: logger)
        } catch {
            await engine.stop()
            writer.stop()
            throw error
        }
        // READY only now: the database is open, the partner listener bound and the local API serving.
        notifier.notify("READY=1\nSTATUS=" + (await statusLine(partnerService)))
        logger.info("sidingd ready", metadata: ["node": "\(origin.nodeID)", "socket": "\(socketPath)", "version": "\(version)"])
        let heartbeat = Task {
            var sinceStatus = Duration.zero
            let step = notifier.watchdogInterval.map { min($0, .seconds(10)) } ?? .seconds(10)
            while !Task.isCancelled {
                try? await Task.sleep(for: step)
                if notifier.watchdogInterval != nil { notifier.notify("WATCHDOG=1") }
                sinceStatus += step
                if sinceStatus >= .seconds(10) {
                    sinceStatus = .zero
                    notifier.notify("STATUS=" + (await statusLine(partnerService)))
                }
            }
        }

        // Signals and the background integrity check both end up here.
        let (events, eventSink) = AsyncStream<String>.makeStream()
        let forwarder = Task {
            for await signal in signals { eventSink.yield(signal) }
        }
        let integrity = Task {
            // A damaged page deep in the file is found only by reading it all: seconds on a large node,
            // so after READY; if damaged, the node stops serving and leaves the file untouched.
            let result: String
            do {
                result = try await NIOThreadPool.singleton.runIfActive { try store.quickCheck() }
            } catch StoreError.damaged(_, let reason) {
                result = reason
            } catch {
                logger.warning("database integrity check could not run", metadata: ["error": "\(error)"])
                return
            }
            if result != "ok" {
                logger.critical("database damaged; stopping", metadata: ["quick_check": "\(result.prefix(500))"])
                eventSink.yield(Self.damagedEvent + result)
            }
        }
        var damage: String?
        for await event in events {
            if event.hasPrefix(Self.damagedEvent) {
                damage = String(event.dropFirst(Self.damagedEvent.count))
                break
            }
            guard event == "SIGHUP" else {
                logger.info("stopping", metadata: ["signal": "\(event)"])
                break
            }
            reload(home, running: configuration, levelBox: levelBox, logger: logger)
        }
        forwarder.cancel()
        integrity.cancel()
        let stopping = ContinuousClock.now
        notifier.notify("STOPPING=1")
        heartbeat.cancel()
        await server.close()
        await engine.stop(grace: shutdownGrace)
        writer.stop()
        if let damage { throw StoreError.damaged(path: home.databaseFile, reason: String(damage.prefix(300))) }
        do {
            try store.checkpoint()
        } catch {
            logger.warning("WAL checkpoint failed; the next start recovers it", metadata: ["error": "\(error)"])
        }
        let took = ContinuousClock.now - stopping
        logger.info("stopped", metadata: ["shutdown_ms": "\(took.components.seconds * 1_000 + took.components.attoseconds / 1_000_000_000_000_000)"])
    }

    static let damagedEvent = "DAMAGED:"

    /// SIGHUP: applies what can change while running (the log level) and says what needs a restart.
    /// Partners need neither: `siding peer add/remove` applies at once.
    static func reload(_ home: NodeHome, running: Configuration, levelBox: DaemonLogHandler.LevelBox, logger: Logger) {
        do {
            try FilePermissions.requirePrivate([home.configFile])
            let (fresh, _) = try home.load()
            levelBox.value = fresh.logLevel
            var unchanged = fresh
            unchanged.logLevel = running.logLevel
            if unchanged != running {
                logger.notice("siding.toml changed settings that apply only after a restart (name, listen, api)")
            }
            logger.notice("configuration reloaded", metadata: ["log_level": "\(fresh.logLevel)"])
        } catch {
            logger.error("configuration not reloaded; keeping the running one", metadata: ["error": "\(error)"])
        }
    }

    /// One line for `systemctl status`: partners connected and changes pending.
    static func statusLine(_ partners: PartnerService) async -> String {
        guard let status = try? await partners.status() else { return "running" }
        let connected = status.peers.filter(\.connected).count
        let pending = status.peers.reduce(0) { $0 + $1.missingHere + $1.missingThere }
        return "\(connected)/\(status.peers.count) partners connected, \(pending) changes pending, \(status.changes) held"
    }
}

/// SIGTERM, SIGINT and SIGHUP as a stream, with their default actions off so shutdown can be orderly.
enum TerminationSignal {
    static func stream() -> AsyncStream<String> {
        let (stream, continuation) = AsyncStream<String>.makeStream()
        let queue = DispatchQueue(label: "siding-signals")
        var sources: [DispatchSourceSignal] = []
        for (number, name) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT"), (SIGHUP, "SIGHUP")] {
            Foundation.signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { continuation.yield(name) }
            source.resume()
            sources.append(source)
        }
        let keeper = SignalSources(sources)
        continuation.onTermination = { _ in keeper.cancel() }
        return stream
    }
}

/// Keeps the dispatch sources alive for as long as the stream is.
private final class SignalSources: @unchecked Sendable {
    private let sources: [DispatchSourceSignal]
    init(_ sources: [DispatchSourceSignal]) { self.sources = sources }
    func cancel() { for source in sources { source.cancel() } }
}
