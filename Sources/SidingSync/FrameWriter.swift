import NIOCore
import SidingCore
import SidingWire

/// Writes frames onto the channel; the session's tasks share it.
struct FrameWriter: Sendable {
    let outbound: NIOAsyncChannelOutboundWriter<Frame>

    func send(_ message: WireMessage, sender: OriginKey? = nil) async throws {
        try await outbound.write(try message.frame(sender: sender))
    }
}
