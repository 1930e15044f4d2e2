import Foundation
import SidingAPI
import SidingStore
import SidingTestKit
import Testing

/// What a new user hit in the first hour: `sync --wait` that claimed success, a lost database that
/// forked the node, start-up failures that restarted forever, unreadable partner errors.
@Suite(.serialized) struct FirstHourTests {

    @Test func syncWaitFailsNamingEveryUnreachablePartnerAndWhy() async throws {
        let (a, b) = (try TestNode(name: "A"), try TestNode(name: "B"))
        try await a.start()
        let downPort = try freeLoopbackPort()
        #expect(try a.siding("peer", "add", b.nodeID, "--name", "B", "--address", "127.0.0.1:\(downPort)").status == 0)

        let result = try a.siding("sync", "--wait", "--timeout", "30")
        #expect(result.status != 0, "no partner is reachable, so this is not success")
        #expect(result.stdout.isEmpty, "the result is printed once, on stderr: \(result.stdout)")
        #expect(result.stderr.components(separatedBy: "\n").filter { !$0.isEmpty }.count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("in step with 0 of 1 partners"), "\(result.stderr)")
        #expect(result.stderr.contains("B (\(b.nodeID.prefix(11))) is unreachable: connection refused by 127.0.0.1:\(downPort)"), "\(result.stderr)")

        // A partner that never connected is unknown, not "0 missing".
        let status = try JSONSerialization.jsonObject(with: Data(try a.siding("status", "--json").stdout.utf8)) as? [String: Any]
        let peer = try #require((status?["peers"] as? [[String: Any]])?.first)
        #expect(peer["missing_here"] is NSNull && peer["missing_there"] is NSNull && peer["last_heard"] is NSNull, "\(peer)")
        #expect(status?["edits_locked"] is NSNull)
        let text = try a.siding("status").stdout
        #expect(text.contains("unknown"), "\(text)")

        // Once B is up, the same command succeeds and says so on stdout.
        try b.rewriteConfiguration { $0.replacingOccurrences(of: "127.0.0.1:0", with: "127.0.0.1:\(downPort)") }
        try await b.start()
        #expect(try b.siding("peer", "add", a.nodeID, "--name", "A").status == 0)
        let synced = try a.siding("sync", "--wait", "--timeout", "30")
        #expect(synced.status == 0 && synced.stdout == "in step with 1 of 1 partners\n", "\(synced.stdout) \(synced.stderr)")
        let heard = try await a.client.status().peers.first
        #expect(heard?.lastHeard != nil && heard?.missingHere == 0)
    }

    @Test func partnerProblemsAreSentencesLoggedOncePerChange() async throws {
        let (a, b, c) = (try TestNode(name: "A"), try TestNode(name: "B"), try TestNode(name: "C"))
        try await a.start()
        try await b.start()
        let bAddress = try await b.client.node().listen
        // One-sided: A adds B, B has not added A.
        #expect(try a.siding("peer", "add", b.nodeID, "--name", "B", "--address", bAddress).status == 0)
        for _ in 0..<3 {
            _ = try a.siding("sync", "--wait", "--timeout", "10")
        }
        let oneSided = try #require(try await a.client.status().peers.first?.lastError)
        #expect(oneSided.contains("B has not added this node as a partner") || oneSided.contains("B has probably not added this node"), "\(oneSided)")
        #expect(!oneSided.contains("/") && !oneSided.contains("sslError"), "no library internals or source paths: \(oneSided)")
        let attempts = try await a.client.status().peers.first?.failedDials ?? 0
        #expect(attempts >= 2)
        let logged = a.logText.components(separatedBy: "cannot reach partner B").count - 1
        #expect(logged == 1, "one line per change of state, not per retry (\(attempts) failed dials, \(logged) lines)")

        // C's ID at B's address: the node there is not the one expected.
        #expect(try a.siding("peer", "add", c.nodeID, "--name", "C", "--address", bAddress).status == 0)
        let wrong = try a.siding("sync", "--wait", "--timeout", "10")
        #expect(wrong.status != 0)
        #expect(wrong.stderr.contains("presented node ID \(b.nodeID), expected C's"), "\(wrong.stderr)")
    }

    @Test func aLostDatabaseWithAKeptKeyLocksEditsUntilAPartnerSendsItsChangesBack() async throws {
        let (a, b) = (try TestNode(name: "A"), try TestNode(name: "B"))
        try await a.start()
        try await b.start()
        try await a.pair(dialledBy: b)
        for n in 0..<3 { _ = try await a.client.create(.contacts, CreateRequest(set: ["name": "before \(n)"])) }
        #expect(try await eventually { try await b.client.contacts().count == 3 })

        // The disk fails: siding.db is gone, node.key and siding.toml were kept.
        b.stop()
        a.stop()
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: a.databasePath + suffix) }
        try await a.start()
        #expect(a.logText.contains("siding.db was missing"))
        let refused = try a.siding("contact", "add", "--name", "too early")
        #expect(
            refused.status != 0 && refused.stderr.contains("edits are locked") && refused.stderr.contains("siding.db was lost"), "\(refused.stderr)")
        #expect(try a.siding("status").stdout.contains("EDITS LOCKED"))
        let locked = try await a.client.status()
        #expect(locked.editsLocked?.contains("siding peer add") == true)
        let waited = try a.siding("sync", "--wait", "--timeout", "5")
        #expect(waited.status != 0 && waited.stderr.contains("edits are locked"), "\(waited.stderr)")

        // The partner list went with the database: adding B back, B reconnects and returns A's changes.
        try await b.start()
        try await a.pair(dialledBy: b)
        #expect(
            try await eventually { (try? await a.client.create(.contacts, CreateRequest(set: ["name": "after loss"]))) != nil },
            "\((try? a.siding("status").stdout) ?? "") \(a.logText.suffix(3000)) \(b.logText.suffix(2000))")
        #expect(
            try await eventually {
                let (onA, onB) = (try await a.client.contacts().count, try await b.client.contacts().count)
                return onA == 4 && onB == 4
            })
        #expect(try await a.client.status().editsLocked == nil)
        a.stop()
        b.stop()
        let aStore = try SQLiteStore(path: a.databasePath)
        let bStore = try SQLiteStore(path: b.databasePath)
        #expect(try bStore.equivocations().isEmpty, "the node re-signed seqs it had used: a fork")
        #expect(try aStore.versionVector() == bStore.versionVector())
        #expect(try aStore.versionVector().entries.values.max() == 4)
    }

    @Test func startUpMistakesAreOneLineAndNotRestarted() async throws {
        let a = try TestNode(name: "A")
        try await a.start()
        let taken = try await a.client.node().listen
        let b = try TestNode(name: "B")
        try b.rewriteConfiguration { $0.replacingOccurrences(of: "127.0.0.1:0", with: taken) }
        let inUse = try b.runExpectingExit()
        #expect(inUse.status == 78, "\(inUse.stderr)")
        #expect(
            inUse.stderr
                == "sidingd: cannot listen for partners on \(taken): another program already uses that port; choose a free port for `listen` in siding.toml, or stop the other program\n"
        )
        try b.rewriteConfiguration { $0.replacingOccurrences(of: taken, with: "127.0.0.1:0") }

        let missingDirectory = b.directory.file("no-such-dir/siding.sock")
        let noDirectory = try runProcess("/usr/bin/timeout", ["20", BuiltProducts.sidingd, "--home", b.home, "--socket", missingDirectory])
        #expect(noDirectory.status == 78)
        #expect(noDirectory.stderr.contains("the directory \(b.directory.file("no-such-dir")) does not exist"), "\(noDirectory.stderr)")

        let long = b.directory.file(String(repeating: "d", count: 120) + ".sock")
        let tooLong = try runProcess("/usr/bin/timeout", ["20", BuiltProducts.sidingd, "--home", b.home, "--socket", long])
        #expect(tooLong.status == 78)
        #expect(tooLong.stderr.contains("over the 107-byte limit of Unix sockets; set a shorter `socket` path"), "\(tooLong.stderr)")
        for result in [inUse, noDirectory, tooLong] {
            // Log lines may precede it; the error itself is one line without library internals.
            #expect(
                result.stderr.split(separator: "\n").filter { $0.hasPrefix("sidingd: ") }.count == 1 && !result.stderr.contains("bind("),
                "\(result.stderr)")
        }

        // A configuration saved on Windows (CRLF) is read as written.
        try b.rewriteConfiguration { $0.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n") }
        let keyFile = b.home + "/node.key"
        try (try String(contentsOfFile: keyFile, encoding: .utf8)).replacingOccurrences(of: "\n", with: "\r\n")
            .write(toFile: keyFile, atomically: true, encoding: .utf8)
        chmod(keyFile, 0o600)
        try await b.start()
        #expect(try await b.client.node().name == "B")
        b.stop()

        // A database or home others can read is refused like the key.
        chmod(b.databasePath, 0o644)
        let openDatabase = try b.runExpectingExit()
        #expect(openDatabase.status == 77 && openDatabase.stderr.contains("chmod 600 \(b.databasePath)"), "\(openDatabase.stderr)")
        chmod(b.databasePath, 0o600)
        chmod(b.home, 0o755)
        let openHome = try b.runExpectingExit()
        #expect(openHome.status == 77 && openHome.stderr.contains("chmod 700 \(b.home)"), "\(openHome.stderr)")
        chmod(b.home, 0o700)
        try await b.start()
        b.stop()
    }

    @Test func messagesSayWhatToDo() async throws {
        let a = try TestNode(name: "A")
        try await a.start()
        let setEmail = try a.siding("contact", "add", "--name", "Li Wei")
        let id = setEmail.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let wrongForm = try a.siding("contact", "set", id, "email=li@example.org")
        #expect(wrongForm.status != 0 && wrongForm.stderr.contains("emails holds several values: add one with emails+=VALUE"), "\(wrongForm.stderr)")
        let unknownCommand = try runProcess(BuiltProducts.siding, ["--home", a.home, "frobnicate"])
        #expect(unknownCommand.status != 0 && !unknownCommand.stderr.contains("--home"), "\(unknownCommand.stderr)")
    }
}

extension TestNode {
    /// Edits siding.toml in place (the daemon reads it at start).
    func rewriteConfiguration(_ edit: (String) -> String) throws {
        let file = home + "/siding.toml"
        try edit(try String(contentsOfFile: file, encoding: .utf8)).write(toFile: file, atomically: true, encoding: .utf8)
        chmod(file, 0o600)
    }
}
