import SidingCore

/// What a session knows of its peer's holdings, and the batches in flight. `known` grows with the
/// peer's summary, with every batch sent (TCP delivers in order) and every change received from it;
/// `acknowledged` only with acks, and is what status reports as delivered.
actor SendWindow {
    private(set) var known: VersionVector
    private(set) var acknowledged: VersionVector
    private var inflight: [UInt64: [OriginKey: UInt64]] = [:]
    private var nextBatchID: UInt64 = 1
    private(set) var batchesSent = 0
    private(set) var changesSent = 0

    init(peerSummary: VersionVector) {
        known = peerSummary
        acknowledged = peerSummary
    }

    var inflightCount: Int { inflight.count }

    /// Records a batch about to be sent and returns its ID.
    func sent(_ changes: [Change]) -> UInt64 {
        var highest: [OriginKey: UInt64] = [:]
        for change in changes {
            highest[change.origin] = max(highest[change.origin] ?? 0, change.seq)
            known.advance(change.origin, to: change.seq)
        }
        let id = nextBatchID
        nextBatchID += 1
        inflight[id] = highest
        batchesSent += 1
        changesSent += changes.count
        return id
    }

    func acked(_ id: UInt64) -> Bool {
        guard let highest = inflight.removeValue(forKey: id) else { return false }
        for (origin, seq) in highest { acknowledged.advance(origin, to: seq) }
        return true
    }

    /// The peer sent us these changes, so it holds them.
    func received(_ changes: [Change]) {
        for change in changes {
            known.advance(change.origin, to: change.seq)
            acknowledged.advance(change.origin, to: change.seq)
        }
    }
}
