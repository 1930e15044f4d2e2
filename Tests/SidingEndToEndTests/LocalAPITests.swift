import Crypto
import Foundation
import SidingAPI
import SidingCore
import SidingStore
import SidingTestKit
import Testing

/// The local API over its real Unix socket: hostile requests get a JSON 4xx and change nothing.
@Suite(.serialized) struct LocalAPITests {
    @Test func malformedRequestsGetJSONErrorsAndChangeNothing() async throws {
        let node = try TestNode()
        try await node.start()
        defer { node.stop() }
        let client = node.client
        let requests: [(String, String, Data?, Int)] = [
            ("POST", "/v1/contacts", Data("{not json".utf8), 400),
            ("POST", "/v1/contacts", Data(#"{"set": {"name": 5}, "add": {}}"#.utf8), 400),
            ("POST", "/v1/contacts", Data(#"{"set": {"name": "x'); DROP TABLE ops;--"}, "add": {"tags": ["a b"]}}"#.utf8), 400),
            ("POST", "/v1/contacts", Data([0x7B, 0x22, 0xFF, 0x22, 0x7D]), 400),
            ("PATCH", "/v1/contacts/c_aaaaaaaaaaaaaaaa", Data(#"{"set": {}, "add": {}, "remove": {}}"#.utf8), 404),
            ("GET", "/v1/nothing-here", nil, 400),
            ("GET", "/v1/search?limit=100000&q=x", nil, 400),
            ("POST", "/v1/contacts", Data(repeating: 0x20, count: 3 << 20), 413),
        ]
        for (method, path, body, status) in requests {
            let (code, data) = try await client.exchange(method: .init(rawValue: method), path: path, body: body)
            #expect(code == status, "\(method) \(path) answered \(code)")
            let error = try? JSONDecoder().decode(ErrorBody.self, from: data)
            #expect(error != nil && !(error?.error.message.isEmpty ?? true), "\(method) \(path) did not answer a JSON error")
        }
        #expect(try await client.contacts().isEmpty)
        #expect(try await client.node().id == node.nodeID, "the daemon still serves after hostile requests")

        // Keys a request does not need may be left out.
        let (created, answer) = try await client.exchange(method: .POST, path: "/v1/contacts", body: Data(#"{"set": {"name": "Li Wei"}}"#.utf8))
        #expect(created == 201 || created == 200, "\(String(decoding: answer, as: UTF8.self))")
        #expect(try await client.contacts().count == 1)
    }

    @Test func brokenHTTPIsRefusedAndTheDaemonServesOn() async throws {
        let node = try TestNode()
        try await node.start()
        defer { node.stop() }
        let socket = node.home + "/siding.sock"
        let inputs: [(String, [UInt8])] = [
            ("garbage request line", Array("\u{01}\u{02} NOT HTTP AT ALL\r\n\r\n".utf8)),
            ("header of 200 KB", Array("GET /v1/node HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 200_000))\r\n\r\n".utf8)),
            ("body shorter than Content-Length", Array("POST /v1/contacts HTTP/1.1\r\nContent-Length: 100\r\n\r\n{\"set\"".utf8)),
            ("invalid chunked body", Array("POST /v1/contacts HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n".utf8)),
        ]
        for (name, bytes) in inputs {
            let answer = String(decoding: try await rawExchange(unixSocket: socket, bytes, seconds: 3), as: UTF8.self)
            #expect(answer.isEmpty || answer.hasPrefix("HTTP/1.1 4"), "\(name): answered \(answer.prefix(80))")
            #expect(try await node.client.node().id == node.nodeID, "\(name): the daemon stopped serving")
        }
        #expect(try await node.client.contacts().isEmpty)
    }

    @Test func sqlMetacharactersAreStoredAsText() async throws {
        let node = try TestNode()
        try await node.start()
        defer { node.stop() }
        let name = "Robert'); DROP TABLE contacts;-- \" % _ *"
        let created = try await node.client.create(.contacts, CreateRequest(set: ["name": name]))
        #expect(try await node.client.contact(created.id).text(ContactSchema.name) == name)
        #expect(try await node.client.search("DROP").map(\.id) == [created.id])
        #expect(try await node.client.search("\"unbalanced").isEmpty)
        #expect(try await node.client.contacts(organization: "%").isEmpty)
    }

    @Test func concurrentWritersAreGroupCommittedWithContiguousSeqs() async throws {
        let node = try TestNode()
        try await node.start()
        let client = node.client
        let ids = try await withThrowingTaskGroup(of: String.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    var made: [String] = []
                    for n in 0..<25 {
                        made.append(try await client.create(.contacts, CreateRequest(set: ["name": "Writer \(writer) #\(n)"])).id)
                    }
                    return made.joined(separator: " ")
                }
            }
            return try await group.reduce(into: [String]()) { $0 += $1.split(separator: " ").map(String.init) }
        }
        #expect(Set(ids).count == 200)
        #expect(try await client.contacts().count == 200)
        node.stop()
        let store = try SQLiteStore(path: node.databasePath)
        // The network's logs only: `init` also wrote the first change of the node's partners circle.
        let circleLogs = try store.circleLogIndex().circleOf
        let network = try store.versionVector().entries.filter { circleLogs[$0.key] == nil }
        #expect(network.count == 1 && network.values.first == 200, "one origin, seqs 1…200 without gaps")
    }

    /// Concurrent values (as partners produce them) show in `siding conflicts`; writing the field resolves it.
    @Test func conflictsAreListedAndResolvedByWriting() async throws {
        let node = try TestNode()
        let contact = EntityID(kind: .contact, bytes: Array(repeating: 3, count: 10))!
        let partners = [Curve25519.Signing.PrivateKey(), Curve25519.Signing.PrivateKey()]
        let creation = try Change.sign(
            by: partners[0], seq: 1, hlc: HLC(milliseconds: 1_000, counter: 0),
            operations: [
                Operation(entity: contact, field: "name", action: .write(value: "Li Wei", replaces: [])),
                Operation(entity: contact, field: "role", action: .write(value: "Scholar", replaces: [])),
            ])
        let roleDot = creation.dot(1)
        // Two partners each replace the role without seeing the other's edit.
        let edits = try partners.enumerated().map { index, key in
            try Change.sign(
                by: key, seq: index == 0 ? 2 : 1, hlc: HLC(milliseconds: 2_000 + UInt64(index), counter: 0),
                operations: [
                    Operation(entity: contact, field: "role", action: .write(value: index == 0 ? "Senior Fellow" : "Professor", replaces: [roleDot]))
                ])
        }
        do {
            let store = try SQLiteStore(path: node.databasePath)
            _ = try store.receive([creation.encoded] + edits.map(\.encoded))
        }
        try await node.start()
        defer { node.stop() }
        let conflicts = try await node.client.conflicts()
        #expect(conflicts.count == 1)
        #expect(conflicts.first?.field == "role")
        #expect(Set(conflicts.first?.values.map(\.value) ?? []) == ["Senior Fellow", "Professor"])
        #expect(conflicts.first?.values.first?.value == "Professor", "the highest (hlc, origin) is shown")
        #expect(try await node.client.contact(contact.description).conflicts == ["role"])
        let table = try node.siding("conflicts")
        #expect(table.stdout.contains("Senior Fellow") && table.stdout.contains("Professor"))

        #expect(try node.siding("contact", "set", contact.description, "role=Professor").status == 0)
        #expect(try await node.client.conflicts().isEmpty)
        #expect(try await node.client.contact(contact.description).text(ContactSchema.role) == "Professor")
    }
}
