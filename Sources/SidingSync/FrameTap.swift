import NIOCore
import SidingCore
import SidingWire

/// Sees every frame a session writes or reads, decoded: how tests prove what did and did not cross a
/// link. Only the test kit can install one (`SyncEngine`'s `@_spi(TestKit)` initialiser); the daemon has
/// no way to, so a shipped node never copies its traffic anywhere.
public protocol FrameTap: Sendable {
    /// Called on the session's task right after a frame was handed to the connection (sent) or read
    /// from it and decoded (received); it must return quickly.
    func observe(_ frame: TappedFrame)
}

/// One frame as a session wrote or read it.
public struct TappedFrame: Sendable {
    public enum Direction: Sendable { case sent, received }

    public let direction: Direction
    /// The node whose session saw the frame, and its partner on that session.
    public let local: NodeID
    public let peer: NodeID
    public let session: UInt64
    public let message: WireMessage
    /// Length prefix, type, flags and payload as they travel (after deflate), TLS records excluded.
    public let wireBytes: Int
    /// The payload's protobuf bytes, inflated: every byte the frame carries, in the form it was encoded
    /// (a change whose sender was elided lacks the sender's key here; `message` has it restored).
    public let plainPayload: [UInt8]

    /// The node that wrote the frame and the node it was written to.
    public var from: NodeID { direction == .sent ? local : peer }
    public var to: NodeID { direction == .sent ? peer : local }
}

/// Hooks only tests may set; the daemon builds its engine through the public initialiser, which has none.
@_spi(TestKit) public struct SyncTestProbes: Sendable {
    public var frameTap: (any FrameTap)?
    /// Handed each TLS secret as one NSS key log line (`SSLKEYLOGFILE` format, newline included), for
    /// decrypting a capture of the engine's connections.
    public var keyLog: (@Sendable (ByteBuffer) -> Void)?

    public init(frameTap: (any FrameTap)? = nil, keyLog: (@Sendable (ByteBuffer) -> Void)? = nil) {
        self.frameTap = frameTap
        self.keyLog = keyLog
    }
}

/// A tap bound to one session: which nodes and session its frames belong to.
struct SessionTap: Sendable {
    let tap: any FrameTap
    let local: NodeID
    let peer: NodeID
    let session: UInt64

    func record(_ direction: TappedFrame.Direction, _ message: WireMessage, _ frame: Frame) {
        var payload = frame.payload
        var plain = payload.readBytes(length: payload.readableBytes) ?? []
        if frame.flags & Frame.deflated != 0, plain.count >= 4 {
            let declared = plain.prefix(4).reduce(0) { $0 << 8 | Int($1) }
            // It inflated once already (sending: it was just deflated); should it fail, the raw bytes stay.
            plain = (try? Zlib.inflate(Array(plain.dropFirst(4)), declaredLength: declared)) ?? plain
        }
        tap.observe(
            TappedFrame(
                direction: direction, local: local, peer: peer, session: session, message: message,
                wireBytes: Frame.headerBytes + frame.payload.readableBytes, plainPayload: plain))
    }
}
