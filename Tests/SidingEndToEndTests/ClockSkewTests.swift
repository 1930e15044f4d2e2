import Foundation
import SidingAPI
import SidingCore
import SidingTestKit
import Testing

/// Nodes whose clocks are wrong by seconds, a day and a year end with the same merged view as nodes
/// with correct clocks given the same writes: clocks only order concurrent values for display, never
/// decide what survives. The skew is reported, and a node's own clock never goes backwards.
@Suite(.serialized) struct ClockSkewTests {
    static let day: Int64 = 86_400_000
    static let skewed: [Int64] = [5_000, -day, 365 * day]

    @Test func skewChangesNothingThatSurvives() async throws {
        let correct = try await Self.run(offsets: [0, 0, 0])
        let skewed = try await Self.run(offsets: Self.skewed)
        #expect(skewed.view == correct.view)
        #expect(correct.view["p0"]?["role"]?.count == 3, "the concurrent edits were not concurrent: \(correct.view)")
        // Node 2's year-ahead timestamps moved node 0's clock by at most the 5-minute bound.
        #expect(skewed.node0ClockAheadMilliseconds <= 5 * 60_000 + 5_000 + 10_000, "\(skewed.node0ClockAheadMilliseconds)")
        // Node 0 (5 s ahead) sees node 1 a year and a day behind (after its restart), node 2 a year ahead.
        let offsets = skewed.offsetsSeenByNode0
        #expect(abs((offsets["Node 1"] ?? 0) + 366 * 86_400 + 5) < 30, "\(offsets)")
        #expect(abs((offsets["Node 2"] ?? 0) - (365 * 86_400 - 5)) < 30, "\(offsets)")
        #expect(skewed.statusText.contains("Node 2's clock is 364 days ahead of this machine's"), "\(skewed.statusText)")
    }

    struct Outcome {
        /// contact name → field → every surviving value (concurrent values all kept).
        var view: [String: [String: Set<String>]]
        var offsetsSeenByNode0: [String: Double]
        var statusText: String
        /// How far node 0's last own change was stamped ahead of the real time.
        var node0ClockAheadMilliseconds: Int64
    }

    /// The same script of writes: creations, concurrent edits of one field, a causal overwrite by the
    /// node whose clock is behind, set additions and a removal, and a restart with the clock set back.
    static func run(offsets: [Int64]) async throws -> Outcome {
        let cluster = try Cluster(size: 3)
        let arguments = { (index: Int) in ["--clock-offset-ms=\(offsets[index])"] }
        try await cluster.start(arguments: arguments)
        try await cluster.link(0, 1, seed: 1)
        try await cluster.link(1, 2, seed: 2)
        try await cluster.link(0, 2, seed: 3)
        let clients = cluster.nodes.map(\.client)
        var ids: [String: String] = [:]
        for (index, client) in clients.enumerated() {
            ids["p\(index)"] = try await client.create(.contacts, CreateRequest(set: ["name": "p\(index)", "role": "first"])).id
        }
        try await inStep(cluster)
        // Concurrent: with every link stalled, every node writes p0's role and tags it.
        for link in cluster.links { link.proxy.set(.stall) }
        for (index, client) in clients.enumerated() {
            _ = try await client.edit(.contacts, id: ids["p0"] ?? "", EditRequest(set: ["role": "role by \(index)"], add: ["tags": ["t\(index)"]]))
        }
        for link in cluster.links { link.proxy.set(.none) }
        try await inStep(cluster)
        // Causal: the year-ahead node writes, then the day-behind node overwrites what it saw.
        _ = try await clients[2].edit(.contacts, id: ids["p1"] ?? "", EditRequest(set: ["organization": "ahead"]))
        try await inStep(cluster)
        _ = try await clients[1].edit(.contacts, id: ids["p1"] ?? "", EditRequest(set: ["organization": "behind, later"]))
        _ = try await clients[1].edit(.contacts, id: ids["p0"] ?? "", EditRequest(remove: ["tags": ["t2"]]))
        try await inStep(cluster)
        // The day-behind node restarts with its clock set back another year, and writes again.
        cluster.kill(1)
        try await cluster.restart(1, arguments: ["--clock-offset-ms=\(offsets[1] - 365 * day)"])
        _ = try await clients[1].edit(.contacts, id: ids["p2"] ?? "", EditRequest(set: ["role": "after restart"]))
        try await inStep(cluster)

        // Node 1's own clock never went backwards: its changes' clocks rise with their seq.
        var ownClocks: [UInt64: [UInt64]] = [:]
        for id in ids.values {
            for item in try await clients[1].history(id) where item.node == cluster.nodes[1].nodeID {
                ownClocks[item.seq] = item.hlc.split(separator: ".").compactMap { UInt64($0) }
            }
        }
        let bySeq = ownClocks.sorted { $0.key < $1.key }.map(\.value)
        let rising = zip(bySeq, bySeq.dropFirst()).allSatisfy { $0.lexicographicallyPrecedes($1) }
        #expect(bySeq.count == 5 && rising, "node 1's clock went backwards: \(bySeq)")

        let written = try await clients[0].edit(.contacts, id: ids["p2"] ?? "", EditRequest(set: ["bio": "written by node 0 last"]))
        let realNow = Int64(Date().timeIntervalSince1970 * 1_000)
        let lastOwn = try await clients[0].history(written.id).filter { $0.node == cluster.nodes[0].nodeID }.map(\.hlc).last ?? ""
        let ahead = (lastOwn.split(separator: ".").first.flatMap { Int64($0) } ?? 0) - realNow
        try await inStep(cluster)

        var view: [String: [String: Set<String>]] = [:]
        let conflicts = try await clients[0].conflicts()
        for contact in try await clients[0].contacts() {
            var fields: [String: Set<String>] = [
                "role": [contact.text(ContactSchema.role)], "organization": [contact.text(ContactSchema.organization)],
                "tags": Set(contact.members(ContactSchema.tags)),
            ]
            for conflict in conflicts where conflict.id == contact.id { fields[conflict.field] = Set(conflict.values.map(\.value)) }
            view[contact.text(ContactSchema.name)] = fields
        }
        _ = try await eventually(20) { try await clients[0].status().peers.allSatisfy(\.connected) }
        let status = try await clients[0].status()
        let offsetsSeen = Dictionary(status.peers.map { ($0.name, $0.clockOffsetSeconds ?? 0) }, uniquingKeysWith: { a, _ in a })
        let text = try cluster.nodes[0].siding("status").stdout
        await cluster.stop()
        return Outcome(view: view, offsetsSeenByNode0: offsetsSeen, statusText: text, node0ClockAheadMilliseconds: ahead)
    }

    /// Waits until all three nodes hold the same changes.
    static func inStep(_ cluster: Cluster) async throws {
        let done = try await eventually(20) { Set(try await cluster.digests().map(\.vectorDigest)).count == 1 }
        #expect(done, "nodes not in step within 20 s")
    }
}
