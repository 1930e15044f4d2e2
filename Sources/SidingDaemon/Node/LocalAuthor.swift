import Crypto
import SidingCore
import SidingStore

/// Turns this node's planned operations into signed changes with the next seq and a fresh HLC.
/// Noncopyable, and held by `GroupCommitWriter`, which lends it to one job at a time on its thread:
/// the node's clock has a single owner, and no other code can reach it.
struct LocalAuthor: ~Copyable {
    let key: Curve25519.Signing.PrivateKey
    let origin: OriginKey
    private let wallClock: WallClock
    private var clock: HLC

    init(key: Curve25519.Signing.PrivateKey, wallClock: WallClock, lastHLC: HLC) {
        self.key = key
        origin = OriginKey(key.publicKey)
        self.wallClock = wallClock
        clock = lastHLC
    }

    var currentHLC: HLC { clock }

    mutating func tick() { clock = clock.tick(now: wallClock.nowMilliseconds()) }

    /// How far ahead of our wall clock a partner's timestamp may move our clock. Beyond it the change is
    /// still applied (validity never depends on clocks); only our clock stops following it.
    static let maxClockDrift: UInt64 = 5 * 60 * 1_000

    /// Moves the clock past received changes (bounded) and returns how far ahead of our wall clock the
    /// furthest one was, in milliseconds (0 if none was ahead).
    mutating func observe(_ changes: [Change]) -> UInt64 {
        let now = wallClock.nowMilliseconds()
        var skew: UInt64 = 0
        for change in changes {
            let (next, ahead) = clock.receive(change.hlc, now: now, maxDrift: Self.maxClockDrift)
            clock = next
            skew = max(skew, ahead)
        }
        return skew
    }

    /// Signs `operations` as this node's next change and applies it inside `transaction`: in the log of
    /// the circle of the records it touches (a new record goes to `newRecordsIn`, nil: the network).
    mutating func commit(_ operations: [Operation], in transaction: StoreWriter, newRecordsIn: CircleID? = nil) throws {
        if let circle = try circle(of: operations, newRecords: newRecordsIn, in: transaction) {
            return try commit(operations, inCircle: circle, transaction: transaction)
        }
        let seq = try transaction.heldSeq(of: origin) + 1
        clock = clock.tick(now: wallClock.nowMilliseconds())
        let change = try Change.sign(by: key, seq: seq, hlc: clock, operations: operations)
        _ = try transaction.apply(change)
    }
}
