import NIOCore
import SidingWire

extension FuzzTargets {
    /// `message`: the input as the payload of a frame of every type (and two unknown ones), plain, flagged
    /// as deflated as it is (a hostile compressed payload), and really deflated. Deflating must not
    /// change the outcome, and a message that decodes must survive its own encoding.
    public static func message(_ input: UnsafeRawBufferPointer) {
        let payload = Array(input)
        var deflated = ByteBuffer()
        deflated.writeInteger(UInt32(payload.count))
        deflated.writeBytes(Zlib.deflate(payload))
        for type in UInt8(0)...8 {
            _ = try? WireMessage.decode(Frame(type: type, flags: Frame.deflated, payload: ByteBuffer(bytes: payload)))
            let plain = decode(Frame(type: type, payload: ByteBuffer(bytes: payload)))
            let inflated = decode(Frame(type: type, flags: Frame.deflated, payload: deflated))
            guard plain == inflated else { invariantBroken("message", "type \(type): plain gave \(plain), deflated \(inflated)") }
            if case .success(let message) = plain { checkRoundTrip(message) }
        }
    }

    private static func decode(_ frame: Frame) -> Result<WireMessage, WireError> {
        Result { () throws(WireError) in try WireMessage.decode(frame) }
    }

    private static func checkRoundTrip(_ message: WireMessage) {
        let again: Result<WireMessage, any Error> = Result { try WireMessage.decode(message.frame()) }
        guard case .success(message) = again else { invariantBroken("message", "\(message) re-encoded decodes as \(again)") }
    }
}
