/// Identifies one operation everywhere: the change that carries it and its index in that change.
/// Register values and set additions are named by their dot, so a later write can say what it replaces.
public struct Dot: Hashable, Comparable, Sendable {
    public let origin: OriginKey
    public let seq: UInt64
    public let index: Int

    public init(origin: OriginKey, seq: UInt64, index: Int) {
        self.origin = origin
        self.seq = seq
        self.index = index
    }

    public static func < (lhs: Dot, rhs: Dot) -> Bool {
        (lhs.origin, lhs.seq, lhs.index) < (rhs.origin, rhs.seq, rhs.index)
    }
}
