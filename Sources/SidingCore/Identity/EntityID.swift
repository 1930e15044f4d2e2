/// Names a contact, a note or an entity of a later kind: the kind plus 80 random bits chosen by the
/// node that created it (randomness comes from the shell; the core only carries it).
/// Shown as `<kind prefix>_<16 base32 characters>`, e.g. `c_k3j9x2m4p8q1r5t7`.
public struct EntityID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public static let randomByteCount = 10
    public let kind: EntityKind
    public let bytes: [UInt8]

    public init?(kind: EntityKind, bytes: [UInt8]) {
        guard bytes.count == Self.randomByteCount else { return nil }
        self.kind = kind
        self.bytes = bytes
    }

    /// For bytes whose length is known to be right.
    init(kind: EntityKind, validBytes: [UInt8]) {
        self.kind = kind
        self.bytes = validBytes
    }

    public init?(_ text: String) {
        let parts = text.lowercased().split(separator: "_", maxSplits: 1)
        guard parts.count == 2, let kind = EntityKind(prefix: String(parts[0])),
            parts[1].count == 16, let bytes = Base32.decode(String(parts[1]))
        else { return nil }
        self.init(kind: kind, bytes: bytes)
    }

    public var description: String { "\(kind.prefix)_\(Base32.encode(bytes))" }

    public static func < (lhs: EntityID, rhs: EntityID) -> Bool {
        (lhs.kind, lhs.description) < (rhs.kind, rhs.description)
    }
}
