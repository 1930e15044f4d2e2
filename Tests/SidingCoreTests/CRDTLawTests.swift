import SidingCore
import SidingTestKit
import Testing

/// The merge laws on seeded random histories of several replicas, with duplicates and reorders.
/// A failure names its seed; rerun one case with `SIDING_SEED=<seed> swift test --filter CRDTLaw`.
@Suite struct CRDTLawTests {
    static let histories = 2_500
    static let baseSeed: UInt64 = 0x5349_4447

    static var seeds: [UInt64] {
        if let replay = Environment.seed { return [replay] }
        return (0..<UInt64(histories)).map { baseSeed &+ $0 }
    }

    @Test func mergeIsOrderIndependentCommutativeAssociativeAndIdempotent() throws {
        var cases = 0
        for seed in Self.seeds {
            var random = SeededGenerator(seed: seed ^ 0xFEED)
            let history = try RandomHistory.make(seed: seed)
            let reference = Delivery.replica(holding: history.changes).view

            // Order independence: any delivery order, duplicates included, yields the same view.
            let shuffled = (history.changes + history.changes.filter { _ in Bool.random(using: &random) }).shuffled(using: &random)
            #expect(Delivery.replica(holding: shuffled).view == reference, "order independence failed, seed \(seed)")

            // Three replica states: each holds what it could apply of a random two thirds of the history.
            let parts = (0..<3).map { _ in held(history.changes.filter { _ in Int.random(in: 0..<3, using: &random) > 0 }) }
            let a = parts[0], b = parts[1], c = parts[2]

            // Commutative: merging a into b equals merging b into a.
            #expect(merge(a, b).view == merge(b, a).view, "commutativity failed, seed \(seed)")
            // Associative: (a ∪ b) ∪ c equals a ∪ (b ∪ c).
            #expect(merge(mergedChanges(a, b), c).view == merge(a, mergedChanges(b, c)).view, "associativity failed, seed \(seed)")
            // Idempotent: merging a replica with itself changes nothing.
            var twice = Delivery.replica(holding: a)
            let before = twice.view
            Delivery.deliver(a.shuffled(using: &random), to: &twice)
            #expect(twice.view == before, "idempotence failed, seed \(seed)")
            cases += 4
        }
        print("CRDT law cases checked: \(cases)")
        #expect(cases >= (Environment.seed == nil ? 10_000 : 4))
    }

    /// The replica holding `left`'s changes after receiving `right`'s.
    func merge(_ left: [Change], _ right: [Change]) -> Replica {
        var replica = Delivery.replica(holding: left)
        Delivery.deliver(right, to: &replica)
        return replica
    }

    func mergedChanges(_ left: [Change], _ right: [Change]) -> [Change] { held(left + right) }

    /// The changes a replica offered `changes` actually holds (per origin, the gap-free prefix).
    func held(_ changes: [Change]) -> [Change] {
        let replica = Delivery.replica(holding: changes)
        var seen = Set<[UInt8]>()
        return changes.filter { replica.change(origin: $0.origin, seq: $0.seq) == $0.encoded && seen.insert($0.encoded).inserted }
    }
}

enum Environment {
    static var seed: UInt64? {
        guard let text = getenv("SIDING_SEED") else { return nil }
        return UInt64(String(cString: text))
    }
}
#if canImport(Glibc)
    import Glibc
#endif
