import Crypto
import SidingCore
import SidingStore

/// Local writes in circles: every change goes into the log of the circle its records belong to.
extension LocalAuthor {
    /// The circle `operations` write into: that of the records they touch (a new record: `newRecords`).
    /// A change never spans circles.
    func circle(of operations: [Operation], newRecords: CircleID?, in transaction: StoreWriter) throws -> CircleID? {
        var found: CircleID?? = nil
        for entity in Set(operations.map(\.entity)) {
            let circle: CircleID?
            if entity.kind == .circle {
                circle = try transaction.circles().first { $0.entity == entity }
            } else if try transaction.holds(entity) {
                circle = try transaction.circle(of: entity)
            } else {
                circle = newRecords
            }
            if let found, found != circle { throw NodeError.badRequest("one change cannot write records of two circles; edit them one at a time") }
            found = circle
        }
        return found ?? newRecords
    }

    /// Signs `operations` as this node's next change in `circle`'s log and applies it.
    mutating func commit(_ operations: [Operation], inCircle circle: CircleID, transaction: StoreWriter) throws {
        guard let log = try transaction.currentLog(of: origin, in: circle) else {
            throw NodeError.notACircleMember(circle.description)
        }
        // After a restore, the next seq may be taken already by a change only the circle's members hold.
        if try transaction.awaitsRestoreConfirmation(circle) { throw NodeError.circleAwaitsRestoreCatchUp(circle.description) }
        let seq = try transaction.heldSeq(of: log.key) + 1
        tick()
        var random = SystemRandomNumberGenerator()
        let seed = (0..<ValueSeal.seedByteCount).map { _ in UInt8.random(in: 0...255, using: &random) }
        let change = try Change.sign(
            by: key, in: log, seq: seq, hlc: currentHLC, operations: operations,
            otherLogs: try transaction.heldLogs(of: circle), seed: seed)
        guard try transaction.apply(change) == .applied else { throw NodeError.notACircleMember(circle.description) }
    }

    /// Creates a circle owned by this node, admitting `members`, with `name` for its members to see.
    mutating func createCircle(name: String, members: [NodeID], transaction: StoreWriter) throws -> CircleID {
        var random = SystemRandomNumberGenerator()
        let nonce = (0..<CircleID.nonceByteCount).map { _ in UInt8.random(in: 0...255, using: &random) }
        guard let circle = CircleID(owner: origin, nonce: nonce) else { throw NodeError.storage("cannot make a circle ID") }
        let operations =
            [ControlAction.create(nonce: nonce).operation(in: circle)]
            + members.filter { $0 != origin.nodeID }.map { ControlAction.admit(member: $0).operation(in: circle) }
            + [Operation(entity: circle.entity, field: "name", action: .write(value: name, replaces: []))]
        let log = CircleLog(circle: circle, author: origin, epoch: 0)
        tick()
        let seed = (0..<ValueSeal.seedByteCount).map { _ in UInt8.random(in: 0...255, using: &random) }
        let change = try Change.sign(by: key, in: log, seq: 1, hlc: currentHLC, operations: operations, seed: seed)
        // As a batch: a lone owner's change of a circle this node is not yet a member of would be refused
        // (the batch looks ahead and sees that it makes this node the owner).
        guard try transaction.apply([change]).first == .applied else { throw NodeError.storage("the new circle was not stored") }
        return circle
    }
}
