/// The canonical binary form of a change (format 1). Layout, all integers unsigned LEB128 varints:
///
///     u8 format=1 · [32] origin key · seq · hlc
///     · count, [32]× other origins named by dots (sorted, unique, not the origin)
///     · count, operation×  · [64] Ed25519 signature over "siding-change-v1\0" + everything before it
///     operation: kind · [10] entity · field (len+utf8) · action type · body (len+bytes)
///     body: 1 write = value, dots · 2 add = element · 3 remove = element, dots · other: opaque
///     dots: count, (origin index: 0 = the change's origin, i = other origin i-1 · seq · op index)×
///
/// Bodies are length-prefixed so a node can carry actions of newer versions it cannot interpret.
enum ChangeCodec {
    enum ActionType {
        static let write: UInt64 = 1
        static let add: UInt64 = 2
        static let remove: UInt64 = 3
    }

    static func encodeBody(origin: OriginKey, seq: UInt64, hlc: HLC, operations: [Operation]) -> [UInt8] {
        let others = Array(Set(operations.flatMap { $0.action.retires.map(\.origin) }).subtracting([origin])).sorted()
        var originIndex: [OriginKey: UInt64] = [origin: 0]
        for (offset, other) in others.enumerated() { originIndex[other] = UInt64(offset + 1) }

        var writer = ByteWriter(capacity: 160 + operations.count * 48)
        writer.byte(Change.formatVersion)
        writer.raw(origin.bytes)
        writer.varint(seq)
        writer.varint(hlc.rawValue)
        writer.varint(others.count)
        for other in others { writer.raw(other.bytes) }
        writer.varint(operations.count)
        for operation in operations {
            writer.varint(operation.entity.kind.rawValue)
            writer.raw(operation.entity.bytes)
            writer.string(operation.field)
            var body = ByteWriter()
            let type: UInt64
            switch operation.action {
            case .write(let value, let replaces):
                type = ActionType.write
                body.string(value)
                encode(replaces, into: &body, originIndex: originIndex)
            case .add(let element):
                type = ActionType.add
                body.string(element)
            case .remove(let element, let removes):
                type = ActionType.remove
                body.string(element)
                encode(removes, into: &body, originIndex: originIndex)
            case .unknown(let unknownType, let bytes):
                type = unknownType
                body.raw(bytes)
            }
            writer.varint(type)
            writer.blob(body.bytes)
        }
        return writer.bytes
    }

    private static func encode(_ dots: [Dot], into writer: inout ByteWriter, originIndex: [OriginKey: UInt64]) {
        writer.varint(dots.count)
        for dot in dots {
            writer.varint(originIndex[dot.origin] ?? 0)
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
        let format = try reader.byte()
        guard format == Change.formatVersion else { throw .unsupportedFormat(format) }
        guard let origin = OriginKey(bytes: try reader.raw(OriginKey.byteCount)) else { throw .truncated(at: 1) }
        let seq = try reader.varint()
        let hlc = try reader.varint()
        guard seq >= 1, seq <= UInt64(Int64.max) else { throw .malformed("seq \(seq) out of range") }
        guard hlc <= HLC.maxRawValue else { throw .malformed("hlc \(hlc) out of range") }

        var origins = [origin]
        let otherCount = try reader.count(max: ChangeLimits.maxReferencedOrigins, "origin count")
        for _ in 0..<otherCount {
            guard let other = OriginKey(bytes: try reader.raw(OriginKey.byteCount)) else { throw .truncated(at: reader.offset) }
            guard other != origin, origins.count == 1 || origins[origins.count - 1] < other else {
                throw .malformed("referenced origins must be sorted, unique and not the change's origin")
            }
            origins.append(other)
        }

        let operationCount = try reader.count(max: ChangeLimits.maxOperations, "operation count")
        guard operationCount <= reader.remaining else { throw .limitExceeded("operation count larger than the change") }
        var operations: [Operation] = []
        operations.reserveCapacity(operationCount)
        for _ in 0..<operationCount {
            operations.append(try decodeOperation(&reader, origins: origins))
        }
        guard reader.isAtEnd else { throw .malformed("\(reader.remaining) trailing bytes before the signature") }
        // An origin no dot names would give one change two encodings; only an action of a later version,
        // opaque here, may name one that this version cannot see.
        if !operations.contains(where: { if case .unknown = $0.action { true } else { false } }) {
            let named = Set(operations.flatMap { $0.action.retires.map(\.origin) })
            guard origins.dropFirst().allSatisfy(named.contains) else { throw .malformed("a referenced origin is named by no dot") }
        }
        return Change(origin: origin, seq: seq, hlc: HLC(rawValue: hlc), operations: operations, encoded: bytes)
    }

    private static func decodeOperation(_ reader: inout ByteReader, origins: [OriginKey]) throws(DecodingError) -> Operation {
        let kind = EntityKind(rawValue: try reader.varint())
        guard let entity = EntityID(kind: kind, bytes: try reader.raw(EntityID.randomByteCount)) else {
            throw .truncated(at: reader.offset)
        }
        let field = try reader.string(maxBytes: ChangeLimits.maxFieldNameBytes, "field name")
        let type = try reader.varint()
        let bodyLength = try reader.count(max: ChangeLimits.maxUnknownBodyBytes + 16, "operation body length")
        let bodyBytes = try reader.raw(bodyLength)
        var body = ByteReader(bodyBytes)
        let action: Operation.Action
        switch type {
        case ActionType.write:
            let value = try body.string(maxBytes: ChangeLimits.maxValueBytes, "value")
            action = .write(value: value, replaces: try decodeDots(&body, origins: origins))
        case ActionType.add:
            action = .add(element: try body.string(maxBytes: ChangeLimits.maxValueBytes, "set element"))
        case ActionType.remove:
            let element = try body.string(maxBytes: ChangeLimits.maxValueBytes, "set element")
            action = .remove(element: element, removes: try decodeDots(&body, origins: origins))
        default:
            guard bodyLength <= ChangeLimits.maxUnknownBodyBytes else { throw .limitExceeded("unknown action body") }
            return Operation(entity: entity, field: field, action: .unknown(type: type, body: bodyBytes))
        }
        guard body.isAtEnd else { throw .malformed("trailing bytes in an operation body") }
        return Operation(entity: entity, field: field, action: action)
    }

    private static func decodeDots(_ reader: inout ByteReader, origins: [OriginKey]) throws(DecodingError) -> [Dot] {
        let count = try reader.count(max: ChangeLimits.maxDotsPerOperation, "dot count")
        guard count <= reader.remaining else { throw .limitExceeded("dot count larger than the operation") }
        var dots: [Dot] = []
        dots.reserveCapacity(count)
        for _ in 0..<count {
            let originIndex = try reader.count(max: origins.count - 1, "dot origin index")
            let seq = try reader.varint()
            let index = try reader.count(max: ChangeLimits.maxOperations - 1, "dot operation index")
            guard seq >= 1, seq <= UInt64(Int64.max) else { throw .malformed("dot seq \(seq) out of range") }
            dots.append(Dot(origin: origins[originIndex], seq: seq, index: index))
        }
        return dots
    }
}
