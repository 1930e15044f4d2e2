import SidingCore
import SidingStore
import SidingSync
import SidingTestKit
import Testing

@Suite(.serialized) struct TwoNodeSyncTests {
    @Test func aFreshNodeCatchesUpAndThenReceivesLivePushes() async throws {
        let a = try SyncTestNode(name: "A")
        let b = try SyncTestNode(name: "B")
        try a.write(2_500)
        try await a.start()
        try await b.start()
        await b.pair(with: a)
        #expect(try await eventually { try b.store.versionVector()[a.origin] == 2_500 })
        #expect(try b.store.mergedView() == a.store.mergedView())
        let ids = try a.write(1)
        #expect(try await eventually(5) { try b.store.record(ids[0]) != nil })
        let statuses = try await b.engine.statuses()
        #expect(statuses.first?.connected == true && statuses.first?.missingHere == 0)
        await a.stop()
        await b.stop()
    }
}
