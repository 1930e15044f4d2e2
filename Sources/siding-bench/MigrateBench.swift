import Crypto
import Foundation
import SidingCore
@_spi(Testing) import SidingStore
import SidingTestKit

/// Circles' migration on a large database of the previous release's schema: N field operations
/// written by this build, rolled back to schema 8 (`PreviousSchema`: exactly what migration 9 adds is
/// dropped, so the file is what the previous release wrote), then opened: how long the migration
/// takes and whether the network's digest is unchanged.
enum MigrateBench {
    static func run(fieldOperations: Int, in directory: TemporaryDirectory) throws -> [Figure] {
        let path = directory.file("migrate.db")
        let before: ViewDigest
        do {
            let store = try SQLiteStore(path: path)
            try Population.batches(signedBy: Curve25519.Signing.PrivateKey(), fieldOperations: fieldOperations, seed: 11, withNotes: true) {
                _ = try store.apply($0)
            }
            before = try store.digest()
            try store.checkpoint()
        }
        try PreviousSchema.rollBack(path)
        let start = ContinuousClock.now
        let migrated = try SQLiteStore(path: path)
        let seconds = Measure.seconds(ContinuousClock.now - start)
        let unchanged = try migrated.digest() == before && PreviousSchema.schemaVersion(path) == PreviousSchema.current
        return [
            Figure(
                "migrate_to_circles_s", seconds, "s", atMost: 1,
                note: "\(fieldOperations) ops, schema 8 → \(PreviousSchema.current), opening included"),
            Figure("migrate_network_digest_unchanged", unchanged ? 1 : 0, "", atLeast: 1),
        ]
    }
}
