import Foundation
import NIOCore
import NIOPosix

/// A TCP proxy on 127.0.0.1 between two nodes: a link that drops, stalls, delays, trickles, swallows
/// one direction or flips bits, as a test tells it to. Seeded, so a failing run can be replayed;
/// bounded, so a fault never buffers more than `maxPendingBytes` per connection direction (beyond
/// that the proxy stops reading and TCP pushes back on the sender).
public final class FaultyProxy: @unchecked Sendable {
    /// What the link does to the bytes going through it.
    public enum Fault: Sendable, Equatable {
        case none
        /// Every chunk forwarded `milliseconds` late (order kept).
        case delay(milliseconds: Int)
        /// Nothing is read or forwarded; connections stay open (a stalled route or a frozen peer).
        case stall
        /// Bytes in `direction` are silently dropped, the other direction flows (a one-way partition).
        case blackhole(Direction)
        /// Both directions dropped: a partition that keeps the TCP connections open.
        case partition
        /// One chunk in `oneIn` gets one bit flipped.
        case corrupt(oneIn: Int)
        /// At most `bytes` forwarded every `milliseconds` (a very slow link).
        case trickle(bytes: Int, milliseconds: Int)

    }

    /// Downstream: from the target back to the dialling side. Upstream: the other way.
    public enum Direction: Sendable, Equatable {
        case upstream, downstream
    }

    public static let maxPendingBytes = 1 << 20

    private let lock = NSLock()
    private var channels: [Channel] = []
    private var server: Channel?
    private var cutAfter: (direction: Direction, bytes: Int)?
    private var downstreamBytes = 0
    private var upstreamBytes = 0
    private var fault = Fault.none
    private var random: SeededGenerator
    private var target: Int
    public private(set) var port = 0

    public init(seed: UInt64 = 1) {
        random = SeededGenerator(seed: seed)
        target = 0
    }

    /// Listens on a free loopback port and forwards every connection to 127.0.0.1:`targetPort`.
    public func start(targetPort: Int) async throws {
        retarget(targetPort)
        let proxy = self
        server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.autoRead, value: false)
            .childChannelInitializer { inbound in
                ClientBootstrap(group: inbound.eventLoop).connect(host: "127.0.0.1", port: proxy.targetPort).flatMap { outbound in
                    proxy.track(inbound, outbound)
                    // Both channels live on the same event loop, so both pipelines can be changed here.
                    return inbound.eventLoop.makeCompletedFuture {
                        try inbound.pipeline.syncOperations.addHandler(Relay(peer: outbound, proxy: proxy, direction: .upstream))
                        try outbound.pipeline.syncOperations.addHandler(Relay(peer: inbound, proxy: proxy, direction: .downstream))
                    }
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        port = server?.localAddress?.port ?? 0
    }

    /// Where new connections go (a restarted node may listen on another port).
    public func retarget(_ port: Int) { lock.withLock { target = port } }
    var targetPort: Int { lock.withLock { target } }

    /// Bytes forwarded so far in each direction.
    public var bytesDownstream: Int { lock.withLock { downstreamBytes } }
    public var bytesUpstream: Int { lock.withLock { upstreamBytes } }

    /// Applies `fault` from now on to every connection, current and future; `.none` heals the link
    /// (and disarms a pending cut).
    public func set(_ fault: Fault) {
        let current = lock.withLock {
            self.fault = fault
            if fault == .none { cutAfter = nil }
            return channels
        }
        // A stall ending must restart reading on every connection.
        for channel in current { channel.pipeline.fireUserInboundEventTriggered(Resume()) }
    }

    public var currentFault: Fault { lock.withLock { fault } }

    /// Drops every current connection.
    public func cut() {
        let current = lock.withLock { () -> [Channel] in
            defer { channels.removeAll() }
            return channels
        }
        for channel in current { channel.close(promise: nil) }
    }

    /// Drops the connections once `bytes` more bytes have gone downstream (the first frames get through).
    public func cut(afterDownstreamBytes bytes: Int) { cut(after: bytes, .downstream) }

    /// Drops the connections once `bytes` more bytes have gone in `direction`.
    public func cut(after bytes: Int, _ direction: Direction) {
        lock.withLock { cutAfter = (direction, (direction == .downstream ? downstreamBytes : upstreamBytes) + bytes) }
    }

    /// Drops the connections at a random byte offset, below `limit`, in a random direction.
    public func cutAtRandomOffset(below limit: Int) {
        let (bytes, downstream) = lock.withLock { (Int.random(in: 0..<max(limit, 1), using: &random), Bool.random(using: &random)) }
        cut(after: bytes, downstream ? .downstream : .upstream)
    }

    public func stop() async {
        cut()
        try? await server?.close()
    }

    func track(_ channels: Channel...) { lock.withLock { self.channels += channels } }

    /// What happens to `bytes` about to be forwarded in `direction`.
    func plan(_ bytes: Int, _ direction: Direction) -> (fault: Fault, cutNow: Bool, flipAt: Int?) {
        lock.withLock {
            if direction == .downstream { downstreamBytes += bytes } else { upstreamBytes += bytes }
            var cutNow = false
            if let limit = cutAfter, limit.direction == direction,
                (direction == .downstream ? downstreamBytes : upstreamBytes) >= limit.bytes
            {
                cutAfter = nil
                cutNow = true
            }
            var flipAt: Int?
            if case .corrupt(let oneIn) = fault, bytes > 0, Int.random(in: 0..<max(oneIn, 1), using: &random) == 0 {
                flipAt = Int.random(in: 0..<bytes * 8, using: &random)
            }
            return (fault, cutNow, flipAt)
        }
    }

    struct Resume {}

    /// Forwards one direction of one connection. Everything runs on the connection's event loop.
    final class Relay: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let peer: Channel
        let proxy: FaultyProxy
        let direction: Direction
        /// Bytes scheduled (delay, trickle) but not yet written; reading stops above the bound.
        private var pending = 0
        /// When the last scheduled piece goes out: later pieces never overtake it.
        private var nextSlot = NIODeadline.now()
        private var readPending = false
        /// What arrived while the link was stalled, forwarded when it resumes.
        private var held: [ByteBuffer] = []

        init(peer: Channel, proxy: FaultyProxy, direction: Direction) {
            self.peer = peer
            self.proxy = proxy
            self.direction = direction
        }

        func channelActive(context: ChannelHandlerContext) {
            context.fireChannelActive()
            context.read()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = unwrapInboundIn(data)
            let (fault, cutNow, flipAt) = proxy.plan(buffer.readableBytes, direction)
            if cutNow {
                proxy.cut()
                return
            }
            if let bit = flipAt, let byte = buffer.getInteger(at: buffer.readerIndex + bit / 8, as: UInt8.self) {
                buffer.setInteger(byte ^ (1 << UInt8(bit % 8)), at: buffer.readerIndex + bit / 8)
            }
            switch fault {
            case .stall:
                held.append(buffer)
                pending += buffer.readableBytes
            case .blackhole(let dropped) where dropped == direction: return
            case .partition: return
            case .delay(let milliseconds): schedule(buffer, after: .milliseconds(Int64(milliseconds)), context: context)
            case .trickle(let bytes, let milliseconds):
                while buffer.readableBytes > 0, let piece = buffer.readSlice(length: min(max(bytes, 1), buffer.readableBytes)) {
                    schedule(piece, after: .milliseconds(Int64(milliseconds)), context: context)
                }
            default:
                if pending > 0 {
                    schedule(buffer, after: .zero, context: context)
                } else {
                    peer.writeAndFlush(buffer, promise: nil)
                }
            }
        }

        private func schedule(_ buffer: ByteBuffer, after delay: TimeAmount, context: ChannelHandlerContext) {
            let slot = max(NIODeadline.now() + delay, nextSlot + (delay == .zero ? .zero : .nanoseconds(1)))
            nextSlot = slot
            pending += buffer.readableBytes
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            context.eventLoop.scheduleTask(deadline: slot) {
                let (relay, context) = loopBound.value
                relay.pending -= buffer.readableBytes
                relay.peer.writeAndFlush(buffer, promise: nil)
                if relay.readPending, relay.pending < FaultyProxy.maxPendingBytes {
                    relay.readPending = false
                    context.read()
                }
            }
        }

        func channelReadComplete(context: ChannelHandlerContext) { readMoreIfAllowed(context: context) }

        /// Sent by `set(_:)`: forwards what a stall held back and reads again.
        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            guard event is Resume else { return context.fireUserInboundEventTriggered(event) }
            guard proxy.currentFault != .stall else { return }
            let waiting = held
            held.removeAll()
            for buffer in waiting {
                pending -= buffer.readableBytes
                schedule(buffer, after: .zero, context: context)
            }
            readMoreIfAllowed(context: context)
        }

        private func readMoreIfAllowed(context: ChannelHandlerContext) {
            if proxy.currentFault == .stall { return }
            if pending >= FaultyProxy.maxPendingBytes {
                readPending = true
                return
            }
            context.read()
        }

        func channelInactive(context: ChannelHandlerContext) { peer.close(promise: nil) }

        func errorCaught(context: ChannelHandlerContext, error: Error) { context.close(promise: nil) }
    }
}
