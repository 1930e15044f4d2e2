import SidingCore
import SidingMetrics
import Synchronization

/// What the sync engine counts for `GET /metrics`, since the node started: traffic per partner,
/// refused connections by reason, and how long received batches took to store. Owned by one engine.
public final class SyncMetrics: Sendable {
    /// Why a connection was refused before any sync data.
    public enum Refusal: String, Sendable, CaseIterable {
        /// Too many unfinished handshakes (`ConnectionGate`).
        case handshakeCap = "handshake_cap"
        /// An inbound node whose ID is not on the partner list (or no certificate at all).
        case notAPartner = "not_a_partner"
        /// A dialled address answered with another node's key than the partner's.
        case unexpectedNode = "unexpected_node"
    }

    /// From a batch's arrival to its changes committed or the batch refused (verification and the writer's queue included).
    public let applyDurations = Histogram()
    private let refusals: [Refusal: Counter]
    private let traffic = Mutex<[NodeID: PartnerTraffic]>([:])

    public init() {
        refusals = Dictionary(uniqueKeysWithValues: Refusal.allCases.map { ($0, Counter()) })
    }

    /// The partner's counters, made on first use; kept when a session ends so they only go up.
    public func traffic(for partner: NodeID) -> PartnerTraffic {
        traffic.withLock { counters in
            if let existing = counters[partner] { return existing }
            let made = PartnerTraffic()
            counters[partner] = made
            return made
        }
    }

    func refused(_ reason: Refusal) { refusals[reason]?.add() }

    public func refusedCount(_ reason: Refusal) -> UInt64 { refusals[reason]?.value ?? 0 }

    /// `accept`, counting each `false` it returns as a refusal for `reason`.
    func counting(_ reason: Refusal, _ accept: @escaping @Sendable (NodeID?) -> Bool) -> @Sendable (NodeID?) -> Bool {
        { [self] id in
            let accepted = accept(id)
            if !accepted { refused(reason) }
            return accepted
        }
    }
}

/// One partner's traffic: frame bytes (compressed, before TLS) and changes, each way.
public final class PartnerTraffic: Sendable {
    public let bytesSent = Counter()
    public let bytesReceived = Counter()
    public let changesSent = Counter()
    public let changesReceived = Counter()
}
