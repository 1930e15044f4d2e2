import Foundation
import SidingAPI
import SidingCore
import SidingTestKit
import Testing

/// The `siding` CLI against a real daemon on a temp home, as a user runs it.
@Suite(.serialized) struct CLITests {
    @Test func theIssueWalkthroughWorksEndToEnd() async throws {
        let node = try TestNode(name: "Association of World Citizens")
        try await node.start()
        defer { node.stop() }

        let id = try node.siding("id")
        #expect(id.status == 0 && id.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == node.nodeID)

        let added = try node.siding(
            "contact", "add", "--name", "Li Wei", "--org", "Tsinghua University", "--role", "Scholar",
            "--country", "cn", "--tag", "china-india", "--tag", "water")
        #expect(added.status == 0, "\(added.stderr)")
        let contact = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(contact.hasPrefix("c_"))

        #expect(try node.siding("contact", "set", contact, "role=Senior Fellow").status == 0)
        let notes = node.directory.file("notes.md")
        try Data("We discussed water sharing on the upper rivers.\n".utf8).write(to: URL(fileURLWithPath: notes))
        let note = try node.siding(
            "note", "add", "--title", "Frontier dialogue, round 3", "--date", "2026-10-02",
            "--conflict", "China-India frontier", "--participant", contact, "--body-file", notes)
        #expect(note.status == 0, "\(note.stderr)")
        let noteID = note.stdout.trimmingCharacters(in: .whitespacesAndNewlines)

        let search = try node.siding("search", "water sharing", "--json")
        let hits = try JSONDecoder().decode([SearchResult].self, from: Data(search.stdout.utf8))
        #expect(hits.map(\.id).contains(noteID))

        let list = try node.siding("contact", "list", "--tag", "china-india", "--json")
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        #expect(objects.count == 1)
        let keys = Set(objects[0].keys)
        #expect(keys.isSuperset(of: ["id", "name", "organization", "role", "country", "emails", "phones", "tags", "bio", "deleted"]))
        #expect(objects[0]["role"] as? String == "Senior Fellow")
        #expect(objects[0]["country"] as? String == "CN")

        let noteJSON = try node.siding("note", "show", noteID, "--json")
        let noteObject = try #require(try JSONSerialization.jsonObject(with: Data(noteJSON.stdout.utf8)) as? [String: Any])
        #expect(Set(noteObject.keys).isSuperset(of: ["id", "title", "date", "conflict", "location", "participants", "tags", "body", "deleted"]))
        #expect(noteObject["participants"] as? [String] == [contact])

        let history = try node.siding("history", contact, "--json")
        let items = try JSONDecoder().decode([HistoryItem].self, from: Data(history.stdout.utf8))
        #expect(items.contains { $0.field == "role" && $0.value == "Senior Fellow" && $0.current && $0.node == node.nodeID && $0.seq == 2 })
        #expect(items.contains { $0.field == "role" && $0.value == "Scholar" && !$0.current })

        let conflicts = try node.siding("conflicts", "--json")
        #expect(conflicts.status == 0 && conflicts.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[\n\n]")

        #expect(try node.siding("contact", "tag", contact, "--remove", "water", "--add", "rivers").status == 0)
        let shown = try JSONDecoder().decode(ContactResource.self, from: Data(try node.siding("contact", "show", contact, "--json").stdout.utf8))
        #expect(shown.members(ContactSchema.tags) == ["china-india", "rivers"])

        #expect(try node.siding("note", "delete", noteID).status == 0)
        #expect(try node.siding("note", "list", "--json").stdout.contains(noteID) == false)
        let edited = try node.siding("note", "set", noteID, "title=Again")
        #expect(edited.status != 0 && edited.stderr.contains("deleted"))
    }

    @Test func errorsAreOneLineAndSayWhatToDo() async throws {
        let node = try TestNode()
        let down = try node.siding("contact", "list")
        #expect(down.status != 0)
        #expect(down.stderr.contains("sidingd --home"), "\(down.stderr)")
        #expect(down.stderr.split(separator: "\n").count == 1)
        let nowhere = try runProcess(BuiltProducts.siding, ["--home", node.directory.file("missing"), "contact", "list"])
        #expect(nowhere.status != 0 && nowhere.stderr.contains("siding init"), "\(nowhere.stderr)")

        try await node.start()
        defer { node.stop() }
        let cases: [([String], String)] = [
            (["contact", "show", "c_aaaaaaaaaaaaaaaa"], "no contact or note"),
            (["contact", "add", "--name", "X", "--country", "China"], "two-letter"),
            (["contact", "add", "--name", "  "], "name must not be empty"),
            (["contact", "add", "--name", String(repeating: "x", count: 201)], "limit of 200 characters"),
            (["contact", "add", "--name", "X", "--email", "not-an-address"], "e-mail"),
            (["note", "add", "--title", "T", "--date", "2026-02-30", "--body", "b"], "YYYY-MM-DD"),
            (["note", "add", "--title", "T", "--participant", "c_aaaaaaaaaaaaaaaa", "--body", "b"], "not a known contact"),
            (["contact", "set", "n_aaaaaaaaaaaaaaaa", "name=X"], "not a contact"),
            (["contact", "set", "nonsense", "name=X"], "is not an ID"),
            (["contact", "set", "c_aaaaaaaaaaaaaaaa", "colour=red"], "no field 'colour'"),
            (["search", " "], "empty"),
        ]
        for (arguments, expected) in cases {
            let result = try node.sidingArguments(arguments)
            #expect(result.status != 0, "\(arguments) should fail")
            #expect(result.stderr.contains(expected), "\(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
        }
        let existing = try node.siding("init", "--name", "Again")
        #expect(existing.status != 0 && existing.stderr.contains("already exists"))
        #expect(try await node.client.contacts().isEmpty, "a refused command must change nothing")
    }

    @Test func invalidUTF8IsRefused() async throws {
        let node = try TestNode()
        try await node.start()
        defer { node.stop() }
        let bad = node.directory.file("bad.md")
        try Data([0x66, 0x6F, 0xFF, 0xFE, 0x6F]).write(to: URL(fileURLWithPath: bad))
        let fromFile = try node.siding("note", "add", "--title", "T", "--body-file", bad)
        #expect(fromFile.status != 0 && fromFile.stderr.contains("UTF-8"))
        // An argument with invalid bytes, passed through a shell so the bytes reach argv untouched.
        let viaShell = try runProcess(
            "/bin/sh",
            [
                "-c", "\"$0\" --home \"$1\" contact add --name \"$(printf 'Li\\377Wei')\"",
                BuiltProducts.siding, node.home,
            ])
        #expect(viaShell.status != 0 && viaShell.stderr.contains("UTF-8"), "\(viaShell.stderr)")
        #expect(try await node.client.contacts().isEmpty)
    }

    @Test func tablesEscapeTerminalControlCharacters() async throws {
        let node = try TestNode()
        try await node.start()
        defer { node.stop() }
        let hostile = "Evil\u{1B}[2J\u{1B}]0;pwned\u{07} title"
        let note = try await node.client.create(.notes, CreateRequest(set: ["title": "Round 1", "body": "text \u{1B}[31mred\u{1B}[0m\nline"]))
        // Titles may not hold control characters at all; bodies may, and are escaped on output.
        let refused = try node.siding("note", "add", "--title", hostile, "--body", "x")
        #expect(refused.status != 0)
        for output in [try node.siding("note", "list"), try node.siding("note", "show", note.id), try node.siding("search", "red")] {
            #expect(output.status == 0)
            #expect(!output.stdout.contains("\u{1B}"), "raw ESC reached the terminal: \(output.stdout)")
        }
        #expect(try node.siding("note", "show", note.id).stdout.contains("\\u{1b}[31m"))
    }

    @Test func filesAndSocketArePrivate() async throws {
        let node = try TestNode()
        try await node.start()
        defer { node.stop() }
        func mode(_ path: String) throws -> Int {
            (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int ?? -1) & 0o777
        }
        #expect(try mode(node.home) == 0o700)
        #expect(try mode(node.home + "/node.key") == 0o600)
        #expect(try mode(node.home + "/siding.toml") == 0o600)
        #expect(try mode(node.home + "/siding.db") == 0o600)
        #expect(try mode(node.home + "/siding.sock") == 0o600)
        let config = try String(contentsOfFile: node.home + "/siding.toml", encoding: .utf8)
        for key in ["name =", "listen =", "socket =", "group_access =", "level ="] { #expect(config.contains(key)) }
    }

    @Test func idNeedsNoDaemonAndMatchesWhatStatusShows() async throws {
        let node = try TestNode(name: "Offline NGO")
        let offline = try node.siding("id")
        #expect(offline.status == 0, "\(offline.stderr)")
        let offlineJSON = try JSONSerialization.jsonObject(with: Data(try node.siding("id", "--json").stdout.utf8)) as? [String: String]
        #expect(offlineJSON == ["id": offline.stdout.trimmingCharacters(in: .whitespacesAndNewlines)])

        try await node.start()
        let status = try JSONSerialization.jsonObject(with: Data(try node.siding("status", "--json").stdout.utf8)) as? [String: Any]
        let online = try JSONSerialization.jsonObject(with: Data(try node.siding("id", "--json").stdout.utf8)) as? [String: String]
        #expect(node.stop() == 0)
        let statusID = try #require(status?["node_id"] as? String)
        #expect(offline.stdout == statusID + "\n")
        #expect(online?["id"] == statusID && online?["listen"]?.hasPrefix("127.0.0.1:") == true, "the running daemon adds what it knows")

        try FileManager.default.removeItem(atPath: node.home + "/node.key")
        let keyless = try node.siding("id")
        #expect(keyless.status == 1 && keyless.stdout.isEmpty && keyless.stderr.contains("node.key is missing"), "\(keyless.stderr)")
        let nowhere = try runProcess(BuiltProducts.siding, ["id", "--home", node.directory.file("no-such-home")])
        #expect(nowhere.status == 1 && nowhere.stderr.contains("there is no Siding node in"), "\(nowhere.stderr)")
    }

    @Test func homeMayComeFromTheEnvironment() async throws {
        let node = try TestNode()
        try await node.start()
        defer { node.stop() }
        // `status` reaches the daemon through the home's socket (`id` would only read the home's key).
        let result = try runProcess(BuiltProducts.siding, ["status", "--json"], environment: ["SIDING_HOME": node.home])
        #expect(result.status == 0 && result.stdout.contains(node.nodeID))
    }
}
