import Foundation
import Logging
import NIOPosix
import ServiceLifecycle
import SidingCore
import SidingStore
import SidingSync
import UnixSignals

/// The composition root: opens the node's store, binds its partner listener and local API, then runs
/// every part as one `ServiceGroup` until SIGTERM or SIGINT, which stops them in reverse order.
public enum Daemon {
    public static let version = "0.1.0"
    /// How long SIGTERM may take before the daemon stops waiting for partners and exits anyway.
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
        // Trapped before anything serves: a SIGTERM the moment the local API answers must still stop the
        // node in order (the service group runs a few lines later); SIGHUP likewise must not kill it.
        let terminations = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        try FilePermissions.requireClosedToOthers(home.path)
        try FilePermissions.requirePrivate([home.keyFile, home.configFile, home.databaseFile])
        var (configuration, key) = try home.load()
        configuration.socketPath = overrides.socketPath ?? configuration.socketPath
        configuration.groupAccess = overrides.groupAccess ?? configuration.groupAccess
        let levelBox = DaemonLogHandler.LevelBox(configuration.logLevel)
        let journal = ProcessInfo.processInfo.environment["JOURNAL_STREAM"] != nil
        let logger = Logger(label: "sidingd") { label in DaemonLogHandler(label: label, journal: journal, levelBox: levelBox) }

        // `init` makes the database with the key: a key without one has signed changes this node lost.
        let databaseLost = !FileManager.default.fileExists(atPath: home.databaseFile)
        let store = try SQLiteStore(path: home.databaseFile, localKey: OriginKey(key.publicKey))
        if databaseLost {
            try store.markLostDatabase()
            logger.warning("siding.db was missing and has been made anew; edits stay locked until a partner sends back this node's own changes")
        }
        let origin = OriginKey(key.publicKey)
        let author = LocalAuthor(key: key, wallClock: wallClock, lastHLC: try store.latestHLC(of: origin))
        let commits = CommitFeed()
        let writer = GroupCommitWriter(store: store, author: author, onCommit: commits.publish)
        let database = NodeDatabase(store: store, writer: writer)
        let partners = PartnerSet(try await database.read { try $0.peers() }.map { Partner(nodeID: $0.nodeID, name: $0.name, address: $0.address) })
        let engine = try SyncEngine(
            identity: try NodeIdentity(key: key, name: configuration.name, now: Date()), localName: configuration.name,
            store: NodeChangeStore(database: database, logger: logger), partners: partners, logger: logger,
            commits: commits, wallClock: { wallClock.nowMilliseconds() })
        let socketPath = home.socketPath(configuration)
        try StartupFailure.checkSocketPath(socketPath)
        var running = configuration
        let server: LocalAPIServer
        let partnerService: PartnerService
        do {
            // Port 0 in the configuration means any free port; what is shown is the port actually bound.
            let port: Int
            do {
                port = try await engine.bind(host: configuration.listen.host, port: configuration.listen.port)
            } catch {
                throw StartupFailure.listening(error, address: configuration.listen.description)
            }
            running.listen = ListenAddress(host: configuration.listen.host, port: port)
            let restoreGuard = RestoreGuard(database: database, origin: origin)
            // The revocation barrier of `circle remove`, `circle leave` and `peer remove`: they return only
            // once every live session has stopped sending what the change took away.
            let barrier: @Sendable () async -> Void = {
                if await !engine.adoptMembershipChanges() {
                    logger.warning("a session did not confirm a membership change within 10 s; it is closing or stalled")
                }
            }
            let service = NodeService(
                database: database, configuration: running, nodeID: origin.nodeID, engine: engine, restoreGuard: restoreGuard, barrier: barrier)
            partnerService = PartnerService(
                database: database, engine: engine, configuration: running, ownID: origin.nodeID, restoreGuard: restoreGuard, circles: service)
            let router = LocalAPIRouter(service: service, partners: partnerService, version: version)
            do {
                server = try await LocalAPIServer.start(
                    socketPath: socketPath, groupAccess: configuration.groupAccess, timeouts: overrides.apiTimeouts, router: router,
                    group: MultiThreadedEventLoopGroup.singleton, logger: logger)
            } catch {
                throw StartupFailure.serving(error, socketPath: socketPath)
            }
        } catch {
            await engine.shutdown()
            await engine.run()
            writer.stop()
            throw error
        }
        let notifier = SystemdNotifier()
        // READY only now: the database is open, the partner listener bound and the local API serving.
        notifier.notify("READY=1\nSTATUS=" + (await SystemdService.statusLine(partnerService)))
        logger.info("sidingd ready", metadata: ["node": "\(origin.nodeID)", "socket": "\(socketPath)", "version": "\(version)"])
        // Started in this order, stopped in the reverse: SIGHUP and the checks first, then the API stops
        // accepting, partners get Close, and the writer commits what is queued.
        let services: [any Service] = [
            WriterService(writer: writer), SyncService(engine: engine), LocalAPIService(server: server),
            SystemdService(notifier: notifier, partners: partnerService),
            IntegrityCheckService(database: database, logger: logger),
            ReloadService(hangups: hangups, home: home, running: configuration, levelBox: levelBox, logger: logger),
        ]
        var group = ServiceGroupConfiguration(
            services: services.map { service in
                // A part that ends or fails stops the others gracefully, so queued writes still commit.
                ServiceGroupConfiguration.ServiceConfiguration(
                    service: service, successTerminationBehavior: .gracefullyShutdownGroup,
                    failureTerminationBehavior: .gracefullyShutdownGroup)
            },
            logger: logger)
        group.maximumGracefulShutdownDuration = shutdownGrace
        let serviceGroup = ServiceGroup(configuration: group)
        var stoppingSince: ContinuousClock.Instant?
        try await withThrowingTaskGroup(of: ContinuousClock.Instant?.self) { tasks in
            tasks.addTask {
                for await signal in terminations {
                    logger.info("stopping", metadata: ["signal": "\(signal)"])
                    await serviceGroup.triggerGracefulShutdown()
                    return .now
                }
                return nil
            }
            try await serviceGroup.run()
            tasks.cancelAll()
            stoppingSince = try await tasks.next() ?? nil
        }
        do {
            try await database.read { try $0.checkpoint() }
        } catch {
            logger.warning("WAL checkpoint failed; the next start recovers it", metadata: ["error": "\(error)"])
        }
        let took = stoppingSince.map { ContinuousClock.now - $0 } ?? .zero
        logger.info("stopped", metadata: ["shutdown_ms": "\(took.components.seconds * 1_000 + took.components.attoseconds / 1_000_000_000_000_000)"])
    }
}
