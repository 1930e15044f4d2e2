/// One part of a circle sent to one partner: the audit (`siding circle audit`) is built from these.
public struct CircleDelivery: Sendable, Equatable {
    public var circle: CircleID
    public var log: OriginKey
    public var firstSeq: UInt64
    public var lastSeq: UInt64
    /// When the frame carrying it was written, in ms since 1970 (set by the session, not the sync core).
    public var sentAtMilliseconds: UInt64

    public init(circle: CircleID, log: OriginKey, firstSeq: UInt64, lastSeq: UInt64, sentAtMilliseconds: UInt64 = 0) {
        self.circle = circle
        self.log = log
        self.firstSeq = firstSeq
        self.lastSeq = lastSeq
        self.sentAtMilliseconds = sentAtMilliseconds
    }
}
