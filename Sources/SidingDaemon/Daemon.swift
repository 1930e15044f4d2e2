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

    public static func run(home: NodeHome, wallClock: WallClock = WallClock()) async throws {
        // Everything the daemon creates (database, WAL, socket) is private to its user from the start.
        umask(0o077)
        signal(SIGPIPE, SIG_IGN)
        let (configuration, key) = try home.load()
        var logger = Logger(label: "sidingd")
        logger.logLevel = configuration.logLevel

        let store = try SQLiteStore(path: home.databaseFile)
        let origin = OriginKey(key.publicKey)
        let author = LocalAuthor(key: key, wallClock: wallClock, lastHLC: try store.latestHLC(of: origin))
        let commits = Feed()
        let writer = GroupCommitWriter(store: store, onCommit: { commits.notify() })
        let partners = PartnerSet(try store.peers().map { Partner(nodeID: $0.nodeID, name: $0.name, address: $0.address) })
        let engine = try SyncEngine(
            identity: try NodeIdentity(key: key, name: configuration.name, now: Date()), localName: configuration.name,
            store: NodeChangeStore(store: store, writer: writer, author: author, logger: logger), partners: partners, logger: logger,
            commits: commits)
        let socketPath = home.socketPath(configuration)
        var running = configuration
        let service: NodeService
        let server: LocalAPIServer
        do {
            // Port 0 in the configuration means any free port; what is shown is the port actually bound.
            let port = try await engine.start(host: configuration.listen.host, port: configuration.listen.port)
            running.listen = ListenAddress(host: configuration.listen.host, port: port)
            service = NodeService(store: store, configuration: running, author: author, writer: writer)
            let router = LocalAPIRouter(
                service: service, partners: PartnerService(store: store, engine: engine, configuration: running, ownID: origin.nodeID),
                version: version)
            server = try await LocalAPIServer.start(
                socketPath: socketPath, groupAccess: configuration.groupAccess, router: router, group: MultiThreadedEventLoopGroup.singleton)
        } catch {
            await engine.stop()
            writer.stop()
            throw error
        }
        logger.info("sidingd ready", metadata: ["node": "\(origin.nodeID)", "socket": "\(socketPath)", "version": "\(version)"])

        let signal = await TerminationSignal.next()
        logger.info("stopping", metadata: ["signal": "\(signal)"])
        await server.close()
        await engine.stop()
        writer.stop()
        do {
            try store.checkpoint()
        } catch {
            logger.warning("WAL checkpoint failed; the next start recovers it", metadata: ["error": "\(error)"])
        }
        logger.info("stopped")
    }
}

/// Waits for SIGTERM or SIGINT without killing the process, so shutdown can be orderly.
enum TerminationSignal {
    static func next() async -> String {
        let queue = DispatchQueue(label: "siding-signals")
        return await withCheckedContinuation { continuation in
            let resumed = ResumeOnce(continuation)
            var sources: [DispatchSourceSignal] = []
            for (number, name) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")] {
                Foundation.signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
                source.setEventHandler { resumed.resume(name) }
                source.resume()
                sources.append(source)
            }
            resumed.keep(sources)
        }
    }
}

/// Resumes a continuation exactly once and keeps the signal sources alive until then.
private final class ResumeOnce: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<String, Never>?
    private var sources: [DispatchSourceSignal] = []

    init(_ continuation: CheckedContinuation<String, Never>) { self.continuation = continuation }

    func keep(_ sources: [DispatchSourceSignal]) {
        lock.withLock { self.sources = sources }
    }

    func resume(_ name: String) {
        let pending = lock.withLock { () -> CheckedContinuation<String, Never>? in
            defer { continuation = nil }
            return continuation
        }
        pending?.resume(returning: name)
    }
}
