import Crypto

/// How a format 2 change binds its values to its signature so that any value can be dropped later
/// ([erasure]) while the signature still covers everything else. The signature covers, for each value
/// or set element, a commitment SHA-256("siding-value\0" ‖ salt ‖ value) instead of the value; the
/// value travels beside it. Salts are secret per value, so a commitment left behind by an erasure does
/// not let anyone test guesses of what was erased (a phone number has few enough values to try).
public enum ValueSeal: Hashable, Sendable {
    /// Every value present: one 16-byte seed from which each operation's salt is derived.
    case seed([UInt8])
    /// Some values erased: the commitment of each erased operation's value, and the salt of each
    /// operation whose value is still present (the seed is gone, or it would reveal the erased salts).
    case redacted(commitments: [Int: [UInt8]], salts: [Int: [UInt8]])
    /// No operation has a value to seal (e.g. only control actions). A seed there would be covered by
    /// nothing, and bytes the signature does not cover must not vary.
    case none

    public static let seedByteCount = 16
    public static let saltByteCount = 16
    public static let commitmentByteCount = 32
    static let saltContext = Array("siding-salt\u{0}".utf8)
    static let valueContext = Array("siding-value\u{0}".utf8)

    /// The salt of operation `index`'s value, if this seal still has it.
    func salt(of index: Int) -> [UInt8]? {
        switch self {
        case .seed(let seed): Self.derivedSalt(seed: seed, index: index)
        case .redacted(_, let salts): salts[index]
        case .none: nil
        }
    }

    /// What the signature covers for operation `index`'s value.
    func commitment(of index: Int, value: String) -> [UInt8]? {
        if case .redacted(let commitments, _) = self, let commitment = commitments[index] { return commitment }
        return salt(of: index).map { Self.commitment(salt: $0, value: value) }
    }

    public var erasedOperations: Set<Int> {
        if case .redacted(let commitments, _) = self { return Set(commitments.keys) }
        return []
    }

    static func derivedSalt(seed: [UInt8], index: Int) -> [UInt8] {
        var writer = ByteWriter(capacity: 48)
        writer.raw(saltContext)
        writer.raw(seed)
        writer.varint(index)
        return Array(SHA256.hash(data: writer.bytes).prefix(saltByteCount))
    }

    static func commitment(salt: [UInt8], value: String) -> [UInt8] {
        Array(SHA256.hash(data: valueContext + salt + Array(value.utf8)))
    }
}
