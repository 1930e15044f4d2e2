import ArgumentParser
import SidingAPI

struct PeerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "peer", abstract: "The partner nodes this node keeps in step with (pinned by node ID).",
        subcommands: [Add.self, List.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add (or update) a partner by the node ID its admin gave you; it takes effect at once.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: JSONFlag
        @Argument(help: "The partner's node ID, as `siding id` prints it on its host.") var nodeID: String
        @Option(help: "HOST:PORT to connect to (leave out if only the partner connects to this node).") var address: String?
        @Option(help: "A name for the partner, e.g. the organisation.") var name: String

        func run() async throws {
            try await CLIRun.run(global) { client in
                let peer = try await client.addPeer(PeerResource(nodeID: nodeID, name: name, address: address))
                output.json ? try Printer.json(peer) : Printer.line("partner \(peer.name) (\(peer.nodeID)) added")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List partners.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: JSONFlag

        func run() async throws {
            try await CLIRun.run(global) { client in
                let peers = try await client.peers()
                if output.json { return try Printer.json(peers) }
                var table = Table("NODE ID", "NAME", "ADDRESS")
                for peer in peers { table.add(peer.nodeID, peer.name, peer.address ?? "(dials in)") }
                Printer.line(
                    peers.isEmpty ? "No partners yet; add one with `siding peer add NODE_ID --name NAME --address HOST:PORT`." : table.render())
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a partner: its session closes now and it is refused from now on.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: JSONFlag
        @Argument(help: "The partner's node ID.") var nodeID: String

        func run() async throws {
            try await CLIRun.run(global) { client in
                let peer = try await client.removePeer(nodeID)
                output.json ? try Printer.json(peer) : Printer.line("partner \(peer.name) (\(peer.nodeID)) removed")
            }
        }
    }
}
