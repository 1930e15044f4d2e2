import NIOCore
import NIOHTTP1

/// Collects one HTTP request with `APIRequestCollector` (which refuses bodies over the limit before
/// buffering them), hands it to the router, and writes the JSON response back on the channel's event loop.
/// Tells `RequestDeadlineHandler` where each request and response ends. When the client goes away, the
/// reads it was waiting for are cancelled (a search stops at once instead of running out its budget).
final class APIChannelHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let router: LocalAPIRouter
    private var collector: APIRequestCollector
    /// Reads being answered, by their order on the connection: cancelled if the client goes away.
    /// Writes run to the end; whether a client sees the answer does not change what was written.
    private var reads: [Int: Task<APIResponse, Never>] = [:]
    private var requestsSeen = 0

    init(router: LocalAPIRouter, maxBodyBytes: Int) {
        self.router = router
        collector = APIRequestCollector(maxBodyBytes: maxBodyBytes)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch collector.receive(unwrapInboundIn(data)) {
        case .nothing:
            return
        case .refuseTooLarge:
            report(.requestComplete, context: context)
            let error = NodeError.badRequest("the request body is larger than \(collector.maxBodyBytes) bytes; send less at a time")
            write(APIResponse.json(ErrorBodyFactory.make(error), status: .payloadTooLarge), keepAlive: false, context: context)
        case .handle(let request, let keepAlive):
            report(.requestComplete, context: context)
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            let promise = context.eventLoop.makePromise(of: APIResponse.self)
            let task = Task { [router] in await router.handle(request) }
            let number = requestsSeen
            requestsSeen += 1
            if request.method == .GET { reads[number] = task }
            promise.completeWithTask { await task.value }
            promise.futureResult.whenSuccess { response in
                let (handler, context) = bound.value
                handler.reads[number] = nil
                handler.write(response, keepAlive: keepAlive, context: context)
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        for task in reads.values { task.cancel() }
        reads = [:]
        context.fireChannelInactive()
    }

    private func write(_ response: APIResponse, keepAlive: Bool, context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: response.contentType)
        headers.add(name: "Content-Length", value: String(response.body.count))
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: response.status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: response.body)))), promise: nil)
        // Before the end: writing it may at once deliver a pipelined request, whose `.requestComplete` must come after.
        report(.answered, context: context)
        let done = context.writeAndFlushPromise(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }

    private func report(_ progress: RequestDeadlineHandler.Progress, context: ChannelHandlerContext) {
        context.triggerUserOutboundEvent(progress, promise: nil)
    }
}

extension ChannelHandlerContext {
    func writeAndFlushPromise(_ data: NIOAny) -> EventLoopFuture<Void> {
        let promise = eventLoop.makePromise(of: Void.self)
        writeAndFlush(data, promise: promise)
        return promise.futureResult
    }
}
