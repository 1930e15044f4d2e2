import Crypto
import Foundation
import SidingCore
import SidingSync

/// A circle made of real signed changes in its owner's log: created with its members admitted, then
/// written to and changed by the owner. Each change is applied to the owner's store and announced.
struct TestCircle {
    let id: CircleID
    let owner: SyncTestNode
    private(set) var ownerSeq: UInt64 = 0

    var ownerLog: CircleLog { CircleLog(circle: id, author: owner.origin, epoch: 0) }

    /// `owner` creates a circle and admits `members` in its first change.
    init(owner: SyncTestNode, members: [SyncTestNode]) throws {
        let nonce = Self.randomBytes(CircleID.nonceByteCount)
        guard let id = CircleID(owner: owner.origin, nonce: nonce) else { throw TestCircleError.badNonce }
        self.id = id
        self.owner = owner
        let operations =
            [ControlAction.create(nonce: nonce).operation(in: id)] + members.map { ControlAction.admit(member: $0.nodeID).operation(in: id) }
        try commit(operations)
    }

    /// Signs `operations` as the owner's next change in the circle (not applied).
    mutating func sign(_ operations: [Operation]) throws -> Change {
        ownerSeq += 1
        return try Change.sign(
            by: owner.key, in: ownerLog, seq: ownerSeq, hlc: HLC(milliseconds: 1_800_000_000_000 + ownerSeq, counter: 0), operations: operations,
            seed: Self.randomBytes(ValueSeal.seedByteCount))
    }

    /// The owner writes `operations` in the circle, applies it and announces the commit.
    @discardableResult
    mutating func commit(_ operations: [Operation]) throws -> Change {
        let change = try sign(operations)
        let outcomes = try owner.commit([change])
        guard outcomes == [.applied] else { throw TestCircleError.notApplied(outcomes) }
        return change
    }

    /// A new contact in the circle whose `bio` is `value`.
    @discardableResult
    mutating func writeContact(bio value: String) throws -> EntityID {
        let id = Self.newContact()
        try commit([Operation(entity: id, field: "bio", action: .write(value: value, replaces: []))])
        return id
    }

    /// `count` new contacts in the circle, `perChange` per change, committed `perCommit` changes at a time.
    mutating func writeContacts(_ count: Int, perCommit: Int = 500, value: (Int) -> String) throws {
        var pending: [Change] = []
        for n in 0..<count {
            pending.append(try sign([Operation(entity: Self.newContact(), field: "bio", action: .write(value: value(n), replaces: []))]))
            if pending.count == perCommit || n == count - 1 {
                let outcomes = try owner.commit(pending)
                guard outcomes.allSatisfy({ $0 == .applied }) else { throw TestCircleError.notApplied(outcomes) }
                pending = []
            }
        }
    }

    /// `count` one-field contacts in the circle written straight into the owner's store, `perTransaction`
    /// changes per transaction, signed on every core, and not announced: for a backlog a session
    /// started later finds in its summary. Returns how long it took.
    mutating func writeBacklog(_ count: Int, perTransaction: Int = 20_000, value: @Sendable @escaping (Int) -> String) async throws -> Duration {
        let start = ContinuousClock.now
        // The key is not Sendable; each signing task makes its own from the raw bytes.
        let (raw, log, first) = (owner.key.rawRepresentation, ownerLog, ownerSeq + 1)
        for chunkStart in stride(from: 0, to: count, by: perTransaction) {
            let chunk = chunkStart..<min(count, chunkStart + perTransaction)
            let parts = 4
            let signed = try await withThrowingTaskGroup(of: (Int, [Change]).self) { group in
                for part in 0..<parts {
                    let slice = chunk.lowerBound + chunk.count * part / parts..<chunk.lowerBound + chunk.count * (part + 1) / parts
                    group.addTask {
                        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: raw)
                        let changes = try slice.map { n in
                            let seq = first + UInt64(n)
                            return try Change.sign(
                                by: key, in: log, seq: seq, hlc: HLC(milliseconds: 1_800_000_000_000 + seq, counter: 0),
                                operations: [Operation(entity: Self.newContact(), field: "bio", action: .write(value: value(n), replaces: []))],
                                seed: Self.randomBytes(ValueSeal.seedByteCount))
                        }
                        return (part, changes)
                    }
                }
                return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }.sorted { $0.key < $1.key }.flatMap(\.value)
            }
            let outcomes = try owner.store.apply(signed)
            guard outcomes.allSatisfy({ $0 == .applied }) else { throw TestCircleError.notApplied(outcomes) }
        }
        ownerSeq += UInt64(count)
        return ContinuousClock.now - start
    }

    /// The owner removes `member`, keeping its writes up to `cut`.
    mutating func remove(_ member: SyncTestNode, cut: UInt64 = 0) throws {
        try commit([ControlAction.remove(member: member.nodeID, cut: cut).operation(in: id)])
    }

    static func newContact() -> EntityID {
        EntityID(kind: .contact, bytes: randomBytes(10))!
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        var random = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
    }
}

enum TestCircleError: Error {
    case badNonce
    case notApplied([ApplyOutcome])
}
