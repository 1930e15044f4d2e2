import Foundation
import NIOCore
import SidingCore
@_spi(TestKit) import SidingSync
import SidingTestKit
import SidingWire
import SwiftProtobuf
import Testing

/// Between nodes that both list `circle-elision`, a circle's log header crosses a session once; each
/// later change of that log travels with an index in its place and arrives as its author signed it. What a
/// session cannot restore closes it as malformed.
@Suite(.serialized) struct CircleElisionSessionTests {
    @Test func aCircleLogIsNamedOnceASessionAndItsChangesArriveWhole() async throws {
        let recorder = FrameRecorder()
        let probes = SyncTestProbes(frameTap: recorder)
        let (a, c) = (try SyncTestNode(name: "A", probes: probes), try SyncTestNode(name: "C", probes: probes))
        for node in [a, c] { try await node.start() }
        var circle = try TestCircle(owner: a, members: [c])
        let first = try circle.writeContact(bio: "first")
        await a.pair(with: c)
        #expect(try await eventually { try c.store.record(first) != nil })
        let mark = recorder.mark()
        let second = try circle.writeContact(bio: "second")
        #expect(try await eventually { try c.store.record(second) != nil })

        let header = circle.ownerLog.author.bytes + circle.id.bytes + [0]
        let batches = recorder.frames(from: a.nodeID, to: c.nodeID).filter { !$0.changes.isEmpty }
        let circleBatches = batches.filter { $0.changes.contains { $0.first == CircleChangeFormat.byte } }
        #expect(circleBatches.count >= 2, "the catch-up and the later edit")
        // The header travels in exactly one frame of the session; every circle change arrives with it.
        #expect(circleBatches.filter { ByteSearch.occurs(header, in: $0.plainPayload) }.count == 1)
        #expect(circleBatches.allSatisfy { $0.changes.allSatisfy { ByteSearch.occurs(circle.id.bytes, in: $0) } })
        let later = recorder.frames(from: a.nodeID, to: c.nodeID, since: mark).filter { !$0.changes.isEmpty }
        #expect(!later.isEmpty && later.allSatisfy { !ByteSearch.occurs(circle.id.bytes, in: $0.plainPayload) }, "the edit's frame names no circle")
        #expect(try c.store.digest(of: circle.id) == a.store.digest(of: circle.id))
        for node in [a, c] { await node.stop() }
    }

    @Test func circleChangesTheSessionCannotRestoreCloseItAsMalformed() async throws {
        let (a, friend) = (try SyncTestNode(name: "A"), try SyncTestNode(name: "Friend"))
        try await a.start()
        try await friend.start()
        await friend.pair(with: a)
        let attacker = RawPeer()
        await a.engine.addPartner(Partner(nodeID: attacker.nodeID, name: "attacker", address: nil))
        let header = Data(attacker.origin.bytes + [UInt8](repeating: 0xCC, count: CircleID.byteCount) + [0])
        func batch(named: [Data], changes: [Data]) throws -> Frame {
            var batch = WireBatch()
            batch.batchID = 1
            batch.namedLogs = named
            batch.circleChanges = changes
            return Frame(type: WireMessage.FrameType.batch.rawValue, payload: ByteBuffer(bytes: try batch.serializedBytes() as [UInt8]))
        }
        let attacks: [(String, Frame, CloseCode)] = [
            ("a circle change of a log never named", try batch(named: [], changes: [Data([0, 1])]), .protocolError),
            ("a named log that is not a log header", try batch(named: [Data([1, 2, 3])], changes: [Data([0, 1])]), .protocolError),
            ("a log named twice", try batch(named: [header, header], changes: [Data([0, 1])]), .protocolError),
            ("nothing after the index", try batch(named: [header], changes: [Data([0])]), .protocolError),
            // Well-formed on the wire: restored, it is a change that cannot stand.
            ("a restored change that is no change", try batch(named: [header], changes: [Data([0, 1])]), .invalidChange),
        ]
        for (name, frame, expected) in attacks {
            try await attacker.expectRefused(name, by: a, friend: friend, expected: expected) { attacker in try await attacker.send(frame) }
        }
        await a.stop()
        await friend.stop()
    }
}
