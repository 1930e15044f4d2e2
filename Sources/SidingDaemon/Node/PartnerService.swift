import Foundation
import SidingAPI
import SidingCore
import SidingStore
import SidingSync

/// The partner list (kept in the database, applied to the sync engine at once) and sync status.
struct PartnerService: Sendable {
    let database: NodeDatabase
    let engine: SyncEngine
    let configuration: Configuration
    let ownID: NodeID
    let restoreGuard: RestoreGuard
    /// Keeps the `partners` circle's members equal to the partner list.
    let circles: NodeService

    static let networkDefaultNotice =
        "sharing: new records go to the network (every partner and their partners); see `siding circle`"

    func list() async throws -> [PeerResource] {
        try await database.read { try $0.peers() }.map { PeerResource(nodeID: $0.nodeID.description, name: $0.name, address: $0.address) }
    }

    func add(_ request: PeerResource) async throws -> PeerResource {
        guard let id = NodeID(request.nodeID) else {
            throw NodeError.badRequest("'\(request.nodeID)' is not a node ID; copy it exactly as `siding id` prints it on the partner's host")
        }
        guard id != ownID else { throw NodeError.badRequest("that is this node's own ID; give the partner's ID") }
        let name = request.name.trimmingWhitespace
        guard !name.isEmpty, name.utf8.count <= 200 else { throw NodeError.badRequest("--name must be 1 to 200 bytes") }
        if let address = request.address {
            guard let parsed = ListenAddress(address), parsed.port != 0 else {
                throw NodeError.badRequest("'\(address)' is not an address; use HOST:PORT such as 192.0.2.10:7400")
            }
        }
        let record = PeerRecord(nodeID: id, name: name, address: request.address)
        try await database.write { transaction, _ in try transaction.savePeer(record) }
        await engine.addPartner(Partner(nodeID: id, name: name, address: request.address))
        // A node whose edits are locked (restored, lost database) re-adds partners to be sent its history back:
        // that must not fail; the admission waits for the next `peer add` (so does one into a `partners`
        // circle that a member has not yet caught up after a restore).
        if (try? await circles.checkWritable()) != nil, let partners = try await circles.circleDirectory().partnersCircle {
            do { try await circles.admit(id, to: partners) } catch NodeError.circleAwaitsRestoreCatchUp {}
        }
        return PeerResource(nodeID: id.description, name: name, address: request.address)
    }

    func remove(_ text: String) async throws -> PeerResource {
        guard let id = NodeID(text) else { throw NodeError.badRequest("'\(text)' is not a node ID") }
        guard let existing = try await database.read({ try $0.peers() }).first(where: { $0.nodeID == id }) else {
            throw NodeError.unknownPartner(text)
        }
        _ = try await database.write { transaction, _ in try transaction.removePeer(id) }
        await engine.removePartner(id)
        if (try? await circles.checkWritable()) != nil, let partners = try await circles.circleDirectory().partnersCircle {
            try await circles.remove(id, from: partners)
        }
        return PeerResource(nodeID: id.description, name: existing.name, address: existing.address)
    }

    func status() async throws -> StatusResource {
        let peers = try await engine.statuses().map { status in
            PeerStatusResource(
                nodeID: status.nodeID.description, name: status.name, address: status.address, connected: status.connected,
                lastConnected: status.lastConnected.map(Self.iso), lastSync: status.lastSync.map(Self.iso), lastHeard: status.lastHeard.map(Self.iso),
                lastError: status.lastError, backoffSeconds: status.backoffSeconds.map { ($0 * 10).rounded() / 10 },
                missingHere: status.summarySeen ? status.missingHere : nil, missingThere: status.summarySeen ? status.missingThere : nil,
                changesSent: status.changesSent, changesReceived: status.changesReceived, dialAttempts: status.dialAttempts,
                failedDials: status.failedDials, clockOffsetSeconds: status.clockOffsetMilliseconds.map { Double($0) / 1_000 })
        }
        let lock = try await restoreGuard.lock(engine)
        let (vector, evidence) = try await database.read { store in (try store.versionVector(), try store.equivocations()) }
        let equivocations = evidence.map { EquivocationResource(origin: $0.origin.nodeID.description, seq: $0.seq) }
        var status = StatusResource(
            nodeID: ownID.description, name: configuration.name, listen: configuration.listen.description,
            changes: vector.entries.values.reduce(0, +), editsLocked: lock.map(NodeError.lockReason), peers: peers, equivocations: equivocations)
        if configuration.defaultCircle == nil { status.sharingNotice = Self.networkDefaultNotice }
        status.erased = try await database.read { try $0.erasureCount() }
        status.unvouched = try await database.read { try $0.unvouchedCount() }
        return status
    }

    static func iso(_ date: Date) -> String { Date.ISO8601FormatStyle(includingFractionalSeconds: false).format(date) }
}
