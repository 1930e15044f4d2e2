import Foundation
import SidingAPI
import SidingCore
import SidingTestKit
import Testing

/// How the daemon behaves under systemd: notify protocol, signals, logs, permissions.
@Suite(.serialized) struct ServiceTests {
    /// A datagram socket playing systemd's part of sd_notify.
    final class NotifyListener: @unchecked Sendable {
        let path: String
        let descriptor: Int32

        init(directory: TemporaryDirectory) throws {
            path = directory.file("notify.sock")
            descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { buffer in
                for (index, byte) in path.utf8.enumerated() { buffer[index] = byte }
            }
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            guard bound == 0 else { throw TestNodeError.notReady }
            var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
            setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }

        /// Messages received until `predicate` holds or `seconds` pass.
        func collect(for seconds: Double, until predicate: ([String]) -> Bool) -> [String] {
            var messages: [String] = []
            let deadline = Date().addingTimeInterval(seconds)
            var buffer = [UInt8](repeating: 0, count: 4_096)
            while Date() < deadline, !predicate(messages) {
                let count = recv(descriptor, &buffer, buffer.count, 0)
                if count > 0 { messages.append(String(decoding: buffer.prefix(count), as: UTF8.self)) }
            }
            return messages
        }

        deinit { close(descriptor) }
    }

    @Test func notifyReadyStatusWatchdogAndStopping() async throws {
        let node = try TestNode()
        let listener = try NotifyListener(directory: node.directory)
        try await node.start(environment: ["NOTIFY_SOCKET": listener.path, "WATCHDOG_USEC": "400000"])
        let early = listener.collect(for: 5) { messages in
            messages.contains { $0.contains("READY=1") } && messages.contains { $0.contains("WATCHDOG=1") }
        }
        let ready = try #require(early.first { $0.contains("READY=1") })
        #expect(ready.contains("STATUS=") && ready.contains("partners connected"), "\(ready)")
        #expect(early.contains { $0 == "WATCHDOG=1" })
        #expect(node.stop() == 0)
        let late = listener.collect(for: 3) { $0.contains { $0.contains("STOPPING=1") } }
        #expect(late.contains { $0.contains("STOPPING=1") })
    }

    @Test func sigtermUnderLoadExitsCleanlyInTimeAndLosesNothing() async throws {
        let node = try TestNode()
        try await node.start()
        let client = node.client
        let writers = (0..<4).map { writer in
            Task { () -> [String] in
                var acked: [String] = []
                for n in 0..<100_000 {
                    guard let made = try? await client.create(.contacts, CreateRequest(set: ["name": "w\(writer) #\(n)"])) else { break }
                    acked.append(made.id)
                }
                return acked
            }
        }
        try await Task.sleep(for: .milliseconds(300))
        let start = ContinuousClock.now
        let status = node.stop()
        let elapsed = ContinuousClock.now - start
        var acked: [String] = []
        for writer in writers { acked += await writer.value }
        print("SIGTERM under load: exit \(status) after \(elapsed), \(acked.count) writes acknowledged before it")
        #expect(status == 0)
        #expect(elapsed < .seconds(10))
        try await node.start()
        let present = Set(try await node.client.contacts().map(\.id))
        node.stop()
        #expect(acked.allSatisfy(present.contains), "acknowledged writes lost on SIGTERM")
        #expect(node.logText.contains("stopped"))
    }

    @Test func sighupReloadsTheLogLevel() async throws {
        let node = try TestNode()
        try await node.start()
        defer { node.stop() }
        let config = node.home + "/siding.toml"
        let text = try String(contentsOfFile: config, encoding: .utf8).replacingOccurrences(of: "level = \"info\"", with: "level = \"debug\"")
        try text.write(toFile: config, atomically: false, encoding: .utf8)
        node.send(SIGHUP)
        var reloaded = false
        for _ in 0..<100 where !reloaded {
            try await Task.sleep(for: .milliseconds(50))
            reloaded = node.logText.contains("configuration reloaded") && node.logText.contains("log_level=debug")
        }
        #expect(reloaded, "\(node.logText)")
        #expect(try await node.client.node().id == node.nodeID, "still serving after SIGHUP")
    }

    @Test func refusesToStartWithAKeyOrConfigOthersCanRead() throws {
        for file in ["node.key", "siding.toml"] {
            let node = try TestNode()
            chmod(node.home + "/" + file, 0o644)
            let result = try node.runExpectingExit()
            #expect(result.status == 77, "\(file): \(result.status) \(result.stderr)")
            #expect(result.stderr.contains("chmod 600") && result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        }
    }

    @Test func journaldGetsPriorityPrefixesAndNoTimestamps() async throws {
        let node = try TestNode()
        try await node.start(environment: ["JOURNAL_STREAM": "8:12345"])
        #expect(node.stop() == 0, "\(node.logText)")
        let lines = node.logText.split(separator: "\n")
        #expect(!lines.isEmpty)
        #expect(lines.allSatisfy { $0.hasPrefix("<") && $0.dropFirst(2).hasPrefix(">") }, "\(lines)")
        #expect(!lines.contains { $0.contains("T") && $0.contains("Z ") && $0.contains(":") && $0.contains("-11-") })
        #expect(lines.contains { $0.hasPrefix("<6>info: sidingd ready") })
    }

    /// One CI run stopped with "a service has finished unexpectedly": the integrity check ended while
    /// another part was being shut down. Every stop, however soon after READY, is clean.
    @Test func aStopRightAfterReadyIsCleanEveryTime() async throws {
        let node = try TestNode()
        for round in 0..<6 {
            try await node.start(environment: ["JOURNAL_STREAM": "8:12345"])
            let status = node.stop()
            let errors = node.logText.split(separator: "\n").filter { !$0.hasPrefix("<6>") && !$0.hasPrefix("<7>") }
            #expect(status == 0 && errors.isEmpty, "round \(round): exit \(status) \(errors)")
        }
    }

    @Test func contactAndNoteContentNeverReachesTheLogs() async throws {
        let canary = "CANARY-\(UUID().uuidString.prefix(8))"
        let (a, b) = (try TestNode(name: "A"), try TestNode(name: "B"))
        for node in [a, b] {
            let config = node.home + "/siding.toml"
            let text = try String(contentsOfFile: config, encoding: .utf8).replacingOccurrences(of: "level = \"info\"", with: "level = \"trace\"")
            try text.write(toFile: config, atomically: false, encoding: .utf8)
            try await node.start()
        }
        _ = try await a.client.addPeer(PeerResource(nodeID: b.nodeID, name: "B", address: try await b.client.node().listen))
        _ = try await b.client.addPeer(PeerResource(nodeID: a.nodeID, name: "A", address: nil))
        let contact = try await a.client.create(.contacts, CreateRequest(set: ["name": "\(canary) Li", "bio": canary], add: ["tags": [canary]]))
        _ = try await a.client.create(.notes, CreateRequest(set: ["title": canary, "body": "talks \(canary)"], add: ["participants": [contact.id]]))
        _ = try await a.client.edit(.contacts, id: contact.id, EditRequest(set: ["role": canary]))
        _ = try? await a.client.edit(.contacts, id: contact.id, EditRequest(set: ["country": canary]))
        _ = try await a.client.search(canary)
        var synced = false
        for _ in 0..<200 where !synced {
            synced = (try? await b.client.contact(contact.id))?.text(ContactSchema.role) == canary
            try await Task.sleep(for: .milliseconds(25))
        }
        #expect(synced)
        a.stop()
        b.stop()
        #expect(a.logText.contains("sidingd ready") && b.logText.contains("session started"))
        #expect(!a.logText.contains(canary) && !b.logText.contains(canary), "record content reached a log")
    }
}

/// SO_PEERCRED: even with a socket file anyone may open, another user's connection is refused.
@Suite(.serialized) struct PeerCredentialTests {
    static let otherUser = "siding-e2e-other"
    static var canSwitchUsers: Bool {
        getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/useradd")
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")
    }

    @Test(.enabled(if: canSwitchUsers)) func anotherUserIsRefusedWhateverTheSocketMode() async throws {
        if (try? runProcess("/usr/bin/id", ["-u", Self.otherUser]))?.status != 0 {
            _ = try runProcess("/usr/sbin/useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", Self.otherUser])
        }
        let uid = try runProcess("/usr/bin/id", ["-u", Self.otherUser]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let node = try TestNode()
        let open = TemporaryDirectory("open-socket")
        chmod(open.path, 0o777)
        let socket = open.file("api.sock")
        node.socketOverride = socket
        try await node.start(extraArguments: ["--socket", socket, "--group-access"])
        defer { node.stop() }
        chmod(socket, 0o666)
        #expect(try await LocalAPIClient(socketPath: socket).node().id == node.nodeID, "the owner (root) is allowed")
        let binary = open.file("siding")
        try FileManager.default.copyItem(atPath: BuiltProducts.siding, toPath: binary)
        chmod(binary, 0o755)
        let asOther = try runProcess(
            "/usr/bin/env",
            [
                "SIDING_SOCKET=\(socket)", "/usr/bin/setpriv", "--reuid=\(uid)", "--regid=\(uid)", "--clear-groups", binary, "--home", open.path,
                // `status` must ask the daemon (`id` reads the key and would never connect).
                "status",
            ])
        #expect(asOther.status != 0, "another user got an answer: \(asOther.stdout)")
        #expect(asOther.stderr.contains("serves only its own user"), "the refused user is told why: \(asOther.stderr)")
        #expect(!asOther.stdout.contains(node.nodeID))
        try await Task.sleep(for: .milliseconds(200))
        #expect(node.logText.contains("refused a local API connection from another user") && node.logText.contains("uid=\(uid)"), "\(node.logText)")
    }
}
