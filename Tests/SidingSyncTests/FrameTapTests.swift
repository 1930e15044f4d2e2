import Foundation
import SidingCore
@_spi(TestKit) import SidingSync
import SidingTestKit
import Testing

/// The probes circle privacy tests rely on to prove a node never received something, shown here to see
/// what they must see (positive controls): a frame tap on every session and a TLS key log.
@Suite(.serialized) struct FrameTapTests {
    @Test func aCanaryIsSeenOnEveryLinkOfItsPathAndNowhereElse() async throws {
        let recorder = FrameRecorder()
        let probes = SyncTestProbes(frameTap: recorder)
        let (a, b, c) = (
            try SyncTestNode(name: "A", probes: probes), try SyncTestNode(name: "B", probes: probes), try SyncTestNode(name: "C", probes: probes)
        )
        // D runs like the others but is nobody's partner.
        let d = try SyncTestNode(name: "D", probes: probes)
        for node in [a, b, c, d] { try await node.start() }
        await a.pair(with: b)
        await c.pair(with: b)
        #expect(try await eventually { try await b.engine.statuses().allSatisfy(\.connected) })
        let (ab, ba, bc, cb) = (Link(a.nodeID, b.nodeID), Link(b.nodeID, a.nodeID), Link(b.nodeID, c.nodeID), Link(c.nodeID, b.nodeID))

        // Random text compresses little, so its size shows in the bytes of each link it crosses.
        var random = SystemRandomNumberGenerator()
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        // The marker is short enough to lie whole in one database page (the rest spills to overflow pages).
        let marker = "canary-\(UUID())"
        let canary = marker + "-" + String((0..<60_000).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &random)] })
        let needle = Array(canary.utf8)
        let before = recorder.mark()
        let id = try #require(EntityID(kind: .contact, bytes: (0..<10).map { _ in UInt8.random(in: 0...255, using: &random) }))
        try a.commit([try a.sign([Operation(entity: id, field: "bio", action: .write(value: canary, replaces: []))])])
        #expect(try await eventually { try c.store.record(id) != nil })
        // Quiet links: B's acks reached A, so nothing of this exchange is still in flight.
        #expect(try await eventually { try await a.engine.statuses().first?.missingThere == 0 })

        #expect(recorder.linksCarrying(needle) == [ab, bc], "the canary crosses A→B and, relayed, B→C; never back, never to D")
        #expect(recorder.changesSent(on: ab).contains { ByteSearch.occurs(needle, in: $0) })
        #expect(recorder.changesSent(on: bc).contains { ByteSearch.occurs(needle, in: $0) }, "B relays A's change")
        #expect(recorder.received(by: c.nodeID, from: b.nodeID).contains { $0.carries(needle) }, "the receiving end sees it too")
        let bytes = recorder.bytesPerLink()
        print("bytes per link over the test: \(bytes.map { "\($0.key): \($0.value)" }.sorted())")
        for link in [ab, ba, bc, cb] { #expect(bytes[link, default: 0] > 0, "\(link) carried frames") }
        for link in [ab, bc] {
            let added = recorder.bytes(from: link.from, to: link.to, since: before)
            #expect(added >= needle.count / 2, "\(link) grew by \(added) bytes for a \(needle.count)-byte canary")
        }
        for link in [ba, cb] {
            let added = recorder.bytes(from: link.from, to: link.to, since: before)
            #expect(added < needle.count / 10, "\(link) carries only acks: \(added) bytes")
        }
        // Both ends of a link count the same bytes.
        #expect(try await eventually { recorder.received(by: b.nodeID, from: a.nodeID).reduce(0) { $0 + $1.wireBytes } == bytes[ab] })

        #expect(!recorder.nodes().contains(d.nodeID), "D exchanged no frame at all")
        #expect(try d.store.record(id) == nil)
        #expect(try ByteSearch.files(under: d.directory.path, containing: Array(marker.utf8)).isEmpty)
        #expect(
            try !ByteSearch.files(under: c.directory.path, containing: Array(marker.utf8)).isEmpty, "the file search finds the canary where it is")
        for node in [a, b, c, d] { await node.stop() }
    }

    @Test func theKeyLogHoldsEachHandshakesSecretsAndOnlyAnEngineGivenOneWritesIt() async throws {
        let directory = TemporaryDirectory("keylog")
        let keyLog = try KeyLogFile(path: directory.file("sslkeys.log"))
        let a = try SyncTestNode(name: "A", probes: SyncTestProbes(keyLog: keyLog.callback))
        let (b, c) = (try SyncTestNode(name: "B"), try SyncTestNode(name: "C"))
        for node in [a, b, c] { try await node.start() }
        await a.pair(with: b)
        #expect(try await eventually { try await a.engine.statuses().first?.connected == true })

        let lines = try keyLog.lines()
        var labelsByHandshake: [String: Set<String>] = [:]
        for line in lines {
            let fields = line.split(separator: " ").map(String.init)
            try #require(fields.count == 3, "NSS key log line: LABEL CLIENT_RANDOM SECRET, got \(line)")
            let isHex = { (text: String) in text.allSatisfy(\.isHexDigit) }
            #expect(fields[1].count == 64 && isHex(fields[1]), "a 32-byte client random")
            #expect([64, 96].contains(fields[2].count) && isHex(fields[2]), "a SHA-256 or SHA-384 sized secret")
            labelsByHandshake[fields[1], default: []].insert(fields[0])
        }
        let tls13 = Set(["CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET", "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0"])
        #expect(!labelsByHandshake.isEmpty)
        for (random, labels) in labelsByHandshake { #expect(labels.isSuperset(of: tls13), "handshake \(random) logged \(labels.sorted())") }

        // B and C have no key log: their session adds nothing to the only key log in this process.
        await b.pair(with: c)
        #expect(try await eventually { try await c.engine.statuses().first?.connected == true })
        #expect(try keyLog.lines().count == lines.count)
        for node in [a, b, c] { await node.stop() }
    }

    /// The hooks are `@_spi(TestKit)`: code that does not import that SPI cannot name them. The shipped
    /// binaries' sources must not import it, nor the test kit.
    @Test func theShippedProgramsCannotReachTheProbes() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources")
        var scanned = 0
        for target in ["SidingDaemon", "sidingd", "SidingCLI", "siding", "SidingAPI"] {
            let directory = sources.appendingPathComponent(target).path
            for path in try FileManager.default.subpathsOfDirectory(atPath: directory) where path.hasSuffix(".swift") {
                let text = try String(contentsOfFile: "\(directory)/\(path)", encoding: .utf8)
                scanned += 1
                #expect(!text.contains("_spi(TestKit)"), "\(target)/\(path) imports the test kit's SPI")
                #expect(!text.contains("import SidingTestKit"), "\(target)/\(path) imports the test kit")
                #expect(!text.contains("SyncTestProbes"), "\(target)/\(path) names the test probes")
            }
        }
        #expect(scanned > 20, "found the daemon's sources (\(scanned) files)")
    }
}
