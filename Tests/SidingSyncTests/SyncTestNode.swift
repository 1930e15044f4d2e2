import Crypto
import Foundation
import Logging
import SidingCore
import SidingStore
import SidingSync
import SidingTestKit

/// An in-process node for sync tests: a real SQLite store in a temp dir and a real engine on loopback TLS.
final class SyncTestNode: @unchecked Sendable {
    let directory = TemporaryDirectory("sync")
    let key = Curve25519.Signing.PrivateKey()
    let store: SQLiteStore
    let engine: SyncEngine
    var port = 0
    private var seq: UInt64 = 0
    private let lock = NSLock()

    var nodeID: NodeID { OriginKey(key.publicKey).nodeID }
    var origin: OriginKey { OriginKey(key.publicKey) }

    init(name: String, timing: SessionTiming = .standard, caps: ConnectionGate.Caps = .standard) throws {
        store = try SQLiteStore(path: directory.file("node.db"))
        var logger = Logger(label: "sync-test.\(name)")
        logger.logLevel = .warning
        engine = try SyncEngine(
            identity: try NodeIdentity(key: key, name: name, now: Date()), localName: name, store: store, partners: PartnerSet(),
            logger: logger, timing: timing, caps: caps)
    }

    func start() async throws { port = try await engine.start(host: "127.0.0.1", port: 0) }

    /// Makes partners of `self` and `other`; `self` dials `other` when `dial` is set.
    func pair(with other: SyncTestNode, dial: Bool = true, otherDials: Bool = false) async {
        await engine.addPartner(Partner(nodeID: other.nodeID, name: "other", address: dial ? "127.0.0.1:\(other.port)" : nil))
        await other.engine.addPartner(Partner(nodeID: nodeID, name: "this", address: otherDials ? "127.0.0.1:\(port)" : nil))
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
        _ = try store.apply(changes)
        engine.commits.notify()
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
typealias Operation = SidingCore.Operation
