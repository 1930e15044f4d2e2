import SidingCore
import SidingWire

/// What `SessionStateMachine` asks its session to do. Actions that read or write the store report
/// their outcome back to the machine as the event named here.
public enum SessionAction<Instant: InstantProtocol & Sendable>: Sendable, Equatable {
    /// Write this message to the peer; a batch, then `batchWritten`.
    case send(WireMessage)
    /// Their Hello is acceptable: read our version vector and tip digests, then `summaryLoaded`.
    case loadSummary
    /// Read the circles shared with the peer, then `sharedCirclesLoaded` with the same `read`.
    case loadSharedCircles(read: UInt64)
    /// Remember, for the circle audit, which parts of circles the next batch carries.
    case recordDeliveries([CircleDelivery])
    /// Read these changes from the store, in order and within the batch byte limit, then `batchFetched`.
    case fetchBatch([FetchRange])
    /// Verify these changes (`batchVerified` or `batchRejected`), store them, then `batchCommitted`.
    case apply(batchID: UInt64, changes: [[UInt8]])
    /// Call `tick` at this instant.
    case scheduleIdleCheck(at: Instant)
    /// Tell the node's status book.
    case report(SessionReport)
    /// Close the connection; the session ended for this reason (nil: in good order).
    case close(SyncError?)

    var isBatch: Bool {
        if case .send(.batch) = self { true } else { false }
    }

    /// When to call `tick` next, if this is that instruction.
    public var scheduledCheck: Instant? {
        if case .scheduleIdleCheck(let at) = self { at } else { nil }
    }
}

/// Up to `limit` changes of `origin` with seq > `after`; or, for a fork probe, the one version held
/// at seq `after + 1` whose tip digest is not `unlikeTip` (none if every version held matches it).
public struct FetchRange: Sendable, Equatable {
    public var origin: OriginKey
    public var after: UInt64
    public var limit: Int
    /// The peer's tip digest at that seq, for a fork probe.
    public var unlikeTip: [UInt8]?

    public init(origin: OriginKey, after: UInt64, limit: Int, unlikeTip: [UInt8]? = nil) {
        self.origin = origin
        self.after = after
        self.limit = limit
        self.unlikeTip = unlikeTip
    }
}

/// What a session tells `siding status`.
public enum SessionReport: Sendable, Equatable {
    /// Hello and Summary exchanged: the partner is reachable and well-behaved.
    case established(hello: WireHello, summary: VersionVector, forked: [OriginKey])
    case acknowledged(VersionVector)
    case sent(batches: Int, changes: Int)
    case received(WireAck, known: VersionVector, acknowledged: VersionVector)
}
