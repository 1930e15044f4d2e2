import Foundation
import SidingAPI
import SidingStore
import SidingTestKit
import Testing

/// `kill -9` the daemon while clients write: every write acknowledged before the kill is there after
/// restart, and the database passes `PRAGMA integrity_check`.
@Suite(.serialized) struct DurabilityTests {
    static let trials = Int(ProcessInfo.processInfo.environment["SIDING_KILL_TRIALS"] ?? "") ?? 50

    @Test func killNineLosesNoAcknowledgedWrite() async throws {
        let node = try TestNode()
        var random = SeededGenerator(seed: UInt64(ProcessInfo.processInfo.environment["SIDING_SEED"] ?? "") ?? 0x6B696C6C)
        var acknowledged: [String] = []
        var attempted = 0
        for trial in 0..<Self.trials {
            try await node.start()
            let client = node.client
            let writers = (0..<4).map { writer in
                Task { () -> (acked: [String], attempts: Int) in
                    var acked: [String] = []
                    var attempts = 0
                    for n in 0..<10_000 {
                        attempts += 1
                        guard let result = try? await client.create(.contacts, CreateRequest(set: ["name": "t\(trial) w\(writer) #\(n)"])) else {
                            break
                        }
                        acked.append(result.id)
                    }
                    return (acked, attempts)
                }
            }
            try await Task.sleep(for: .milliseconds(Int.random(in: 30...250, using: &random)))
            node.kill9()
            for writer in writers {
                let outcome = await writer.value
                acknowledged += outcome.acked
                attempted += outcome.attempts
            }
        }
        try await node.start()
        let present = Set(try await node.client.contacts().map(\.id))
        node.stop()
        let lost = acknowledged.filter { !present.contains($0) }
        let integrity = try SQLiteStore(path: node.databasePath).integrityCheck()
        print(
            "kill -9 trials: \(Self.trials), writes attempted: \(attempted), acknowledged: \(acknowledged.count), lost: \(lost.count), integrity_check: \(integrity)"
        )
        #expect(acknowledged.count > Self.trials, "the clients must have written something in most trials")
        #expect(lost.isEmpty, "acknowledged writes lost after kill -9: \(lost.prefix(5))")
        #expect(Set(acknowledged).count == acknowledged.count)
        #expect(integrity == "ok")
        // The network's log: `init` also wrote the first change of the node's partners circle.
        let store = try SQLiteStore(path: node.databasePath)
        let circleLogs = try store.circleLogIndex().circleOf
        let network = try store.versionVector().entries.filter { circleLogs[$0.key] == nil }
        #expect(network.count == 1 && network.values.first == UInt64(present.count), "seqs stay contiguous across crashes")
    }
}
