import ArgumentParser
import Foundation
import SidingAPI

/// `siding demo`: a throw-away node in a temporary directory, filled with a small realistic data set,
/// then list, search and history as staff would use them. Leaves nothing running or on disk.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Run a throw-away local node with sample data and show what Siding does.")

    func run() async throws {
        guard let daemon = DaemonExecutable.path() else { CLIRun.fail("cannot find the sidingd executable next to siding or on PATH") }
        let workspace = FileManager.default.temporaryDirectory.appendingPathComponent("siding-demo-\(UUID().uuidString.prefix(8))").path
        let home = workspace + "/aw"
        defer { try? FileManager.default.removeItem(atPath: workspace) }

        let setup = try Self.launch(daemon, ["init", "--home", home, "--name", "Association of World Citizens (demo)", "--listen", "127.0.0.1:7400"])
        setup.waitUntilExit()
        guard setup.terminationStatus == 0 else { CLIRun.fail("sidingd init failed with status \(setup.terminationStatus)") }
        let node = try Self.launch(daemon, ["--home", home])
        defer {
            node.terminate()
            node.waitUntilExit()
        }
        let client = LocalAPIClient(home: home)
        try await Self.waitUntilReady(client)
        do {
            try await show(client, home: home)
        } catch {
            CLIRun.fail("demo failed: \(error)")
        }
    }

    private func show(_ client: LocalAPIClient, home: String) async throws {
        let info = try await client.node()
        heading("A new node: \(info.name)\n  node ID \(info.id)  (partners pin this ID)")

        var ids: [String: String] = [:]
        for person in DemoData.people { ids[person.key] = try await client.create(.contacts, person.request).id }
        for round in DemoData.rounds {
            _ = try await client.create(
                .notes,
                CreateRequest(
                    set: ["title": round.title, "date": round.date, "conflict": DemoData.conflict, "location": round.location, "body": round.body],
                    add: ["participants": round.participants.compactMap { ids[$0] }, "tags": ["china-india"]]))
        }
        let li = ids["li"] ?? ""
        _ = try await client.edit(.contacts, id: li, EditRequest(set: ["role": "Senior Fellow"]))
        _ = try await client.edit(.contacts, id: li, EditRequest(add: ["emails": ["li.wei@example.edu.cn"]]))
        print("Added \(DemoData.people.count) contacts and \(DemoData.rounds.count) dialogue notes; each edit is one signed change.")

        heading("$ siding contact list --tag china-india")
        print(Views.contactTable(try await client.contacts(tag: "china-india")))
        heading("$ siding note list --conflict \"\(DemoData.conflict)\"")
        print(Views.noteTable(try await client.notes(conflict: DemoData.conflict)))
        heading("$ siding search \"water sharing\"")
        print(Views.searchTable(try await client.search("water sharing")))
        heading("$ siding history \(li)   (who changed what, when, from which node)")
        print(Views.historyTable(try await client.history(li)))
        heading("$ siding conflicts")
        let conflicts = try await client.conflicts()
        print(conflicts.isEmpty ? "No conflicts (one node alone cannot disagree with itself)." : Views.conflictTable(conflicts))
        heading(
            "Done: the demo node is stopped and \(home) removed. Start your own with:\n  siding init --home ~/aw --name \"Your organisation\"\n  sidingd --home ~/aw &"
        )
    }

    private func heading(_ text: String) { print("\n\(text)") }

    static func launch(_ executable: String, _ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return process
    }

    static func waitUntilReady(_ client: LocalAPIClient) async throws {
        for _ in 0..<150 {
            if (try? await client.node()) != nil { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        CLIRun.fail("the demo daemon did not become ready within 15 s")
    }
}
