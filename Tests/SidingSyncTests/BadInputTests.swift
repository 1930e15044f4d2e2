import Crypto
import Foundation
import NIOCore
import NIOPosix
import SidingCore
import SidingStore
import SidingSync
import SidingTestKit
import SidingWire
import Testing

/// The bad-input table of the sync layer, against a node whose deadlines are shortened and whose
/// unauthenticated-connection caps are small: each input is refused with its close code (or the
/// connection is dropped), nothing of it is stored, and the node keeps serving its real partner
/// throughout.
@Suite(.serialized) struct BadInputTests {
    /// For connections that never finish their opening: cut after 3 s.
    static let timing = SessionTiming(handshake: .seconds(3), pingInterval: .seconds(1), idleTimeout: .seconds(3))
    /// For inputs refused by their close code: long enough that a node starved of the CPU for seconds
    /// by the rest of the suite (which runs in the same process) still answers with that code, not with
    /// a deadline of its own.
    static let refusalTiming = SessionTiming(handshake: .seconds(10), pingInterval: .seconds(2), idleTimeout: .seconds(8))
    static let caps = ConnectionGate.Caps(perAddress: 4, total: 6)

    /// A change body signed correctly, so only the decoder can refuse it.
    static func signed(_ body: [UInt8], by key: Curve25519.Signing.PrivateKey) throws -> [UInt8] {
        body + Array(try key.signature(for: Array("siding-change-v1\u{0}".utf8) + body))
    }

    /// format · origin · seq · hlc · referenced origins, then `rest` (operations).
    static func changeBody(_ key: Curve25519.Signing.PrivateKey, seq: UInt64, rest: (inout ByteWriter) -> Void) -> [UInt8] {
        var writer = ByteWriter()
        writer.byte(Change.formatVersion)
        writer.raw(OriginKey(key.publicKey).bytes)
        writer.varint(seq)
        writer.varint(HLC(milliseconds: 1_800_000_000_000, counter: 0).rawValue)
        writer.varint(0)
        rest(&writer)
        return writer.bytes
    }

    /// One write operation whose field name and value are given as raw bytes.
    static func writeOperation(_ writer: inout ByteWriter, field: [UInt8], value: [UInt8]) {
        writer.varint(1)
        writer.varint(EntityKind.contact.rawValue)
        writer.raw([UInt8](repeating: 7, count: EntityID.randomByteCount))
        writer.blob(field)
        writer.varint(1)
        var body = ByteWriter()
        body.blob(value)
        body.varint(0)
        writer.blob(body.bytes)
    }

    @Test func malformedAndHostileStreamsAreRefused() async throws {
        let (a, friend) = (try SyncTestNode(name: "A", timing: Self.refusalTiming, caps: Self.caps), try SyncTestNode(name: "Friend"))
        try await a.start()
        try await friend.start()
        await friend.pair(with: a)
        let attacker = RawPeer()
        await a.engine.addPartner(Partner(nodeID: attacker.nodeID, name: "attacker", address: nil))
        let key = attacker.key
        var hugeVersion = WireHello()
        hugeVersion.protocolVersion = 99
        hugeVersion.minProtocolVersion = 99
        var longName = WireHello()
        longName.protocolVersion = 1
        longName.minProtocolVersion = 1
        longName.nodeName = String(repeating: "n", count: 300)
        let overCount = try Self.signed(Self.changeBody(key, seq: 1) { $0.varint(4_000) }, by: key)
        let badUTF8 = try Self.signed(
            Self.changeBody(key, seq: 1) { Self.writeOperation(&$0, field: [0x6E, 0xFF, 0xFE], value: Array("x".utf8)) }, by: key)
        let oversized = try Self.signed(
            Self.changeBody(key, seq: 1) { Self.writeOperation(&$0, field: Array("bio".utf8), value: [UInt8](repeating: 0x61, count: 300_000)) },
            by: key)
        let neverCompletes: [UInt8] = [0, 0, 0, 100, 3, 0] + [UInt8](repeating: 0, count: 10)

        // (name, skip the opening?, what to send, expected close code; nil: the connection is just dropped)
        let cases: [(String, Bool, (RawPeer) async throws -> Void, CloseCode?)] = [
            ("frame before hello", true, { try await $0.send(.summary(VersionVector())) }, .protocolError),
            ("unknown protocol version", true, { try await $0.send(.hello(hugeVersion)) }, .unsupportedVersion),
            ("hello name over 256 bytes", true, { try await $0.send(.hello(longName)) }, .protocolError),
            ("length prefix 0xFFFFFFFF", false, { try await $0.sendRaw([0xFF, 0xFF, 0xFF, 0xFF, 3, 0]) }, .frameTooLarge),
            ("length over the maximum", false, { try await $0.sendRaw([0x00, 0x80, 0x00, 0x03, 3, 0]) }, .frameTooLarge),
            ("a frame that never completes", false, { try await $0.sendRaw(neverCompletes) }, .idleTimeout),
            ("empty batch payload", false, { try await $0.send(Frame(type: 3, payload: ByteBuffer())) }, .protocolError),
            ("operation count larger than the change", false, { try await $0.send(.batch(id: 1, changes: [overCount])) }, .invalidChange),
            ("invalid UTF-8 field name", false, { try await $0.send(.batch(id: 1, changes: [badUTF8])) }, .invalidChange),
            ("value over its size limit", false, { try await $0.send(.batch(id: 1, changes: [oversized])) }, .invalidChange),
            ("summary again mid-session", false, { try await $0.send(.summary(VersionVector())) }, .protocolError),
        ]
        for (name, skipOpening, attack, expected) in cases {
            try await attacker.expectRefused(name, by: a, friend: friend, opening: !skipOpening, expected: expected, attack)
        }

        // EOF in the middle of a frame: nothing stored, nothing else disturbed.
        try await attacker.connect(port: a.port, server: a.nodeID)
        try await attacker.sendRaw(Array(neverCompletes.prefix(8)))
        await attacker.close()
        #expect(try a.store.versionVector()[attacker.origin] == 0)

        // A replayed change is acknowledged as a duplicate and stored once; the session goes on.
        // Timestamps far in the future or the past are applied: validity never depends on clocks.
        try await attacker.connect(port: a.port, server: a.nodeID)
        let first = try attacker.change(1, "first")
        let future = try Change.sign(by: key, seq: 2, hlc: HLC(milliseconds: 4_102_444_800_000, counter: 0), operations: first.operations)
        let past = try Change.sign(by: key, seq: 3, hlc: HLC(milliseconds: 1, counter: 0), operations: first.operations)
        try await attacker.send(.batch(id: 1, changes: [first.encoded]))
        try await attacker.send(.batch(id: 2, changes: [first.encoded]))
        try await attacker.send(.batch(id: 3, changes: [future.encoded, past.encoded]))
        var acks: [WireAck] = []
        while acks.count < 3, let message = try await attacker.receive(skippingPushes: true) {
            if case .ack(let ack) = message { acks.append(ack) }
        }
        #expect(acks.map(\.applied) == [1, 0, 2] && acks.map(\.duplicates) == [0, 1, 0])
        #expect(try a.store.versionVector()[attacker.origin] == 3)
        await attacker.close()
        await a.stop()
        await friend.stop()
    }

    @Test func silentTrickledAndFloodingConnectionsAreCut() async throws {
        let (a, friend) = (try SyncTestNode(name: "A", timing: Self.timing, caps: Self.caps), try SyncTestNode(name: "Friend"))
        try await a.start()
        try await friend.start()
        await friend.pair(with: a)
        _ = try a.write(1)

        // Slowloris: one connection says nothing, one trickles a TLS ClientHello a byte at a time.
        let silent = try await RawTCP.connect(port: a.port)
        let trickled = try await RawTCP.connect(port: a.port)
        let start = ContinuousClock.now
        for byte in [0x16, 0x03, 0x01, 0x00, 0xF0, 0x01] as [UInt8] {
            trickled.send([byte])
            try await Task.sleep(for: .milliseconds(300))
        }
        try await silent.closed()
        try await trickled.closed()
        #expect(ContinuousClock.now - start < .seconds(8), "slow connections outlived the 3 s handshake deadline")

        // A flood from 127.0.0.2: beyond 4 unfinished handshakes from one address, closed at once;
        // the partner on 127.0.0.1 is still served meanwhile.
        var flood: [RawTCP] = []
        for _ in 0..<12 { flood.append(try await RawTCP.connect(port: a.port, from: "127.0.0.2")) }
        try await Task.sleep(for: .milliseconds(300))
        let open = flood.filter(\.isOpen).count
        #expect(open <= Self.caps.perAddress, "\(open) unauthenticated connections from one address kept open")
        let ids = try a.write(1)
        #expect(try await eventually(5) { try friend.store.record(ids[0]) != nil }, "the partner was starved by the flood")
        for connection in flood { connection.close() }
        await a.stop()
        await friend.stop()
    }

    @Test func aPartnerSendingAtFullRateIsHeldBackNotBuffered() async throws {
        // The firehose's log sorts before A's own, and the partner applies slower than A (4 ms a change):
        // a sender that served logs in order would hold A's new change back behind the whole relayed backlog.
        let keys = [Curve25519.Signing.PrivateKey(), Curve25519.Signing.PrivateKey()]
            .sorted { OriginKey($0.publicKey) < OriginKey($1.publicKey) }
        let a = try SyncTestNode(name: "A", key: keys[1])
        let friend = try SyncTestNode(name: "Friend", applyPausePerChange: .milliseconds(4))
        try await a.start()
        try await friend.start()
        await friend.pair(with: a)
        let attacker = RawPeer(key: keys[0])
        await a.engine.addPartner(Partner(nodeID: attacker.nodeID, name: "firehose", address: nil))
        try await attacker.connect(port: a.port, server: a.nodeID)
        // Valid batches as fast as TCP takes them, acks ignored, for 3 s: the node reads only as fast
        // as it applies (bounded inbound buffer), so the sender's writes stall instead of piling up.
        let deadline = ContinuousClock.now + .seconds(3)
        var sent = 0
        var seq: UInt64 = 0
        while ContinuousClock.now < deadline {
            let changes = try (0..<100).map { _ in
                seq += 1
                return try attacker.change(seq, "value \(seq)").encoded
            }
            try await attacker.send(.batch(id: seq, changes: changes))
            sent += 100
        }
        let written = ContinuousClock.now
        let ids = try a.write(1)
        #expect(try await eventually(10) { try friend.store.record(ids[0]) != nil }, "the partner was starved by the firehose")
        let relayed = try friend.store.versionVector()[attacker.origin]
        let held = try a.store.versionVector()[attacker.origin]
        print("firehose: A's change reached the partner in \(ContinuousClock.now - written), which held \(relayed) of A's \(held) firehose changes")
        #expect(relayed < held, "A's change waited until the partner had caught up on the firehose's log")
        print("firehose: \(sent) changes written in 3 s")
        #expect(held > 0 && held <= UInt64(sent))
        await attacker.close()
        await a.stop()
        await friend.stop()
    }
}

/// A bare TCP connection (no TLS) for the pre-handshake cases.
final class RawTCP: @unchecked Sendable {
    let channel: Channel

    init(channel: Channel) { self.channel = channel }

    static func connect(port: Int, from source: String? = nil) async throws -> RawTCP {
        var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        if let source { bootstrap = bootstrap.bind(to: try SocketAddress(ipAddress: source, port: 0)) }
        return RawTCP(channel: try await bootstrap.connect(host: "127.0.0.1", port: port).get())
    }

    func send(_ bytes: [UInt8]) { channel.writeAndFlush(ByteBuffer(bytes: bytes), promise: nil) }
    var isOpen: Bool { channel.isActive }
    func close() { channel.close(promise: nil) }

    /// Waits (at most 10 s) for the node to close the connection.
    func closed() async throws {
        _ = try await eventually(10) { !self.channel.isActive }
    }
}
