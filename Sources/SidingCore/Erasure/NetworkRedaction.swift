import Crypto

/// A network change (format 1) with the values of some operations erased: a **redacted network change**
/// (format 3, Protocol/CHANGES.md "Erasure of network records"). Format 1 signs the values themselves,
/// so no redaction verifies against its author's signature. It is accepted in place of the change where
/// an erasure order of the record's creator lists its SHA-256 (`ErasureOrder.listings`), or where the
/// node holds the original it came from. Layout:
///
///     u8 3 · [32] origin · [32] SHA-256 of the original change
///     · count, erased operation indices (ascending)
///     · the original's bytes after its origin, with each erased operation's value or element emptied
///
/// The origin sits where format 1 has it, so the sender's own changes lose it on the wire alike.
public struct NetworkRedaction: Hashable, Sendable {
    public static let format: UInt8 = 3
    static let digestRange = 33..<65

    /// SHA-256 of the original change: the version it is (forks rank by it, tip digests use it).
    public let originalDigest: [UInt8]
    public let erasedOperations: Set<Int>

    /// Everything before the signature, for `operations` with this redaction's values already emptied.
    func encodeBody(origin: OriginKey, seq: UInt64, hlc: HLC, operations: [Operation]) -> [UInt8] {
        let body = ChangeCodec.encodeBody(origin: origin, seq: seq, hlc: hlc, operations: operations)
        var writer = ByteWriter(capacity: body.count + 128)
        writer.byte(Self.format)
        writer.raw(origin.bytes)
        writer.raw(originalDigest)
        writer.varint(erasedOperations.count)
        for index in erasedOperations.sorted() { writer.varint(index) }
        writer.raw(body[(1 + OriginKey.byteCount)...])
        return writer.bytes
    }

    static func decode(_ bytes: [UInt8]) throws(DecodingError) -> Change {
        // An original at the size limit keeps its size when redacted, plus this header.
        let headerLimit = NetworkRedaction.digestRange.upperBound + 3 * ChangeLimits.maxOperations
        guard bytes.count <= ChangeLimits.maxEncodedBytes + headerLimit else { throw .limitExceeded("redacted change too large") }
        var reader = ByteReader(bytes)
        guard try reader.byte() == format else { throw .unsupportedFormat(bytes[0]) }
        let origin = try reader.raw(OriginKey.byteCount)
        let digest = try reader.raw(32)
        let count = try reader.count(max: ChangeLimits.maxOperations, "erased operation count")
        guard count > 0 else { throw .malformed("a redacted change erases at least one value") }
        var erased: [Int] = []
        for _ in 0..<count {
            let index = try reader.count(max: ChangeLimits.maxOperations - 1, "erased operation index")
            guard erased.last.map({ $0 < index }) ?? true else { throw .malformed("erased operation indices must ascend") }
            erased.append(index)
        }
        let original = try ChangeCodec.decode([Change.formatVersion] + origin + bytes[reader.offset...])
        for index in erased {
            guard index < original.operations.count, original.operations[index].action.committedValue == "" else {
                throw .malformed("an erased operation must exist and carry an empty value")
            }
        }
        return Change(
            redacted: original, encoded: bytes, NetworkRedaction(originalDigest: digest, erasedOperations: Set(erased)))
    }
}

extension Change {
    /// This network change with the values of the operations `erasing` dropped (nil if that drops
    /// nothing more, or for a circle's change: see `redacting(_:)`). Redacting twice equals redacting
    /// once with both sets, so every node holding the original makes the same bytes.
    public func redactingNetwork(_ erasing: Set<Int>) -> Change? {
        guard circleLog == nil else { return nil }
        let before = networkRedaction?.erasedOperations ?? []
        let added = erasing.filter { operations.indices.contains($0) && operations[$0].action.committedValue != nil }
        guard !added.isSubset(of: before) else { return nil }
        let erased = before.union(added)
        var kept = operations
        for index in erased { kept[index] = operations[index].erasingValue }
        let redaction = NetworkRedaction(
            originalDigest: networkRedaction?.originalDigest ?? Array(SHA256.hash(data: encoded)), erasedOperations: erased)
        let bytes = redaction.encodeBody(origin: origin, seq: seq, hlc: hlc, operations: kept) + encoded.suffix(Self.signatureByteCount)
        return Change(redacted: Change(origin: origin, seq: seq, hlc: hlc, operations: kept, encoded: []), encoded: bytes, redaction)
    }

    /// SHA-256 of the change's bytes as held: what an erasure order lists.
    public var bytesDigest: [UInt8] { Array(SHA256.hash(data: encoded)) }
}
