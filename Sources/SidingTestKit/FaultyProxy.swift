import Foundation
import NIOCore
import NIOPosix

/// A TCP proxy on 127.0.0.1 between two nodes that counts the bytes it forwards and can cut every
/// connection at once (or once the server side has sent a given number of bytes): a link that drops.
public final class FaultyProxy: @unchecked Sendable {
    private let lock = NSLock()
    private var channels: [Channel] = []
    private var server: Channel?
    private var cutAfter: Int?
    private var downstreamBytes = 0
    private var upstreamBytes = 0
    public private(set) var port = 0

    public init() {}

    /// Listens on a free loopback port and forwards every connection to 127.0.0.1:`targetPort`.
    public func start(targetPort: Int) async throws {
        let proxy = self
        server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.autoRead, value: false)
            .childChannelInitializer { inbound in
                ClientBootstrap(group: inbound.eventLoop).connect(host: "127.0.0.1", port: targetPort).flatMap { outbound in
                    proxy.track(inbound, outbound)
                    // Both channels live on the same event loop, so both pipelines can be changed here.
                    return inbound.eventLoop.makeCompletedFuture {
                        try inbound.pipeline.syncOperations.addHandler(Relay(peer: outbound, proxy: proxy, countsDownstream: false))
                        try outbound.pipeline.syncOperations.addHandler(Relay(peer: inbound, proxy: proxy, countsDownstream: true))
                        inbound.read()
                    }
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        port = server?.localAddress?.port ?? 0
    }

    /// Bytes sent from the target back to the dialling side so far, and the other way.
    public var bytesDownstream: Int { lock.withLock { downstreamBytes } }
    public var bytesUpstream: Int { lock.withLock { upstreamBytes } }

    /// Drops every current connection.
    public func cut() {
        let current = lock.withLock { () -> [Channel] in
            defer { channels.removeAll() }
            return channels
        }
        for channel in current { channel.close(promise: nil) }
    }

    /// Drops the connections once `bytes` more bytes have gone downstream (the first frames get through).
    public func cut(afterDownstreamBytes bytes: Int) { lock.withLock { cutAfter = downstreamBytes + bytes } }

    public func stop() async {
        cut()
        try? await server?.close()
    }

    func track(_ channels: Channel...) { lock.withLock { self.channels += channels } }

    /// Returns true if the link must be cut now.
    func counted(_ bytes: Int, downstream: Bool) -> Bool {
        lock.withLock {
            guard downstream else {
                upstreamBytes += bytes
                return false
            }
            downstreamBytes += bytes
            if let limit = cutAfter, downstreamBytes >= limit {
                cutAfter = nil
                return true
            }
            return false
        }
    }

    final class Relay: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let peer: Channel
        let proxy: FaultyProxy
        let countsDownstream: Bool

        init(peer: Channel, proxy: FaultyProxy, countsDownstream: Bool) {
            self.peer = peer
            self.proxy = proxy
            self.countsDownstream = countsDownstream
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            if proxy.counted(buffer.readableBytes, downstream: countsDownstream) {
                proxy.cut()
                return
            }
            peer.writeAndFlush(buffer, promise: nil)
        }

        func channelReadComplete(context: ChannelHandlerContext) { context.read() }

        func channelActive(context: ChannelHandlerContext) { context.read() }

        func channelInactive(context: ChannelHandlerContext) { peer.close(promise: nil) }

        func errorCaught(context: ChannelHandlerContext, error: Error) { context.close(promise: nil) }
    }
}
