import Foundation
import SidingTestKit
import Testing

/// Protocol 2 keeps the network as protocol 1 had it: a node of the previous release (built from the
/// commit in Deploy/previous-release.commit by Deploy/previous-release.sh) syncs network records with
/// a node of this one both ways, and never receives a circle's data, not even of a circle that
/// admits it (it cannot speak protocol 2).
@Suite(.serialized) struct PreviousReleaseTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// The previous release's binaries: $SIDING_PREVIOUS_RELEASE, or built now (once; minutes).
    static func previousRelease() throws -> String {
        if let directory = ProcessInfo.processInfo.environment["SIDING_PREVIOUS_RELEASE"] { return directory }
        let built = try runProcess("/usr/bin/timeout", ["1800", "bash", repository + "/Deploy/previous-release.sh"])
        guard built.status == 0 else { throw PreviousReleaseError.build(built.stderr.suffix(2_000).description) }
        return built.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func aNodeOfThePreviousReleaseSyncsTheNetworkAndNeverSeesACircle() async throws {
        let old = try TestNode(name: "Old release", defaultCircle: nil, binaries: try Self.previousRelease())
        let new = try TestNode(name: "New release", defaultCircle: nil)
        let member = try TestNode(name: "Member", defaultCircle: nil)
        for node in [old, new, member] { try await node.start() }
        defer { for node in [old, new, member] { node.stop() } }
        // The old node is driven with its own CLI: it is the previous release end to end.
        #expect(try old.siding("peer", "add", new.nodeID, "--name", "New release").status == 0)
        let newAddress = try await new.client.node().listen
        #expect(try new.siding("peer", "add", old.nodeID, "--name", "Old release").status == 0)
        #expect(try old.siding("peer", "remove", new.nodeID).status == 0)
        #expect(try old.siding("peer", "add", new.nodeID, "--name", "New release", "--address", newAddress).status == 0)
        try await new.pair(dialledBy: member, names: ("New release", "Member"))

        // A circle that admits the old node (and the node's own `partners` circle admits it too).
        let circle = try Self.output(new, "circle", "create", "Frontier dialogue", "--member", old.nodeID, "--member", member.nodeID)
        let canary = "canary-" + String(format: "%08x", UInt32.random(in: 0...UInt32.max))
        let inCircle = try Self.output(new, "contact", "add", "--name", canary, "--circle", circle)
        let inPartners = try Self.output(new, "contact", "add", "--name", canary + "-partners", "--circle", "partners")
        let fromNew = try Self.output(new, "contact", "add", "--name", "Network from new", "--circle", "network")
        let fromOld = try Self.output(old, "contact", "add", "--name", "Network from old")

        #expect(try await eventually(60) { try old.siding("contact", "show", fromNew).status == 0 }, "network: new → old")
        #expect(try await eventually(60) { try new.siding("contact", "show", fromOld).status == 0 }, "network: old → new")
        #expect(try await eventually(60) { try old.siding("digest").stdout == new.siding("digest").stdout }, "the network's digests agree")
        // Positive control: the member gets the canary over the same kind of session.
        #expect(try await eventually(60) { try member.siding("contact", "show", inCircle).status == 0 })
        #expect(try await eventually(60) { try member.siding("contact", "show", fromOld).status == 0 }, "relay of the old node's record")

        #expect(try old.siding("contact", "show", inCircle).status != 0)
        #expect(try old.siding("contact", "show", inPartners).status != 0)
        #expect(!(try old.siding("contact", "list").stdout.contains(canary)))
        #expect(try ByteSearch.files(under: old.directory.path, containing: Array(canary.utf8)).isEmpty)
        #expect(!(try ByteSearch.files(under: member.directory.path, containing: Array(canary.utf8)).isEmpty), "the probe sees it where it is")

        // The new node erases a network record it made. The old node cannot take a redacted change, so
        // it is sent nothing of the new node's log from the first one on; the session stays up, and the
        // old node's own records and relays keep arriving (README, "Records in network").
        let erased = try new.siding("contact", "erase", fromNew, "--yes")
        #expect(erased.status == 0, "\(erased.stderr)")
        #expect(try await eventually(60) { try await member.client.contact(fromNew).erased != nil }, "the member takes the erasure")
        let later = try Self.output(old, "contact", "add", "--name", "Network from old, later")
        #expect(try await eventually(60) { try new.siding("contact", "show", later).status == 0 }, "network: old → new after the erasure")
        #expect(try await eventually(60) { try member.siding("contact", "show", later).status == 0 }, "relay after the erasure")
        #expect(try await new.client.status().peers.first { $0.nodeID == old.nodeID }?.connected == true)
    }

    static func output(_ node: TestNode, _ arguments: String...) throws -> String {
        let result = try node.sidingArguments(arguments)
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

enum PreviousReleaseError: Error {
    case build(String)
}
