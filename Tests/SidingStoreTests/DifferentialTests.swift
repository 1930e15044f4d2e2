import SidingCore
import SidingTestKit
import Testing

@testable import SidingStore

/// The SQLite store and the pure reference replica, fed the same random change streams, must show
/// identical merged views. A failure names its seed.
@Suite struct DifferentialTests {
    @Test func storeMatchesReferenceOnRandomHistories() throws {
        let directory = TemporaryDirectory("differential")
        var forkedHistories = 0
        for seed in UInt64(1)...150 {
            var random = SeededGenerator(seed: seed)
            // Every third history holds forks: the version with the lower hash must be in force in both.
            let history = try RandomHistory.make(seed: seed &* 7919, replicas: 3, steps: 30, forks: seed % 3 == 0)
            let replica = Delivery.replica(holding: history.changes)
            let reference = replica.view
            if !replica.equivocations.isEmpty { forkedHistories += 1 }
            let store = try SQLiteStore(path: directory.file("\(seed).db"))
            var pending = (history.changes + history.changes.filter { _ in Int.random(in: 0..<4, using: &random) == 0 })
                .shuffled(using: &random)
            // Random batch sizes exercise group commit; a batch hitting a gap is retried later one by one.
            for _ in 0..<20 where !pending.isEmpty {
                var deferred: [Change] = []
                var index = 0
                while index < pending.count {
                    let size = Int.random(in: 1...5, using: &random)
                    let batch = Array(pending[index..<min(index + size, pending.count)])
                    index += size
                    if (try? store.receive(batch.map(\.encoded))) == nil {
                        for change in batch where (try? store.receive([change.encoded])) == nil { deferred.append(change) }
                    }
                }
                pending = deferred
            }
            #expect(pending.isEmpty, "seed \(seed): \(pending.count) changes could never be applied")
            let view = try store.mergedView()
            #expect(view == reference, "store and reference differ for seed \(seed)")
            for (id, state) in reference {
                #expect(try store.record(id) == Self.shown(state), "shown values of \(id) differ for seed \(seed)")
            }
            try Self.checkTagLists(store, reference, seed: seed)
            #expect(try store.entitiesWithStaleSearchRows() == [], "seed \(seed)")
            #expect(try store.integrityCheck() == "ok")
            #expect(Set(try store.equivocations()) == Set(replica.equivocations), "seed \(seed): fork evidence differs")
        }
        #expect(forkedHistories >= 10, "only \(forkedHistories) histories held a fork: the lower-hash rule went untested")
        print("differential: \(forkedHistories) of 150 histories held a fork")
    }

    /// A list filtered by a tag holds exactly the live entities of the kind that show the tag.
    static func checkTagLists(_ store: SQLiteStore, _ reference: [EntityID: EntityState], seed: UInt64) throws {
        let tags = Set(reference.values.flatMap { $0.sets["tags"]?.keys.map { $0 } ?? [] })
        for kind in [EntityKind.contact, .note] {
            for tag in tags {
                let expected = reference.values.filter { state in
                    state.id.kind == kind && !state.isDeleted && !(state.sets["tags"]?[tag]?.isEmpty ?? true)
                }
                let listed = try store.list(kind: kind, filters: [.member(field: "tags", element: tag)], sortField: "name")
                #expect(Set(listed.map(\.id)) == Set(expected.map(\.id)), "seed \(seed): \(kind) tagged \(tag)")
            }
        }
    }

    /// What the store's tables must show for a reference state: each register's winner, each set's
    /// members (bytewise order), the fields in conflict, the deleted flag.
    static func shown(_ state: EntityState) -> EntityRecord {
        let registers = state.registers.filter { !$0.value.isEmpty }
        let sets = state.sets.mapValues { members in
            members.filter { !$0.value.isEmpty }.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        }.filter { !$0.value.isEmpty }
        return EntityRecord(
            id: state.id, fields: registers.compactMapValues(\.first?.value), sets: sets,
            conflictedFields: registers.filter { $0.value.count > 1 }.keys.sorted(), deleted: state.isDeleted)
    }
}
