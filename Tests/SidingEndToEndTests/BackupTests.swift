import Foundation
import SidingAPI
import SidingCore
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

    /// The owner of circle X = {A, B} is restored from a backup older than its last writes in X. C, a partner
    /// of A outside X, lifts the network lock; writes into X stay refused until B, a member, has caught A up,
    /// and then the owner's log goes on from its true tip: no seq is reused.
    @Test func aCircleOwnerRestoredFromABackupWritesInItsCircleOnlyOnceAMemberCaughtItUp() async throws {
        let (a, b, c) = (try TestNode(name: "A"), try TestNode(name: "B"), try TestNode(name: "C"))
        for node in [a, b, c] { try await node.start() }
        defer { for node in [a, b, c] { node.stop() } }
        try await a.pair(dialledBy: b)
        try await a.pair(dialledBy: c, names: ("A", "C"))
        let circle = try CircleCommandTests.created(a, "circle", "create", "Frontier", "--member", b.nodeID)
        for n in 0..<2 { _ = try CircleCommandTests.created(a, "contact", "add", "--name", "before \(n)", "--circle", circle) }
        #expect(try await eventually(30) { try await b.client.contacts(circle: circle).count == 2 })

        let backupPath = a.directory.file("backup.db")
        #expect(try a.siding("backup", backupPath).status == 0)
        for n in 0..<3 { _ = try CircleCommandTests.created(a, "contact", "add", "--name", "after \(n)", "--circle", circle) }
        let absent = try TestNode(name: "Absent")
        #expect(try a.siding("circle", "add", circle, absent.nodeID).status == 0, "a control action after the backup, in the owner's log")
        #expect(try await eventually(30) { try await b.client.digest(circle: circle) == (try await a.client.digest(circle: circle)) })
        // Only A writes in X, so the circle's change count is its owner's log's tip.
        #expect(try await a.client.digest(circle: circle).changes == 7, "create, 2 records; backup; 3 records, 1 admission")

        // A's database is lost and restored from the backup while B is down; C, outside X, is up.
        b.stop()
        a.stop()
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: a.databasePath + suffix) }
        try FileManager.default.copyItem(atPath: backupPath, toPath: a.databasePath)
        try await a.start()
        _ = try await c.client.addPeer(PeerResource(nodeID: a.nodeID, name: "A", address: try await a.client.node().listen))
        #expect(
            try await eventually(30) { try a.siding("contact", "add", "--name", "network", "--circle", "network").status == 0 },
            "C holds nothing of A's network log that A lacks: network edits are allowed again")
        for refused in [
            try a.siding("contact", "add", "--name", "too early", "--circle", circle),
            try a.siding("circle", "add", circle, c.nodeID),
            try a.siding("circle", "remove", circle, b.nodeID),
        ] {
            #expect(refused.status != 0, "\(refused.stdout)")
            #expect(refused.stderr.contains("edits in circle \(circle) are locked: this node was restored from a backup"), "\(refused.stderr)")
            #expect(refused.stderr.contains("wait until a member of the circle is connected"), "\(refused.stderr)")
        }
        let network = try await a.client.contacts(circle: "network").first { $0.text(ContactSchema.name) == "network" }
        let move = try a.siding("move", try #require(network).id, "--to", circle)
        #expect(move.status != 0 && move.stderr.contains("edits in circle \(circle) are locked"), "\(move.stderr)")
        #expect(try await a.client.digest(circle: circle).changes == 3, "the backup's tip; no refused write took a seq")

        // B comes back: A learns changes 4…7 of its owner's log from B, and only then writes change 8.
        try await b.start()
        _ = try await b.client.addPeer(PeerResource(nodeID: a.nodeID, name: "A", address: try await a.client.node().listen))
        #expect(try await eventually(30) { try a.siding("contact", "add", "--name", "after restore", "--circle", circle).status == 0 })
        #expect(try await eventually(30) { try await b.client.digest(circle: circle) == (try await a.client.digest(circle: circle)) })
        #expect(try await a.client.contacts(circle: circle).count == 6)
        #expect(try await b.client.contacts(circle: circle).contains { $0.text(ContactSchema.name) == "after restore" })
        #expect(try a.siding("digest", "--circle", circle).stdout == (try b.siding("digest", "--circle", circle).stdout))
        a.stop()
        b.stop()
        let aStore = try SQLiteStore(path: a.databasePath)
        let bStore = try SQLiteStore(path: b.databasePath)
        #expect(try aStore.equivocations().isEmpty && bStore.equivocations().isEmpty, "the restored owner forked its circle's log")
        let circleID = try #require(CircleID(circle))
        let ownerLog = try #require(try aStore.membership(of: circleID).ownerLog)
        #expect(try aStore.versionVector()[ownerLog.key] == 8 && bStore.versionVector()[ownerLog.key] == 8)
    }
}
