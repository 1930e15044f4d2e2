import Foundation
import SidingAPI
import SidingTestKit

/// `siding contact duplicates` on a large address book: the realistic data set (every contact with an
/// e-mail and an organisation) plus planted twins that share an e-mail in another case, timed through
/// the CLI (a new process each run, as staff run it) and through the local API.
enum DuplicatesBench {
    static let twins = 200
    static let runs = 5

    static func run(scale: Int) async throws -> [Figure] {
        let node = try TestNode(name: "D")
        let changes = try Population.fill(node, fieldOperations: scale, seed: 4243)
        try await node.start()
        defer { node.stop() }
        let client = node.client
        // Population contacts are numbered in change order and all reach `person<n>@example.org`.
        for n in stride(from: 0, to: min(Int(changes), twins * 3), by: 3) {
            _ = try await client.create(.contacts, CreateRequest(set: ["name": "Twin \(n)"], add: ["emails": ["Person\(n)@Example.org"]]))
        }
        var groups = 0
        let api = try await QueryBench.cycle(Array(repeating: "", count: runs)) { _ in groups = try await client.duplicates().count }
        guard groups == min(twins, (Int(changes) + 2) / 3) else { throw BenchError("found \(groups) duplicate groups, planted \(twins)") }
        let home = node.home
        let cli = try await QueryBench.cycle(Array(repeating: "", count: runs)) { _ in
            try QueryBench.cli(home, ["contact", "duplicates", "--json"])
        }
        let note = "\(changes) contacts, \(groups) groups, \(runs) runs"
        return [
            Figure("duplicates_api_p50_ms", Measure.percentile(api, 0.5), "ms", note: note),
            Figure("duplicates_cli_p50_ms", Measure.percentile(cli, 0.5), "ms", note: "`siding contact duplicates --json`, a new process each run"),
        ]
    }
}
