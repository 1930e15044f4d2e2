import Crypto

/// Names a circle: the first 16 bytes of SHA-256("siding-circle\0" ‖ owner key ‖ nonce). Unguessable
/// (the nonce is random, chosen by the shell) and tied to its owner: the owner's `create` action reveals
/// the nonce, so every member can check who owns the circle. Shown as `x_<26 base32 characters>`.
public struct CircleID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public static let byteCount = 16
    public static let nonceByteCount = 16
    static let derivationContext = Array("siding-circle\u{0}".utf8)
    public let bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard bytes.count == Self.byteCount else { return nil }
        self.bytes = bytes
    }

    /// The ID of the circle `owner` creates with `nonce`.
    public init?(owner: OriginKey, nonce: [UInt8]) {
        guard nonce.count == Self.nonceByteCount else { return nil }
        bytes = Array(SHA256.hash(data: Self.derivationContext + owner.bytes + nonce).prefix(Self.byteCount))
    }

    public init?(_ text: String) {
        let lowered = text.lowercased()
        guard lowered.hasPrefix("x_"), let bytes = Base32.decode(String(lowered.dropFirst(2))), bytes.count == Self.byteCount
        else { return nil }
        self.bytes = bytes
    }

    public var description: String { "x_" + Base32.encode(bytes) }

    /// The entity that carries the circle's own fields (its name) and control actions in changes.
    public var entity: EntityID {
        // 10 of 16 bytes: unique among a node's circles in practice, and only ever read inside the circle.
        EntityID(kind: .circle, validBytes: Array(bytes.prefix(EntityID.randomByteCount)))
    }

    public static func < (lhs: CircleID, rhs: CircleID) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }
}

/// One author's log in one circle, for one admission (`epoch`: the seq of the owner's change that
/// admitted it; 0 for the owner's own log). Re-admission starts a new log. Its 32-byte `key` plays the
/// part an origin key plays for the network log: version vectors, summaries, dots and storage are keyed
/// by it, so everything that works per origin works per circle log unchanged.
public struct CircleLog: Hashable, Comparable, Sendable {
    static let derivationContext = Array("siding-log\u{0}".utf8)
    public let circle: CircleID
    public let author: OriginKey
    public let epoch: UInt64
    public let key: OriginKey

    public init(circle: CircleID, author: OriginKey, epoch: UInt64) {
        self.circle = circle
        self.author = author
        self.epoch = epoch
        var writer = ByteWriter(capacity: 64)
        writer.raw(Self.derivationContext)
        writer.raw(circle.bytes)
        writer.raw(author.bytes)
        writer.varint(epoch)
        // A SHA-256 output is 32 bytes, so this never fails.
        key = OriginKey(bytes: Array(SHA256.hash(data: writer.bytes))) ?? author
    }

    public static func < (lhs: CircleLog, rhs: CircleLog) -> Bool { (lhs.author, lhs.epoch) < (rhs.author, rhs.epoch) }
}
