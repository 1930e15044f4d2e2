import NIOCore

/// One frame: `u32 length (big-endian, counts type + flags + payload) · u8 type · u8 flags · payload`.
public struct Frame: Hashable, Sendable {
    public static let headerBytes = 6
    /// Flag bit 0: the payload is `u32 inflated length · zlib stream`.
    public static let deflated: UInt8 = 0x01

    public let type: UInt8
    public let flags: UInt8
    public let payload: ByteBuffer

    public init(type: UInt8, flags: UInt8 = 0, payload: ByteBuffer) {
        self.type = type
        self.flags = flags
        self.payload = payload
    }
}

/// Splits a byte stream into frames; refuses a length over the limit before buffering any of it.
public struct FrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = Frame
    let maxFrameBytes: Int

    public init(maxFrameBytes: Int = WireLimits.maxFrameBytes) { self.maxFrameBytes = maxFrameBytes }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try Self.next(from: &buffer, maxFrameBytes: maxFrameBytes) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(frame))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        let state = try decode(context: context, buffer: &buffer)
        if state == .needMoreData && buffer.readableBytes > 0 { throw WireError.truncatedFrame(buffered: buffer.readableBytes) }
        return state
    }

    /// The next complete frame in `buffer`, or nil if more bytes are needed. Pure: no channel involved.
    public static func next(from buffer: inout ByteBuffer, maxFrameBytes: Int = WireLimits.maxFrameBytes) throws -> Frame? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return nil }
        guard length >= 2 else { throw WireError.frameTooShort(Int(length)) }
        guard length <= maxFrameBytes else { throw WireError.frameTooLarge(Int(length), limit: maxFrameBytes) }
        guard buffer.readableBytes >= 4 + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        guard let type = buffer.readInteger(as: UInt8.self), let flags = buffer.readInteger(as: UInt8.self),
            let payload = buffer.readSlice(length: Int(length) - 2)
        else { throw WireError.truncatedFrame(buffered: buffer.readableBytes) }
        return Frame(type: type, flags: flags, payload: payload)
    }
}

public struct FrameEncoder: MessageToByteEncoder {
    public typealias OutboundIn = Frame

    public init() {}

    public func encode(data frame: Frame, out: inout ByteBuffer) throws {
        Self.write(frame, into: &out)
    }

    public static func write(_ frame: Frame, into out: inout ByteBuffer) {
        out.writeInteger(UInt32(frame.payload.readableBytes + 2))
        out.writeInteger(frame.type)
        out.writeInteger(frame.flags)
        var payload = frame.payload
        out.writeBuffer(&payload)
    }
}
