import Crypto
import Foundation
import NIOCore
import SidingCore
import SidingTestKit
import SidingWire
import SwiftProtobuf
import Testing

/// Circle changes travel without their log's header once a session has named the log; the receiver
/// restores the exact signed bytes, keeps the batch's order, and refuses any reference it cannot restore.
@Suite struct CircleElisionTests {
    struct Vector: Decodable {
        let name: String
        let hex: String
        let expected: [String: JSONValue]
    }

    static let vectors = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Protocol/vectors")

    struct SignedChange: Decodable {
        let name: String
        let hex: String
    }

    static func changeVectors() throws -> [String: [UInt8]] {
        let all = try JSONDecoder().decode([SignedChange].self, from: Data(contentsOf: vectors.appendingPathComponent("change-v2.json")))
        return Dictionary(uniqueKeysWithValues: all.map { ($0.name, hexBytes($0.hex)) })
    }

    /// Protocol/vectors/wire-v2.json: the frames of one session, decoded in order with one table.
    @Test func vectorsDecodeInSessionOrderToTheSignedChanges() throws {
        let signed = try Self.changeVectors()
        let vectors = try JSONDecoder().decode([Vector].self, from: Data(contentsOf: Self.vectors.appendingPathComponent("wire-v2.json")))
        #expect(vectors.count == 2)
        var table: NamedLogs? = NamedLogs()
        for vector in vectors {
            var buffer = ByteBuffer(bytes: hexBytes(vector.hex))
            let frame = try #require(try FrameDecoder.next(from: &buffer))
            #expect(buffer.readableBytes == 0)
            #expect((frame.flags & Frame.deflated != 0) == (vector.expected["deflated"]?.bool == true), "\(vector.name)")
            let namedBefore = table?.count ?? 0
            guard case .batch(let id, let changes) = try WireMessage.decode(frame, sender: nil, logs: &table) else {
                Issue.record("\(vector.name) is not a batch")
                continue
            }
            #expect(id == vector.expected["batch_id"]?.uint64)
            #expect(UInt64((table?.count ?? 0) - namedBefore) == vector.expected["named_logs"]?.uint64)
            let stated = vector.expected["changes"]?.array ?? []
            #expect(changes.count == stated.count)
            for (bytes, entry) in zip(changes, stated) {
                let object = try #require(entry.object)
                #expect(bytes == signed[object["restores"]?.string ?? ""], "\(vector.name): not the signed bytes")
                let change = try VerifiedChange(verifying: bytes)
                #expect(change.change.author.nodeID.description == object["author_node_id"]?.string && change.seq == object["seq"]?.uint64)
                #expect(change.change.circle?.description == object["circle"]?.string)
            }
            // Without a table (a peer not offered circle-elision) the same frame is malformed.
            #expect(throws: WireError.self) { try WireMessage.decode(frame) }
        }
        // The second batch refers to a log the first named: alone, it names nothing.
        var fresh: NamedLogs? = NamedLogs()
        var buffer = ByteBuffer(bytes: hexBytes(vectors[1].hex))
        let second = try #require(try FrameDecoder.next(from: &buffer))
        #expect(throws: WireError.self) { try WireMessage.decode(second, sender: nil, logs: &fresh) }
    }

    @Test func circleChangesLoseTheirLogHeaderOnceNamedAndAreRestoredExactly() throws {
        let signed = try Self.changeVectors()
        let (create, write, remove) = (
            try #require(signed["change-v2-create"]), try #require(signed["change-v2-member-write"]), try #require(signed["change-v2-remove"])
        )
        let network = try Self.networkChange()
        var sent: NamedLogs? = NamedLogs()
        var received: NamedLogs? = NamedLogs()
        // The network change travels as before; the circle changes keep their order after it.
        let first = WireMessage.batch(id: 1, changes: [create, network, write])
        let firstFrame = try first.frame(sender: nil, logs: &sent)
        guard case .batch(1, let firstDecoded) = try WireMessage.decode(firstFrame, sender: nil, logs: &received) else {
            Issue.record("not a batch")
            return
        }
        #expect(firstDecoded == [network, create, write])
        #expect(sent == received && sent?.count == 2)

        // The owner's log is named: its next change costs one index byte instead of its format byte and
        // 49-byte header.
        let second = WireMessage.batch(id: 2, changes: [remove])
        let whole = try second.protobufBytes()
        let elided = try second.protobufBytes(sender: nil, logs: &sent)
        #expect(whole.count - elided.count >= OriginKey.byteCount + CircleID.byteCount + 1)
        var again = sent
        guard case .batch(2, let secondDecoded) = try WireMessage.decode(try second.frame(sender: nil, logs: &again), sender: nil, logs: &received)
        else {
            Issue.record("not a batch")
            return
        }
        #expect(secondDecoded == [remove])
        _ = try VerifiedChange(verifying: secondDecoded[0])
        #expect(sent?.count == 2 && received?.count == 2)
    }

    @Test func aSenderWhoseTableIsFullSendsCircleChangesWhole() throws {
        let signed = try Self.changeVectors()
        let (create, write) = (try #require(signed["change-v2-create"]), try #require(signed["change-v2-member-write"]))
        // A table with one free place: a batch needing two new names goes whole, in order.
        var batch = WireBatch()
        batch.batchID = 1
        batch.namedLogs = (0..<(WireLimits.maxNamedLogs - 1)).map { Self.header(UInt32($0)) }
        batch.circleChanges = [Data([0, 1])]
        var table: NamedLogs? = NamedLogs()
        _ = try WireMessage.decode(Self.frame(batch), sender: nil, logs: &table)
        #expect(table?.count == WireLimits.maxNamedLogs - 1)
        let message = WireMessage.batch(id: 2, changes: [create, write])
        var receiving = table
        guard case .batch(2, let decoded) = try WireMessage.decode(try message.frame(sender: nil, logs: &table), sender: nil, logs: &receiving)
        else {
            Issue.record("not a batch")
            return
        }
        #expect(decoded == [create, write])
        #expect(table?.count == WireLimits.maxNamedLogs - 1 && receiving == table)
        #expect(try message.protobufBytes(sender: nil, logs: &table) == (try message.protobufBytes()))
    }

    /// Each is malformed input: the session closes with protocol_error (WireError's close code).
    @Test func anythingThatCannotBeRestoredIsMalformed() throws {
        let header = Self.header(7)
        func batch(named: [Data], changes: [Data]) -> WireBatch {
            var batch = WireBatch()
            batch.batchID = 1
            batch.namedLogs = named
            batch.circleChanges = changes
            return batch
        }
        let cases: [(String, WireBatch)] = [
            ("an index never named", batch(named: [header], changes: [Data([1, 1])])),
            ("nothing after the index", batch(named: [header], changes: [Data([0])])),
            ("an empty entry", batch(named: [header], changes: [Data()])),
            ("an index that never ends", batch(named: [header], changes: [Data([0x80, 0x80, 0x80, 0x80])])),
            ("a non-minimal index", batch(named: [header], changes: [Data([0x80, 0x00, 1])])),
            ("a log named twice", batch(named: [header, header], changes: [Data([0, 1])])),
            ("a header too short", batch(named: [header.prefix(48)], changes: [Data([0, 1])])),
            ("an epoch that does not end", batch(named: [header.prefix(48) + [0x81]], changes: [Data([0, 1])])),
            ("bytes after the epoch", batch(named: [header + [0]], changes: [Data([0, 1])])),
            ("only names, no change", batch(named: [header], changes: [])),
            (
                "more names than the limit",
                batch(named: (0...UInt32(WireLimits.maxNamedLogs)).map { Self.header($0) }, changes: [Data([0, 1])])
            ),
        ]
        for (name, batch) in cases {
            var table: NamedLogs? = NamedLogs()
            let frame = try Self.frame(batch)
            let result = Result { () throws(WireError) in try WireMessage.decode(frame, sender: nil, logs: &table) }
            guard case .failure(let error) = result else {
                Issue.record("\(name): decoded")
                continue
            }
            #expect(error.closeCode == .protocolError, "\(name): \(error)")
        }
        // Naming across batches: a log named by an earlier batch cannot be named again.
        var table: NamedLogs? = NamedLogs()
        _ = try WireMessage.decode(try Self.frame(batch(named: [header], changes: [Data([0, 1])])), sender: nil, logs: &table)
        #expect(throws: WireError.malformedMessage("a circle log named twice in a session")) {
            try WireMessage.decode(try Self.frame(batch(named: [header], changes: [Data([0, 1])])), sender: nil, logs: &table)
        }
    }

    /// A log header: a made-up author and circle, and epoch 0 (`seed` makes each distinct).
    static func header(_ seed: UInt32) -> Data {
        var author = [UInt8](repeating: 0xAA, count: OriginKey.byteCount)
        withUnsafeBytes(of: seed.bigEndian) { author.replaceSubrange(0..<4, with: $0) }
        return Data(author + [UInt8](repeating: 0xCC, count: CircleID.byteCount) + [0])
    }

    static func networkChange() throws -> [UInt8] {
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: Array(repeating: 3, count: 32))
        let entity = EntityID(kind: .contact, bytes: Array(repeating: 4, count: 10))!
        return try Change.sign(
            by: key, seq: 1, hlc: HLC(milliseconds: 1_800_000_000_000, counter: 0),
            operations: [Operation(entity: entity, field: "name", action: .write(value: "Amira", replaces: []))]
        ).encoded
    }

    static func frame(_ batch: WireBatch) throws -> Frame {
        let bytes: [UInt8] = try batch.serializedBytes()
        guard bytes.count >= WireLimits.compressionThreshold else {
            return Frame(type: WireMessage.FrameType.batch.rawValue, payload: ByteBuffer(bytes: bytes))
        }
        var payload = ByteBuffer()
        payload.writeInteger(UInt32(bytes.count))
        payload.writeBytes(Zlib.deflate(bytes))
        return Frame(type: WireMessage.FrameType.batch.rawValue, flags: Frame.deflated, payload: payload)
    }
}
