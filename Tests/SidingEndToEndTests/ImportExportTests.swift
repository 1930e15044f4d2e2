import Foundation
import SidingAPI
import SidingCore
import SidingTestKit
import Testing

/// `siding contact import|export` and `siding note import|export` against a real daemon, as a user runs them.
@Suite(.serialized) struct ImportExportTests {
    /// The `--json` report, as scripts read it.
    struct Report: Decodable, Equatable {
        struct Item: Decodable, Equatable {
            var position: Int
            var outcome: String
            var id: String?
            var name: String
            var reason: String?
        }
        var file: String
        var format: String
        var charset: String
        var records, created, updated, unchanged, skipped, failed: Int
        var items: [Item]

        var addsUp: Bool { created + updated + unchanged + skipped + failed == records && items.count == records }
        func outcome(at position: Int) -> Item? { items.first { $0.position == position } }
    }

    static func report(_ result: ProcessResult) throws -> Report {
        do {
            return try JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8))
        } catch {
            Issue.record("not a report: \(result.stdout) \(result.stderr)")
            throw error
        }
    }

    static func write(_ text: String, to path: String) throws { try Data(text.utf8).write(to: URL(fileURLWithPath: path)) }

    static func jsonLine(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    static func digest(_ node: TestNode) async throws -> DigestResource { try await node.client.digest() }

    @Test func jsonLinesImportAccountsForEveryRecordAndADryRunReportsTheSameAndWritesNothing() async throws {
        let node = try TestNode()
        try await node.start()
        defer { node.stop() }
        let file = node.directory.file("people.jsonl")
        let lines = [
            try Self.jsonLine(["id": "c_aaaaaaaaaaaaaaaa", "name": "Li Wei", "organization": "Tsinghua", "emails": ["li@example.org"]]),
            try Self.jsonLine(["name": "لي وي", "country": "eg", "tags": ["water", "Water"], "extra": 1]),
            try Self.jsonLine(["name": ""]),
            "not json at all",
            "",
            try Self.jsonLine(["name": "Asha Rao", "role": String(repeating: "r", count: 201)]),
            try Self.jsonLine(["name": "لي وي", "country": "eg", "tags": ["water", "Water"], "extra": 1]),
            try Self.jsonLine(["name": "Bad Mail", "emails": ["not-an-address"]]),
        ]
        try Self.write(lines.joined(separator: "\n") + "\n", to: file)
        let before = try await Self.digest(node)

        let dry = try node.siding("contact", "import", file, "--dry-run", "--json")
        #expect(dry.status == 1, "failures make the exit status non-zero: \(dry.stderr)")
        let planned = try Self.report(dry)
        #expect(try await Self.digest(node) == before, "a dry run writes nothing")
        #expect(planned.records == 7 && planned.addsUp)
        #expect(planned.format == "JSON Lines" && planned.charset == "UTF-8")

        let real = try node.siding("contact", "import", file, "--json", "--report", node.directory.file("report.json"))
        #expect(real.status == 1)
        let done = try Self.report(real)
        #expect(done.addsUp)
        #expect(try JSONDecoder().decode(Report.self, from: Data(contentsOf: URL(fileURLWithPath: node.directory.file("report.json")))) == done)
        #expect((done.created, done.updated, done.unchanged, done.skipped, done.failed) == (2, 0, 0, 1, 4))
        // The same report, except for the IDs of records made under fresh IDs (a dry run makes none).
        for (a, b) in zip(planned.items, done.items) {
            #expect(a.position == b.position && a.outcome == b.outcome && a.name == b.name && a.reason == b.reason)
            if a.id != nil { #expect(a.id == b.id) }
        }
        #expect(done.outcome(at: 1)?.id == "c_aaaaaaaaaaaaaaaa", "a Siding ID not held yet is kept")
        #expect(done.outcome(at: 3)?.reason == "name must not be empty")
        #expect(done.outcome(at: 4)?.reason?.contains("not valid JSON") == true)
        #expect(done.outcome(at: 6)?.reason?.contains("role has 201 characters") == true)
        #expect(done.outcome(at: 7)?.outcome == "skipped" && done.outcome(at: 7)?.id == done.outcome(at: 2)?.id)
        #expect(done.outcome(at: 8)?.reason?.contains("not an e-mail address") == true)
        let arabic = try await node.client.contact(try #require(done.outcome(at: 2)?.id))
        #expect(arabic.text(ContactSchema.country) == "EG" && arabic.members(ContactSchema.tags) == ["water"])

        let again = try Self.report(try node.siding("contact", "import", file, "--json"))
        #expect(again.created == 0 && again.unchanged == 2 && again.addsUp, "importing the same file again creates nothing")

        let truncated = try node.siding("contact", "import", file, "--truncate", "--json")
        let shortened = try Self.report(truncated)
        #expect(shortened.created == 1 && shortened.outcome(at: 6)?.outcome == "created")
        #expect(shortened.outcome(at: 6)?.reason == "role shortened from 201 to 200 characters (--truncate)")
        #expect(try await node.client.contact(try #require(shortened.outcome(at: 6)?.id)).text(ContactSchema.role).count == 200)

        let human = try node.siding("contact", "import", file, "--dry-run")
        #expect(
            human.stdout.contains("created 0, updated 0, unchanged 2, skipped 1, failed 4"),
            "without --truncate the long role fails again: \(human.stdout)")
        #expect(human.stdout.contains("#7 skipped") && human.stdout.contains("Dry run"))
    }

    @Test func ownExportImportsAsNothingNewAndAFreshNodeGetsTheSameRecordsFieldForField() async throws {
        let node = try TestNode(name: "A")
        try await node.start()
        defer { node.stop() }
        for arguments in [
            [
                "--name", "Li Wei", "--org", "Tsinghua", "--country", "CN", "--email", "li@example.org", "--tag", "water", "--bio",
                "Line one\nline two\t\"quoted\"",
            ],
            ["--name", "‏مريم‎ 👩🏽‍🔬", "--phone", "+20 2 1234 5678", "--role", String(repeating: "न", count: 200)],
            ["--name", "李伟", "--org", "Peking University"],
        ] {
            #expect(try node.sidingArguments(["contact", "add"] + arguments).status == 0)
        }
        let export = node.directory.file("all.jsonl")
        let exported = try node.siding("contact", "export", "--format", "jsonl", "--output", export)
        #expect(exported.status == 0 && exported.stderr.contains("wrote 3 contacts"), "\(exported.stderr)")
        let refused = try node.siding("contact", "export", "--format", "jsonl", "--output", export)
        #expect(refused.status != 0 && refused.stderr.contains("already exists"), "an export never overwrites a file")

        let own = try Self.report(try node.siding("contact", "import", export, "--json"))
        #expect(own.records == 3 && own.unchanged == 3 && own.addsUp)

        let fresh = try TestNode(name: "B")
        try await fresh.start()
        defer { fresh.stop() }
        let brought = try Self.report(try fresh.siding("contact", "import", export, "--json"))
        #expect(brought.created == 3 && brought.addsUp)
        let original = try await node.client.contacts()
        let copied = try await fresh.client.contacts()
        #expect(copied == original, "same IDs, same fields")
        let second = try fresh.siding("contact", "export", "--format", "jsonl")
        #expect(second.stdout == (try String(contentsOfFile: export, encoding: .utf8)))
        for format in ["vcard", "vcard3", "google-csv", "outlook-csv"] {
            let path = node.directory.file("all-\(format)")
            #expect(try node.siding("contact", "export", "--format", format, "--output", path).status == 0)
            let again = try Self.report(try node.siding("contact", "import", path, "--json"))
            #expect(again.records == 3 && again.created == 0 && again.addsUp, "own \(format) export creates nothing: \(again)")
            if format.hasPrefix("vcard") {
                #expect(again.unchanged == 3, "\(again)")
                let other = try TestNode(name: "C")
                try await other.start()
                defer { other.stop() }
                #expect(try Self.report(try other.siding("contact", "import", path, "--json")).created == 3)
                #expect(try await other.client.contacts() == original, "\(format) export → import is the identity")
            }
        }
        let filtered = try node.siding("contact", "export", "--format", "jsonl", "--country", "cn")
        #expect(filtered.stdout.split(separator: "\n").count == 1 && filtered.stdout.contains("Tsinghua"))
    }

    @Test func onDuplicateUpdateFillAndMatchingByEmail() async throws {
        let node = try TestNode()
        try await node.start()
        defer { node.stop() }
        let id = try node.siding("contact", "add", "--name", "Li Wei", "--org", "Tsinghua", "--email", "li@example.org", "--tag", "water")
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let file = node.directory.file("li.jsonl")
        try Self.write(try Self.jsonLine(["id": id, "name": "Li Wei", "organization": "PKU", "role": "Dean", "tags": ["rivers"]]) + "\n", to: file)

        let skipped = try Self.report(try node.siding("contact", "import", file, "--json"))
        #expect(skipped.skipped == 1 && skipped.items[0].reason?.contains("already held as \(id)") == true)

        let filled = try Self.report(try node.siding("contact", "import", file, "--on-duplicate", "fill", "--json"))
        #expect(filled.updated == 1 && filled.items[0].id == id)
        var contact = try await node.client.contact(id)
        #expect(contact.text(ContactSchema.organization) == "Tsinghua" && contact.text(ContactSchema.role) == "Dean")
        #expect(contact.members(ContactSchema.tags) == ["rivers", "water"])

        let updated = try Self.report(try node.siding("contact", "import", file, "--on-duplicate", "update", "--json"))
        #expect(updated.updated == 1)
        contact = try await node.client.contact(id)
        #expect(contact.text(ContactSchema.organization) == "PKU")
        let unchanged = try Self.report(try node.siding("contact", "import", file, "--on-duplicate", "update", "--json"))
        #expect(unchanged.unchanged == 1, "an import that would change nothing is unchanged")

        let byMail = node.directory.file("mail.jsonl")
        try Self.write(try Self.jsonLine(["name": "W. Li", "emails": ["li@example.org"], "phones": ["+86 10 1234"]]) + "\n", to: byMail)
        let withoutMatching = try Self.report(try node.siding("contact", "import", byMail, "--dry-run", "--json"))
        #expect(withoutMatching.created == 1, "never matched by e-mail unless asked")
        let matched = try Self.report(try node.siding("contact", "import", byMail, "--match-email", "--on-duplicate", "fill", "--json"))
        #expect(matched.updated == 1 && matched.items[0].id == id)
        #expect(try await node.client.contact(id).members(ContactSchema.phones) == ["+86 10 1234"])
        let fresh = try Self.report(try node.siding("contact", "import", byMail, "--on-duplicate", "new", "--json"))
        #expect(fresh.created == 1 && fresh.items[0].id != id)
    }

    @Test func vCardAndCSVFilesImportOnceAndReimportCreatesNothing() async throws {
        let node = try TestNode()
        try await node.start()
        defer { node.stop() }
        let vcard = node.directory.file("phone.vcf")
        try Self.write(
            """
            BEGIN:VCARD\r
            VERSION:3.0\r
            UID:abc-123\r
            FN:Li Wei\r
            ORG:Tsinghua University;Water Institute\r
            EMAIL;TYPE=INTERNET:li@example.org\r
            CATEGORIES:water,My Contacts\r
            END:VCARD\r
            BEGIN:VCARD\r
            VERSION:3.0\r
            FN:Asha Rao\r
            TEL:+91 11 2345 6789\r
            END:VCARD\r

            """, to: vcard)
        let first = try Self.report(try node.siding("contact", "import", vcard, "--json"))
        #expect(first.records == 2 && first.created == 2 && first.addsUp, "\(first)")
        #expect(first.format.hasPrefix("vCard"))
        let li = try await node.client.contact(try #require(first.outcome(at: 1)?.id))
        #expect(li.text(ContactSchema.organization) == "Tsinghua University" && li.members(ContactSchema.emails) == ["li@example.org"])
        let second = try Self.report(try node.siding("contact", "import", vcard, "--json"))
        #expect(second.created == 0 && second.unchanged == 2, "matched by UID and by content")

        let csv = node.directory.file("partners.csv")
        try Self.write("Full name,Org,Mail\nMeera Iyer,\"Centre for Policy, Delhi\",meera@example.in\nOmar Haddad,,omar@example.jo\n", to: csv)
        let unmapped = try node.siding("contact", "import", csv, "--json")
        #expect(unmapped.status != 0 && unmapped.stderr.contains("nothing was imported"), "\(unmapped.stderr)")
        let mapped = ["contact", "import", csv, "--map", "Full name=name", "--map", "Org=organization", "--map", "Mail=emails", "--json"]
        let csvReport = try Self.report(try node.sidingArguments(mapped))
        #expect(csvReport.created == 2 && csvReport.addsUp, "\(csvReport)")
        #expect(try Self.report(try node.sidingArguments(mapped)).unchanged == 2)
        #expect(try await node.client.contacts(organization: "Centre for Policy, Delhi").count == 1)
    }

    @Test func aKilledDaemonLosesNothingAcknowledgedAndTheRerunCompletesTheImport() async throws {
        let node = try TestNode()
        try await node.start()
        let total = 4_000
        let file = node.directory.file("many.jsonl")
        var text = ""
        for index in 0..<total { text += try Self.jsonLine(["name": "Person \(index)", "emails": ["p\(index)@example.org"]]) + "\n" }
        try Self.write(text, to: file)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: BuiltProducts.siding)
        process.arguments = ["--home", node.home, "contact", "import", file, "--json"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Kill the daemon once some batches are committed, while the CLI is still sending.
        var committed = 0
        for _ in 0..<2_000 where committed < 500 {
            committed = try await Self.digest(node).entities
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(committed >= 500 && committed < total, "killed mid-import (\(committed) committed)")
        node.kill9()
        for _ in 0..<1_000 where process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        #expect(!process.isRunning && process.terminationStatus != 0, "the CLI says the import stopped")

        try await node.start()
        defer { node.stop() }
        #expect(try await Self.digest(node).entities >= committed, "nothing committed is lost")
        let rerun = try node.siding("contact", "import", file, "--json")
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let report = try Self.report(rerun)
        #expect(report.addsUp && report.created + report.unchanged == total && report.unchanged >= committed)
        #expect(try await node.client.contacts().count == total, "every record once, none twice")
        let exported = try node.siding("contact", "export", "--format", "jsonl")
        let ids = exported.stdout.split(separator: "\n").map { $0.dropFirst(7).prefix(18) }
        #expect(ids.count == total && Set(ids).count == total && ids == ids.sorted(), "the export reads every page once, in ID order")
    }

    @Test func notesExportAndImportRoundTripWithTheirParticipants() async throws {
        let node = try TestNode(name: "A")
        try await node.start()
        defer { node.stop() }
        let contact = try node.siding("contact", "add", "--name", "Li Wei").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        for (title, date) in [("Frontier dialogue, round 3", "2026-10-02"), ("水资源 / water", "2026-10-03")] {
            let added = try node.siding(
                "note", "add", "--title", title, "--date", date, "--participant", contact, "--tag", "rivers", "--body", "We met.\nIt went \"well\".")
            #expect(added.status == 0, "\(added.stderr)")
        }
        let notes = node.directory.file("notes.jsonl")
        #expect(try node.siding("note", "export", "--output", notes).status == 0)
        let own = try Self.report(try node.siding("note", "import", notes, "--json"))
        #expect(own.unchanged == 2 && own.addsUp)

        let fresh = try TestNode(name: "B")
        try await fresh.start()
        defer { fresh.stop() }
        let orphaned = try fresh.siding("note", "import", notes, "--json")
        let orphanReport = try Self.report(orphaned)
        #expect(orphaned.status == 1 && orphanReport.failed == 2, "participants must be known contacts")
        #expect(orphaned.stdout.contains("is not a known contact"))
        let contacts = fresh.directory.file("contacts.jsonl")
        #expect(try node.siding("contact", "export", "--format", "jsonl", "--output", contacts).status == 0)
        #expect(try fresh.siding("contact", "import", contacts).status == 0)
        let brought = try Self.report(try fresh.siding("note", "import", notes, "--json"))
        #expect(brought.created == 2)
        #expect(try await fresh.client.notes() == (try await node.client.notes()))

        let directory = node.directory.file("notes-md")
        let markdown = try node.siding("note", "export", "--format", "markdown", "--output", directory)
        #expect(markdown.status == 0 && markdown.stdout.contains("wrote 2 of 2 notes"), "\(markdown.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        #expect(names.count == 2 && names[0].hasPrefix("2026-10-02-frontier-dialogue-round-3-n_") && names[1].hasPrefix("2026-10-03-water-n_"))
        let page = try String(contentsOfFile: directory + "/" + names[0], encoding: .utf8)
        #expect(
            page.hasPrefix("---\nid: \"n_") && page.contains("participants: [\"\(contact)\"]") && page.contains("participant_names: [\"Li Wei\"]"))
        #expect(page.hasSuffix("---\n\nWe met.\nIt went \"well\".\n"))
        let again = try node.siding("note", "export", "--format", "markdown", "--output", directory)
        #expect(again.status != 0 && again.stderr.contains("left as they were"), "never overwritten")
    }
}
