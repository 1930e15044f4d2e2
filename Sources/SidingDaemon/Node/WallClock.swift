import Foundation

/// The shell's clock: the only place the daemon reads wall time for the core.
public struct WallClock: Sendable {
    /// Added to the system clock; tests use it to play a node whose clock is wrong.
    public var offsetMilliseconds: Int64

    public init(offsetMilliseconds: Int64 = 0) { self.offsetMilliseconds = offsetMilliseconds }

    public func nowMilliseconds() -> UInt64 {
        let now = Int64((Date().timeIntervalSince1970 * 1_000).rounded(.down)) + offsetMilliseconds
        return UInt64(max(now, 0))
    }
}
