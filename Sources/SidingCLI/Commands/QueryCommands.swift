import ArgumentParser
import SidingAPI

struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "search", abstract: "Full-text search over contacts and notes, best match first.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: JSONFlag
    @Argument(help: "Words to find (all must match; end a word with * for a prefix).") var words: [String]
    @Option(help: "At most this many results.") var limit = 50
    @Option(help: CircleOption.listHelp) var circle: String?

    func run() async throws {
        try await CLIRun.run(global) { client in
            let page = try await client.searchPage(words.joined(separator: " "), limit: limit, circle: circle)
            output.json ? try Printer.json(page.results) : Printer.line(Views.searchTable(page.results))
            // On stderr: it is about the list, not part of it, so a pipe gets the results alone.
            if let cut = Views.searchCut(shown: page.results.count, total: page.total) { try? StandardStream.error.write(cut + "\n") }
        }
    }
}

struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "history", abstract: "Who changed what, when, from which node.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: JSONFlag
    @Argument(help: "Contact or note: its ID, a unique ID prefix, or its name or title.") var id: String

    func run() async throws {
        try await CLIRun.run(global) { client in
            let items = try await client.history(id)
            output.json ? try Printer.json(items) : Printer.line(Views.historyTable(items))
        }
    }
}

struct ConflictsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conflicts", abstract: "Fields partners edited concurrently, with every value; writing the field resolves it.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: JSONFlag

    func run() async throws {
        try await CLIRun.run(global) { client in
            let items = try await client.conflicts()
            output.json ? try Printer.json(items) : Printer.line(items.isEmpty ? "No conflicts." : Views.conflictReport(items))
        }
    }
}

struct DigestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digest", abstract: "A fingerprint of the merged view and of the changes held: equal on partners in step.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: JSONFlag
    @Option(help: "The digest of this circle's part only (name or ID; `network` for the records of no circle): its members compare it.")
    var circle: String?

    func run() async throws {
        try await CLIRun.run(global) { client in
            let digest = if let circle { try await client.digest(circle: circle) } else { try await client.digest() }
            output.json ? try Printer.json(digest) : Printer.line(Views.digest(digest))
        }
    }
}

struct IDCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "id", abstract: "Print this node's ID, to give to partners.",
        discussion:
            #"Read from the node's key in its home, so it works whether or not sidingd runs. --json prints {"id"}, and "name", "listen" and "version" from the daemon while it runs."#
    )
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: JSONFlag

    func run() async throws {
        let id: String
        do { id = try NodeKeyReader.nodeID(home: try global.resolvedHome()).description } catch { CLIRun.fail(String(describing: error)) }
        guard output.json else { return Printer.line(id) }
        // The daemon knows what the key does not: the port it actually bound, its version.
        if let node = try? await global.client().node(), node.id == id { return try Printer.json(node) }
        try Printer.json(["id": id])
    }
}
