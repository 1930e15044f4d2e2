import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// The local API: HTTP/1.1 + JSON on a Unix socket that only the node's owner (and, if configured,
/// its group) may open.
struct LocalAPIServer {
    let channel: Channel
    let socketPath: String

    static func start(
        socketPath: String, groupAccess: Bool, timeouts: LocalAPITimeouts = .standard, router: LocalAPIRouter, group: EventLoopGroup,
        logger: Logger
    ) async throws -> LocalAPIServer {
        let policy = LocalAccessPolicy(groupAccess: groupAccess)
        try await removeStaleSocket(socketPath)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .childChannelInitializer { channel in
                // SO_PEERCRED: who is on the other end, whatever the socket file's mode allows.
                guard let provider = channel as? SocketOptionProvider else { return channel.close() }
                let credentials: EventLoopFuture<PeerCredentials> = provider.unsafeGetSocketOption(
                    level: NIOBSDSocket.OptionLevel.socket, name: NIOBSDSocket.Option(rawValue: PeerCredentials.option))
                return credentials.flatMap { peer in
                    guard policy.allows(user: peer.uid, group: peer.gid) else {
                        logger.warning("refused a local API connection from another user", metadata: ["uid": "\(peer.uid)", "pid": "\(peer.pid)"])
                        return channel.close()
                    }
                    return channel.eventLoop.makeCompletedFuture {
                        // First, before the HTTP handlers: it must see a request's first byte.
                        try channel.pipeline.syncOperations.addHandler(RequestDeadlineHandler(timeouts: timeouts))
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                        try channel.pipeline.syncOperations.addHandler(
                            APIChannelHandler(router: router, maxBodyBytes: APIRequestCollector.defaultMaxBodyBytes))
                    }
                }
            }
            .bind(unixDomainSocketPath: socketPath).get()
        guard chmod(socketPath, groupAccess ? 0o660 : 0o600) == 0 else {
            try? await channel.close()
            throw DaemonError.io(path: socketPath, reason: "cannot set the socket's mode: \(String(cString: strerror(errno)))")
        }
        return LocalAPIServer(channel: channel, socketPath: socketPath)
    }

    func close() async {
        try? await channel.close()
        unlink(socketPath)
    }

    /// A socket file left by a daemon that died is removed; one that still answers belongs to a live
    /// daemon, and starting a second one on the same node would be a mistake.
    private static func removeStaleSocket(_ path: String) async throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        let live = try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(unixDomainSocketPath: path).get()
        if let live {
            try? await live.close()
            throw DaemonError.socketInUse(path: path)
        }
        unlink(path)
    }
}

/// Linux `struct ucred` (pid, uid, gid), as SO_PEERCRED returns it; Glibc's module does not export it.
struct PeerCredentials: Sendable {
    /// SO_PEERCRED on Linux.
    static let option: Int32 = 17
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0
}
