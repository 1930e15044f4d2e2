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
