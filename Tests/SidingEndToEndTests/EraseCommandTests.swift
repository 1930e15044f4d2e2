import Crypto
import Foundation
import SidingAPI
import SidingCore
import SidingStore
import SidingTestKit
import Testing

/// `siding contact|note erase`, `list --erased`, `history`, `show`, `status` and a circle's audit of an
/// erased record, through the real CLI and daemons.
@Suite(.serialized) struct EraseCommandTests {
    @Test func anErasedRecordKeepsOnlyItsIDWhoAndWhenAndRefusesWrites() async throws {
        let node = try TestNode(name: "Geneva Centre", defaultCircle: nil)
        try await node.start()
        defer { node.stop() }
        _ = try Self.created(node, "circle", "create", "Track Two")
        let marker = "canary" + String(format: "%08x", UInt32.random(in: 0...UInt32.max))
        let contact = try Self.created(
            node, "contact", "add", "--name", "\(marker) Name", "--bio", "\(marker) bio", "--email", "\(marker)@example.org", "--tag", marker,
            "--circle", "Track Two")
        let note = try Self.created(
            node, "note", "add", "--title", "\(marker) title", "--body", "\(marker) body", "--participant", contact, "--circle", "Track Two")
        #expect(try node.siding("contact", "set", contact, "role=\(marker) role").status == 0)
        #expect(!(try CircleCommandTests.databaseFiles(of: node, containing: marker).isEmpty), "positive control: the files hold the canary")

        // Without a terminal and without --yes: refused, nothing erased.
        let unconfirmed = try node.siding("contact", "erase", contact, stdin: Data())
        #expect(unconfirmed.status == 1 && unconfirmed.stderr.contains("pass --yes"), "\(unconfirmed.stderr)")
        #expect(try await node.client.contact(contact).erased == nil)

        let erased = try node.siding("contact", "erase", contact, "--yes")
        #expect(erased.status == 0 && erased.stdout.contains("\(contact) erased by Geneva Centre at "), "\(erased.stdout) \(erased.stderr)")
        #expect(try node.siding("note", "erase", note, "--yes", "--json").status == 0)

        // list --erased: ID, when, by whom; nothing else.
        let listed = try Self.decode([ErasureResource].self, try node.siding("contact", "list", "--erased", "--json"))
        #expect(listed.map(\.id) == [contact] && listed.first?.erasedBy == node.nodeID && listed.first?.erasedByName == "Geneva Centre")
        let table = try node.siding("contact", "list", "--erased").stdout
        #expect(table.contains(contact) && table.contains("Geneva Centre") && !table.contains(marker), "\(table)")
        #expect(try Self.decode([ErasureResource].self, try node.siding("note", "list", "--erased", "--json")).map(\.id) == [note])
        #expect(!(try node.siding("contact", "list").stdout.contains(contact)))

        // history: every operation remains with who and when; every value reads "erased"; the erasure says who and when.
        let history = try Self.decode([HistoryItem].self, try node.siding("history", contact, "--json"))
        #expect(history.count >= 6, "\(history)")
        let order = history.filter { $0.action == "erase" }
        #expect(order.count == 1 && order.first?.value?.hasPrefix("erased by Geneva Centre at ") == true, "\(order)")
        #expect(history.filter { $0.action != "erase" }.allSatisfy { $0.value == "erased" && $0.node == node.nodeID }, "\(history)")
        let historyText = try node.siding("history", contact).stdout
        #expect(historyText.contains("erased by Geneva Centre") && !historyText.contains(marker), "\(historyText)")
        #expect(!(try node.siding("history", note).stdout.contains(marker)))

        // show: the ID and who erased it when, nothing else.
        let shown = try node.siding("contact", "show", contact)
        #expect(shown.status == 0 && shown.stdout.contains(contact) && shown.stdout.contains("erased by Geneva Centre at "), "\(shown.stdout)")
        #expect(!shown.stdout.contains(marker) && !shown.stdout.contains("name"), "\(shown.stdout)")
        let shownJSON = try Self.decode(ContactResource.self, try node.siding("contact", "show", contact, "--json"))
        #expect(shownJSON.erased?.erasedBy == node.nodeID && shownJSON.text(ContactSchema.name).isEmpty)
        #expect(try node.siding("note", "show", note).stdout.contains("erased by Geneva Centre"))

        // Nothing can be written to it: edit, delete, restore, a participant, erase again.
        let refusals = [
            try node.siding("contact", "set", contact, "name=Someone"), try node.siding("contact", "delete", contact),
            try node.siding("contact", "restore", contact), try node.siding("contact", "erase", contact, "--yes"),
            try node.siding("note", "set", note, "title=Again"), try node.siding("move", contact, "--to", "partners"),
            try node.siding("note", "add", "--title", "Later", "--body", "x", "--participant", contact, "--circle", "Track Two"),
        ]
        for refused in refusals {
            #expect(refused.status == 1, "\(refused.stdout)")
            #expect(refused.stderr.contains("was erased by Geneva Centre (\(node.nodeID)) at "), "\(refused.stderr)")
            #expect(refused.stderr.contains("nothing can be written to it"), "\(refused.stderr)")
        }

        // status counts them; the circle's audit lists them (which record, by whom, when).
        #expect(try node.siding("status").stdout.contains("2 records erased"))
        #expect(try Self.decode(StatusResource.self, try node.siding("status", "--json")).erased == 2)
        let audit = try node.siding("circle", "audit", "Track Two").stdout
        #expect(audit.contains("Erased records:") && audit.contains(contact) && audit.contains(note) && !audit.contains(marker), "\(audit)")
        let auditErasures = try Self.decode([ErasureResource].self, try node.siding("circle", "audit", "Track Two", "--erasures", "--json"))
        #expect(Set(auditErasures.map(\.id)) == [contact, note])
        #expect(try CircleCommandTests.databaseFiles(of: node, containing: marker).isEmpty, "the files still hold the canary")

        // A deleted record can be erased too.
        let deleted = try Self.created(node, "contact", "add", "--name", "Deleted First", "--circle", "Track Two")
        #expect(try node.siding("contact", "delete", deleted).status == 0)
        let erasedDeleted = try node.siding("contact", "erase", deleted, "--yes")
        #expect(erasedDeleted.status == 0, "\(erasedDeleted.stderr)")
        #expect(try Self.decode([ErasureResource].self, try node.siding("contact", "list", "--erased", "--json")).count == 2)
        #expect(!(try node.siding("contact", "list", "--deleted").stdout.contains(deleted)))

        // A record shared with the whole network is erased by the node that made it.
        let wide = try Self.created(node, "contact", "add", "--name", "Network Person", "--circle", "network")
        let network = try node.siding("contact", "erase", wide, "--yes")
        #expect(network.status == 0 && network.stdout.contains(wide), "\(network.stderr)")
        #expect(try await node.client.contact(wide).erased != nil)
        #expect(!(try node.siding("contact", "show", wide).stdout.contains("Network Person")))
    }

    /// On a terminal (a pseudo-terminal made by util-linux `script`), erase says what will happen and
    /// erases only when the answer is yes.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
    func onATerminalEraseAsksFirst() async throws {
        let node = try TestNode(name: "Geneva Centre", defaultCircle: nil)
        try await node.start()
        defer { node.stop() }
        _ = try Self.created(node, "circle", "create", "Track Two")
        let contact = try Self.created(node, "contact", "add", "--name", "Asked First", "--circle", "Track Two")
        let command = "\(node.binaries)/siding --home '\(node.home)' contact erase 'Asked First'"
        let declined = try runProcess("/usr/bin/script", ["-qec", command, "/dev/null"], stdin: Data("no\n".utf8))
        #expect(declined.status == 1 && declined.stdout.contains("Erase \(contact) (Asked First)?"), "\(declined.stdout)")
        #expect(declined.stdout.contains("cannot be undone") && declined.stdout.contains("Backups made before now"), "\(declined.stdout)")
        #expect(declined.stdout.contains("was not erased"), "\(declined.stdout) \(declined.stderr)")
        #expect(try await node.client.contact(contact).erased == nil)
        let confirmed = try runProcess("/usr/bin/script", ["-qec", command, "/dev/null"], stdin: Data("yes\n".utf8))
        #expect(confirmed.status == 0 && confirmed.stdout.contains("\(contact) erased by Geneva Centre at "), "\(confirmed.stdout)")
        #expect(try await node.client.contact(contact).erased?.erasedBy == node.nodeID)
    }

    /// A circle owned by A with member B: B may not erase A's record; B's records may be erased by B
    /// (their creator) and by A (the owner), and the erasure reaches the other node.
    @Test func onlyTheCreatorOrTheCircleOwnerErasesAndTheErasureReachesEveryMember() async throws {
        let a = try TestNode(name: "Association", defaultCircle: nil)
        let b = try TestNode(name: "Peace Institute", defaultCircle: nil)
        for node in [a, b] { try await node.start() }
        defer { for node in [a, b] { node.stop() } }
        try await a.pair(dialledBy: b, names: ("Association", "Peace Institute"))
        let circle = try Self.created(a, "circle", "create", "Frontier dialogue", "--member", b.nodeID)
        let byA = try Self.created(a, "contact", "add", "--name", "Created by A", "--circle", circle)
        #expect(try await eventually(30) { (try? await b.client.contacts(circle: circle).map(\.id)) == [byA] })

        let refused = try b.siding("contact", "erase", byA, "--yes")
        #expect(refused.status == 1, "\(refused.stdout)")
        #expect(
            refused.stderr.contains("only the node that created this record (as far as this node can tell, Association, \(a.nodeID))")
                && refused.stderr.contains("or the owner of circle \"Frontier dialogue\" (Association, \(a.nodeID)) can erase it; ask them"),
            "\(refused.stderr)")

        let erasedByB = try Self.created(b, "contact", "add", "--name", "B erases", "--circle", circle)
        let erasedByA = try Self.created(b, "contact", "add", "--name", "A erases", "--circle", circle)
        #expect(try await eventually(30) { (try? await a.client.contacts(circle: circle).count) == 3 })
        #expect(try b.siding("contact", "erase", erasedByB, "--yes").status == 0)
        let byOwner = try a.siding("contact", "erase", erasedByA, "--yes")
        #expect(byOwner.status == 0, "\(byOwner.stderr)")

        for node in [a, b] {
            let both = try await eventually(30) {
                (try? Self.decode([ErasureResource].self, try node.siding("contact", "list", "--erased", "--json")))
                    .map { Set($0.map(\.id)) } == [erasedByA, erasedByB]
            }
            let listed = try node.siding("contact", "list", "--erased").stdout
            #expect(both, "\(listed)")
            let erasures = try await node.client.erasures(.contacts)
            #expect(erasures.first { $0.id == erasedByB }?.erasedBy == b.nodeID && erasures.first { $0.id == erasedByA }?.erasedBy == a.nodeID)
            #expect(try await node.client.contacts(circle: circle).map(\.id) == [byA])
        }
        let history = try b.siding("history", erasedByA).stdout
        #expect(history.contains("erased by Association") && !history.contains("A erases"), "\(history)")
    }

    /// B, a member that neither created A's record nor owns the circle, signs an erasure order for it
    /// anyway (written straight into its database, as a modified node could): B's store and A's daemon
    /// keep the change and refuse the order; A logs the refusal without anything of the record.
    @Test func anErasureOrderFromAnyoneElseIsRefusedOnArrivalAndLoggedWithoutContent() async throws {
        let a = try TestNode(name: "Association", defaultCircle: nil)
        let b = try TestNode(name: "Peace Institute", defaultCircle: nil)
        for node in [a, b] { try await node.start() }
        defer { for node in [a, b] { node.stop() } }
        try await a.pair(dialledBy: b, names: ("Association", "Peace Institute"))
        let circle = try Self.created(a, "circle", "create", "Frontier dialogue", "--member", b.nodeID)
        let marker = "canary" + String(format: "%08x", UInt32.random(in: 0...UInt32.max))
        let record = try Self.created(a, "contact", "add", "--name", marker, "--circle", circle)
        #expect(try await eventually(30) { (try? await b.client.contacts(circle: circle).map(\.id)) == [record] })

        #expect(b.stop() == 0)
        let order = try Self.signErasureOrder(by: b, of: record, in: circle)
        try await b.start()
        #expect(try await eventually(30) { (try await a.client.digest(circle: circle)) == (try await b.client.digest(circle: circle)) })
        let logged = try await eventually(10) { a.logText.contains("refused an erasure order") }
        let log = a.logText
        #expect(logged, "\(log)")
        #expect(log.contains(b.nodeID) && !log.contains(record) && !log.contains(marker), "\(log)")
        for node in [a, b] {
            #expect(try await node.client.contact(record).erased == nil)
            #expect(try await node.client.contact(record).text(ContactSchema.name) == marker)
            let history = try Self.decode([HistoryItem].self, try node.siding("history", record, "--json"))
            let refusal = history.first { $0.action == "erase" }
            #expect(refusal?.node == b.nodeID && refusal?.seq == order, "\(history)")
            #expect(refusal?.value?.hasPrefix("refused") == true, "\(history)")
        }
    }

    /// Writes B's next change in `circle`, an erasure order for `record`, into B's database (B stopped);
    /// returns its seq.
    static func signErasureOrder(by node: TestNode, of record: String, in circle: String) throws -> UInt64 {
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: Data(base64Encoded: try node.privateKeyBase64()) ?? Data())
        let author = OriginKey(key.publicKey)
        guard let circleID = CircleID(circle), let recordID = EntityID(record) else { throw TestNodeError.notReady }
        let store = try SQLiteStore(path: node.databasePath, localKey: author)
        return try store.write { transaction in
            guard let log = try transaction.currentLog(of: author, in: circleID) else { throw TestNodeError.notReady }
            let seq = try transaction.heldSeq(of: log.key) + 1
            let hlc = HLC(milliseconds: UInt64(Date().timeIntervalSince1970 * 1_000), counter: 0)
            let change = try Change.sign(
                by: key, in: log, seq: seq, hlc: hlc, operations: [ErasureOrder.operation(erasing: recordID)],
                otherLogs: try transaction.heldLogs(of: circleID), seed: Array(repeating: 7, count: ValueSeal.seedByteCount))
            #expect(try transaction.apply(change) == .applied)
            #expect(try transaction.erasure(of: recordID) == nil && transaction.refusedErasures.count == 1)
            return seq
        }
    }

    static func created(_ node: TestNode, _ arguments: String...) throws -> String {
        let result = try node.sidingArguments(arguments)
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ result: ProcessResult) throws -> T {
        #expect(result.status == 0, "\(result.stderr)")
        return try JSONDecoder().decode(type, from: Data(result.stdout.utf8))
    }
}
