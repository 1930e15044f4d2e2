/// A hybrid logical clock timestamp: milliseconds since the Unix epoch in the high 47 bits and a
/// logical counter in the low 16. Orders a node's own writes even when its wall clock stalls or steps
/// back; the wall clock is always an argument, never read here.
public struct HLC: Hashable, Comparable, Sendable, CustomStringConvertible {
    public static let counterBits: UInt64 = 16
    /// Largest encodable value: fits SQLite's signed 64-bit INTEGER.
    public static let maxRawValue: UInt64 = UInt64(Int64.max)
    public static let zero = HLC(rawValue: 0)

    public let rawValue: UInt64

    public init(rawValue: UInt64) { self.rawValue = rawValue }

    public init(milliseconds: UInt64, counter: UInt16) {
        rawValue = (milliseconds << Self.counterBits) | UInt64(counter)
    }

    public var milliseconds: UInt64 { rawValue >> Self.counterBits }
    public var counter: UInt16 { UInt16(truncatingIfNeeded: rawValue) }

    /// The timestamp of a new local event after `self`, given the wall clock `now` in milliseconds.
    public func tick(now: UInt64) -> HLC {
        if now > milliseconds { return HLC(milliseconds: now, counter: 0) }
        return successor
    }

    /// Moves the clock past a timestamp received from a partner, but never more than `maxDrift`
    /// milliseconds ahead of `now`: a partner with a wrong clock cannot drag ours into the future.
    /// Returns the new clock and how far ahead of `now` the remote timestamp was (0 if not ahead).
    public func receive(_ remote: HLC, now: UInt64, maxDrift: UInt64) -> (clock: HLC, skew: UInt64) {
        let skew = remote.milliseconds > now ? remote.milliseconds - now : 0
        let bounded = min(remote, HLC(milliseconds: now + maxDrift, counter: 0))
        return (max(self, bounded), skew)
    }

    var successor: HLC {
        counter == UInt16.max ? HLC(milliseconds: milliseconds + 1, counter: 0) : HLC(rawValue: rawValue + 1)
    }

    public var description: String { "\(milliseconds).\(counter)" }

    public static func < (lhs: HLC, rhs: HLC) -> Bool { lhs.rawValue < rhs.rawValue }
}
