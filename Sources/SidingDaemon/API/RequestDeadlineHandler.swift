import NIOCore

/// Bounds how long a local API connection can hold the daemon without giving it a request: a request
/// must arrive whole within `LocalAPITimeouts.requestDeadline` of its first byte (else 408, then close),
/// and a connection waiting for a request is closed after `LocalAPITimeouts.idle`. The clock stops
/// while a request is answered. First in the pipeline, because only there is a request's first byte
/// seen (the HTTP decoder speaks once a whole head is in); `APIChannelHandler` reports where requests
/// and responses end with `Progress` events.
/// Public for the fuzzers, which drive the same pipeline.
public final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = ByteBuffer
    public typealias OutboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    /// Sent by `APIChannelHandler` as outbound user events.
    public enum Progress: Sendable {
        /// A whole request arrived (or was refused as too large): answering is not timed.
        case requestComplete
        /// The response is being finished: the connection waits for the next request.
        case answered
    }

    private enum State {
        case waitingForRequest
        case receivingRequest
        case answering(nextRequestStarted: Bool)
    }

    private let timeouts: LocalAPITimeouts
    private var state = State.waitingForRequest
    private var timer: Scheduled<Void>?

    public init(timeouts: LocalAPITimeouts) { self.timeouts = timeouts }

    public func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { waitForRequest(context) }
    }

    public func channelActive(context: ChannelHandlerContext) {
        if timer == nil { waitForRequest(context) }
        context.fireChannelActive()
    }

    public func channelInactive(context: ChannelHandlerContext) {
        stopTimer()
        context.fireChannelInactive()
    }

    public func handlerRemoved(context: ChannelHandlerContext) { stopTimer() }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch state {
        case .waitingForRequest: receiveRequest(context)
        case .receivingRequest: break
        case .answering: state = .answering(nextRequestStarted: true)
        }
        context.fireChannelRead(data)
    }

    public func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard let progress = event as? Progress else { return context.triggerUserOutboundEvent(event, promise: promise) }
        switch (progress, state) {
        case (.requestComplete, _):
            stopTimer()
            state = .answering(nextRequestStarted: false)
        case (.answered, .answering(nextRequestStarted: true)):
            // A pipelined request began while this one was answered; its deadline runs from now.
            receiveRequest(context)
        case (.answered, _):
            waitForRequest(context)
        }
        promise?.succeed()
    }

    private func waitForRequest(_ context: ChannelHandlerContext) {
        state = .waitingForRequest
        startTimer(timeouts.idle, context) { context in context.close(promise: nil) }
    }

    private func receiveRequest(_ context: ChannelHandlerContext) {
        state = .receivingRequest
        startTimer(timeouts.requestDeadline, context) { [timeouts] context in
            // Written below the HTTP handlers: they have seen no whole request to answer.
            let response = APIResponse.error(.requestTimedOut(milliseconds: timeouts.requestDeadline.nanoseconds / 1_000_000))
            var bytes = context.channel.allocator.buffer(capacity: 160 + response.body.count)
            bytes.writeString("HTTP/1.1 \(response.status.code) \(response.status.reasonPhrase)\r\n")
            bytes.writeString("Content-Type: application/json\r\nContent-Length: \(response.body.count)\r\nConnection: close\r\n\r\n")
            bytes.writeBytes(response.body)
            let channel = context.channel
            context.writeAndFlush(Self.wrapOutboundOut(bytes)).whenComplete { _ in channel.close(promise: nil) }
        }
    }

    private func startTimer(_ timeout: TimeAmount, _ context: ChannelHandlerContext, _ expire: @escaping (ChannelHandlerContext) -> Void) {
        timer?.cancel()
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            timer = nil
            expire(context)
        }
    }

    private func stopTimer() {
        timer?.cancel()
        timer = nil
    }
}
