import NIOCore
import SidingCore
import SidingWire
import Testing

/// Hostile bytes on the wire: each is refused with a WireError, before allocating what it claims.
@Suite struct HostileFrameTests {
    func frame(_ type: UInt8, flags: UInt8, _ payload: [UInt8]) -> Frame { Frame(type: type, flags: flags, payload: ByteBuffer(bytes: payload)) }

    func deflated(_ plain: [UInt8], declared: Int? = nil, mutate: ([UInt8]) -> [UInt8] = { $0 }) -> Frame {
        var payload = ByteBuffer()
        payload.writeInteger(UInt32(declared ?? plain.count))
        payload.writeBytes(mutate(Zlib.deflate(plain)))
        return Frame(type: WireMessage.FrameType.batch.rawValue, flags: Frame.deflated, payload: payload)
    }

    @Test func oversizedLengthPrefixesAreRefusedBeforeBuffering() {
        for length: UInt32 in [0xFFFF_FFFF, UInt32(WireLimits.maxFrameBytes + 1)] {
            var buffer = ByteBuffer()
            buffer.writeInteger(length)
            buffer.writeBytes([3, 0])
            #expect(throws: WireError.frameTooLarge(Int(length), limit: WireLimits.maxFrameBytes)) { try FrameDecoder.next(from: &buffer) }
        }
        var empty = ByteBuffer(bytes: [0, 0, 0, 0])
        #expect(throws: WireError.self) { try FrameDecoder.next(from: &empty) }
    }

    @Test func aZlibBombIsRefusedWithoutInflatingIt() {
        let bomb = [UInt8](repeating: 0, count: 64 << 20)
        // Declared honestly: over the inflated-size cap, refused before inflating.
        #expect(throws: WireError.inflatedTooLarge(declared: bomb.count, limit: WireLimits.maxInflatedBytes)) {
            try WireMessage.decode(deflated(bomb))
        }
        // Declared small: inflating stops at the declared size plus one byte.
        #expect(throws: WireError.self) { try WireMessage.decode(deflated(bomb, declared: 1_000)) }
    }

    @Test func truncatedTrailingAndMismatchedStreamsAreRefused() throws {
        let plain = try WireMessage.batch(id: 1, changes: [Array(repeating: 7, count: 2_000)]).frame()
        #expect(plain.flags == Frame.deflated)
        let body = [UInt8](repeating: 42, count: 5_000)
        #expect(throws: WireError.self) { try WireMessage.decode(deflated(body, mutate: { Array($0.dropLast(3)) })) }
        #expect(throws: WireError.self) { try WireMessage.decode(deflated(body, mutate: { $0 + [0, 1, 2] })) }
        #expect(throws: WireError.self) { try WireMessage.decode(deflated(body, declared: 4_999)) }
        #expect(throws: WireError.self) { try WireMessage.decode(deflated(body, declared: 5_001)) }
        #expect(throws: WireError.self) { try WireMessage.decode(deflated([], mutate: { _ in [] })) }
    }

    @Test func unknownTypesFlagsAndGarbageAreRefused() {
        #expect(throws: WireError.unknownFrameType(99)) { try WireMessage.decode(frame(99, flags: 0, [])) }
        #expect(throws: WireError.unknownFlags(0x80)) { try WireMessage.decode(frame(5, flags: 0x80, [])) }
        #expect(throws: WireError.self) { try WireMessage.decode(frame(2, flags: 0, [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F])) }
        #expect(throws: WireError.self) { try WireMessage.decode(frame(1, flags: 0, [0x22, 0x02, 0xC3, 0x28])) }
    }

    @Test func messagesRoundTrip() throws {
        let origin = OriginKey(bytes: Array(repeating: 5, count: 32))!
        for message: WireMessage in [
            .ping(1), .pong(2), .summary(VersionVector([origin: 9])), .batch(id: 3, changes: [[1, 2, 3]]),
            .close(.duplicateSession, "x"),
        ] {
            var buffer = ByteBuffer()
            FrameEncoder.write(try message.frame(), into: &buffer)
            let decoded = try WireMessage.decode(try #require(try FrameDecoder.next(from: &buffer)))
            #expect(decoded == message)
        }
    }
}
