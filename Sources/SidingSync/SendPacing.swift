import SidingWire

/// How many changes a session leaves unacknowledged (Protocol/SPEC.md §3, "Pacing"). The receiver
/// verifies and commits batches in the order they arrive, so whatever is in flight when a live edit is
/// written stands in front of it: four full batches are seconds of work for a slow receiver (a
/// throttled disk, a debug build), and after a revocation they hold the network back behind the
/// circle's last batches. The sender measures how fast the receiver acknowledges while it has work
/// queued and keeps about `target` of that work in flight, never less than `minimumBudget`.
struct SendPacing<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    /// The receiver's queued work a live edit may wait behind (`pacingTarget` in Protocol/SPEC.md §4).
    /// A receiver checks one batch's signatures while it stores the one before, and its acks measure
    /// only the storing: with a quarter second of that in flight, the batch to be checked next was often
    /// still on its way when the writer finished, and catch-up ran about a tenth slower.
    static var target: Duration { .milliseconds(375) }
    /// `pacingMinimum`.
    static var minimumBudget: Int { 128 }
    static var maximumBudget: Int { WireLimits.sendWindow * WireLimits.maxBatchChanges }

    private struct Sent: Sendable {
        let at: Instant?
        let changes: Int
    }

    private var sent: [UInt64: Sent] = [:]
    /// Changes per second the receiver got through while busy; nil until measured.
    private(set) var rate: Double?
    private var lastAck: Instant?
    /// The shortest time from a batch's send to its ack: at least the round trip.
    private var shortestDelay: Duration?

    init() {}

    var unacknowledgedChanges: Int { sent.values.reduce(0) { $0 + $1.changes } }

    /// Changes that may be unacknowledged at once: two half batches until the receiver is measured
    /// (the second one's ack is the first measurement), so at most one batch's worth is ever in
    /// front of a live edit unmeasured.
    var budget: Int {
        guard let rate else { return WireLimits.maxBatchChanges }
        return min(Self.maximumBudget, max(Self.minimumBudget, Int(rate * Self.seconds(Self.target))))
    }

    /// How many changes the next batch may hold: half the budget, so a second batch waits at the
    /// receiver while it works on the first and its acks keep measuring it.
    var nextBatchLimit: Int { max(1, min(WireLimits.maxBatchChanges, min(budget - unacknowledgedChanges, max(Self.minimumBudget / 2, budget / 2)))) }

    var hasRoom: Bool { unacknowledgedChanges < budget }

    mutating func sent(batch id: UInt64, changes: Int, at now: Instant?) {
        sent[id] = Sent(at: now, changes: changes)
    }

    /// The batch's ack arrived at `now`. A batch that was already at the receiver when it sent the
    /// previous ack was waiting for it, so the time between the two acks is what the receiver took for
    /// it; one that arrived later found the receiver idle, so the budget was too small: allow more.
    /// Half the shortest send-to-ack delay stands for the one-way trip (the shortest delay includes
    /// applying a batch, so it overstates the round trip, most of all while every batch is full).
    mutating func acknowledged(batch id: UInt64, at now: Instant?) {
        guard let batch = sent.removeValue(forKey: id) else { return }
        defer { if let now { lastAck = now } }
        guard let now, let sentAt = batch.at else { return }
        let delay = sentAt.duration(to: now)
        shortestDelay = min(shortestDelay ?? delay, delay)
        guard let lastAck, let shortestDelay else { return }
        let service = lastAck.duration(to: now)
        if sentAt.advanced(by: shortestDelay / 2) <= lastAck, service > .zero {
            let sample = Double(batch.changes) / Self.seconds(service)
            rate = rate.map { 0.75 * $0 + 0.25 * sample } ?? sample
        } else if let measured = rate {
            rate = min(Double(Self.maximumBudget) / Self.seconds(Self.target), measured * 1.25)
        }
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
