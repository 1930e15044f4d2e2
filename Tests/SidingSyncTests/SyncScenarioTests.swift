import Foundation
import NIOCore
import SidingCore
import SidingStore
import SidingSync
import SidingTestKit
import SidingWire
import Testing

/// Two and three engines on loopback with real TLS and real SQLite stores.
@Suite(.serialized) struct SyncScenarioTests {
    @Test func changesReachANodeThroughARelayAndConflictsConverge() async throws {
        let (a, b, c) = (try SyncTestNode(name: "A"), try SyncTestNode(name: "B"), try SyncTestNode(name: "C"))
        for node in [a, b, c] { try await node.start() }
        await a.pair(with: b)
        await c.pair(with: b)
        let fromA = try a.write(20)
        let fromC = try c.write(30)
        // A and C edit the same field concurrently: both values must survive everywhere as a conflict.
        let shared = fromA[0]
        #expect(try await eventually { try c.store.record(shared) != nil })
        for (node, value) in [(a, "from A"), (c, "from C")] {
            let current = try #require(try node.store.entityState(shared))
            let change = try node.sign([
                Operation(entity: shared, field: "role", action: .write(value: value, replaces: current.registers["role"]?.map(\.dot) ?? []))
            ])
            try node.commit([change])
        }
        #expect(
            try await eventually {
                let views = try [a, b, c].map { try $0.store.mergedView() }
                return views[0] == views[1] && views[1] == views[2] && views[0].count == 50
            })
        let conflicts = try c.store.conflicts()
        #expect(conflicts.count == 1 && Set(conflicts.first?.values.map(\.value) ?? []) == ["from A", "from C"])
        #expect(Set(conflicts.first?.values.map(\.dot.origin) ?? []) == [a.origin, c.origin])
        #expect(try c.store.record(fromA[1]) != nil, "A's contact reached C, which never talked to A")
        // Status agrees: every partner of every node is in step (what `siding sync --wait` relies on).
        #expect(
            try await eventually(10) {
                var inStep = true
                for node in [a, b, c] {
                    for status in try await node.engine.statuses() where !(status.connected && status.missingHere == 0 && status.missingThere == 0) {
                        inStep = false
                    }
                }
                return inStep
            })
        _ = fromC
        for node in [a, b, c] { await node.stop() }
    }

    @Test func aLinkCutMidBatchResumesWithoutResendingMoreThanABatch() async throws {
        let (a, b) = (try SyncTestNode(name: "A"), try SyncTestNode(name: "B"))
        try a.write(6_000, fields: 5)
        try await a.start()
        try await b.start()
        let proxy = FaultyProxy()
        try await proxy.start(targetPort: a.port)
        proxy.cut(afterDownstreamBytes: 300_000)
        await a.engine.addPartner(Partner(nodeID: b.nodeID, name: "B", address: nil))
        await b.engine.addPartner(Partner(nodeID: a.nodeID, name: "A", address: "127.0.0.1:\(proxy.port)"))
        #expect(try await eventually(60) { try b.store.versionVector()[a.origin] == 6_000 })
        let status = try #require(try await b.engine.statuses().first)
        print("resume after a cut: \(status.dialAttempts) dials, \(status.duplicatesReceived) changes received twice")
        #expect(status.dialAttempts >= 2, "the link was cut and redialled")
        #expect(status.duplicatesReceived <= WireLimits.maxBatchChanges, "re-sent \(status.duplicatesReceived) changes after resume")
        #expect(try b.store.mergedView() == a.store.mergedView())
        await proxy.stop()
        await a.stop()
        await b.stop()
    }

    @Test func whenBothDialAtOnceOneSessionSurvives() async throws {
        let (a, b) = (try SyncTestNode(name: "A"), try SyncTestNode(name: "B"))
        try await a.start()
        try await b.start()
        await a.pair(with: b, dial: true, otherDials: true)
        #expect(try await eventually { try await a.engine.statuses().first?.connected == true })
        #expect(try await eventually { try await b.engine.statuses().first?.connected == true })
        // A dial still in its handshake when the first session came up may replace it once (the rule
        // keeps the connection dialled by the smaller ID); wait for that, bounded, then nothing may change.
        var settled = try await a.engine.statuses().first?.lastConnected
        for _ in 0..<10 {
            try await Task.sleep(for: .seconds(1))
            let now = try await a.engine.statuses().first?.lastConnected
            if now == settled { break }
            settled = now
        }
        try await Task.sleep(for: .seconds(2))
        #expect(try await a.engine.statuses().first?.lastConnected == settled, "the surviving session stays up")
        let ids = try a.write(1)
        let back = try b.write(1)
        #expect(try await eventually(5) { try b.store.record(ids[0]) != nil && a.store.record(back[0]) != nil })
        await a.stop()
        await b.stop()
    }

    @Test func removingAPartnerClosesItsSessionAndRefusesIt() async throws {
        let (a, b) = (try SyncTestNode(name: "A"), try SyncTestNode(name: "B"))
        try await a.start()
        try await b.start()
        await b.pair(with: a)
        #expect(try await eventually { try await b.engine.statuses().first?.connected == true })
        await a.engine.removePartner(b.nodeID)
        #expect(try await eventually(3) { try await b.engine.statuses().first?.connected == false })
        let ids = try a.write(1)
        b.engine.syncNow()
        try await Task.sleep(for: .seconds(2))
        #expect(try b.store.record(ids[0]) == nil)
        #expect(try await b.engine.statuses().first?.connected == false)
        await a.stop()
        await b.stop()
    }

    @Test func aNodeNotOnThePartnerListGetsNothingIn() async throws {
        let (a, stranger) = (try SyncTestNode(name: "A"), try SyncTestNode(name: "Stranger"))
        try await a.start()
        try await stranger.start()
        try stranger.write(5)
        await stranger.engine.addPartner(Partner(nodeID: a.nodeID, name: "A", address: "127.0.0.1:\(a.port)"))
        #expect(try await eventually { try await stranger.engine.statuses().first?.lastError != nil })
        try await Task.sleep(for: .milliseconds(500))
        #expect(try a.store.versionVector().entries.isEmpty)
        #expect(try await stranger.engine.statuses().first?.connected == false)
        await a.stop()
        await stranger.stop()
    }
}
