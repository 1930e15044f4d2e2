import Foundation
import SidingAPI
import SidingCore
import SidingTestKit
import Testing

/// The chaos run with erasure ([erasure]): two circles of three or four members connected among
/// themselves and the network (every node, no owner), each member's contacts and a note in them, every
/// value a canary. While links fail and nodes are killed (`breakThings`), half the records are erased,
/// each by its creator or its circle's owner (a network record by its creator only), and every member keeps editing every record of its circles, each edit writing a new canary
/// (a tag added, a tag swapped for another, a register set). After healing: the members of each circle
/// agree on its digest (view and logs, so every log is whole), every erased record is listed erased
/// at every member, and no canary ever written to an erased record, before or after its erasure, is in
/// any node's files (`-wal` included), while every acknowledged canary of the records left alone is
/// found at every member (the positive control). Membership stays as made and nothing is moved: a
/// removed member keeps what it had, and a move copies the values into a new record, by design.
/// `SIDING_ERASURE_CHAOS_SECONDS` runs it longer (default 40), `SIDING_SEED` replays one schedule.
extension ChaosTests {
    static let erasureSeconds = Double(ProcessInfo.processInfo.environment["SIDING_ERASURE_CHAOS_SECONDS"] ?? "") ?? 40
    /// Canaries are this prefix, the writing node's index and 16 hex digits.
    static let canaryPrefix = "qzc"
    static let canaryLength = 17
    static let canaryBytes = Set("0123456789abcdef".utf8)

    struct ErasureCircle: Sendable {
        let id: String
        /// Nil for the network, whose records only their creator may erase.
        let owner: Int?
        let members: [Int]

        static let networkID = "network"
    }

    struct ErasableRecord: Sendable, Hashable {
        let id: String
        let kind: LocalAPIClient.Kind
        let circle: Int
        let creator: Int
    }

    @Test func erasuresRacingConcurrentEditsLeaveNoCanaryAndEveryLogWhole() async throws {
        let seed = Self.seed
        let replay = "seed \(seed) (SIDING_SEED=\(seed) replays it)"
        var random = SeededGenerator(seed: seed)
        let cluster = try Cluster(size: 5)
        try await cluster.start()
        try await cluster.linkRandomly(extraLinks: 2, using: &random)
        let neighbours = cluster.links.reduce(into: [Int: Set<Int>]()) {
            $0[$1.dialer, default: []].insert($1.listener)
            $0[$1.listener, default: []].insert($1.dialer)
        }
        var circles: [ErasureCircle] = []
        for n in 0..<2 {
            let owner = Int.random(in: 0..<cluster.nodes.count, using: &random)
            let members = Self.connectedGroup(from: owner, size: Int.random(in: 3...4, using: &random), neighbours, using: &random)
            let created = try await cluster.nodes[owner].client.createCircle(
                CircleCreateRequest(name: "Erasure \(n)", members: members.filter { $0 != owner }.map { cluster.nodes[$0].nodeID }))
            circles.append(ErasureCircle(id: created.circle.id, owner: owner, members: members))
        }
        circles.append(ErasureCircle(id: ErasureCircle.networkID, owner: nil, members: Array(cluster.nodes.indices)))
        let admitted = try await eventually(30) {
            for circle in circles where circle.owner != nil {
                for member in circle.members {
                    let listed = try await cluster.nodes[member].client.circles()
                    if !listed.contains(where: { $0.id == circle.id }) { return false }
                }
            }
            return true
        }
        try #require(admitted, "every member learns of its admission, \(replay)")

        let log = ErasureChaosLog()
        var records: [ErasableRecord] = []
        for (index, circle) in circles.enumerated() {
            for member in circle.members {
                let client = cluster.nodes[member].client
                for kind in [LocalAPIClient.Kind.contacts, .contacts, .notes] {
                    let (first, second) = (Self.canary(node: member, using: &random), Self.canary(node: member, using: &random))
                    let values =
                        kind == .contacts ? ["name": first, "bio": "met at the border, \(second)"] : ["title": first, "body": "said: \(second)"]
                    let created = try await client.create(kind, CreateRequest(set: values, circle: circle.id))
                    for token in [first, second] { log.written(token, on: created.id, acknowledged: true) }
                    records.append(ErasableRecord(id: created.id, kind: kind, circle: index, creator: member))
                }
            }
        }
        let spread = try await eventually(30) { try await Self.circlesAgree(cluster, circles) }
        try #require(spread, "every member holds every record of its circles before the chaos, \(replay)")

        let made = records
        let targets = Array(records.shuffled(using: &random).prefix(records.count / 2))
        let deadline = ContinuousClock.now + .milliseconds(Int(Self.erasureSeconds * 1_000))
        let editorSeeds = (0..<cluster.nodes.count).map { _ in random.next() }
        let (eraserSeed, chaosSeed) = (random.next(), random.next())
        let madeCircles = circles
        let events = try await withThrowingTaskGroup(of: ChaosEvents.self) { group in
            for (index, node) in cluster.nodes.enumerated() {
                let editable = made.filter { madeCircles[$0.circle].members.contains(index) }
                group.addTask {
                    await Self.editErasable(node: index, client: node.client, editable, log, until: deadline, seed: editorSeeds[index])
                    return ChaosEvents()
                }
            }
            group.addTask {
                await Self.eraseWhileEdited(targets, madeCircles, cluster, log, until: deadline, seed: eraserSeed)
                return ChaosEvents()
            }
            group.addTask { try await Self.breakThings(cluster, until: deadline, seed: chaosSeed) }
            return try await group.reduce(into: ChaosEvents()) { $0.add($1) }
        }

        let healStart = ContinuousClock.now
        for index in cluster.downNodes.sorted() { try await cluster.restart(index) }
        try await cluster.heal()
        // An erasure the chaos left undone (its node was down, or its answer lost) is finished by the creator.
        for record in targets where !log.isErased(record.id) {
            let done = try await eventually(20) { await Self.tryErasing(record, at: record.creator, cluster, log) }
            #expect(done, "\(record.id) erased by its creator after healing, \(replay)")
        }
        var lastDigests: [String] = []
        let converged = try await eventually(90) {
            lastDigests = try await cluster.digests().map { "network: \($0.viewDigest.prefix(8)) \($0.vectorDigest.prefix(8))/\($0.changes)" }
            let networkAgrees = try await Set(cluster.digests()).count == 1
            let circlesAgree = try await Self.circlesAgree(cluster, circles, describing: &lastDigests)
            return networkAgrees && circlesAgree
        }
        let convergeTime = ContinuousClock.now - healStart
        let equivocations = try await cluster.nodes.asyncMap { try await $0.client.status().equivocations.count }
        let erasedIDs = Set(targets.map(\.id))
        let figures = log.figures(erased: erasedIDs)
        print(
            "erasure chaos: \(replay), \(Self.erasureSeconds) s, \(records.count) records in \(circles.count) circles "
                + "(members \(circles.map(\.members)), owners \(circles.map(\.owner))), \(figures), \(events.faults) link faults, "
                + "\(events.cuts) cuts, \(events.partitions) partitions, \(events.kills) kill -9; converged \(converged) in \(convergeTime)")
        #expect(converged, "members of each circle agree on its digest (and all on the network's): \(lastDigests), \(replay)")
        #expect(equivocations.allSatisfy { $0 == 0 }, "a killed node reused a sequence number, \(replay)")
        #expect(log.unauthorisedAccepted.isEmpty, "erasures by neither creator nor owner were carried out: \(log.unauthorisedAccepted), \(replay)")
        #expect(figures.editsOnErased >= 10 && figures.editsOnKept >= 10 && events.faults >= 5, "\(figures), \(replay)")

        // Every erased record is erased at every member of its circle, and nothing else is.
        for (index, node) in cluster.nodes.enumerated() {
            let listed = try await Set((node.client.erasures(.contacts) + node.client.erasures(.notes)).map(\.id))
            let expected = Set(targets.filter { circles[$0.circle].members.contains(index) }.map(\.id))
            #expect(listed == expected, "node \(index) lists erased \(listed.sorted()), expected \(expected.sorted()), \(replay)")
        }
        // No canary of an erased record anywhere; every acknowledged canary of a kept record at every member.
        let forbidden = log.tokens(of: erasedIDs, acknowledgedOnly: false)
        for (index, node) in cluster.nodes.enumerated() {
            let found = try ByteSearch.tokens(under: node.home, prefix: Self.canaryPrefix, length: Self.canaryLength, allowed: Self.canaryBytes)
            let leaked = found.intersection(forbidden)
            #expect(
                leaked.isEmpty, "node \(index) still holds \(leaked.count) canaries of erased records, e.g. \(leaked.sorted().prefix(5)), \(replay)")
            let kept = Set(made.filter { circles[$0.circle].members.contains(index) && !erasedIDs.contains($0.id) }.map(\.id))
            let missing = log.tokens(of: kept, acknowledgedOnly: true).subtracting(found)
            #expect(missing.isEmpty, "node \(index) lacks \(missing.count) acknowledged canaries of kept records (positive control), \(replay)")
            if !leaked.isEmpty { Self.printWhere(leaked.sorted().prefix(3), under: node.home) }
        }
        await cluster.stop()
    }

    /// A random group of `size` nodes, `start` included, connected among themselves through partner links.
    static func connectedGroup(from start: Int, size: Int, _ neighbours: [Int: Set<Int>], using random: inout SeededGenerator) -> [Int] {
        var group: Set<Int> = [start]
        while group.count < size {
            let frontier = Set(group.flatMap { neighbours[$0, default: []] }).subtracting(group).sorted()
            guard let next = frontier.randomElement(using: &random) else { break }
            group.insert(next)
        }
        return group.sorted()
    }

    static func canary(node: Int, using random: inout SeededGenerator) -> String {
        let hex = String(random.next(), radix: 16)
        return canaryPrefix + "\(node)" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Whether the members of each circle agree on its digest.
    static func circlesAgree(_ cluster: Cluster, _ circles: [ErasureCircle]) async throws -> Bool {
        var ignored: [String] = []
        return try await circlesAgree(cluster, circles, describing: &ignored)
    }

    static func circlesAgree(_ cluster: Cluster, _ circles: [ErasureCircle], describing lines: inout [String]) async throws -> Bool {
        var agree = true
        for circle in circles {
            let digests = try await circle.members.asyncMap {
                circle.owner == nil ? try await cluster.nodes[$0].client.digest() : try await cluster.nodes[$0].client.digest(circle: circle.id)
            }
            lines.append(
                "\(circle.id): " + digests.map { "\($0.viewDigest.prefix(8)) \($0.vectorDigest.prefix(8))/\($0.changes)" }.joined(separator: " "))
            agree = agree && Set(digests).count == 1
        }
        return agree
    }

    /// Every 80 ms an edit of a random record of this node's circles, each with a new canary: a tag
    /// added, a tag this writer added swapped for a new one (the removal names the old canary), or a
    /// register set. Edits refused because the record was erased here are counted, not retried.
    static func editErasable(
        node: Int, client: LocalAPIClient, _ records: [ErasableRecord], _ log: ErasureChaosLog, until deadline: ContinuousClock.Instant,
        seed: UInt64
    ) async {
        var random = SeededGenerator(seed: seed)
        var tagged: [String: [String]] = [:]
        while ContinuousClock.now < deadline, !records.isEmpty {
            let record = records[Int.random(in: 0..<records.count, using: &random)]
            let token = Self.canary(node: node, using: &random)
            let register = record.kind == .contacts ? ["role", "bio"] : ["location", "body"]
            var request = EditRequest(add: ["tags": [token]])
            switch Int.random(in: 0..<4, using: &random) {
            case 0: break
            case 1, 2: request = EditRequest(set: [register[Int.random(in: 0..<2, using: &random)]: "edited: \(token)"])
            default: if let old = tagged[record.id]?.popLast() { request.remove = ["tags": [old]] }
            }
            log.written(token, on: record.id, acknowledged: false)
            do {
                _ = try await client.edit(record.kind, id: record.id, request)
                log.written(token, on: record.id, acknowledged: true)
                if request.set.isEmpty { tagged[record.id, default: []].append(token) }
            } catch LocalAPIError.refused(_, "erased", _) {
                log.refusedAsErased()
            } catch {
                // The node is down or was killed mid-request: the canary may or may not be written.
            }
            try? await Task.sleep(for: .milliseconds(80))
        }
    }

    /// From 3 s in, erases the targets one by one, spread over the run, each by its creator or its
    /// circle's owner (chosen at random; one that is down, or fails, is tried again later). Before
    /// some of them a member that is neither asks to erase it, and must be refused.
    static func eraseWhileEdited(
        _ targets: [ErasableRecord], _ circles: [ErasureCircle], _ cluster: Cluster, _ log: ErasureChaosLog,
        until deadline: ContinuousClock.Instant, seed: UInt64
    ) async {
        var random = SeededGenerator(seed: seed)
        var pending = targets
        let pause = Duration.milliseconds(Int(max(500, (Self.erasureSeconds - 8) * 1_000 / Double(max(targets.count, 1)))))
        try? await Task.sleep(for: .seconds(3))
        var rounds = 0
        while let record = pending.first, ContinuousClock.now < deadline, rounds < 10 * targets.count {
            rounds += 1
            pending.removeFirst()
            let circle = circles[record.circle]
            let outsiders = circle.members.filter { $0 != record.creator && $0 != circle.owner && !cluster.downNodes.contains($0) }
            if Int.random(in: 0..<3, using: &random) == 0, let intruder = outsiders.randomElement(using: &random) {
                if (try? await cluster.nodes[intruder].client.erase(record.kind, id: record.id)) != nil { log.unauthorised(record.id, by: intruder) }
            }
            let eraser = Bool.random(using: &random) ? record.creator : circle.owner ?? record.creator
            let done = cluster.downNodes.contains(eraser) ? false : await Self.tryErasing(record, at: eraser, cluster, log)
            if !done { pending.append(record) }
            try? await Task.sleep(for: pause)
        }
    }

    /// Asks `eraser` to erase `record`; true if it did, or had already (an earlier answer was lost).
    static func tryErasing(_ record: ErasableRecord, at eraser: Int, _ cluster: Cluster, _ log: ErasureChaosLog) async -> Bool {
        do {
            _ = try await cluster.nodes[eraser].client.erase(record.kind, id: record.id)
        } catch LocalAPIError.refused(_, "erased", _) {
        } catch {
            return false
        }
        log.erased(record.id, byCreator: eraser == record.creator)
        return true
    }

    /// Which files of a failing node hold a leaked canary, and around what, to tell which table kept it.
    static func printWhere(_ tokens: some Sequence<String>, under home: String) {
        for token in tokens {
            let files = (try? ByteSearch.files(under: home, containing: Array(token.utf8))) ?? []
            print("erasure chaos: \(token) in \(files)")
        }
    }
}

/// What the erasure chaos wrote: every canary per record (attempted, and acknowledged when), and when
/// each record's erasure was acknowledged.
final class ErasureChaosLog: @unchecked Sendable {
    private let lock = NSLock()
    private var attempted: [String: Set<String>] = [:]
    private var acknowledged: [String: [(token: String, at: ContinuousClock.Instant)]] = [:]
    private var erasures: [String: (byCreator: Bool, at: ContinuousClock.Instant)] = [:]
    private var refusals = 0
    private var intrusions: [String] = []

    func written(_ token: String, on record: String, acknowledged done: Bool) {
        lock.withLock {
            attempted[record, default: []].insert(token)
            if done { acknowledged[record, default: []].append((token, .now)) }
        }
    }

    func erased(_ record: String, byCreator: Bool) {
        lock.withLock { if erasures[record] == nil { erasures[record] = (byCreator, .now) } }
    }

    func isErased(_ record: String) -> Bool { lock.withLock { erasures[record] != nil } }
    func refusedAsErased() { lock.withLock { refusals += 1 } }
    func unauthorised(_ record: String, by node: Int) { lock.withLock { intrusions.append("\(record) by node \(node)") } }
    var unauthorisedAccepted: [String] { lock.withLock { intrusions } }

    /// The canaries written to `records`: every one attempted, or only those acknowledged.
    func tokens(of records: Set<String>, acknowledgedOnly: Bool) -> Set<String> {
        lock.withLock {
            records.reduce(into: Set<String>()) { tokens, record in
                if acknowledgedOnly {
                    tokens.formUnion(acknowledged[record, default: []].map { $0.token })
                } else {
                    tokens.formUnion(attempted[record, default: []])
                }
            }
        }
    }

    struct Figures: CustomStringConvertible {
        var erasures = 0
        var byCreator = 0
        var editsOnErased = 0
        var editsAfterErasure = 0
        var editsOnKept = 0
        var refused = 0

        var description: String {
            "\(erasures) erasures (\(byCreator) by the creator, \(erasures - byCreator) by the owner), \(editsOnErased + editsOnKept) "
                + "edits acknowledged (\(editsOnErased) on records erased later or meanwhile, \(editsAfterErasure) of them after the "
                + "erasure was acknowledged, \(editsOnKept) on kept records), \(refused) edits refused as erased"
        }
    }

    func figures(erased: Set<String>) -> Figures {
        lock.withLock {
            var figures = Figures(erasures: erasures.count, byCreator: erasures.values.filter { $0.byCreator }.count, refused: refusals)
            for (record, writes) in acknowledged {
                // Less the canaries the record was created with.
                let edits = writes.dropFirst(2)
                if erased.contains(record) {
                    figures.editsOnErased += edits.count
                    if let erasure = erasures[record] { figures.editsAfterErasure += edits.filter { $0.at > erasure.at }.count }
                } else {
                    figures.editsOnKept += edits.count
                }
            }
            return figures
        }
    }
}
