/// The canonical binary form of a change in a circle (format 2; Protocol/CHANGES.md, "Format 2").
/// Format 1 with the circle log in the header, other logs named by (author, epoch), every value or
/// set element in a value slot, and the value seal before the signature:
///
///     u8 format=2 · [32] author · [16] circle · epoch · seq · hlc
///     · count, ([32] author · epoch)× other logs named by dots (sorted, unique, not this log)
///     · count, operation× (as format 1; a write, add or remove body starts with a value slot)
///     · seal: 0x00 [16] seed | 0x01 (some value erased) | 0x02 (no value to seal) · [64] Ed25519 signature
///     value slot: 0x00 string (salt from the seed) | 0x01 [32] commitment (erased) | 0x02 [16] salt string
///
/// The signature is over "siding-change-v2\0" and the same bytes with each value slot replaced by its
/// 32-byte commitment and the seal left out, so erasing a value leaves it valid.
/// The first byte of every change in a circle, for code that sorts changes before decoding them.
public enum CircleChangeFormat {
    public static let byte: UInt8 = 2
}

enum CircleChangeCodec {
    static let format: UInt8 = CircleChangeFormat.byte
    static let signingContext = Array("siding-change-v2\u{0}".utf8)

    enum Slot {
        static let seeded: UInt8 = 0
        static let erased: UInt8 = 1
        static let salted: UInt8 = 2
    }

    enum SealTag {
        static let seed: UInt8 = 0
        static let redacted: UInt8 = 1
        static let none: UInt8 = 2
    }

    static func signedMessage(
        log: CircleLog, seq: UInt64, hlc: HLC, operations: [Operation], otherLogs: [CircleLog], seal: ValueSeal
    ) -> [UInt8] {
        signingContext + encodeBody(log: log, seq: seq, hlc: hlc, operations: operations, otherLogs: otherLogs, seal: seal, forSigning: true)
    }

    /// The bytes before the signature (`forSigning`: the form the signature covers).
    static func encodeBody(
        log: CircleLog, seq: UInt64, hlc: HLC, operations: [Operation], otherLogs: [CircleLog], seal: ValueSeal,
        forSigning: Bool
    ) -> [UInt8] {
        var logIndex: [OriginKey: UInt64] = [log.key: 0]
        for (offset, other) in otherLogs.enumerated() { logIndex[other.key] = UInt64(offset + 1) }

        var writer = ByteWriter(capacity: 192 + operations.count * 64)
        writer.byte(format)
        writer.raw(log.author.bytes)
        writer.raw(log.circle.bytes)
        writer.varint(log.epoch)
        writer.varint(seq)
        writer.varint(hlc.rawValue)
        writer.varint(otherLogs.count)
        for other in otherLogs {
            writer.raw(other.author.bytes)
            writer.varint(other.epoch)
        }
        writer.varint(operations.count)
        for (index, operation) in operations.enumerated() {
            writer.varint(operation.entity.kind.rawValue)
            writer.raw(operation.entity.bytes)
            writer.string(operation.field)
            var body = ByteWriter()
            let type: UInt64
            func slot(_ value: String) {
                if forSigning {
                    body.raw(seal.commitment(of: index, value: value) ?? [])
                } else if case .redacted(let commitments, let salts) = seal {
                    if let commitment = commitments[index] {
                        body.byte(Slot.erased)
                        body.raw(commitment)
                    } else {
                        body.byte(Slot.salted)
                        body.raw(salts[index] ?? [])
                        body.string(value)
                    }
                } else {
                    body.byte(Slot.seeded)
                    body.string(value)
                }
            }
            switch operation.action {
            case .write(let value, let replaces):
                type = ChangeCodec.ActionType.write
                slot(value)
                encode(replaces, into: &body, logIndex: logIndex)
            case .add(let element):
                type = ChangeCodec.ActionType.add
                slot(element)
            case .remove(let element, let removes):
                type = ChangeCodec.ActionType.remove
                slot(element)
                encode(removes, into: &body, logIndex: logIndex)
            case .unknown(let unknownType, let bytes):
                type = unknownType
                body.raw(bytes)
            }
            writer.varint(type)
            writer.blob(body.bytes)
        }
        guard !forSigning else { return writer.bytes }
        switch seal {
        case .seed(let seed):
            writer.byte(SealTag.seed)
            writer.raw(seed)
        case .redacted:
            writer.byte(SealTag.redacted)
        case .none:
            writer.byte(SealTag.none)
        }
        return writer.bytes
    }

    private static func encode(_ dots: [Dot], into writer: inout ByteWriter, logIndex: [OriginKey: UInt64]) {
        writer.varint(dots.count)
        for dot in dots {
            writer.varint(logIndex[dot.origin] ?? 0)
            writer.varint(dot.seq)
            writer.varint(dot.index)
        }
    }

    static func decode(_ bytes: [UInt8]) throws(DecodingError) -> Change {
        guard bytes.count <= ChangeLimits.maxEncodedBytes else {
            throw .limitExceeded("change of \(bytes.count) bytes exceeds \(ChangeLimits.maxEncodedBytes)")
        }
        guard bytes.count > Change.signatureByteCount else { throw .truncated(at: bytes.count) }
        var reader = ByteReader(bytes, range: 0..<(bytes.count - Change.signatureByteCount))
        guard try reader.byte() == format else { throw .unsupportedFormat(bytes[0]) }
        let author = try originKey(&reader)
        guard let circle = CircleID(bytes: try reader.raw(CircleID.byteCount)) else { throw .truncated(at: reader.offset) }
        let epoch = try reader.varint()
        let seq = try reader.varint()
        let hlc = try reader.varint()
        guard seq >= 1, seq <= UInt64(Int64.max), epoch <= UInt64(Int64.max) else { throw .malformed("seq or epoch out of range") }
        guard hlc <= HLC.maxRawValue else { throw .malformed("hlc \(hlc) out of range") }
        let log = CircleLog(circle: circle, author: author, epoch: epoch)

        var logs = [log]
        let otherCount = try reader.count(max: ChangeLimits.maxReferencedOrigins, "log count")
        for _ in 0..<otherCount {
            let other = CircleLog(circle: circle, author: try originKey(&reader), epoch: try reader.varint())
            guard other.author != author || other.epoch != epoch, logs.count == 1 || logs[logs.count - 1] < other else {
                throw .malformed("named logs must be sorted, unique and not the change's own log")
            }
            logs.append(other)
        }

        let operationCount = try reader.count(max: ChangeLimits.maxOperations, "operation count")
        guard operationCount <= reader.remaining else { throw .limitExceeded("operation count larger than the change") }
        var operations: [Operation] = []
        operations.reserveCapacity(operationCount)
        var slots: [Int: ValueSlot] = [:]
        for index in 0..<operationCount {
            let (operation, slot) = try decodeOperation(&reader, logs: logs)
            operations.append(operation)
            if let slot { slots[index] = slot }
        }
        let seal = try decodeSeal(&reader, slots: slots)
        guard reader.isAtEnd else { throw .malformed("\(reader.remaining) trailing bytes before the signature") }
        if !operations.contains(where: { if case .unknown = $0.action { true } else { false } }) {
            let named = Set(operations.flatMap { $0.action.retires.map(\.origin) })
            guard logs.dropFirst().allSatisfy({ named.contains($0.key) }) else { throw .malformed("a named log is named by no dot") }
        }
        return Change(
            log: log, seq: seq, hlc: HLC(rawValue: hlc), operations: operations, otherLogs: Array(logs.dropFirst()), seal: seal,
            encoded: bytes)
    }

    enum ValueSlot {
        case seeded
        case erased([UInt8])
        case salted([UInt8])
    }

    private static func decodeSeal(_ reader: inout ByteReader, slots: [Int: ValueSlot]) throws(DecodingError) -> ValueSeal {
        let tag = try reader.byte()
        guard !slots.isEmpty else {
            guard tag == SealTag.none else { throw .malformed("a change with no value to seal has no seal") }
            return .none
        }
        switch tag {
        case SealTag.seed:
            guard slots.values.allSatisfy({ if case .seeded = $0 { true } else { false } }) else {
                throw .malformed("a sealed change with a seed has every value present and unsalted")
            }
            return .seed(try reader.raw(ValueSeal.seedByteCount))
        case SealTag.redacted:
            var commitments: [Int: [UInt8]] = [:]
            var salts: [Int: [UInt8]] = [:]
            for (index, slot) in slots {
                switch slot {
                case .seeded: throw .malformed("a redacted change gives each remaining value its salt")
                case .erased(let commitment): commitments[index] = commitment
                case .salted(let salt): salts[index] = salt
                }
            }
            guard !commitments.isEmpty else { throw .malformed("a redacted change has at least one erased value") }
            return .redacted(commitments: commitments, salts: salts)
        default:
            throw .malformed("unknown value seal")
        }
    }

    private static func originKey(_ reader: inout ByteReader) throws(DecodingError) -> OriginKey {
        guard let key = OriginKey(bytes: try reader.raw(OriginKey.byteCount)) else { throw .truncated(at: reader.offset) }
        return key
    }

    private static func decodeOperation(_ reader: inout ByteReader, logs: [CircleLog]) throws(DecodingError) -> (Operation, ValueSlot?) {
        let kind = EntityKind(rawValue: try reader.varint())
        guard let entity = EntityID(kind: kind, bytes: try reader.raw(EntityID.randomByteCount)) else {
            throw .truncated(at: reader.offset)
        }
        let field = try reader.string(maxBytes: ChangeLimits.maxFieldNameBytes, "field name")
        let type = try reader.varint()
        let bodyLength = try reader.count(max: ChangeLimits.maxUnknownBodyBytes + 64, "operation body length")
        let bodyBytes = try reader.raw(bodyLength)
        var body = ByteReader(bodyBytes)
        let action: Operation.Action
        let slot: ValueSlot
        switch type {
        case ChangeCodec.ActionType.write:
            let value: String
            (value, slot) = try decodeSlot(&body)
            action = .write(value: value, replaces: try decodeDots(&body, logs: logs))
        case ChangeCodec.ActionType.add:
            let element: String
            (element, slot) = try decodeSlot(&body)
            action = .add(element: element)
        case ChangeCodec.ActionType.remove:
            let element: String
            (element, slot) = try decodeSlot(&body)
            action = .remove(element: element, removes: try decodeDots(&body, logs: logs))
        default:
            guard bodyLength <= ChangeLimits.maxUnknownBodyBytes else { throw .limitExceeded("unknown action body") }
            let operation = Operation(entity: entity, field: field, action: .unknown(type: type, body: bodyBytes))
            // A control action or erasure order that does not decode makes the change malformed everywhere alike.
            _ = try ControlAction(operation)
            _ = try ErasureOrder(operation)
            return (operation, nil)
        }
        guard body.isAtEnd else { throw .malformed("trailing bytes in an operation body") }
        return (Operation(entity: entity, field: field, action: action), slot)
    }

    /// An erased value reads as the empty string; the change's seal says which operations are erased.
    private static func decodeSlot(_ reader: inout ByteReader) throws(DecodingError) -> (String, ValueSlot) {
        switch try reader.byte() {
        case Slot.seeded:
            return (try reader.string(maxBytes: ChangeLimits.maxValueBytes, "value"), .seeded)
        case Slot.erased:
            return ("", .erased(try reader.raw(ValueSeal.commitmentByteCount)))
        case Slot.salted:
            let salt = try reader.raw(ValueSeal.saltByteCount)
            return (try reader.string(maxBytes: ChangeLimits.maxValueBytes, "value"), .salted(salt))
        default:
            throw .malformed("unknown value slot")
        }
    }

    private static func decodeDots(_ reader: inout ByteReader, logs: [CircleLog]) throws(DecodingError) -> [Dot] {
        let count = try reader.count(max: ChangeLimits.maxDotsPerOperation, "dot count")
        guard count <= reader.remaining else { throw .limitExceeded("dot count larger than the operation") }
        var dots: [Dot] = []
        dots.reserveCapacity(count)
        for _ in 0..<count {
            let logIndex = try reader.count(max: logs.count - 1, "dot log index")
            let seq = try reader.varint()
            let index = try reader.count(max: ChangeLimits.maxOperations - 1, "dot operation index")
            guard seq >= 1, seq <= UInt64(Int64.max) else { throw .malformed("dot seq \(seq) out of range") }
            dots.append(Dot(origin: logs[logIndex].key, seq: seq, index: index))
        }
        return dots
    }
}
