import Crypto
import SidingCore

/// A node that signs changes for a pure test: a fixed key, its own seq and a clock that moves one
/// millisecond per change, so tests are repeatable without the daemon.
public struct TestAuthor {
    private let key: Curve25519.Signing.PrivateKey
    private var seq: UInt64 = 0
    private var milliseconds: UInt64

    /// `number` picks the key (distinct numbers, distinct nodes); `startingAt` the clock.
    public init(_ number: UInt8, startingAt milliseconds: UInt64 = 1_000) {
        key = (try? Curve25519.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: number, count: 32))) ?? Curve25519.Signing.PrivateKey()
        self.milliseconds = milliseconds
    }

    /// Signs `operations` as this author's next change.
    public mutating func sign(_ operations: [Operation]) throws -> Change {
        seq += 1
        milliseconds += 1
        return try Change.sign(by: key, seq: seq, hlc: HLC(milliseconds: milliseconds, counter: 0), operations: operations)
    }
}
