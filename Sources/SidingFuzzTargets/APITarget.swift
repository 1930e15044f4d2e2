import NIOCore
import NIOEmbedded
import NIOHTTP1
import SidingAPI
import SidingDaemon

extension FuzzTargets {
    /// `api`: raw bytes on a local API connection (after one control byte, see below) through the
    /// daemon's HTTP pipeline and request collector, then each complete request decoded as the router
    /// and node service would before touching the store (see `APIRequestChecks`).
    ///
    /// Control byte: bits 0–5 pick the chunk sizes (`ChunkSizes`, with the top bits cleared); bit 7 set
    /// lowers the body limit from the daemon's 2 MiB to bits 0–5 bytes, so inputs this small can reach
    /// the refusal of a body over the limit.
    public static func api(_ input: UnsafeRawBufferPointer) {
        guard let control = input.first else { return }
        let maxBodyBytes = control & 0x80 == 0 ? APIRequestCollector.defaultMaxBodyBytes : Int(control & 0x3F)
        let channel = EmbeddedChannel()
        do {
            // The pipeline LocalAPIServer configures, with the collector where APIChannelHandler sits.
            try channel.pipeline.syncOperations.addHandler(RequestDeadlineHandler(timeouts: .standard))
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
            try channel.pipeline.syncOperations.addHandler(APIHarnessHandler(maxBodyBytes: maxBodyBytes))
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        } catch {
            invariantBroken("api", "cannot set up the pipeline: \(error)")
        }
        for piece in ChunkSizes.pieces(of: Array(input.dropFirst()), control: control & 0x3F) where channel.isActive {
            do {
                try channel.writeInbound(channel.allocator.buffer(bytes: piece))
            } catch {
                break
            }
            while (try? channel.readOutbound(as: ByteBuffer.self)) != nil {}
        }
        // Whatever the input left pending (half a request, an idle connection) now times out.
        channel.embeddedEventLoop.advanceTime(by: LocalAPITimeouts.idleTimeout)
        while (try? channel.readOutbound(as: ByteBuffer.self)) != nil {}
        // Runs the loop even if the pipeline closed the channel itself; otherwise channel and loop leak.
        _ = try? channel.finish(acceptAlreadyClosed: true)
    }
}

/// Stands where `APIChannelHandler` stands in the daemon: the same collector, then the request checks
/// instead of the router, and a bodyless answer so the HTTP pipeline lets the next request through.
private final class APIHarnessHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private var collector: APIRequestCollector

    init(maxBodyBytes: Int) { collector = APIRequestCollector(maxBodyBytes: maxBodyBytes) }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch collector.receive(unwrapInboundIn(data)) {
        case .nothing:
            return
        case .refuseTooLarge:
            context.triggerUserOutboundEvent(RequestDeadlineHandler.Progress.requestComplete, promise: nil)
            answer(.payloadTooLarge, keepAlive: false, context: context)
        case .handle(let request, let keepAlive):
            context.triggerUserOutboundEvent(RequestDeadlineHandler.Progress.requestComplete, promise: nil)
            APIRequestChecks.run(request)
            answer(.ok, keepAlive: keepAlive, context: context)
        }
    }

    private func answer(_ status: HTTPResponseStatus, keepAlive: Bool, context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Length", value: "0")
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.triggerUserOutboundEvent(RequestDeadlineHandler.Progress.answered, promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        if !keepAlive { context.close(promise: nil) }
    }
}
