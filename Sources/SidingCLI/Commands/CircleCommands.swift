import ArgumentParser
import SidingAPI

/// Help texts of `--circle`, shared by the commands that take it.
enum CircleOption {
    static let addHelp: ArgumentHelp =
        "The circle it goes into: a circle's name or ID, `partners` or `network` (default: [sharing] default_circle in siding.toml)."
    static let listHelp: ArgumentHelp = "Only records of this circle (name or ID; `network` for the records of no circle)."
    static let argumentHelp: ArgumentHelp = "The circle: its name (any case), ID or a unique ID prefix; `partners` for this node's partners circle."
}

/// What `contact add` and `note add` print: the ID on stdout, where the record went on stderr (so
/// `id=$(siding contact add …)` still gets the ID alone).
enum AddReport {
    struct Added: Encodable {
        let id: String
        let circle: CircleRef?
    }

    static func print(_ result: WriteResult, json: Bool) throws {
        if json { return try Printer.json(Added(id: result.id, circle: result.placement?.circle)) }
        Printer.line(result.id)
        if let placement = result.placement { try? StandardStream.error.write(placement.sentence("added to") + "\n") }
    }
}

struct CircleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "circle", abstract: "Circles: the partners a record is shared with (and nobody else).",
        discussion:
            "A record belongs to one circle and reaches only its members; `network` (records of no circle) reaches every partner and their partners. Members are node IDs, as `siding id` prints them.",
        subcommands: [Create.self, List.self, Show.self, Add.self, Remove.self, Leave.self, Audit.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a circle this node owns; prints its ID.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: JSONFlag
        @Argument(help: "Its name, which every member sees.") var name: String
        @Option(help: "A member's node ID (repeatable); this node is always a member.") var member: [String] = []

        func run() async throws {
            try await CLIRun.run(global) { client in
                let circle = try await client.createCircle(CircleCreateRequest(name: name, members: member))
                output.json ? try Printer.json(circle) : Printer.line(circle.circle.id)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the circles this node is in.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: JSONFlag

        func run() async throws {
            try await CLIRun.run(global) { client in
                let circles = try await client.circles()
                if output.json { return try Printer.json(circles) }
                guard !circles.isEmpty else {
                    return Printer.line("This node is in no circle; new records go to the network. Create one with `siding circle create NAME`.")
                }
                var table = Table("NAME", "ID", "OWNER", "MEMBERS", "RECORDS", "ROLE")
                for circle in circles {
                    table.add(
                        circle.name, circle.id, circle.ownerName.map { "\($0) (\(circle.owner.prefix(11)))" } ?? circle.owner,
                        String(circle.members), String(circle.records), circle.role)
                }
                Printer.line(table.render())
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a circle: its members, which are your partners, and what it holds.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: JSONFlag
        @Argument(help: CircleOption.argumentHelp) var circle: String

        func run() async throws {
            try await CLIRun.run(global) { client in
                let detail = try await client.circle(circle)
                output.json ? try Printer.json(detail) : Printer.line(CircleViews.detail(detail))
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Admit a node to a circle this node owns.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: JSONFlag
        @Argument(help: CircleOption.argumentHelp) var circle: String
        @Argument(help: "The node ID to admit, as `siding id` prints it on its host.") var nodeID: String

        func run() async throws {
            try await CLIRun.run(global) { client in
                let detail = try await client.addMember(circle, nodeID: nodeID)
                output.json ? try Printer.json(detail) : Printer.line(CircleViews.detail(detail))
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a member from a circle this node owns; returns once no session sends the circle to it any more.",
            discussion: "The removed node keeps what it already received; what it writes in the circle from now on is void everywhere.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: JSONFlag
        @Argument(help: CircleOption.argumentHelp) var circle: String
        @Argument(help: "The member's node ID.") var nodeID: String

        func run() async throws {
            try await CLIRun.run(global) { client in
                let detail = try await client.removeMember(circle, nodeID: nodeID)
                output.json ? try Printer.json(detail) : Printer.line(CircleViews.detail(detail))
            }
        }
    }

    struct Leave: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Leave a circle this node is a member of (its owner cannot leave).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: JSONFlag
        @Argument(help: CircleOption.argumentHelp) var circle: String

        func run() async throws {
            try await CLIRun.run(global) { client in
                let left = try await client.leaveCircle(circle)
                output.json ? try Printer.json(left) : Printer.line("left circle \"\(left.name)\" (\(left.id))")
            }
        }
    }

    struct Audit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Which partner was sent which part of a circle (log and seqs), and when; and which of its records were erased.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: JSONFlag
        @Argument(help: CircleOption.argumentHelp) var circle: String
        @Flag(help: "Only the erasures of the circle's records: record ID, by which node, when (never what).") var erasures = false

        func run() async throws {
            try await CLIRun.run(global) { client in
                if erasures {
                    let erased = try await client.circleErasures(circle)
                    return output.json ? try Printer.json(erased) : Printer.line(Self.erasureSection(erased))
                }
                let rows = try await client.circleAudit(circle)
                if output.json { return try Printer.json(rows) }
                let erased = try await client.circleErasures(circle)
                guard !rows.isEmpty else {
                    return Printer.line(
                        (["Nothing of this circle has been sent to any partner yet."] + Self.erasureLines(erased)).joined(separator: "\n"))
                }
                var table = Table("SENT", "TO", "LOG OF", "SEQS")
                for row in rows {
                    table.add(
                        LocalTime.format(row.sentAt), CircleViews.node(row.peer, row.peerName),
                        row.author.map { CircleViews.node($0, row.authorName) } ?? "(unknown log)",
                        row.firstSeq == row.lastSeq ? "\(row.firstSeq)" : "\(row.firstSeq)–\(row.lastSeq)")
                }
                Printer.line(([table.render()] + Self.erasureLines(erased)).joined(separator: "\n"))
            }
        }

        private static func erasureLines(_ erased: [ErasureResource]) -> [String] {
            erased.isEmpty ? [] : ["", "Erased records:", Views.erasureTable(erased)]
        }

        private static func erasureSection(_ erased: [ErasureResource]) -> String {
            erased.isEmpty ? "No record of this circle was erased." : Views.erasureTable(erased)
        }
    }
}

struct MoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "move", abstract: "Move a record to another circle: a copy of its current values is added there; prints the new ID.",
        discussion:
            "The old record is deleted (its history stays where it was); neither points to the other. The target circle receives a snapshot, not the history."
    )
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: JSONFlag
    @Argument(help: "The contact or note: its ID, a unique ID prefix, or its name or title.") var record: String
    @Option(help: "The circle to move it into (name or ID; `network` for every partner and their partners).") var to: String

    func run() async throws {
        try await CLIRun.run(global) { client in
            let result = try await client.move(record, to: to)
            if output.json { return try Printer.json(result) }
            Printer.line(result.id)
            try? StandardStream.error.write(result.placement.sentence("moved to") + "; \(result.old) is deleted\n")
        }
    }
}

enum CircleViews {
    static func node(_ id: String, _ name: String?) -> String { name.map { "\($0) (\(id.prefix(11)))" } ?? id }

    static func detail(_ detail: CircleDetailResource) -> String {
        let circle = detail.circle
        var lines = [
            "circle   \(circle.name)"
                + (circle.sharedName != circle.name && !circle.sharedName.isEmpty ? " (shared name: \(circle.sharedName))" : ""),
            "id       \(circle.id)",
            "role     this node is its \(circle.role)" + (circle.partners ? "; its members are exactly your partners" : ""),
            "records  \(circle.records)",
            "members  \(circle.members)",
        ]
        for member in detail.memberList {
            var notes: [String] = []
            if member.isOwner { notes.append("owner") }
            if member.isThisNode {
                notes.append("this node")
            } else if member.isPartner {
                notes.append("your partner")
            } else {
                notes.append("not your partner: reached only through other members")
            }
            lines.append("  \(node(member.nodeID, member.name))  \(notes.joined(separator: ", "))")
        }
        return lines.joined(separator: "\n")
    }
}
