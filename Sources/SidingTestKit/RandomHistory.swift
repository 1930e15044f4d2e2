import Crypto
import SidingCore

/// Seeded random histories: several replicas edit a small pool of entities concurrently and exchange
/// changes now and then, so histories hold conflicts, concurrent set edits, deletes and retirements
/// that arrive before what they retire.
public struct RandomHistory: Sendable {
    /// Every change made, in the order it was made.
    public let changes: [Change]
    public let replicaCount: Int

    /// With `forks`, now and then a replica signs a second, different change for a seq it already
    /// used (an equivocation), so the rule of which version stays in force is exercised.
    public static func make(seed: UInt64, replicas replicaCount: Int = 3, steps: Int = 24, forks: Bool = false) throws -> RandomHistory {
        var random = SeededGenerator(seed: seed)
        let keys = (0..<replicaCount).map { _ in
            (try? Curve25519.Signing.PrivateKey(rawRepresentation: random.bytes(32))) ?? Curve25519.Signing.PrivateKey()
        }
        let entities = try (0..<4).map { n -> EntityID in
            guard let id = EntityID(kind: n % 2 == 0 ? .contact : .note, bytes: random.bytes(EntityID.randomByteCount)) else {
                throw RandomHistoryError.invalidEntityID
            }
            return id
        }
        var replicas = Array(repeating: Replica(), count: replicaCount)
        var clocks = Array(repeating: HLC.zero, count: replicaCount)
        var all: [Change] = []
        var now: UInt64 = 1_700_000_000_000

        for _ in 0..<steps {
            now += UInt64.random(in: 0...3, using: &random)
            let actor = Int.random(in: 0..<replicaCount, using: &random)
            if Int.random(in: 0..<4, using: &random) == 0 {
                // Deliver a random prefix of another replica's view of the world.
                let source = Int.random(in: 0..<replicaCount, using: &random)
                let offered = all.filter { _ in Bool.random(using: &random) }
                _ = Delivery.deliver(offered + all.filter { $0.origin == OriginKey(keys[source].publicKey) }, to: &replicas[actor])
                continue
            }
            let entity = pick(entities, &random)
            let edit = randomEdit(for: entity.kind, using: &random)
            let current = replicas[actor].entity(entity)
            let operations = EditPlanner.operations(for: edit, on: entity, current: current)
            guard !operations.isEmpty else { continue }
            clocks[actor] = clocks[actor].tick(now: now - UInt64.random(in: 0...2, using: &random))
            let seq = replicas[actor].versionVector[OriginKey(keys[actor].publicKey)] + 1
            let change = try Change.sign(by: keys[actor], seq: seq, hlc: clocks[actor], operations: operations)
            _ = try replicas[actor].receive(change)
            all.append(change)
            if forks, Int.random(in: 0..<6, using: &random) == 0 {
                let other = EditPlanner.operations(for: randomEdit(for: entity.kind, using: &random), on: entity, current: current)
                guard !other.isEmpty, other != operations else { continue }
                let fork = try Change.sign(by: keys[actor], seq: seq, hlc: clocks[actor], operations: other)
                _ = try replicas[actor].receive(fork)
                all.append(fork)
            }
        }
        return RandomHistory(changes: all, replicaCount: replicaCount)
    }

    static func randomEdit(for kind: EntityKind, using random: inout SeededGenerator) -> Edit {
        let words = ["water", "frontier", "talks", "Li", "Wei", "Sharma", "ceasefire", "", "Delhi"]
        let registers = kind == .contact ? ["name", "role", "country", "org"] : ["title", "body", "date"]
        switch Int.random(in: 0..<10, using: &random) {
        case 0..<5:
            let register = pick(registers, &random)
            return Edit(writes: [register: pick(words, &random)])
        case 5..<7: return Edit(additions: ["tags": [pick(words, &random)]])
        case 7..<9: return Edit(removals: ["tags": [pick(words, &random)]])
        default: return Bool.random(using: &random) ? .delete : Edit(writes: [EntityState.deletedField: "false"])
        }
    }

    /// One element of a non-empty array, drawing what `randomElement(using:)` draws (seeds keep their histories).
    private static func pick<Element>(_ elements: [Element], _ random: inout SeededGenerator) -> Element {
        elements[Int.random(in: 0..<elements.count, using: &random)]
    }
}

enum RandomHistoryError: Error {
    case invalidEntityID
}

/// Delivers changes the way a network would: in any order, duplicates included, retrying those that
/// arrived before their predecessors until nothing more can be applied.
public enum Delivery {
    @discardableResult
    public static func deliver(_ changes: [Change], to replica: inout Replica) -> Int {
        var pending = changes
        var applied = 0
        while !pending.isEmpty {
            var deferred: [Change] = []
            for change in pending {
                do {
                    if try replica.receive(change) == .applied { applied += 1 }
                } catch {
                    deferred.append(change)
                }
            }
            if deferred.count == pending.count { break }
            pending = deferred
        }
        return applied
    }

    /// A replica holding exactly `changes`.
    public static func replica(holding changes: [Change]) -> Replica {
        var replica = Replica()
        deliver(changes, to: &replica)
        return replica
    }
}
