import Crypto
import SidingCore
@_spi(Testing) import SidingStore
import SidingTestKit
import Testing

/// A database made before circles (schema 8) opens under circles' migration with nothing rewritten:
/// the same network digest, and its records in the network.
@Suite struct MigrationTests {
    let directory = TemporaryDirectory("migration")

    @Test func aDatabaseOfThePreviousReleaseMigratesWithItsDigestUnchanged() throws {
        let path = directory.file("old.db")
        let digest: ViewDigest
        do {
            let store = try SQLiteStore(path: path)
            try Population.batches(signedBy: Curve25519.Signing.PrivateKey(), fieldOperations: 20_000, seed: 7, withNotes: true) { batch in
                _ = try store.apply(batch)
            }
            digest = try store.digest()
            try store.checkpoint()
        }
        try PreviousSchema.rollBack(path)
        #expect(try PreviousSchema.schemaVersion(path) == PreviousSchema.version)
        let start = ContinuousClock.now
        let migrated = try SQLiteStore(path: path, localKey: OriginKey(Curve25519.Signing.PrivateKey().publicKey))
        let elapsed = ContinuousClock.now - start
        #expect(try PreviousSchema.schemaVersion(path) == PreviousSchema.current)
        #expect(try migrated.digest() == digest)
        #expect(try migrated.circles().isEmpty)
        print("migrated a 20,000-operation database of schema 8 in \(elapsed)")
    }
}
