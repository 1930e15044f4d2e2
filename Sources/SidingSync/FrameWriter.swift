import NIOCore
import SidingCore
import SidingWire

/// Writes frames onto the channel and counts what it wrote; the session's tasks share it.
struct FrameWriter: Sendable {
    let outbound: NIOAsyncChannelOutboundWriter<Frame>
    let traffic: PartnerTraffic
    var tap: SessionTap? = nil

    func send(_ message: WireMessage) async throws {
        try await write(try message.frame(), of: message)
    }

    /// Writes `frame`, the encoding of `message` (a batch is encoded by the session, which keeps what
    /// it has named to the peer).
    func write(_ frame: Frame, of message: WireMessage) async throws {
        try await outbound.write(frame)
        traffic.bytesSent.add(UInt64(Frame.headerBytes + frame.payload.readableBytes))
        if case .batch(_, let changes) = message { traffic.changesSent.add(UInt64(changes.count)) }
        tap?.record(.sent, message, frame)
    }
}
