import Foundation
import SidingAPI
import SidingCore
import SidingTestKit
import Testing

/// What a person sees and types: the note's text in their editor, a readable diff of conflicting
/// bodies, tables that line up with Chinese and emoji, and local times.
@Suite(.serialized) struct EditorAndDisplayTests {
    /// Runs `siding` with only `environment` (plus a PATH for the editor's tools).
    static func siding(_ node: TestNode, _ arguments: [String], environment: [String: String] = [:]) throws -> ProcessResult {
        try runProcess(BuiltProducts.siding, ["--home", node.home] + arguments, environment: ["PATH": "/usr/bin:/bin"].merging(environment) { $1 })
    }

    @Test func noteEditOpensTheTextInTheEditor() async throws {
        let node = try TestNode()
        try await node.start()
        defer { node.stop() }
        let note = try PeopleTests.created(node, "note", "add", "--title", "Round 1", "--body", "We discussed water.\nAnd rivers.")

        // VISUAL comes before EDITOR; the command may hold arguments, as with git.
        let edited = try Self.siding(node, ["note", "edit", note], environment: ["VISUAL": "sed -i s/water/dams/", "EDITOR": "false"])
        #expect(edited.status == 0, "\(edited.stderr)")
        #expect(try await node.client.note(note).text(NoteSchema.body) == "We discussed dams.\nAnd rivers.")
        let byEditor = try Self.siding(node, ["note", "edit", note], environment: ["EDITOR": "sed -i s/rivers/lakes/"])
        #expect(byEditor.status == 0, "\(byEditor.stderr)")
        #expect(try await node.client.note(note).text(NoteSchema.body) == "We discussed dams.\nAnd lakes.")

        // An editor that adds only a final newline, or saves nothing, or empties the file: nothing is saved.
        for (editor, message) in [("sed -i -e '$a\\'", "unchanged"), ("true", "unchanged"), ("truncate -s 0", "empty")] {
            let refused = try Self.siding(node, ["note", "edit", note], environment: ["EDITOR": editor])
            #expect(refused.status != 0 && refused.stderr.contains(message), "\(editor): \(refused.stderr)")
        }
        let failing = try Self.siding(node, ["note", "edit", note], environment: ["EDITOR": "false"])
        #expect(failing.status != 0 && failing.stderr.contains("exited with status 1"), "\(failing.stderr)")
        #expect(try await node.client.note(note).text(NoteSchema.body) == "We discussed dams.\nAnd lakes.")
        // With assignments, `edit` is `set`.
        #expect(try node.siding("note", "edit", note, "location=Muscat").status == 0)
        #expect(try await node.client.note(note).text(NoteSchema.location) == "Muscat")

        // `note add` without --body opens the editor when typed at a terminal (script(1) gives it one) …
        let script = node.directory.file("write-body.sh")
        try Data("#!/bin/sh\nprintf 'Typed in the editor.\\n' > \"$1\"\n".utf8).write(to: URL(fileURLWithPath: script))
        #expect(chmod(script, 0o755) == 0)
        let command = "'\(BuiltProducts.siding)' --home '\(node.home)' note add --title 'From the editor'"
        let typed = try runProcess(
            "/usr/bin/script", ["-qec", command, "/dev/null"], environment: ["PATH": "/usr/bin:/bin", "EDITOR": script, "TERM": "dumb"])
        #expect(typed.status == 0, "\(typed.stdout) \(typed.stderr)")
        let added = try await node.client.notes().first { $0.text(NoteSchema.title) == "From the editor" }
        #expect(added?.text(NoteSchema.body) == "Typed in the editor.")
        // … and says what to give when its input is not a terminal.
        let piped = try Self.siding(node, ["note", "add", "--title", "No text"], environment: ["EDITOR": script])
        #expect(piped.status != 0 && piped.stderr.contains("--body"), "\(piped.stderr)")
    }

    @Test func bodyConflictsShowALineDiffWithNodeNames() async throws {
        let pair = try await Pair.started()
        defer { pair.stop() }
        let (a, b) = (pair.a, pair.b)
        let lines = (1...12).map { "Line \($0) of the minutes." }
        let note = try PeopleTests.created(a, "note", "add", "--title", "Round 5", "--body", lines.joined(separator: "\n"))
        try await pair.link()
        #expect(try await eventually { (try? await b.client.note(note)) != nil })
        var fromA = lines
        fromA[3] = "Line 4, as Alpha heard it."
        var fromB = lines
        fromB[9] = "Line 10, as Bravo heard it."
        try await pair.apart(
            { () throws in #expect(try a.siding("note", "set", note, "body=" + fromA.joined(separator: "\n")).status == 0) },
            { () throws in #expect(try b.siding("note", "set", note, "body=" + fromB.joined(separator: "\n")).status == 0) })
        #expect(try await pair.inStep())

        let report = try a.siding("conflicts")
        #expect(report.status == 0)
        let text = report.stdout
        let shownIsA = try await a.client.note(note).text(NoteSchema.body) == fromA.joined(separator: "\n")
        let (removed, added) = shownIsA ? (fromA, fromB) : (fromB, fromA)
        for expected in [
            "Round 5", "Alpha", "Bravo", "- " + (shownIsA ? removed[3] : removed[9]), "+ " + (shownIsA ? lines[3] : lines[9]),
            "- " + (shownIsA ? lines[9] : lines[3]), "+ " + (shownIsA ? added[9] : added[3]), "1 unchanged line",
        ] {
            #expect(text.contains(expected), "conflicts lacks '\(expected)':\n\(text)")
        }
        #expect(!text.contains("\n    Line 1 of the minutes."), "far context must be left out:\n\(text)")
    }

    @Test func tablesLineUpWideCharactersAndShowLocalTimes() async throws {
        let node = try TestNode(name: "Geneva Centre")
        try await node.start()
        defer { node.stop() }
        let names = ["李伟", "Ana Ruiz", "👍🏽 Emoji Fan", "김민준 교수"]
        for (index, name) in names.enumerated() {
            _ = try PeopleTests.created(node, "contact", "add", "--name", name, "--org", "ORG\(index)")
        }
        let table = try node.siding("contact", "list").stdout.split(separator: "\n").map(String.init)
        let header = try #require(table.first)
        let column = Self.columns(String(header[..<(try #require(header.range(of: "ORGANIZATION"))).lowerBound]))
        for line in table.dropFirst() {
            let org = try #require(line.range(of: "ORG"), "\(line)")
            #expect(Self.columns(String(line[..<org.lowerBound])) == column, "misaligned: \(line)")
        }

        // Right-to-left marks are text; overrides and isolates are escaped; CRLF is a line break.
        let arabic = "\u{200F}سلام\u{200E} and \u{202E}evil\u{2066}"
        let note = try await node.client.create(.notes, CreateRequest(set: ["title": "Round 2", "body": "first\r\nsecond \(arabic)"]))
        let shown = try node.siding("note", "show", note.id).stdout
        #expect(shown.contains("  first\n  second \u{200F}سلام\u{200E} and \\u{202e}evil\\u{2066}"), "\(shown)")
        #expect(!shown.contains("\\u{d}") && !shown.contains("\r"))

        // History in the machine's time zone; JSON stays UTC.
        let kolkata = try EditorAndDisplayTests.siding(node, ["history", note.id], environment: ["TZ": "Asia/Kolkata"])
        let json = try JSONDecoder().decode([HistoryItem].self, from: Data(try node.siding("history", note.id, "--json").stdout.utf8))
        let utc = try #require(json.first?.time)
        #expect(utc.hasSuffix("Z"))
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let date = try #require(formatter.date(from: utc))
        let local = DateFormatter()
        local.locale = Locale(identifier: "en_US_POSIX")
        local.timeZone = TimeZone(identifier: "Asia/Kolkata")
        local.dateFormat = "yyyy-MM-dd HH:mm:ss"
        #expect(kolkata.stdout.contains(local.string(from: date) + " +05:30"), "\(kolkata.stdout)")
        #expect(kolkata.stdout.contains("Geneva Centre"))
    }

    /// Terminal columns of the test's own strings: their CJK and emoji characters take two.
    static func columns(_ text: String) -> Int {
        text.reduce(0) { total, character in
            let first = character.unicodeScalars.first?.value ?? 0
            return total + (first >= 0x1100 ? 2 : 1)
        }
    }
}
