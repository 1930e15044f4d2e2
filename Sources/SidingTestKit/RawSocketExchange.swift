import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Writes raw bytes to a Unix socket and returns everything read back until the other side closes
/// (or `seconds` pass): for requests no HTTP client would send.
public func rawExchange(unixSocket path: String, _ bytes: [UInt8], seconds: Int64 = 5) async throws -> [UInt8] {
    let collected = NIOLockedValueBox<[UInt8]>([])
    let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .channelInitializer { channel in
            channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Collector(collected)) }
        }
        .connect(unixDomainSocketPath: path).get()
    try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
    let timeout = channel.eventLoop.scheduleTask(in: .seconds(seconds)) { channel.close(promise: nil) }
    try await channel.closeFuture.get()
    timeout.cancel()
    return collected.withLockedValue { $0 }
}

private final class Collector: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let box: NIOLockedValueBox<[UInt8]>

    init(_ box: NIOLockedValueBox<[UInt8]>) { self.box = box }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        box.withLockedValue { $0 += Array(buffer.readableBytesView) }
    }
}
