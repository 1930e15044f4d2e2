import Crypto

/// A record's ID binds the node that made it: the first 10 bytes of SHA-256("siding-record\0" ‖ kind
/// (8 bytes, big-endian) ‖ the creator's node fingerprint ‖ a 16-byte nonce). The creator proves it
/// made the record by revealing the nonce (an erasure order's body). Nobody else can: with another key
/// the same nonce gives another ID, and finding a nonce for a given ID costs 2^80 hashes. The nonce need
/// not be secret. An ID made otherwise (a record of an older release, or one an import file named)
/// has no provable creator; its circle's owner can still erase it.
public enum RecordProvenance {
    public static let nonceByteCount = 16
    private static let domain = Array("siding-record\u{0}".utf8)

    /// The ID of a `kind` record made by `creator` from `nonce` (nil if the nonce is not 16 bytes).
    public static func id(kind: EntityKind, creator: NodeID, nonce: [UInt8]) -> EntityID? {
        guard nonce.count == nonceByteCount else { return nil }
        var hash = SHA256()
        hash.update(data: domain)
        hash.update(data: (0..<8).reversed().map { UInt8(truncatingIfNeeded: kind.rawValue >> (8 * $0)) })
        hash.update(data: creator.fingerprint)
        hash.update(data: nonce)
        return EntityID(kind: kind, validBytes: Array(hash.finalize().prefix(EntityID.randomByteCount)))
    }

    /// Whether `nonce` proves that `node` made `record`.
    public static func proves(_ nonce: [UInt8], that node: NodeID, made record: EntityID) -> Bool {
        id(kind: record.kind, creator: node, nonce: nonce) == record
    }
}
