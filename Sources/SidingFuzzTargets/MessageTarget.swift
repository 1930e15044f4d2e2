import NIOCore
import SidingCore
import SidingWire

extension FuzzTargets {
    /// A sender key for batches that carry `sender_changes`.
    private static let sender = OriginKey(bytes: Array(repeating: 0xA5, count: OriginKey.byteCount))

    /// `message`: the input as the payload of a frame of every type (and two unknown ones), plain, flagged
    /// as deflated as it is (a hostile compressed payload), and really deflated, each decoded without and
    /// with a sender key, and with a session's table of named circle logs. Deflating must not change the
    /// outcome, and a message that decodes must survive its own encoding, with or without elision.
    public static func message(_ input: UnsafeRawBufferPointer) {
        let payload = Array(input)
        var deflated = ByteBuffer()
        deflated.writeInteger(UInt32(payload.count))
        deflated.writeBytes(Zlib.deflate(payload))
        for type in UInt8(0)...8 {
            for sender in [nil, Self.sender] {
                _ = try? WireMessage.decode(Frame(type: type, flags: Frame.deflated, payload: ByteBuffer(bytes: payload)), sender: sender)
                let plain = decode(Frame(type: type, payload: ByteBuffer(bytes: payload)), sender: sender)
                let inflated = decode(Frame(type: type, flags: Frame.deflated, payload: deflated), sender: sender)
                guard plain == inflated else { invariantBroken("message", "type \(type): plain gave \(plain), deflated \(inflated)") }
                if case .success(let message) = plain { checkRoundTrip(message, sender: sender) }
                var named: NamedLogs? = NamedLogs()
                let elided = Result { () throws(WireError) in
                    try WireMessage.decode(Frame(type: type, payload: ByteBuffer(bytes: payload)), sender: sender, logs: &named)
                }
                if case .success(let message) = elided { checkRoundTrip(message, sender: sender, elidingCircles: true) }
            }
        }
    }

    private static func decode(_ frame: Frame, sender: OriginKey?) -> Result<WireMessage, WireError> {
        Result { () throws(WireError) in try WireMessage.decode(frame, sender: sender) }
    }

    /// Re-encoded for the same sender, a message decodes to itself, except that a batch lists the
    /// sender's own changes last (each origin's order kept).
    /// With circle elision, every circle change (one with a log header) comes after the rest, in order,
    /// and both sides' tables end equal.
    private static func checkRoundTrip(_ message: WireMessage, sender: OriginKey?, elidingCircles: Bool = false) {
        var expected = message
        if case .batch(let id, let changes) = message {
            let circle = elidingCircles ? changes.filter { CircleElision.logHeader(of: $0) != nil } : []
            let rest = elidingCircles ? changes.filter { CircleElision.logHeader(of: $0) == nil } : changes
            let own = sender.map { sender in rest.filter { SenderOrigin.isAuthored($0, by: sender) } } ?? []
            let others = sender.map { sender in rest.filter { !SenderOrigin.isAuthored($0, by: sender) } } ?? rest
            expected = .batch(id: id, changes: others + own + circle)
        }
        var sent: NamedLogs? = elidingCircles ? NamedLogs() : nil
        var received: NamedLogs? = elidingCircles ? NamedLogs() : nil
        let again: Result<WireMessage, any Error> = Result {
            try WireMessage.decode(message.frame(sender: sender, logs: &sent), sender: sender, logs: &received)
        }
        guard case .success(expected) = again else { invariantBroken("message", "\(message) re-encoded decodes as \(again)") }
        guard sent == received else { invariantBroken("message", "the sender named \(sent?.count ?? 0) logs, the receiver \(received?.count ?? 0)") }
    }
}
