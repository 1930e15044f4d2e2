import Crypto
import SidingCore
import SidingTestKit
import Testing

@testable import SidingSync

/// A received batch's signatures are checked in concurrent slices (`Session.verify`): the changes come
/// back in the order they were sent, and a batch with bad signatures is refused for its first one, as
/// if checked one by one.
@Suite struct BatchVerificationTests {
    typealias Receiver = Session<ContinuousClock>

    static func batch(of count: Int) throws -> (key: Curve25519.Signing.PrivateKey, encoded: [[UInt8]]) {
        let key = Curve25519.Signing.PrivateKey()
        let encoded = try (1...count).map { seq in
            let entity = try #require(EntityID(kind: .contact, bytes: Array(repeating: UInt8(seq % 251), count: 10)))
            return try Change.sign(
                by: key, seq: UInt64(seq), hlc: HLC(milliseconds: 1_000 + UInt64(seq), counter: 0),
                operations: [SidingCore.Operation(entity: entity, field: "name", action: .write(value: "Person \(seq)", replaces: []))]
            ).encoded
        }
        return (key, encoded)
    }

    /// The last byte is the signature's: flipping it keeps the change decodable but no longer signed.
    static func forged(_ bytes: [UInt8]) -> [UInt8] {
        var forged = bytes
        forged[forged.count - 1] ^= 0x01
        return forged
    }

    @Test func aBatchOfManySlicesComesBackInOrder() async throws {
        let (_, encoded) = try Self.batch(of: Receiver.verifySlice * 3 + 7)
        let verified = try await Receiver.verify(encoded)
        #expect(verified.map(\.change.seq) == (1...UInt64(encoded.count)).map { $0 })
        #expect(verified.map(\.change.encoded) == encoded)
    }

    @Test func theFirstBadSignatureIsTheOneNamed() async throws {
        var (key, encoded) = try Self.batch(of: Receiver.verifySlice * 3)
        // Bad signatures in the third slice and in the second: the second's is the one reported.
        let (later, earlier) = (Receiver.verifySlice * 2 + 5, Receiver.verifySlice + 9)
        encoded[later] = Self.forged(encoded[later])
        encoded[earlier] = Self.forged(encoded[earlier])
        let origin = OriginKey(key.publicKey).nodeID
        await #expect(throws: ChangeError.badSignature(origin: origin, seq: UInt64(earlier + 1))) {
            try await Receiver.verify(encoded)
        }
        // The positive control: the same batch with the earlier one mended names the later one.
        encoded[earlier] = Self.forged(encoded[earlier])
        await #expect(throws: ChangeError.badSignature(origin: origin, seq: UInt64(later + 1))) {
            try await Receiver.verify(encoded)
        }
    }
}
