import Crypto
import SidingCore
import SidingStore

/// Turns this node's planned operations into signed changes with the next seq and a fresh HLC.
/// Used only on the writer thread, which is what makes the clock state safe to mutate.
final class LocalAuthor: @unchecked Sendable {
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

    /// Signs `operations` as this node's next change and applies it inside `transaction`.
    func commit(_ operations: [Operation], in transaction: StoreWriter) throws {
        let seq = try transaction.heldSeq(of: origin) + 1
        clock = clock.tick(now: wallClock.nowMilliseconds())
        let change = try Change.sign(by: key, seq: seq, hlc: clock, operations: operations)
        _ = try transaction.apply(change)
    }
}
