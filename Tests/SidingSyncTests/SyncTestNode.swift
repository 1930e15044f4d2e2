import Crypto
import Foundation
import Logging
import SidingCore
import SidingStore
@_spi(TestKit) import SidingSync
import SidingTestKit
import Synchronization

/// An in-process node for sync tests: a real SQLite store in a temp dir and a real engine on loopback TLS.
final class SyncTestNode: @unchecked Sendable {
    let directory = TemporaryDirectory("sync")
    let key: Curve25519.Signing.PrivateKey
    let store: SQLiteStore
    let commits = CommitFeed()
    let engine: SyncEngine
    var port = 0
    private var seq: UInt64 = 0
    private var running: Task<Void, Never>?
    private let lock = NSLock()

    var nodeID: NodeID { OriginKey(key.publicKey).nodeID }
    var origin: OriginKey { OriginKey(key.publicKey) }

    /// `probes`: a frame tap or TLS key log (FrameTapTests); none by default, as the daemon has none.
    /// `applyPausePerChange` throttles the node as a receiver: each received batch is stored only after
    /// that long per change (a slow disk), so a backlog keeps flowing for as long as a test needs.
    /// `arrivingBeforeForkProbe` are stored just before the node reads what to send as a fork probe, as
    /// if another session had delivered them after this session's summary was read.
    init(
        name: String, key: Curve25519.Signing.PrivateKey = Curve25519.Signing.PrivateKey(), timing: SessionTiming = .standard,
        caps: ConnectionGate.Caps = .standard, probes: SyncTestProbes = SyncTestProbes(), applyPausePerChange: Duration = .zero,
        arrivingBeforeForkProbe: [Change] = []
    ) throws {
        self.key = key
        store = try SQLiteStore(path: directory.file("node.db"), localKey: OriginKey(key.publicKey))
        var logger = Logger(label: "sync-test.\(name)")
        logger.logLevel = .warning
        engine = try SyncEngine(
            identity: try NodeIdentity(key: key, name: name, now: Date()), localName: name,
            store: AnnouncingStore(
                store: store, commits: commits, applyPausePerChange: applyPausePerChange,
                arrivingBeforeForkProbe: PendingArrivals(arrivingBeforeForkProbe)),
            partners: PartnerSet(), logger: logger,
            commits: commits,
            timing: timing, caps: caps, probes: probes)
    }

    func start() async throws {
        port = try await engine.bind(host: "127.0.0.1", port: 0)
        let engine = self.engine
        running = Task { await engine.run() }
    }

    /// Shuts the engine down and waits until every session and dialer has ended.
    func stop() async {
        await engine.shutdown()
        await running?.value
    }

    /// Makes partners of `self` and `other`; `self` dials `other` when `dial` is set.
    func pair(with other: SyncTestNode, dial: Bool = true, otherDials: Bool = false) async {
        await engine.addPartner(Partner(nodeID: other.nodeID, name: "other", address: dial ? "127.0.0.1:\(other.port)" : nil))
        await other.engine.addPartner(Partner(nodeID: nodeID, name: "this", address: otherDials ? "127.0.0.1:\(port)" : nil))
    }

    /// Applies changes as this node's own writer would, and announces the commit.
    @discardableResult
    func commit(_ changes: [Change]) throws -> [ApplyOutcome] {
        let outcomes = try store.apply(changes)
        commits.publish(CommitNotice(applied: changes.map(VerifiedChange.init(signedHere:)), outcomes: outcomes, deliveredBy: nil))
        return outcomes
    }

    /// Writes `count` local changes (one contact each, several fields) and tells the engine.
    @discardableResult
    func write(_ count: Int, fields: Int = 4) throws -> [EntityID] {
        var ids: [EntityID] = []
        var random = SystemRandomNumberGenerator()
        let changes = try lock.withLock { () -> [Change] in
            try (0..<count).map { n in
                seq += 1
                let id = EntityID(kind: .contact, bytes: (0..<10).map { _ in UInt8.random(in: 0...255, using: &random) })!
                ids.append(id)
                let operations = (0..<fields).map { f in
                    Operation(
                        entity: id, field: ["name", "organization", "role", "bio", "country"][f % 5],
                        action: .write(value: "value \(n)-\(f)", replaces: []))
                }
                return try Change.sign(by: key, seq: seq, hlc: HLC(milliseconds: 1_800_000_000_000 + seq, counter: 0), operations: operations)
            }
        }
        try commit(changes)
        return ids
    }

    /// Signs `operations` as this node's next change.
    func sign(_ operations: [Operation]) throws -> Change {
        try lock.withLock {
            seq += 1
            return try Change.sign(by: key, seq: seq, hlc: HLC(milliseconds: 1_800_000_000_000 + seq, counter: 0), operations: operations)
        }
    }
}

/// The SQLite store as sync sees it in these tests: each applied batch is one commit, announced once.
struct AnnouncingStore: ChangeStore {
    let store: SQLiteStore
    let commits: CommitFeed
    var applyPausePerChange: Duration = .zero
    var arrivingBeforeForkProbe = PendingArrivals([])

    func versionVector() async throws -> VersionVector { try store.versionVector() }

    func changes(of origin: OriginKey, after: UInt64, limit: Int) async throws -> [[UInt8]] {
        try store.changes(of: origin, after: after, limit: limit)
    }

    func versions(of origin: OriginKey, at seq: UInt64) async throws -> [[UInt8]] {
        let arrived = arrivingBeforeForkProbe.take()
        if !arrived.isEmpty { _ = try await apply(arrived.map(VerifiedChange.init(signedHere:)), deliveredBy: 0) }
        return try store.versions(of: origin, at: seq)
    }

    func circleLogs() async throws -> CircleLogIndex { try store.circleLogIndex() }

    func sharedCircles(with peer: NodeID) async throws -> Set<CircleID> { try store.sharedCircles(with: peer) }

    func sharedCircles(withEach peers: [NodeID]) async throws -> [NodeID: Set<CircleID>] { try store.sharedCircles(withEach: peers) }

    func recordDeliveries(_ deliveries: [CircleDelivery], to peer: NodeID) async throws {
        try store.recordDeliveries(deliveries, to: peer)
    }

    func apply(_ changes: [VerifiedChange], deliveredBy session: UInt64) async throws -> [ApplyOutcome] {
        if applyPausePerChange > .zero { try await Task.sleep(for: applyPausePerChange * changes.count) }
        let outcomes = try store.apply(changes.map(\.change))
        commits.publish(CommitNotice(applied: changes, outcomes: outcomes, deliveredBy: session))
        return outcomes
    }
}
/// Changes handed over once, to the first who asks.
final class PendingArrivals: Sendable {
    private let pending: Mutex<[Change]>

    init(_ changes: [Change]) { pending = Mutex(changes) }

    func take() -> [Change] {
        pending.withLock { pending in
            defer { pending = [] }; return pending
        }
    }
}

typealias Operation = SidingCore.Operation
