import Foundation
import SidingAPI
import SidingStore
import SidingTestKit
import Testing

/// `siding backup` and a restore that does not fork the node's own history.
@Suite(.serialized) struct BackupTests {

    @Test func aNodeRestoredFromAnOldBackupLearnsItsLatestChangesBeforeWriting() async throws {
        let (a, b) = (try TestNode(name: "A"), try TestNode(name: "B"))
        try await a.start()
        try await b.start()
        try await a.pair(dialledBy: b)
        for n in 0..<3 { _ = try await a.client.create(.contacts, CreateRequest(set: ["name": "before \(n)"])) }

        let backupPath = a.directory.file("backup.db")
        let backup = try a.siding("backup", backupPath, "--json")
        #expect(backup.status == 0, "\(backup.stderr)")
        #expect(try JSONDecoder().decode(BackupResult.self, from: Data(backup.stdout.utf8)).integrityCheck == "ok")
        #expect(try a.siding("backup", backupPath).status != 0, "a backup is never overwritten")

        for n in 0..<3 { _ = try await a.client.create(.contacts, CreateRequest(set: ["name": "after \(n)"])) }
        #expect(try await eventually { try await b.client.contacts().count == 6 })

        // Disaster: A's database is lost and restored from the older backup while B is down.
        b.stop()
        a.stop()
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: a.databasePath + suffix) }
        try FileManager.default.copyItem(atPath: backupPath, toPath: a.databasePath)
        try await a.start()
        #expect(try await a.client.contacts().count == 3)
        let refused = try a.siding("contact", "add", "--name", "too early")
        #expect(refused.status != 0 && refused.stderr.contains("restored from a backup"), "\(refused.stderr)")

        // B comes back; A learns changes 4…6 of its own from B, and only then writes change 7.
        try await b.start()
        _ = try await b.client.addPeer(PeerResource(nodeID: a.nodeID, name: "A", address: try await a.client.node().listen))
        #expect(try await eventually { (try? await a.client.create(.contacts, CreateRequest(set: ["name": "after restore"]))) != nil })
        #expect(
            try await eventually {
                let onB = try await b.client.contacts().count
                let onA = try await a.client.contacts().count
                return onA == 7 && onB == 7
            })
        a.stop()
        b.stop()
        let aStore = try SQLiteStore(path: a.databasePath)
        let bStore = try SQLiteStore(path: b.databasePath)
        #expect(try bStore.equivocations().isEmpty, "the restored node forked its own history")
        #expect(try aStore.versionVector() == bStore.versionVector())
        #expect(try aStore.versionVector().entries.values.max() == 7)
        #expect(try !aStore.isRestoredBackup())
    }
}
