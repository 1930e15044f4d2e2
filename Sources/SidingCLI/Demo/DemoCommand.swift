import ArgumentParser
import Foundation
import SidingAPI
import SidingCore

/// `siding demo`: three throw-away nodes on loopback in a line (A–B–C, no A–C link). A and C write,
/// including a conflicting edit made while the relay B was offline; then all three are shown holding
/// the same merged view. Leaves nothing running or on disk.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Run three throw-away local nodes (A-B-C, in a line) with sample data and show Siding keeping them in step.")

    func run() async throws {
        guard let daemon = DaemonExecutable.path() else { CLIRun.fail("cannot find the sidingd executable next to siding or on PATH") }
        let network = DemoNetwork(daemon: daemon)
        defer { network.tearDown() }
        do {
            try await show(network)
        } catch {
            network.tearDown()
            CLIRun.fail("demo failed: \(error)")
        }
    }

    private func show(_ network: DemoNetwork) async throws {
        let a = try network.create("Association of World Citizens", directory: "a")
        let b = try network.create("Peace Institute", directory: "b")
        let c = try network.create("Centre for Dialogue", directory: "c")
        var addresses: [String: String] = [:]
        for node in [a, b, c] { addresses[node.id] = try await network.start(node) }
        let bAddress = addresses[b.id] ?? ""
        heading("Three nodes on loopback, in a line: A – B – C (A and C never talk directly)")
        for (label, node) in [("A", a), ("B", b), ("C", c)] {
            Printer.line("  \(label)  \(node.name)  node ID \(node.id)  \(addresses[node.id] ?? "")")
        }

        heading("$ siding peer add …   (IDs exchanged out of band; A and C dial B)")
        _ = try await a.client.addPeer(PeerResource(nodeID: b.id, name: b.name, address: bAddress))
        _ = try await b.client.addPeer(PeerResource(nodeID: a.id, name: a.name, address: nil))
        _ = try await b.client.addPeer(PeerResource(nodeID: c.id, name: c.name, address: nil))
        _ = try await c.client.addPeer(PeerResource(nodeID: b.id, name: b.name, address: bAddress))

        var ids: [String: String] = [:]
        for person in DemoData.people.prefix(4) { ids[person.key] = try await a.client.create(.contacts, person.request).id }
        // Notes on A name only contacts A already holds (a participant must be a known contact).
        let knownOnA = ids
        for person in DemoData.people.dropFirst(4) { ids[person.key] = try await c.client.create(.contacts, person.request).id }
        for round in DemoData.rounds {
            _ = try await a.client.create(
                .notes,
                CreateRequest(
                    set: ["title": round.title, "date": round.date, "conflict": DemoData.conflict, "location": round.location, "body": round.body],
                    add: ["participants": round.participants.compactMap { knownOnA[$0] }, "tags": ["china-india"]],
                    // The demo shows the whole network converging (B relays between A and C).
                    circle: CircleRef.networkName))
        }
        Printer.line("A added 4 contacts and 3 dialogue notes; C added 2 contacts. Each edit is one signed change.")
        try await waitInStep([a, b, c])

        let li = ids["li"] ?? ""
        heading("B goes offline. Meanwhile A and C both edit Li Wei's role:")
        network.stop(b)
        _ = try await a.client.edit(.contacts, id: li, EditRequest(set: ["role": "Senior Fellow"]))
        _ = try await c.client.edit(.contacts, id: li, EditRequest(set: ["role": "Visiting Professor"]))
        Printer.line("  on A: role = Senior Fellow      on C: role = Visiting Professor")
        heading("B comes back; the nodes catch up from what each acknowledged:")
        // B comes back on a new free port, so A and C update its address (`siding peer add` again).
        let newAddress = try await network.start(b)
        _ = try await a.client.addPeer(PeerResource(nodeID: b.id, name: b.name, address: newAddress))
        _ = try await c.client.addPeer(PeerResource(nodeID: b.id, name: b.name, address: newAddress))
        try await waitInStep([a, b, c])

        heading("$ siding contact list   (on C: A's contacts arrived through B, signatures checked against A's key)")
        Printer.line(Views.contactTable(try await c.client.contacts()))
        heading("$ siding conflicts   (the same on every node: nothing either side typed was lost)")
        Printer.line(Views.conflictReport(try await c.client.conflicts()))
        let views = try await [a, b, c].asyncMap { node in try await MergedSnapshot(node.client) }
        heading(
            "Merged views: "
                + (views.allSatisfy { $0 == views[0] }
                    ? "identical on A, B and C (\(views[0].contacts.count) contacts, \(views[0].notes.count) notes)" : "DIFFERENT"))
        try await showCircle(a: a, b: b, c: c)
        heading("$ siding history \(li)   (on B)")
        Printer.line(Views.historyTable(try await b.client.history(li)))
        heading(
            "Done: the three demo nodes are stopped and their homes removed. Start your own with:\n  siding init --home ~/aw --name \"Your organisation\" --listen 0.0.0.0:7400\n  sidingd --home ~/aw &"
        )
    }

    /// A private circle beside the network: A shares a contact with B only; C, B's partner, never
    /// receives a byte of it, while network records keep flowing through B.
    private func showCircle(a: DemoNetwork.Node, b: DemoNetwork.Node, c: DemoNetwork.Node) async throws {
        heading("$ siding circle create \"Frontier dialogue\" --member <B>   (on A: a circle of A and B only)")
        let circle = try await a.client.createCircle(CircleCreateRequest(name: "Frontier dialogue", members: [b.id])).circle
        Printer.line("  \(circle.id)  owner: A, \(circle.members) members")
        heading("$ siding contact add --name \"Meera Sen\" --circle \"Frontier dialogue\"   (on A)")
        let secret = try await a.client.create(
            .contacts, CreateRequest(set: ["name": "Meera Sen", "role": "Former Officer"], circle: circle.id)
        ).id
        let open = try await a.client.create(.contacts, CreateRequest(set: ["name": "Open Forum Desk"], circle: CircleRef.networkName)).id
        Printer.line("  and, for everyone, \"Open Forum Desk\" in the network")
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            let onB = (try? await b.client.contact(secret)) != nil
            let onC = (try? await c.client.contact(open)) != nil
            if onB && onC { break }
            guard ContinuousClock.now < deadline else { throw CLIError("the circle's contact did not reach B within 30 s") }
            try await Task.sleep(for: .milliseconds(50))
        }
        let onB = try await b.client.contacts(circle: circle.id)
        let onC = try await c.client.contacts()
        Printer.line("  on B (a member): \(onB.map { $0.text(ContactSchema.name) }.joined(separator: ", ")) in the circle")
        Printer.line(
            "  on C (B's partner, not a member): \(onC.contains { $0.id == secret } ? "HAS IT: LEAK" : "no trace of it")"
                + "; the network's \"Open Forum Desk\" \(onC.contains { $0.id == open } ? "arrived through B" : "missing")")
        guard !onC.contains(where: { $0.id == secret }) else { throw CLIError("the circle's contact reached C, which is not a member") }
        heading("$ siding circle audit \"Frontier dialogue\"   (on A: who was sent what of the circle)")
        for entry in try await a.client.circleAudit(circle.id) {
            Printer.line("  \(entry.peerName ?? entry.peer)  seq \(entry.firstSeq)–\(entry.lastSeq)")
        }
    }

    /// Waits until every node is in step with every partner (at most 30 s).
    private func waitInStep(_ nodes: [DemoNetwork.Node]) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            var allInStep = true
            for node in nodes {
                let status = try await node.client.status()
                if !status.peers.allSatisfy(\.inStep) { allInStep = false }
            }
            let snapshots = try await nodes.asyncMap { try await MergedSnapshot($0.client) }
            if allInStep && snapshots.allSatisfy({ $0 == snapshots[0] }) { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        var report: [String] = []
        for node in nodes {
            let status = try await node.client.status()
            report.append(
                node.name + ": "
                    + status.peers.map {
                        "\($0.name) connected=\($0.connected) ↓\($0.missingHere.map(String.init) ?? "?") ↑\($0.missingThere.map(String.init) ?? "?") \($0.lastError ?? "")"
                    }.joined(
                        separator: "; "))
        }
        throw CLIError("the demo nodes did not get in step within 30 s: " + report.joined(separator: " | "))
    }

    private func heading(_ text: String) { Printer.line("\n\(text)") }
}

/// Everything a node shows, for comparing nodes.
struct MergedSnapshot: Equatable {
    let contacts: [ContactResource]
    let notes: [NoteResource]
    let conflicts: [ConflictItem]

    init(_ client: LocalAPIClient) async throws {
        contacts = try await client.contacts()
        notes = try await client.notes()
        // Node names are each node's own view (a node names its partners only), not part of the merged view.
        conflicts = try await client.conflicts().map { item in
            var item = item
            item.values = item.values.map { value in
                var value = value
                value.nodeName = nil
                return value
            }
            return item
        }
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
