import Foundation
import SidingAPI
import SidingCore
import SidingTestKit
import Testing

/// The chaos run with circles: three circles owned by random nodes, members admitted and removed,
/// records moved between circles and written into them by every member, while links fail and nodes are
/// killed (`breakThings`). Each circle has an outsider that is never admitted. After healing, the
/// members of each circle agree on its digest, and the outsider holds nothing of it: not in its
/// `circle list`, not its ID nor its canary in its database files, where the same search finds the
/// canary at the members. Members stay connected through members (an admission picks a partner of a
/// member, a removal keeps the rest connected), as circles need to converge at all.
/// `SIDING_CIRCLE_CHAOS_SECONDS` runs it longer (default 40), `SIDING_SEED` replays one schedule.
extension ChaosTests {
    static let circleSeconds = Double(ProcessInfo.processInfo.environment["SIDING_CIRCLE_CHAOS_SECONDS"] ?? "") ?? 40

    struct ChaosCircle: Sendable {
        let id: String
        let owner: Int
        let outsider: Int
        let canary: String
    }

    @Test func circlesConvergeAmongMembersAndNeverReachAnOutsiderUnderChaos() async throws {
        let seed = Self.seed
        var random = SeededGenerator(seed: seed)
        let cluster = try Cluster(size: 5)
        try await cluster.start()
        try await cluster.linkRandomly(extraLinks: 2, using: &random)
        let neighbours = cluster.links.reduce(into: [Int: Set<Int>]()) {
            $0[$1.dialer, default: []].insert($1.listener)
            $0[$1.listener, default: []].insert($1.dialer)
        }
        var circles: [ChaosCircle] = []
        for n in 0..<3 {
            let owner = Int.random(in: 0..<cluster.nodes.count, using: &random)
            let first = neighbours[owner, default: []].sorted().randomElement(using: &random)
            let outsider = (0..<cluster.nodes.count).filter { $0 != owner && $0 != first }.randomElement(using: &random) ?? 0
            let created = try await cluster.nodes[owner].client.createCircle(
                CircleCreateRequest(name: "Chaos \(n)", members: [first].compactMap { $0 }.map { cluster.nodes[$0].nodeID }))
            let canary = "canary-\(n)-\(UUID())"
            _ = try await cluster.nodes[owner].client.create(.contacts, CreateRequest(set: ["name": canary], circle: created.circle.id))
            circles.append(ChaosCircle(id: created.circle.id, owner: owner, outsider: outsider, canary: canary))
        }
        let made = circles
        let deadline = ContinuousClock.now + .milliseconds(Int(Self.circleSeconds * 1_000))
        let writerSeeds = (0..<cluster.nodes.count).map { _ in random.next() }
        let (adminSeed, chaosSeed) = (random.next(), random.next())
        let counts = try await withThrowingTaskGroup(of: (ChaosEvents, CircleOps).self) { group in
            for (index, node) in cluster.nodes.enumerated() {
                group.addTask {
                    (ChaosEvents(), await Self.writeInCircles(node: index, client: node.client, until: deadline, seed: writerSeeds[index]))
                }
            }
            group.addTask {
                (ChaosEvents(), await Self.changeMembership(cluster, made, neighbours, until: deadline, seed: adminSeed))
            }
            group.addTask { (try await Self.breakThings(cluster, until: deadline, seed: chaosSeed), CircleOps()) }
            return try await group.reduce(into: (ChaosEvents(), CircleOps())) {
                $0.0.add($1.0)
                $0.1.add($1.1)
            }
        }
        let (events, ops) = counts

        let healStart = ContinuousClock.now
        for index in cluster.downNodes.sorted() { try await cluster.restart(index) }
        try await cluster.heal()
        var members: [[Int]] = []
        var lastDigests: [String] = []
        let converged = try await eventually(90) {
            members = []
            lastDigests = try await cluster.digests().map { "network: \($0.viewDigest.prefix(8)) \($0.vectorDigest.prefix(8))/\($0.changes)" }
            guard Set(lastDigests).count == 1 else { return false }
            for circle in circles {
                let detail = try await cluster.nodes[circle.owner].client.circle(circle.id)
                let indices = detail.memberList.compactMap { member in cluster.nodes.firstIndex { $0.nodeID == member.nodeID } }
                members.append(indices.sorted())
                // A member just admitted does not know the circle until the admission reaches it: not yet converged.
                let digests = await indices.asyncMap { try? await cluster.nodes[$0].client.digest(circle: circle.id) }
                lastDigests.append(
                    "\(circle.id): " + digests.map { $0.map { "\($0.vectorDigest.prefix(8))/\($0.changes)" } ?? "unknown" }.joined(separator: " "))
                guard !digests.contains(nil), Set(digests).count == 1 else { return false }
            }
            return true
        }
        let replay = "seed \(seed) (SIDING_SEED=\(seed) replays it)"
        print(
            "circle chaos: \(replay), \(Self.circleSeconds) s, \(ops), \(events.faults) link faults, \(events.cuts) cuts, "
                + "\(events.partitions) partitions, \(events.kills) kill -9; converged \(converged) in \(ContinuousClock.now - healStart); "
                + "members \(members), outsiders \(circles.map(\.outsider))")
        #expect(converged, "members of each circle agree on its digest (and all on the network's): \(lastDigests), \(replay)")
        if !converged {
            for (index, node) in cluster.nodes.enumerated() {
                let status = try? await node.client.status()
                print("circle chaos: node \(index) partners:")
                for peer in status?.peers ?? [] {
                    print(
                        "  \(peer.name) connected \(peer.connected) missing here \(peer.missingHere ?? -1) there \(peer.missingThere ?? -1) error \(peer.lastError ?? "-")"
                    )
                }
                print(node.logText.split(separator: "\n").suffix(15).joined(separator: "\n"))
            }
        }
        #expect(ops.admissions >= 1 && ops.removals >= 1 && ops.moves >= 1 && ops.circleWrites >= 10, "\(ops), \(replay)")

        for (index, circle) in circles.enumerated() where index < members.count {
            let outsider = cluster.nodes[circle.outsider]
            #expect(!members[index].contains(circle.outsider), "\(replay)")
            #expect(try await !outsider.client.circles().contains { $0.id == circle.id }, "the outsider lists \(circle.id), \(replay)")
            let idBytes = try #require(CircleID(circle.id)).bytes
            for needle in [idBytes, Array(circle.id.utf8), Array(circle.canary.utf8)] {
                let found = try ByteSearch.files(under: outsider.home, containing: needle)
                #expect(found.isEmpty, "node \(circle.outsider), never admitted to \(circle.id), holds it in \(found), \(replay)")
            }
            // Positive control: the same search finds the canary at every current member.
            for member in members[index] {
                let found = try ByteSearch.files(under: cluster.nodes[member].home, containing: Array(circle.canary.utf8))
                #expect(!found.isEmpty, "member \(member) of \(circle.id) holds its canary, \(replay)")
            }
            #expect(members[index].count >= 2, "the circle kept a member besides its owner, \(replay)")
        }
        await cluster.stop()
    }

    /// Network contacts, and contacts in a circle this node lists (read again every tenth write).
    static func writeInCircles(node: Int, client: LocalAPIClient, until deadline: ContinuousClock.Instant, seed: UInt64) async -> CircleOps {
        var random = SeededGenerator(seed: seed)
        var ops = CircleOps()
        var mine: [String] = []
        var count = 0
        while ContinuousClock.now < deadline {
            count += 1
            if count % 10 == 1, let listed = try? await client.circles() { mine = listed.filter { !$0.partners }.map(\.id) }
            let circle = Int.random(in: 0..<10, using: &random) < 4 ? mine.randomElement(using: &random) : nil
            if (try? await client.create(.contacts, CreateRequest(set: ["name": "w\(node)-\(count)"], circle: circle ?? "network"))) != nil,
                circle != nil
            {
                ops.circleWrites += 1
            }
            try? await Task.sleep(for: .milliseconds(60))
        }
        return ops
    }

    /// Every 0.7 s one of: admit a partner of a member, remove a member whose removal leaves the rest
    /// connected (never the owner, and at least one member beside it stays), or move a record (not a
    /// canary) at a member into the circle. The membership is read from the owner each time.
    static func changeMembership(
        _ cluster: Cluster, _ circles: [ChaosCircle], _ neighbours: [Int: Set<Int>], until deadline: ContinuousClock.Instant, seed: UInt64
    ) async -> CircleOps {
        var random = SeededGenerator(seed: seed)
        var ops = CircleOps()
        while ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(700))
            let circle = circles[Int.random(in: 0..<circles.count, using: &random)]
            let choice = Int.random(in: 0..<3, using: &random)
            let owner = cluster.nodes[circle.owner].client
            guard !cluster.downNodes.contains(circle.owner), let detail = try? await owner.circle(circle.id) else { continue }
            let members = Set(detail.memberList.compactMap { member in cluster.nodes.firstIndex { $0.nodeID == member.nodeID } })
            switch choice {
            case 0:
                let candidates = members.flatMap { neighbours[$0, default: []] }.filter { !members.contains($0) && $0 != circle.outsider }
                guard let admitted = Set(candidates).sorted().randomElement(using: &random) else { continue }
                if (try? await owner.addMember(circle.id, nodeID: cluster.nodes[admitted].nodeID)) != nil { ops.admissions += 1 }
            case 1:
                let removable = members.sorted().filter { $0 != circle.owner && Self.connected(members.subtracting([$0]), neighbours) }
                guard members.count > 2, let removed = removable.randomElement(using: &random) else { continue }
                if (try? await owner.removeMember(circle.id, nodeID: cluster.nodes[removed].nodeID)) != nil { ops.removals += 1 }
            default:
                guard let mover = members.sorted().randomElement(using: &random), !cluster.downNodes.contains(mover) else { continue }
                let client = cluster.nodes[mover].client
                guard let records = try? await client.contacts() else { continue }
                let movable = records.filter { record in
                    if case .circle(let id, _) = record.circle, id == circle.id { return false }
                    return !record.text(ContactSchema.name).hasPrefix("canary")
                }
                guard let record = movable.randomElement(using: &random) else { continue }
                if (try? await client.move(record.id, to: circle.id)) != nil { ops.moves += 1 }
            }
        }
        return ops
    }

    /// Whether `nodes` are connected through partner links among themselves.
    static func connected(_ nodes: Set<Int>, _ neighbours: [Int: Set<Int>]) -> Bool {
        guard let start = nodes.first else { return true }
        var reached: Set<Int> = [start]
        var frontier = [start]
        while let node = frontier.popLast() {
            for next in neighbours[node, default: []] where nodes.contains(next) && !reached.contains(next) {
                reached.insert(next)
                frontier.append(next)
            }
        }
        return reached == nodes
    }
}

struct CircleOps: Sendable, CustomStringConvertible {
    var admissions = 0
    var removals = 0
    var moves = 0
    var circleWrites = 0

    mutating func add(_ other: CircleOps) {
        admissions += other.admissions
        removals += other.removals
        moves += other.moves
        circleWrites += other.circleWrites
    }

    var description: String { "\(admissions) admissions, \(removals) removals, \(moves) moves, \(circleWrites) circle writes" }
}
