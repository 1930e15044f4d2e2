import Foundation
import SidingAPI
import SidingCore
import SidingTestKit
import Testing

/// `siding search` against a real daemon: CJK text found inside words, a cut list that says so, and
/// searches over a 150 KB note that come back within their budget while the node answers other calls.
@Suite(.serialized) struct SearchEndToEndTests {
    @Test func chineseTextIsFoundInsideWords() async throws {
        let node = try TestNode(name: "CJK")
        try await node.start()
        defer { node.stop() }
        let note = try node.siding("note", "add", "--title", "水资源会议", "--date", "2026-10-02", "--body", "今天我们讨论了水资源问题和洪水数据共享。")
        #expect(note.status == 0, "\(note.stderr)")
        let noteID = note.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let contact = try node.siding("contact", "add", "--name", "Li Wei", "--org", "北京大学")
        #expect(contact.status == 0, "\(contact.stderr)")
        let contactID = contact.stdout.trimmingCharacters(in: .whitespacesAndNewlines)

        let water = try node.siding("search", "水资源", "--json")
        #expect(try JSONDecoder().decode([SearchResult].self, from: Data(water.stdout.utf8)).map(\.id) == [noteID])
        let beijing = try node.siding("search", "北京", "--json")
        #expect(try JSONDecoder().decode([SearchResult].self, from: Data(beijing.stdout.utf8)).map(\.id) == [contactID])
        let table = try node.siding("search", "数据共享")
        #expect(table.status == 0 && table.stdout.contains(noteID) && table.stdout.contains("数据共享"), "\(table.stdout)")
        let folded = try node.siding("contact", "add", "--name", "Zoë Müller", "--org", "Московский университет")
        #expect(folded.status == 0)
        let latin = try node.siding("search", "ZOE", "MULLER", "--json")
        #expect(try JSONDecoder().decode([SearchResult].self, from: Data(latin.stdout.utf8)).count == 1)
        let cyrillic = try node.siding("search", "zoe", "МОСКОВСКИЙ", "--json")
        #expect(try JSONDecoder().decode([SearchResult].self, from: Data(cyrillic.stdout.utf8)).count == 1)
    }

    @Test func aCutListSaysHowManyMatched() async throws {
        let node = try TestNode(name: "Cut")
        try await node.start()
        defer { node.stop() }
        for n in 0..<3 { #expect(try node.siding("contact", "add", "--name", "Delegate \(n)").status == 0) }
        let cut = try node.siding("search", "delegate", "--limit", "2")
        #expect(cut.status == 0)
        #expect(cut.stderr.contains("2 of 3 shown; --limit N"), "\(cut.stderr)")
        #expect(cut.stdout.split(separator: "\n").count == 3, "header and two rows: \(cut.stdout)")
        let whole = try node.siding("search", "delegate")
        #expect(whole.status == 0 && whole.stderr.isEmpty, "\(whole.stderr)")
        let page = try await node.client.searchPage("delegate", limit: 1)
        #expect(page.results.count == 1 && page.total == 3)
    }

    @Test func searchesOverALongNoteReturnWithinTheirBudgetWhileTheNodeAnswers() async throws {
        let node = try TestNode(name: "Long")
        try await node.start()
        defer { node.stop() }
        var random = SeededGenerator(seed: 13)
        var text = ""
        while text.utf8.count < 150_000 {
            text += (0..<12).map { _ in Population.prose[Int.random(in: 0..<Population.prose.count, using: &random)] }.joined(separator: " ") + ". "
        }
        let client = node.client
        _ = try await client.create(.notes, CreateRequest(set: ["title": "Long transcript", "body": text]))
        _ = try await client.create(.contacts, CreateRequest(set: ["name": "Someone Else"]))
        let words = text.split(separator: " ").map { $0.trimmingCharacters(in: .punctuationCharacters) }
        let budget = Duration.seconds(3)
        // Generous: the machine running the tests may be loaded; the point is minutes versus seconds.
        let margin = Duration.seconds(20)

        let paragraph = words[40..<160].joined(separator: " ")
        let started = ContinuousClock.now
        let pasted = try node.siding("search", paragraph)
        #expect(ContinuousClock.now - started < budget + margin)
        #expect(pasted.status == 1 && pasted.stderr.contains("at most 64"), "\(pasted.stderr)")

        // Several long searches at once, and meanwhile other reads and the status answer.
        let queries = [words[40..<70], words[100..<160], words[300..<330], words[500..<520]].map { $0.joined(separator: " ") }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for query in queries {
                group.addTask {
                    let start = ContinuousClock.now
                    do {
                        let page = try await client.searchPage(query)
                        #expect(page.results.map(\.title) == ["Long transcript"])
                    } catch LocalAPIError.refused(_, let code, let message) {
                        #expect(code == "search_refused", "\(message)")
                    }
                    #expect(ContinuousClock.now - start < budget + margin)
                }
            }
            group.addTask {
                let start = ContinuousClock.now
                #expect(try await client.contacts().map { $0.text(ContactSchema.name) } == ["Someone Else"])
                _ = try await client.status()
                #expect(ContinuousClock.now - start < margin)
            }
            try await group.waitForAll()
        }
        let status = try node.siding("status")
        #expect(status.status == 0, "\(status.stderr)")
    }
}
