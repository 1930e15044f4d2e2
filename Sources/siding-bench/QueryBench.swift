import Foundation
import SidingAPI
import SidingTestKit

/// A node holding the realistic mixed data set (contacts, and after every five contacts a note with a
/// 1–2 KB body): start-up time on it, query round trips through the CLI (a new process each time, as
/// staff run it) and through the local API, and durable edits/s with 8 concurrent writers.
enum QueryBench {
    /// `queries`: start-up and query round trips; `commit`: the group-commit run (on the same node, after).
    static func run(scale: Int, queries: Bool, commit: Bool) async throws -> [Figure] {
        let node = try TestNode(name: "Q")
        let changes = try Population.fill(node, fieldOperations: scale, seed: 4242, withNotes: true)
        var figures: [Figure] = []
        if queries { figures += try await startupAndQueries(node, changes: changes) }
        if commit {
            try await node.start()
            defer { node.stop() }
            let rate = try await groupCommit(node.client, writers: 8, for: .seconds(3))
            figures.append(
                Figure("group_commit_edits_per_s", rate, "edits/s", atLeast: 2_000, note: "8 writers, one-field edits via the local API, 3 s"))
        }
        return figures
    }

    static func startupAndQueries(_ node: TestNode, changes: UInt64) async throws -> [Figure] {
        var startups: [Double] = []
        for _ in 0..<5 { startups.append(try await startup(node)) }
        let searchIndexBytes = try SearchBench.indexBytes(databasePath: node.databasePath)

        try await node.start()
        defer { node.stop() }
        let counts = try await node.client.status()
        let contactsHeld = (0..<changes).filter { $0 % 6 != 5 }.count
        var random = SeededGenerator(seed: 7)
        // Contacts are named by their place in the data set; every sixth place is a note.
        let names = (0..<100).map { _ -> String in
            let place = Int.random(in: 0..<Int(changes), using: &random)
            return "Person \(place % 6 == 5 ? place - 1 : place)"
        }
        var ids: [String] = []
        for name in names.prefix(50) { ids += try await node.client.search(name, limit: 1).map(\.id) }
        guard ids.count == 50 else { throw BenchError("search found \(ids.count) of 50 contacts by name") }

        let home = node.home
        let cliSearch = try await cycle(names) { try cli(home, ["search", $0]) }
        let cliList = try await cycle(Array(repeating: "", count: 30)) { _ in
            try cli(home, ["contact", "list", "--country", "NP", "--tag", "rivers"])
        }
        let cliShow = try await cycle(ids) { try cli(home, ["contact", "show", $0]) }
        let client = node.client
        let apiSearch = try await cycle(names + names) { _ = try await client.search($0) }
        let apiList = try await cycle(Array(repeating: "", count: 100)) { _ in _ = try await client.contacts(tag: "rivers", country: "NP") }
        let apiShow = try await cycle(ids + ids + ids + ids) { _ = try await client.contact($0) }
        let listed = try await client.contacts(tag: "rivers", country: "NP").count
        let search = try await SearchBench.run(client)

        func pair(_ name: String, _ values: [Double], target: Double? = nil, note: String? = nil) -> [Figure] {
            [
                Figure("\(name)_p50_ms", Measure.percentile(values, 0.5), "ms", atMost: target, note: note),
                Figure("\(name)_p99_ms", Measure.percentile(values, 0.99), "ms", note: "\(values.count) runs"),
            ]
        }
        return [
            Figure(
                "query_data_set", Double(changes), "changes",
                note: "\(counts.changes) held: \(contactsHeld) contacts, \(Int(changes) - contactsHeld) notes"),
            Figure("startup_ms", Measure.percentile(startups, 0.5), "ms", atMost: 300, note: "median of 5; process start → local API answers"),
            Figure("startup_max_ms", startups.max() ?? .nan, "ms"),
        ]
            + pair("cli_search", cliSearch, target: 25, note: "`siding search \"Person N\"`, process start included")
            + pair("cli_list", cliList, note: "`siding contact list --country NP --tag rivers`: \(listed) contacts")
            + pair("cli_show", cliShow, note: "`siding contact show ID`")
            + pair("api_search", apiSearch) + pair("api_list", apiList) + pair("api_show", apiShow)
            + [Figure("search_index_kib", searchIndexBytes / 1_024, "KiB", note: "dbstat: the search table and its shadow tables")]
            + search
    }

    /// Milliseconds from starting `sidingd` until its local API answers; then it is stopped.
    static func startup(_ node: TestNode) async throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BuiltProducts.sidingd)
        process.arguments = ["--home", node.home]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let start = ContinuousClock.now
        try process.run()
        defer {
            kill(process.processIdentifier, SIGTERM)
            _ = exitStatus(of: process)
        }
        let client = node.client
        while ContinuousClock.now < start + .seconds(60) {
            if (try? await client.node()) != nil { return Measure.milliseconds(ContinuousClock.now - start) }
            guard process.isRunning else { throw BenchError("sidingd exited with \(process.terminationStatus) while starting") }
            try await Task.sleep(for: .milliseconds(1))
        }
        throw BenchError("sidingd did not answer within 60 s of starting")
    }

    static func cycle(_ inputs: [String], _ body: (String) async throws -> Void) async throws -> [Double] {
        var timings: [Double] = []
        for input in inputs { timings.append(Measure.milliseconds(try await ContinuousClock().measure { try await body(input) })) }
        return timings
    }

    static func cli(_ home: String, _ arguments: [String]) throws {
        let result = try runProcess(BuiltProducts.siding, ["--home", home] + arguments)
        guard result.status == 0 else { throw BenchError("siding \(arguments.joined(separator: " ")) failed: \(result.stderr)") }
    }

    /// Durable edits per second: `writers` concurrent clients each editing its own contact, one field
    /// per edit, each edit acknowledged only after its commit.
    static func groupCommit(_ client: LocalAPIClient, writers: Int, for duration: Duration) async throws -> Double {
        var contacts: [String] = []
        for writer in 0..<writers { contacts.append(try await client.create(.contacts, CreateRequest(set: ["name": "Writer \(writer)"])).id) }
        let start = ContinuousClock.now
        let deadline = start + duration
        let total = try await withThrowingTaskGroup(of: Int.self) { group in
            for contact in contacts {
                group.addTask {
                    var edits = 0
                    while ContinuousClock.now < deadline && edits < 100_000 {
                        _ = try await client.edit(.contacts, id: contact, EditRequest(set: ["role": "Edit \(edits)"]))
                        edits += 1
                    }
                    return edits
                }
            }
            return try await group.reduce(0, +)
        }
        return Double(total) / Measure.seconds(ContinuousClock.now - start)
    }
}
