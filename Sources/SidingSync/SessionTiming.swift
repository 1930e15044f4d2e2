import NIOCore
import SidingWire

/// The protocol's deadlines (`Protocol/SPEC.md`); tests shorten them to exercise what happens when
/// they pass without waiting the real time.
public struct SessionTiming: Sendable {
    /// For the TLS handshake, and again for the Hello/Summary exchange after it.
    public var handshake: Duration
    public var pingInterval: Duration
    /// A partner heard nothing from for this long is disconnected.
    public var idleTimeout: Duration

    public init(handshake: Duration, pingInterval: Duration, idleTimeout: Duration) {
        self.handshake = handshake
        self.pingInterval = pingInterval
        self.idleTimeout = idleTimeout
    }

    public static let standard = SessionTiming(
        handshake: .seconds(WireLimits.handshakeTimeout), pingInterval: .seconds(WireLimits.pingInterval),
        idleTimeout: .seconds(WireLimits.idleTimeout))

    var handshakeAmount: TimeAmount { .nanoseconds(Int64(handshake / .nanoseconds(1))) }
}
