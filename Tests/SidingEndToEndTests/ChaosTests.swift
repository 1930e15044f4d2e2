import Foundation
import SidingAPI
import SidingCore
import SidingTestKit
import Testing

/// Jepsen-style: five daemons on a random partner graph, writers on every node, links that stall,
/// delay, trickle, corrupt, partition and drop, and nodes killed with SIGKILL and restarted. After
/// the faults heal, every acknowledged write must be on every node exactly once and all digests equal.
/// `SIDING_CHAOS_SECONDS` runs it longer (default 120), `SIDING_SEED` replays one schedule.
@Suite(.serialized) struct ChaosTests {
    static let seconds = Double(ProcessInfo.processInfo.environment["SIDING_CHAOS_SECONDS"] ?? "") ?? 120
    static let seed = UInt64(ProcessInfo.processInfo.environment["SIDING_SEED"] ?? "") ?? 20_261_124

    @Test func acknowledgedWritesSurvivePartitionsCorruptionAndKills() async throws {
        var random = SeededGenerator(seed: Self.seed)
        let cluster = try Cluster(size: 5)
        try await cluster.start()
        try await cluster.linkRandomly(extraLinks: 2, using: &random)
        let log = WriteLog()
        let deadline = ContinuousClock.now + .milliseconds(Int(Self.seconds * 1_000))
        let writerSeeds = (0..<cluster.nodes.count).map { _ in random.next() }
        let chaosSeed = random.next()

        let events = try await withThrowingTaskGroup(of: ChaosEvents.self) { group in
            for (index, node) in cluster.nodes.enumerated() {
                group.addTask {
                    await Self.write(node: index, client: node.client, log: log, until: deadline, seed: writerSeeds[index])
                    return ChaosEvents()
                }
            }
            group.addTask { try await Self.breakThings(cluster, until: deadline, seed: chaosSeed) }
            return try await group.reduce(into: ChaosEvents()) { $0.add($1) }
        }

        let healStart = ContinuousClock.now
        for index in cluster.downNodes.sorted() { try await cluster.restart(index) }
        try await cluster.heal()
        var reports: [SetFullReport] = []
        let converged = try await eventually(30) {
            let digests = try await cluster.digests()
            guard Set(digests).count == 1 else { return false }
            reports = try await Self.observe(cluster, log)
            return reports.allSatisfy(\.isValid)
        }
        let convergeTime = ContinuousClock.now - healStart
        let equivocations = try await cluster.nodes.asyncMap { try await $0.client.status().equivocations.count }
        print(
            "chaos: seed \(Self.seed), \(Self.seconds) s, \(log.attemptedCount) writes attempted, \(log.acknowledgedCount) acknowledged, "
                + "\(events.faults) link faults, \(events.cuts) cuts, \(events.partitions) partitions, \(events.kills) kill -9; "
                + "converged \(converged) in \(convergeTime)")
        for report in reports { print("chaos: \(report)") }
        let finalDigests = try await cluster.digests()
        if !converged {
            for (index, node) in cluster.nodes.enumerated() {
                let status = try? await node.client.status()
                print("chaos: node \(index) \(finalDigests[index].changes) changes; partners:")
                for peer in status?.peers ?? [] {
                    print(
                        "  \(peer.name) connected \(peer.connected) missing here \(peer.missingHere ?? -1) there \(peer.missingThere ?? -1) error \(peer.lastError ?? "-")"
                    )
                }
                print(node.logText.split(separator: "\n").suffix(25).joined(separator: "\n"))
            }
        }
        #expect(converged, "not converged within 30 s of healing: \(finalDigests)")
        #expect(reports.count == cluster.nodes.count && reports.allSatisfy(\.isValid))
        #expect(equivocations.allSatisfy { $0 == 0 }, "a killed node reused a sequence number")
        #expect(log.acknowledgedCount > 200 && events.kills >= 1 && events.faults >= 10)
        await cluster.stop()
    }

    /// Unique-token writes: new contacts named `n<node>-<k>`, tags `t<node>-<k>` added to contacts
    /// this writer created. Failures (node down) are retried with the next token, never the same one.
    static func write(node: Int, client: LocalAPIClient, log: WriteLog, until deadline: ContinuousClock.Instant, seed: UInt64) async {
        var random = SeededGenerator(seed: seed)
        var created: [String] = []
        var count = 0
        while ContinuousClock.now < deadline {
            count += 1
            if created.isEmpty || Int.random(in: 0..<10, using: &random) < 7 {
                let token = "n\(node)-\(count)"
                log.attempt(token)
                if let result = try? await client.create(.contacts, CreateRequest(set: ["name": token])) {
                    log.acknowledge(token)
                    created.append(result.id)
                }
            } else {
                let token = "t\(node)-\(count)"
                let id = created[Int.random(in: 0..<created.count, using: &random)]
                log.attempt(token)
                if (try? await client.edit(.contacts, id: id, EditRequest(add: ["tags": [token]]))) != nil { log.acknowledge(token) }
            }
            try? await Task.sleep(for: .milliseconds(30))
        }
    }

    /// Every half second: expire faults, then stall/delay/trickle/corrupt/blackhole a link, cut one at a
    /// random byte, partition the graph, or kill a node (restarted 1–3 s later).
    static func breakThings(_ cluster: Cluster, until deadline: ContinuousClock.Instant, seed: UInt64) async throws -> ChaosEvents {
        var random = SeededGenerator(seed: seed)
        var events = ChaosEvents()
        var expiries: [Int: ContinuousClock.Instant] = [:]
        var restarts: [Int: ContinuousClock.Instant] = [:]
        var nextKill = ContinuousClock.now + .seconds(5)
        let links = cluster.links
        func seconds(_ range: ClosedRange<Int>) -> Duration { .milliseconds(Int.random(in: range, using: &random) * 1_000) }
        while ContinuousClock.now < deadline {
            let now = ContinuousClock.now
            for (link, expiry) in expiries where expiry <= now {
                links[link].proxy.set(.none)
                expiries[link] = nil
            }
            for (node, time) in restarts where time <= now {
                try await cluster.restart(node)
                restarts[node] = nil
            }
            let link = Int.random(in: 0..<links.count, using: &random)
            switch Int.random(in: 0..<10, using: &random) {
            case 0...4:
                let faults: [FaultyProxy.Fault] = [
                    .stall, .delay(milliseconds: 200), .trickle(bytes: 64, milliseconds: 20), .corrupt(oneIn: 20),
                    .blackhole(.upstream), .blackhole(.downstream),
                ]
                links[link].proxy.set(faults[Int.random(in: 0..<faults.count, using: &random)])
                expiries[link] = now + seconds(1...6)
                events.faults += 1
            case 5, 6:
                links[link].proxy.cutAtRandomOffset(below: 32_768)
                events.cuts += 1
            case 7:
                let side = Set((0..<cluster.nodes.count).filter { _ in Bool.random(using: &random) })
                let expiry = now + seconds(3...10)
                for (index, crossing) in links.enumerated() where side.contains(crossing.dialer) != side.contains(crossing.listener) {
                    crossing.proxy.set(.partition)
                    expiries[index] = expiry
                }
                events.partitions += 1
            default:
                if now >= nextKill, restarts.isEmpty {
                    let victim = Int.random(in: 0..<cluster.nodes.count, using: &random)
                    cluster.kill(victim)
                    restarts[victim] = now + seconds(1...3)
                    nextKill = now + seconds(6...15)
                    events.kills += 1
                }
            }
            try await Task.sleep(for: .milliseconds(500))
        }
        return events
    }

    /// Each node's tokens: every contact's name and every tag.
    static func observe(_ cluster: Cluster, _ log: WriteLog) async throws -> [SetFullReport] {
        var reports: [SetFullReport] = []
        for (index, node) in cluster.nodes.enumerated() {
            let contacts = try await node.client.contacts()
            reports.append(
                log.check(node: "node \(index)", observed: contacts.flatMap { [$0.text(ContactSchema.name)] + $0.members(ContactSchema.tags) }))
        }
        return reports
    }
}

struct ChaosEvents: Sendable {
    var faults = 0
    var cuts = 0
    var partitions = 0
    var kills = 0

    mutating func add(_ other: ChaosEvents) {
        faults += other.faults
        cuts += other.cuts
        partitions += other.partitions
        kills += other.kills
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
