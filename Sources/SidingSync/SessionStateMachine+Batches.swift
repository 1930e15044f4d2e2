import SidingCore
import SidingWire

/// Batches both ways: what to fetch and send while the window has room, and what to acknowledge.
extension SessionStateMachine {
    /// A commit on this node: what may now be sent. Logs advanced only by this session's own peer
    /// are already known to it, so they wake nothing.
    public mutating func commitNotice(_ notice: CommitNotice) -> [SessionAction<Instant>] {
        for advance in notice.advances {
            scope.learn(advance.origin, circle: advance.circle, isOwnerLog: advance.isOwnerLog)
            ours.advance(advance.origin, to: advance.seq)
        }
        // Membership changed: read again what is shared with the peer before sending more of a circle.
        let reread = notice.circlesChanged.isEmpty ? [] : requestSharedCircles()
        guard notice.advances.contains(where: { $0.deliveredBy != sessionID }) else { return reread }
        return reread + sendMore()
    }

    /// The changes read for the last `fetchBatch`, in order: send them as the next batch. `now` lets the
    /// pacing time the batch's ack; without it the batch only counts against the budget.
    public mutating func batchFetched(_ changes: [Change], now: Instant? = nil) -> [SessionAction<Instant>] {
        let fetched = fetching
        fetching = nil
        guard phase == .live else { return [] }
        // Nothing to read: a fork probe finds every version held is the peer's (go on with the rest);
        // otherwise the store had less than a commit notice said, so wait for the next commit rather
        // than ask again at once.
        guard !changes.isEmpty else { return fetched == .forkProbes ? sendMore() : [] }
        // Read before a membership change took effect: only what is shared now leaves; and a redacted
        // network change only to a peer that takes one.
        var changes = changes
        changes.removeAll { change in
            guard !scope.allows(change) else { return false }
            if change.networkRedaction != nil {
                scope.withheld.insert(change.origin)
            } else {
                scope.learn(change.origin, circle: change.circle)
            }
            return true
        }
        guard !changes.isEmpty else { return sendMore() }
        var highest: [OriginKey: UInt64] = [:]
        for change in changes {
            highest[change.origin] = max(highest[change.origin] ?? 0, change.seq)
            known.advance(change.origin, to: change.seq)
        }
        let id = nextBatchID
        nextBatchID += 1
        inflight[id] = highest
        pacing.sent(batch: id, changes: changes.count, at: now)
        batchesSent += 1
        changesSent += changes.count
        let deliveries = Self.deliveries(in: changes)
        let sent: [SessionAction<Instant>] = [
            .send(.batch(id: id, changes: changes.map(\.encoded))), .report(.sent(batches: batchesSent, changes: changesSent)),
        ]
        unwritten = id
        // Recorded before the frame is written: the audit may name a part the peer never got, never the reverse.
        return (deliveries.isEmpty ? [] : [.recordDeliveries(deliveries)]) + sent
    }

    /// The batch is written to the connection: the next may be read. Until then nothing is fetched, so
    /// no batch overtakes one read before it while that one's audit is recorded (the peer would refuse
    /// a member's change that arrives before the owner's change admitting it, and never be sent it again).
    public mutating func batchWritten(_ id: UInt64) -> [SessionAction<Instant>] {
        guard unwritten == id else { return [] }
        unwritten = nil
        return sendMore()
    }

    /// A received batch's signatures checked out: the peer holds these changes, known before their
    /// commit is announced, so they are not sent back.
    public mutating func batchVerified(_ changes: [VerifiedChange]) {
        for change in changes {
            known.advance(change.origin, to: change.seq)
            acknowledged.advance(change.origin, to: change.seq)
        }
    }

    public mutating func batchRejected(_ reason: String) -> [SessionAction<Instant>] {
        guard phase != .closed else { return [] }
        return closing(.invalidChange, reason)
    }

    /// The batch is stored: acknowledge it.
    public mutating func batchCommitted(_ id: UInt64, outcomes: [ApplyOutcome]) -> [SessionAction<Instant>] {
        guard phase != .closed else { return [] }
        var ack = WireAck()
        ack.batchID = id
        ack.applied = UInt32(outcomes.filter { $0 == .applied }.count)
        ack.duplicates = UInt32(outcomes.filter { $0 == .duplicate }.count)
        ack.equivocations = UInt32(outcomes.filter { $0 == .equivocation }.count)
        ack.refused = UInt32(outcomes.filter { $0 == .refused }.count)
        return [.send(.ack(ack)), .report(.received(ack, known: known, acknowledged: acknowledged))]
    }

    /// The batch could not be stored: a gap in an origin's log (the peer's error), or this node's.
    public mutating func applyFailed(gap: String?) -> [SessionAction<Instant>] {
        guard phase != .closed else { return [] }
        if let gap { return closing(.gap, gap) }
        return closing(.internalError, "could not store the batch")
    }

    /// Asks for the next batch if the window has room and the peer lacks something: fork probes
    /// first, then owners' logs (control before data), then the other logs' missing changes, each a
    /// fair share of one batch's worth.
    mutating func sendMore() -> [SessionAction<Instant>] {
        guard phase == .live, fetching == nil, unwritten == nil, inflight.count < WireLimits.sendWindow, pacing.hasRoom else { return [] }
        forkProbes = forkProbes.filter { scope.allows($0.key) }
        if !forkProbes.isEmpty {
            let probes = forkProbes.sorted { $0.key < $1.key }.prefix(WireLimits.maxBatchChanges)
            for (origin, _) in probes { forkProbes[origin] = nil }
            fetching = .forkProbes
            return [.fetchBatch(probes.map { FetchRange(origin: $0.key, after: ours[$0.key] - 1, limit: 1, unlikeTip: $0.value) })]
        }
        var ranges: [FetchRange] = []
        var room = pacing.nextBatchLimit
        var batchRoom = WireLimits.maxBatchChanges
        let missing = known.missing(from: ours).filter { scope.allows($0.key) }
        let owners = missing.filter { scope.ownerLogs.contains($0.key) }.sorted { $0.key < $1.key }
        for (origin, range) in owners {
            // A new member stores the owner's log only in a batch that carries it from where it stands up
            // to its admission (CHANGES.md, rule 1 of "Receiving a format 2 change"): pacing never splits
            // an owner's log below a full batch, or the member would refuse every part of it.
            let limit = min(batchRoom, range.count)
            guard limit > 0 else { break }
            ranges.append(FetchRange(origin: origin, after: range.lowerBound - 1, limit: limit))
            room -= limit
            batchRoom -= limit
        }
        let others = missing.filter { !scope.ownerLogs.contains($0.key) }.map { (origin: $0.key, range: $0.value) }
        for share in Self.fairShares(of: max(0, room), among: others) {
            ranges.append(FetchRange(origin: share.origin, after: share.range.lowerBound - 1, limit: share.limit))
        }
        guard !ranges.isEmpty else { return [] }
        fetching = .changes
        return [.fetchBatch(ranges)]
    }

    /// Splits `room` changes among the logs, in log order, so that no log waits behind another's
    /// backlog: a partner's one new change goes out in the next batch even while a busy log (a
    /// firehose, a catch-up) has thousands to send. Shorter needs are met whole; the rest split what is
    /// left evenly, but no share is under `smallestShare` (a new member of many circles would otherwise
    /// read a batch as hundreds of one-change ranges), so when room is short the shortest go first.
    static func fairShares(
        of room: Int, among logs: [(origin: OriginKey, range: ClosedRange<UInt64>)]
    ) -> [(origin: OriginKey, range: ClosedRange<UInt64>, limit: Int)] {
        var left = room
        var limits: [OriginKey: Int] = [:]
        let shortestFirst = logs.sorted { ($0.range.count, $0.origin) < ($1.range.count, $1.origin) }
        for (position, log) in shortestFirst.enumerated() where left > 0 {
            let limit = min(log.range.count, left, max(smallestShare, left / (shortestFirst.count - position)))
            limits[log.origin] = limit
            left -= limit
        }
        return logs.sorted { $0.origin < $1.origin }.compactMap { log in limits[log.origin].map { (log.origin, log.range, $0) } }
    }

    static var smallestShare: Int { 16 }
}
