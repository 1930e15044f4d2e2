import Foundation
import SidingCore
import SidingTestKit
import Testing

/// Every vector in Protocol/vectors/ must decode, verify and mean what it says, forever (append-only).
@Suite struct ProtocolVectorTests {
    struct Vector: Decodable {
        let name: String
        let hex: String
        let origin: String
        let seq: UInt64
        let hlc_ms: UInt64
        let hlc_counter: UInt16
        let operations: [String]
    }

    static var vectorsDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Protocol/vectors")
    }

    static func describe(_ operation: SidingCore.Operation) -> String {
        func dots(_ list: [Dot]) -> String { list.map { " \($0.origin.nodeID)/\($0.seq)/\($0.index)" }.joined() }
        let head = "\(operation.entity) \(operation.field)"
        switch operation.action {
        case .write(let value, let replaces): return "\(head) write \"\(value)\" replaces" + dots(replaces)
        case .add(let element): return "\(head) add \"\(element)\""
        case .remove(let element, let removes): return "\(head) remove \"\(element)\" removes" + dots(removes)
        case .unknown(let type, let body): return "\(head) action \(type) body " + body.map { String(format: "%02x", $0) }.joined()
        }
    }

    @Test func changeVectorsDecodeToTheirStatedMeaning() throws {
        let data = try Data(contentsOf: Self.vectorsDirectory.appendingPathComponent("change-v1.json"))
        let vectors = try JSONDecoder().decode([Vector].self, from: data)
        #expect(!vectors.isEmpty)
        for vector in vectors {
            let change = try VerifiedChange(verifying: hexBytes(vector.hex))
            #expect(change.origin.nodeID.description == vector.origin, "\(vector.name)")
            #expect(change.seq == vector.seq && change.hlc == HLC(milliseconds: vector.hlc_ms, counter: vector.hlc_counter), "\(vector.name)")
            #expect(change.operations.map(Self.describe) == vector.operations, "\(vector.name)")
            // Changing any single byte must make the vector invalid.
            for position in stride(from: 0, to: change.encoded.count, by: 7) {
                var tampered = change.encoded
                tampered[position] ^= 0x01
                #expect(throws: ChangeError.self) { try VerifiedChange(verifying: tampered) }
            }
        }
    }
}

/// Format 2 vectors (Protocol/vectors/change-v2.json): circle changes, control actions, erased values
/// and an erasure order.
@Suite struct CircleVectorTests {
    struct Vector: Decodable {
        let name: String
        let hex: String
        let author: String
        let circle: String
        let epoch: UInt64
        let seq: UInt64
        let hlc_ms: UInt64
        let hlc_counter: UInt16
        let erased: [Int]
        let operations: [String]
    }

    static func describe(_ operation: SidingCore.Operation) throws -> String {
        func dots(_ list: [Dot]) -> String { list.map { " \(hex(Array($0.origin.bytes.prefix(8))))/\($0.seq)/\($0.index)" }.joined() }
        let head = "\(operation.entity) \(operation.field)"
        if let order = try ErasureOrder(operation) {
            return "\(order.record) erase" + (order.creatorNonce.map { " proof \(hex($0))" } ?? "")
        }
        if let control = try ControlAction(operation) {
            switch control {
            case .create(let nonce): return "\(operation.entity) control create \(hex(nonce))"
            case .admit(let member): return "\(operation.entity) control admit \(member)"
            case .remove(let member, let cut): return "\(operation.entity) control remove \(member) cut \(cut)"
            case .leave: return "\(operation.entity) control leave"
            }
        }
        switch operation.action {
        case .write(let value, let replaces): return "\(head) write \"\(value)\" replaces" + dots(replaces)
        case .add(let element): return "\(head) add \"\(element)\""
        case .remove(let element, let removes): return "\(head) remove \"\(element)\" removes" + dots(removes)
        case .unknown(let type, let body): return "\(head) action \(type) body \(hex(body))"
        }
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test func changeV2VectorsDecodeToTheirStatedMeaning() throws {
        let data = try Data(contentsOf: ProtocolVectorTests.vectorsDirectory.appendingPathComponent("change-v2.json"))
        let vectors = try JSONDecoder().decode([Vector].self, from: data)
        #expect(vectors.count >= 6)
        for vector in vectors {
            let change = try VerifiedChange(verifying: hexBytes(vector.hex))
            #expect(change.author.nodeID.description == vector.author, "\(vector.name)")
            #expect(change.circle?.description == vector.circle && change.circleLog?.epoch == vector.epoch, "\(vector.name)")
            #expect(change.seq == vector.seq && change.hlc == HLC(milliseconds: vector.hlc_ms, counter: vector.hlc_counter), "\(vector.name)")
            #expect(change.erasedOperations == Set(vector.erased), "\(vector.name)")
            #expect(try change.operations.map(Self.describe) == vector.operations, "\(vector.name)")
            for order in change.erasureOrders where order.creatorNonce != nil {
                #expect(order.isFromCreator(change.author), "\(vector.name): the nonce does not prove the author made \(order.record)")
            }
            for position in stride(from: 0, to: change.encoded.count, by: 5) {
                var tampered = change.encoded
                tampered[position] ^= 0x01
                #expect(throws: ChangeError.self) { try VerifiedChange(verifying: tampered) }
            }
        }
    }
}
