import Crypto
import Foundation
import SidingCore
import SidingStore

extension Population {
    /// Fills `node` (not running) with a circle it owns, admitting `members`, and `fieldOperations`
    /// operations of the usual contacts inside it (the owner's log, format 2, 1,000 changes per
    /// transaction); returns the circle and its first contact.
    @discardableResult
    public static func fillCircle(
        _ node: TestNode, fieldOperations: Int, members: [NodeID], name: String = "Bench circle", seed: UInt64 = 2026
    ) throws -> (circle: CircleID, firstContact: EntityID?) {
        guard let raw = Data(base64Encoded: try node.privateKeyBase64()) else { throw PopulationError.unreadableKey }
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        let owner = OriginKey(key.publicKey)
        let store = try SQLiteStore(path: node.databasePath, localKey: owner)
        var random = SeededGenerator(seed: seed)
        let nonce = random.bytes(CircleID.nonceByteCount)
        guard let circle = CircleID(owner: owner, nonce: nonce) else { throw PopulationError.badEntityID }
        let log = CircleLog(circle: circle, author: owner, epoch: 0)
        var seq: UInt64 = 1
        let creation =
            [ControlAction.create(nonce: nonce).operation(in: circle)] + members.map { ControlAction.admit(member: $0).operation(in: circle) }
            + [SidingCore.Operation(entity: circle.entity, field: "name", action: .write(value: name, replaces: []))]
        var batch = [
            try Change.sign(
                by: key, in: log, seq: seq, hlc: HLC(milliseconds: 1_790_000_000_000, counter: 0), operations: creation, seed: random.bytes(16))
        ]
        var operations = 0
        var first: EntityID?
        var n = 0
        while operations < fieldOperations {
            seq += 1
            let made = try contact(n, &random)
            first = first ?? made.first?.entity
            n += 1
            operations += made.count
            batch.append(
                try Change.sign(
                    by: key, in: log, seq: seq, hlc: HLC(milliseconds: 1_790_000_000_000 + seq, counter: 0), operations: made, seed: random.bytes(16))
            )
            if batch.count == 1_000 {
                _ = try store.apply(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        if !batch.isEmpty { _ = try store.apply(batch) }
        try store.checkpoint()
        return (circle, first)
    }
}
