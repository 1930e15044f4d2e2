import SidingCore
import SidingWire

/// Protocol 2: which circles this session shares with its peer, read again whenever membership changes.
extension SessionStateMachine {
    /// Membership may have changed (a commit said so, or the engine's revocation barrier asks): read
    /// the shared circles again. Nothing to do once the session is closed.
    public mutating func requestSharedCircles() -> [SessionAction<Instant>] {
        guard phase != .closed else { return [] }
        sharedReadsRequested += 1
        return [.loadSharedCircles(read: sharedReadsRequested)]
    }

    /// The result of `loadSharedCircles(read:)`, with what the node held when it was read (`holding`, read
    /// after the membership). From now on a circle no longer shared is never written; a newly shared one
    /// is sent from where the peer is known to be.
    public mutating func sharedCirclesLoaded(_ shared: Set<CircleID>, read: UInt64, holding: VersionVector = VersionVector()) -> [SessionAction<
        Instant
    >] {
        // The commit that shared a circle may not have been announced yet: without its changes in
        // `ours`, the owner's log would go out short of the admission, which the new member refuses.
        for (origin, seq) in holding.entries { ours.advance(origin, to: seq) }
        guard phase != .closed, read > appliedSharedRead else { return [] }
        appliedSharedRead = read
        scope.shared = shared
        return sendMore()
    }

    /// Each circle log's part of a batch, first to last seq, in the batch's order.
    static func deliveries(in changes: [Change]) -> [CircleDelivery] {
        var deliveries: [CircleDelivery] = []
        for change in changes {
            guard let circle = change.circle else { continue }
            if let last = deliveries.indices.last, deliveries[last].log == change.origin, deliveries[last].lastSeq < change.seq {
                deliveries[last].lastSeq = change.seq
            } else {
                deliveries.append(CircleDelivery(circle: circle, log: change.origin, firstSeq: change.seq, lastSeq: change.seq))
            }
        }
        return deliveries
    }
}
