import Foundation
import NIOCore
import SidingCore
import SidingTestKit
import SidingWire
import Testing

/// Every vector in Protocol/vectors/wire-v1.json decodes to its stated value, whole, byte by byte and
/// in random chunks (append-only: these bytes must decode forever).
@Suite struct WireVectorTests {
    struct Vector: Decodable {
        let name: String
        let hex: String
        let expected: [String: JSONValue]
    }

    static func load() throws -> [Vector] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Protocol/vectors/wire-v1.json")
        return try JSONDecoder().decode([Vector].self, from: Data(contentsOf: url))
    }

    /// Feeds `bytes` to the frame decoder in pieces of the given sizes; returns every frame it yields.
    static func frames(_ bytes: [UInt8], pieces: [Int]) throws -> [Frame] {
        var buffer = ByteBuffer()
        var frames: [Frame] = []
        var offset = 0
        for size in pieces where offset < bytes.count {
            buffer.writeBytes(bytes[offset..<min(offset + size, bytes.count)])
            offset += size
            while let frame = try FrameDecoder.next(from: &buffer) { frames.append(frame) }
        }
        #expect(buffer.readableBytes == 0)
        return frames
    }

    @Test func vectorsDecodeWholeByteByByteAndInRandomChunks() throws {
        var random = SeededGenerator(seed: 11)
        let vectors = try Self.load()
        #expect(Set(vectors.compactMap { $0.expected["type"]?.string }) == ["hello", "summary", "batch", "ack", "ping", "pong", "close"])
        for vector in vectors {
            let bytes = hexBytes(vector.hex)
            let chunkings: [[Int]] = [
                [bytes.count], Array(repeating: 1, count: bytes.count),
                (0..<bytes.count).map { _ in Int.random(in: 1...9, using: &random) },
            ]
            for pieces in chunkings {
                let frames = try Self.frames(bytes, pieces: pieces)
                #expect(frames.count == 1, "\(vector.name)")
                let sender = vector.expected["sender_origin_hex"]?.string.flatMap { OriginKey(bytes: hexBytes($0)) }
                let message = try WireMessage.decode(try #require(frames.first), sender: sender)
                check(message, frame: try #require(frames.first), against: vector)
            }
        }
    }

    func check(_ message: WireMessage, frame: Frame, against vector: Vector) {
        let expected = vector.expected
        switch message {
        case .hello(let hello):
            #expect(expected["type"]?.string == "hello")
            #expect(
                hello.protocolVersion == expected["protocol_version"]?.uint32 && hello.minProtocolVersion == expected["min_protocol_version"]?.uint32)
            #expect(hello.softwareVersion == expected["software_version"]?.string && hello.nodeName == expected["node_name"]?.string)
            #expect(hello.capabilities == expected["capabilities"]?.array?.compactMap(\.string))
            #expect(hello.wallClockMs == expected["wall_clock_ms"]?.uint64 ?? 0)
        case .summary(let vector, let tips):
            let entries = expected["entries"]?.array ?? []
            #expect(vector.entries.count == entries.count)
            for entry in entries {
                let match = vector.entries.first { $0.key.nodeID.description == entry.object?["origin_node_id"]?.string }
                #expect(match?.value == entry.object?["seq"]?.uint64)
                #expect(match.flatMap { tips[$0.key] }.map(ViewDigest.hex) == entry.object?["tip_digest"]?.string)
            }
        case .batch(let id, let changes):
            #expect(frame.flags & Frame.deflated != 0 || expected["deflated"]?.bool != true)
            #expect(id == expected["batch_id"]?.uint64)
            let stated = expected["changes"]?.array ?? []
            #expect(changes.count == stated.count)
            for (bytes, entry) in zip(changes, stated) {
                let change = try? VerifiedChange(verifying: bytes)
                #expect(change?.origin.nodeID.description == entry.object?["origin_node_id"]?.string)
                #expect(change?.seq == entry.object?["seq"]?.uint64)
            }
            if expected["sender_origin_hex"] != nil {
                // Without the sender's key, changes sent without their origin cannot be restored.
                #expect(throws: WireError.self) { try WireMessage.decode(frame) }
            }
        case .ack(let ack):
            #expect(ack.batchID == expected["batch_id"]?.uint64 && ack.applied == expected["applied"]?.uint32)
            #expect(ack.duplicates == expected["duplicates"]?.uint32 && ack.equivocations == expected["equivocations"]?.uint32)
        case .ping(let nonce):
            #expect(expected["type"]?.string == "ping" && nonce == expected["nonce"]?.uint64)
        case .pong(let nonce):
            #expect(expected["type"]?.string == "pong" && nonce == expected["nonce"]?.uint64)
        case .close(_, let code, let reason):
            #expect(code == expected["code"]?.uint32 && reason == expected["reason"]?.string)
        }
    }
}

/// Just enough JSON to read vector files.
enum JSONValue: Decodable {
    case string(String), number(Double), bool(Bool), array([JSONValue]), object([String: JSONValue]), null

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    var string: String? { if case .string(let value) = self { value } else { nil } }
    var bool: Bool? { if case .bool(let value) = self { value } else { nil } }
    var uint64: UInt64? { if case .number(let value) = self { UInt64(value) } else { nil } }
    var uint32: UInt32? { if case .number(let value) = self { UInt32(value) } else { nil } }
    var array: [JSONValue]? { if case .array(let value) = self { value } else { nil } }
    var object: [String: JSONValue]? { if case .object(let value) = self { value } else { nil } }
}
