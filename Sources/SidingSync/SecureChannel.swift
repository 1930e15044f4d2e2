import Foundation
import Logging
import NIOCore
import NIOSSL
import NIOTLS
import SidingCore
import SidingWire

/// TLS 1.3 with both sides presenting their self-signed node certificate; each side accepts only the
/// node IDs it was told to (the whole partner list when listening, one pinned ID when dialling).
/// A refused peer is stopped inside the handshake, before any application byte is read.
enum SecureChannel {
    /// `keyLog`: tests only (`SyncTestProbes`), for decrypting captures.
    static func context(_ identity: NodeIdentity, server: Bool, keyLog: NIOSSLKeyLogCallback? = nil) throws -> NIOSSLContext {
        var configuration =
            server
            ? TLSConfiguration.makeServerConfiguration(
                certificateChain: [.certificate(identity.certificate)], privateKey: .privateKey(identity.privateKey))
            : TLSConfiguration.makeClientConfiguration()
        configuration.certificateChain = [.certificate(identity.certificate)]
        configuration.privateKey = .privateKey(identity.privateKey)
        configuration.minimumTLSVersion = .tlsv13
        configuration.maximumTLSVersion = .tlsv13
        // Makes the server ask for (and require) a client certificate, and hands every peer certificate to
        // the custom callback below; without it a server never sees a client certificate at all.
        configuration.certificateVerification = .noHostnameVerification
        configuration.signingSignatureAlgorithms = [.ed25519]
        configuration.verifySignatureAlgorithms = [.ed25519]
        configuration.keyLogCallback = keyLog
        return try NIOSSLContext(configuration: configuration)
    }

    /// Adds TLS, the handshake deadline and the frame codec to `channel`; the returned future succeeds
    /// with the peer's key once the handshake completed and the peer was accepted.
    static func configure(
        _ channel: Channel, context: NIOSSLContext, accept: @escaping @Sendable (NodeID?) -> Bool, dialing: Bool, timing: SessionTiming = .standard,
        logger: Logger
    ) throws -> EventLoopFuture<OriginKey> {
        let identified = PeerIdentity()
        let remote = channel.remoteAddress?.description ?? "unknown address"
        let verify: NIOSSLCustomVerificationCallback = { certificates, promise in
            let origin = certificates.first.flatMap(NodeIdentity.origin(of:))
            let id = origin?.nodeID
            if let origin, let id, accept(id) {
                identified.set(origin)
                promise.succeed(.certificateVerified)
            } else {
                if dialing {
                    identified.refuse(id?.description ?? "(none: no Ed25519 key)")
                    logger.warning(
                        "refused server: not the node we dialled",
                        metadata: ["peer": "\(id?.description ?? "no Ed25519 key")", "address": "\(remote)"])
                } else {
                    logger.warning(
                        "refused connection from a node that is not a partner; add it with `siding peer add` if it should be one",
                        metadata: ["peer": "\(id?.description ?? "no certificate")", "address": "\(remote)"])
                }
                promise.succeed(.failed)
            }
        }
        let tlsHandler: ChannelHandler =
            dialing
            ? try NIOSSLClientHandler(context: context, serverHostname: nil, customVerificationCallback: verify)
            : NIOSSLServerHandler(context: context, customVerificationCallback: verify)
        let handshake = channel.eventLoop.makePromise(of: OriginKey.self)
        // A connection closed before it was even registered (refused, or the node stopping) never
        // becomes inactive: its close must end the wait too. Later completions are ignored.
        channel.closeFuture.whenComplete { _ in handshake.fail(SyncError.connectionClosed) }
        let sync = channel.pipeline.syncOperations
        try sync.addHandler(tlsHandler)
        try sync.addHandler(HandshakeDeadline(promise: handshake, identity: identified, timeout: timing.handshakeAmount))
        try sync.addHandler(ByteToMessageHandler(FrameDecoder()))
        try sync.addHandler(MessageToByteHandler(FrameEncoder()))
        return handshake.futureResult
    }
}

/// The peer's key as the verification callback found it (set on the event loop, read once after), or
/// the ID a dialled node presented instead of the expected one.
final class PeerIdentity: @unchecked Sendable {
    private var origin: OriginKey?
    private var refusedID: String?
    private let lock = NSLock()

    func set(_ value: OriginKey) { lock.withLock { origin = value } }
    func refuse(_ presented: String) { lock.withLock { refusedID = presented } }
    var value: OriginKey? { lock.withLock { origin } }
    var refused: String? { lock.withLock { refusedID } }
}

/// Closes a connection whose TLS handshake has not completed within the deadline (NIOSSL has none of
/// its own), and reports the accepted peer when it does complete.
final class HandshakeDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let promise: EventLoopPromise<OriginKey>
    private let identity: PeerIdentity
    private let timeout: TimeAmount
    private var deadline: Scheduled<Void>?

    init(promise: EventLoopPromise<OriginKey>, identity: PeerIdentity, timeout: TimeAmount) {
        self.promise = promise
        self.identity = identity
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        let promise = self.promise
        deadline = context.eventLoop.scheduleTask(in: timeout) {
            promise.fail(SyncError.handshakeTimeout)
            channel.close(promise: nil)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event {
            deadline?.cancel()
            if let origin = identity.value { promise.succeed(origin) } else { promise.fail(SyncError.notAPartner) }
            context.pipeline.syncOperations.removeHandler(self, promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        deadline?.cancel()
        promise.fail(identity.refused.map { SyncError.wrongPartner(presented: $0) } ?? error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        promise.fail(identity.refused.map { SyncError.wrongPartner(presented: $0) } ?? SyncError.connectionClosed)
        context.fireChannelInactive()
    }
}
