import Crypto
import SidingCore
import SidingTestKit
import Testing

@Suite struct ChangeCodecTests {
    let key = try! Curve25519.Signing.PrivateKey(rawRepresentation: Array(repeating: 42, count: 32))
    let other = OriginKey(try! Curve25519.Signing.PrivateKey(rawRepresentation: Array(repeating: 7, count: 32)).publicKey)
    let contact = EntityID(kind: .contact, bytes: Array(0..<10))!

    @Test func decodingReturnsWhatWasSigned() throws {
        let operations = [
            Operation(entity: contact, field: "name", action: .write(value: "Li Wei", replaces: [Dot(origin: other, seq: 3, index: 1)])),
            Operation(entity: contact, field: "tags", action: .add(element: "water")),
            Operation(
                entity: contact, field: "tags", action: .remove(element: "old", removes: [Dot(origin: OriginKey(key.publicKey), seq: 1, index: 0)])),
            Operation(
                entity: EntityID(kind: EntityKind(rawValue: 9), bytes: Array(repeating: 1, count: 10))!, field: "future",
                action: .unknown(type: 77, body: [1, 2, 3])),
        ]
        let change = try Change.sign(by: key, seq: 5, hlc: HLC(milliseconds: 1_700_000_000_000, counter: 3), operations: operations)
        let decoded = try VerifiedChange(verifying: change.encoded)
        #expect(decoded.change == change)
        #expect(decoded.operations == operations)
        #expect(decoded.encoded == change.encoded, "stored and relayed byte for byte")
    }

    @Test func signingIsDeterministic() throws {
        let operations = [Operation(entity: contact, field: "name", action: .write(value: "A", replaces: []))]
        let first = try Change.sign(by: key, seq: 1, hlc: HLC(rawValue: 1), operations: operations)
        let second = try Change.sign(by: key, seq: 1, hlc: HLC(rawValue: 1), operations: operations)
        #expect(first.encoded == second.encoded)
    }

    @Test func aSingleFieldEditIsSmall() throws {
        let edit = try Change.sign(
            by: key, seq: 1_000, hlc: HLC(milliseconds: 1_700_000_000_000, counter: 0),
            operations: [
                Operation(
                    entity: contact, field: "role",
                    action: .write(value: "Senior Fellow", replaces: [Dot(origin: OriginKey(key.publicKey), seq: 999, index: 0)]))
            ])
        print("single-field edit: \(edit.encoded.count) bytes")
        #expect(edit.encoded.count <= 150, "a one-field edit is \(edit.encoded.count) bytes")
    }

    @Test func nonCanonicalAndHostileBytesAreRejected() throws {
        var random = SeededGenerator(seed: 99)
        let change = try Change.sign(
            by: key, seq: 1, hlc: HLC(rawValue: 1),
            operations: [
                Operation(entity: contact, field: "name", action: .write(value: "A", replaces: []))
            ])
        for _ in 0..<2_000 {
            var bytes = change.encoded
            let position = Int.random(in: 0..<bytes.count, using: &random)
            bytes[position] = UInt8.random(in: 0...255, using: &random)
            if bytes != change.encoded { #expect(throws: ChangeError.self) { try VerifiedChange(verifying: bytes) } }
            _ = try? Change(decoding: random.bytes(Int.random(in: 0..<300, using: &random)))
        }
    }
}

@Suite struct IdentityTests {
    @Test func nodeIDsRoundTripAndCatchTypos() throws {
        let origin = OriginKey(Curve25519.Signing.PrivateKey().publicKey)
        let text = origin.nodeID.description
        #expect(text.count == 35 && text.split(separator: "-").count == 3)
        #expect(NodeID(text) == origin.nodeID)
        #expect(NodeID(String(text.uppercased().filter { $0 != "-" })) == origin.nodeID)
        let characters = Array(text)
        for index in characters.indices where characters[index] != "-" {
            for replacement in "abcdefghijklmnopqrstuvwxyz234567" where replacement != characters[index] {
                var typo = characters
                typo[index] = replacement
                #expect(NodeID(String(typo)) == nil, "typo at \(index) was not caught")
            }
        }
    }

    @Test func entityIDsRoundTrip() {
        let id = EntityID(kind: .note, bytes: Array(repeating: 200, count: 10))!
        #expect(id.description.hasPrefix("n_") && id.description.count == 18)
        #expect(EntityID(id.description) == id)
        #expect(EntityID(id.description.uppercased()) == id)
        #expect(EntityID("z_aaaaaaaaaaaaaaaa") == nil && EntityID("c_aaa") == nil && EntityID("c_aaaaaaaaaaaaaaa1") == nil)
    }
}

@Suite struct ClockTests {
    @Test func theClockNeverGoesBackwards() {
        var clock = HLC.zero
        var random = SeededGenerator(seed: 5)
        for _ in 0..<10_000 {
            let next = clock.tick(now: UInt64.random(in: 1_000...1_100, using: &random))
            #expect(next > clock)
            clock = next
        }
    }

    @Test func aRemoteClockCannotDragOursFarIntoTheFuture() {
        let local = HLC(milliseconds: 1_000, counter: 0)
        let yearAhead = HLC(milliseconds: 1_000 + 365 * 86_400_000, counter: 0)
        let (clock, skew) = local.receive(yearAhead, now: 1_000, maxDrift: 60_000)
        #expect(clock.milliseconds == 61_000)
        #expect(skew == 365 * 86_400_000)
    }
}

@Suite struct EditPlannerTests {
    let origin = OriginKey(Curve25519.Signing.PrivateKey().publicKey)
    let contact = EntityID(kind: .contact, bytes: Array(repeating: 1, count: 10))!

    @Test func writingAConflictedFieldReplacesEverySurvivingValue() {
        let values = [
            RegisterValue(value: "A", dot: Dot(origin: origin, seq: 1, index: 0), hlc: HLC(rawValue: 5)),
            RegisterValue(value: "B", dot: Dot(origin: origin, seq: 2, index: 0), hlc: HLC(rawValue: 4)),
        ]
        let state = EntityState(id: contact, registers: ["role": values])
        let operations = EditPlanner.operations(for: Edit(writes: ["role": "A"]), on: contact, current: state)
        #expect(operations == [Operation(entity: contact, field: "role", action: .write(value: "A", replaces: values.map(\.dot).sorted()))])
        #expect(
            EditPlanner.operations(
                for: Edit(writes: ["role": "A"]), on: contact,
                current: EntityState(id: contact, registers: ["role": [values[0]]])
            ).isEmpty)
    }

    @Test func removingATagRemovesEveryObservedAddition() {
        let dots: Set<Dot> = [Dot(origin: origin, seq: 1, index: 0), Dot(origin: origin, seq: 3, index: 2)]
        let state = EntityState(id: contact, sets: ["tags": ["water": dots]])
        let operations = EditPlanner.operations(for: Edit(removals: ["tags": ["water", "absent"]]), on: contact, current: state)
        #expect(operations == [Operation(entity: contact, field: "tags", action: .remove(element: "water", removes: dots.sorted()))])
    }
}
