/// What a node holds: for each origin, the highest seq held with no gaps below it.
public struct VersionVector: Hashable, Sendable {
    public private(set) var entries: [OriginKey: UInt64]

    public init(_ entries: [OriginKey: UInt64] = [:]) { self.entries = entries.filter { $0.value > 0 } }

    public subscript(origin: OriginKey) -> UInt64 { entries[origin] ?? 0 }

    public mutating func advance(_ origin: OriginKey, to seq: UInt64) {
        if seq > self[origin] { entries[origin] = seq }
    }

    /// For each origin, the seqs `other` holds that `self` lacks (empty ranges left out).
    public func missing(from other: VersionVector) -> [OriginKey: ClosedRange<UInt64>] {
        var result: [OriginKey: ClosedRange<UInt64>] = [:]
        for (origin, theirs) in other.entries where theirs > self[origin] {
            result[origin] = (self[origin] + 1)...theirs
        }
        return result
    }
}
