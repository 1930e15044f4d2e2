import Crypto
import Foundation
import Logging
import NIOCore
import NIOPosix
import SidingCore
import SidingTestKit
import SidingWire
import Testing

@testable import SidingSync

/// A partner that speaks the protocol by hand over real mutual TLS, so tests can send what a correct
/// node never would.
final class RawPeer: @unchecked Sendable {
    let key: Curve25519.Signing.PrivateKey
    var nodeID: NodeID { OriginKey(key.publicKey).nodeID }
    var origin: OriginKey { OriginKey(key.publicKey) }
    private var channel: NIOAsyncChannel<Frame, Frame>?
    private var iterator: NIOAsyncChannelInboundStream<Frame>.AsyncIterator?
    private var outbound: NIOAsyncChannelOutboundWriter<Frame>?
    /// The node's key, from its certificate: restores the changes it sends without their origin.
    private(set) var serverKey: OriginKey?

    init(key: Curve25519.Signing.PrivateKey = Curve25519.Signing.PrivateKey()) { self.key = key }

    /// Connects to `port`, expecting the node `server`, and exchanges hello and summaries (unless
    /// `opening` is false: then the test sends the first frames itself), speaking `version`.
    /// `summary` and `tips` are what it claims to hold.
    func connect(
        port: Int, server: NodeID, opening: Bool = true, capabilities: [String] = [], version: UInt32 = 1,
        summary: VersionVector = VersionVector(), tips: [OriginKey: [UInt8]] = [:]
    ) async throws {
        let context = try SecureChannel.context(try NodeIdentity(key: key, name: "raw", now: Date()), server: false)
        let logger = Logger(label: "raw-peer")
        let (connection, handshake) = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handshake = try SecureChannel.configure(channel, context: context, accept: { $0 == server }, dialing: true, logger: logger)
                    return (try NIOAsyncChannel<Frame, Frame>(wrappingChannelSynchronously: channel), handshake)
                }
            }
        serverKey = try await handshake.get()
        channel = connection
        // The channel is used from this test only; the iterator and writer are taken out once.
        let (inbound, writer) = try await connection.executeUnsafely()
        iterator = inbound.makeAsyncIterator()
        outbound = writer
        guard opening else { return }
        var hello = WireHello()
        hello.protocolVersion = version
        hello.minProtocolVersion = 1
        hello.nodeName = "raw"
        hello.capabilities = capabilities
        try await send(.hello(hello))
        try await send(.summary(summary, tips: tips))
        guard case .hello = try await receive(), case .summary = try await receive() else { throw SyncError.unexpectedMessage("handshake") }
    }

    func send(_ message: WireMessage) async throws { try await send(try message.frame()) }

    /// Writes `bytes` into the TLS stream as they are, past the frame encoder (a broken or hostile codec).
    func sendRaw(_ bytes: [UInt8]) async throws {
        guard let channel = channel?.channel else { throw SyncError.connectionClosed }
        try await channel.eventLoop.flatSubmit {
            do {
                let decoder = try channel.pipeline.syncOperations.context(handlerType: ByteToMessageHandler<FrameDecoder>.self)
                return decoder.writeAndFlush(NIOAny(ByteBuffer(bytes: bytes)))
            } catch {
                return channel.eventLoop.makeFailedFuture(error)
            }
        }.get()
    }

    func send(_ frame: Frame) async throws {
        guard let outbound else { throw SyncError.connectionClosed }
        try await outbound.write(frame)
    }

    /// The next frame as it arrived; nil once the node closed the connection.
    func receiveFrame() async throws -> Frame? { try await iterator?.next() }

    /// The next message, skipping batches and pings the node pushes; nil once the node closed the connection.
    func receive(skippingPushes: Bool = false) async throws -> WireMessage? {
        while true {
            guard let frame = try await iterator?.next() else { return nil }
            let message = try WireMessage.decode(frame, sender: serverKey)
            if skippingPushes, case .batch = message { continue }
            if skippingPushes, case .ping = message { continue }
            return message
        }
    }

    /// Reads until the node closes; returns the close code it sent, if any.
    func closeCode() async -> UInt32? {
        var code: UInt32?
        while let message = try? await receive(skippingPushes: true) {
            if case .close(_, let value, _) = message { code = value }
        }
        return code
    }

    func change(_ seq: UInt64, _ name: String = "x") throws -> Change {
        let entity = EntityID(kind: .contact, bytes: Array(repeating: UInt8(seq % 256), count: 10))!
        return try Change.sign(
            by: key, seq: seq, hlc: HLC(milliseconds: 1_800_000_000_000 + seq, counter: 0),
            operations: [
                Operation(entity: entity, field: "name", action: .write(value: name, replaces: []))
            ])
    }

    func close() async { try? await channel?.channel.close() }
}

extension NIOAsyncChannel where Inbound == Frame, Outbound == Frame {
    /// Test-only access to the inbound stream and outbound writer outside `executeThenClose`.
    func executeUnsafely() async throws -> (NIOAsyncChannelInboundStream<Frame>, NIOAsyncChannelOutboundWriter<Frame>) {
        try await withCheckedThrowingContinuation { continuation in
            Task {
                try? await self.executeThenClose { inbound, outbound in
                    continuation.resume(returning: (inbound, outbound))
                    // Keep the channel open until it is closed from outside.
                    try await self.channel.closeFuture.get()
                }
            }
        }
    }
}

extension RawPeer {
    /// Connects to `node`, runs `attack`, and checks the node's answer: closed within 20 s (with
    /// `expected` as the close code, if given), nothing of the attacker stored, and `friend` (a partner
    /// of `node`) still served.
    func expectRefused(
        _ name: String, by node: SyncTestNode, friend: SyncTestNode, opening: Bool = true, expected: CloseCode?,
        _ attack: (RawPeer) async throws -> Void
    ) async throws {
        try await connect(port: node.port, server: node.nodeID, opening: opening)
        // On a loaded machine the node may close first (a deadline passed); what it said is checked below.
        try? await attack(self)
        let start = ContinuousClock.now
        let code = await closeCode()
        #expect(ContinuousClock.now - start < .seconds(20), "\(name): not closed in time")
        if let expected { #expect(code == expected.rawValue, "\(name): closed with \(String(describing: code))") }
        await close()
        #expect(try node.store.versionVector()[origin] == 0, "\(name): something was stored")
        let ids = try node.write(1)
        #expect(try await eventually { try friend.store.record(ids[0]) != nil }, "\(name): the other partner no longer served")
    }
}
