import Crypto
import Foundation
import SidingCore
@_spi(Testing) import SidingStore
import SidingTestKit
import Testing

/// `kill -9` the daemon while it migrates a database of the previous release's schema: each migration is
/// one transaction, so what is left is a whole schema (exactly what migrating up to it makes), never a mix,
/// and the next start finishes the migration with the network's digest unchanged.
@Suite(.serialized) struct MigrationKillTests {
    /// Where the kills land, as fractions of the time from launch until a migrating daemon answers.
    static let killPoints: [Double] = [0.1, 0.25, 0.4, 0.5, 0.6, 0.7]

    @Test func aKillDuringTheMigrationLeavesAWholeSchemaAndTheNextStartFinishesIt() async throws {
        let node = try TestNode()
        let template = node.directory.file("schema8.db")
        let digest: ViewDigest
        do {
            let store = try SQLiteStore(path: template)
            try Population.batches(signedBy: Curve25519.Signing.PrivateKey(), fieldOperations: 100_000, seed: 23, withNotes: true) {
                _ = try store.apply($0)
            }
            digest = try store.digest()
            try store.checkpoint()
        }
        try PreviousSchema.rollBack(template)
        #expect(try PreviousSchema.schemaVersion(template) == PreviousSchema.version)

        // The whole schema each version stands for, from the template migrated step by step in-process.
        let reference = node.directory.file("reference.db")
        try copyDatabase(template, to: reference)
        var schemas = [PreviousSchema.version: try PreviousSchema.schemaObjects(reference)]
        for version in (PreviousSchema.version + 1)...PreviousSchema.current {
            try PreviousSchema.migrate(reference, upTo: version)
            schemas[version] = try PreviousSchema.schemaObjects(reference)
        }

        try copyDatabase(template, to: node.databasePath)
        let launched = ContinuousClock.now
        try await node.start()
        let untilAnswering = ContinuousClock.now - launched
        node.stop()
        #expect(try PreviousSchema.schemaVersion(node.databasePath) == PreviousSchema.current)

        var leftAt: [Int] = []
        for fraction in Self.killPoints {
            try copyDatabase(template, to: node.databasePath)
            try node.launch()
            try await Task.sleep(for: untilAnswering * fraction)
            node.kill9()
            let version = try PreviousSchema.schemaVersion(node.databasePath)
            leftAt.append(version)
            #expect(try PreviousSchema.schemaObjects(node.databasePath) == schemas[version], "killed at \(fraction): schema \(version) is not whole")
            #expect(try PreviousSchema.integrityCheck(node.databasePath) == "ok")
            try await node.start()
            node.stop()
            #expect(try PreviousSchema.schemaVersion(node.databasePath) == PreviousSchema.current)
            #expect(try SQLiteStore(path: node.databasePath).digest() == digest, "killed at \(fraction), schema \(version)")
        }
        print("migration killed at \(Self.killPoints) of \(untilAnswering): left at schemas \(leftAt)")
        #expect(leftAt.contains { $0 < PreviousSchema.current }, "no kill landed before the migration finished: \(leftAt)")
    }

    /// A database file alone, as a previous release left it after a clean stop (no WAL).
    private func copyDatabase(_ source: String, to destination: String) throws {
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: destination + suffix) {
            try FileManager.default.removeItem(atPath: destination + suffix)
        }
        try FileManager.default.copyItem(atPath: source, toPath: destination)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: destination)
    }
}
