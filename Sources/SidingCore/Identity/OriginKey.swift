import Crypto

/// A node's Ed25519 public key: the origin of the changes it signs.
public struct OriginKey: Hashable, Comparable, Sendable {
    public static let byteCount = 32
    public let bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard bytes.count == Self.byteCount else { return nil }
        self.bytes = bytes
    }

    public init(_ publicKey: Curve25519.Signing.PublicKey) {
        bytes = Array(publicKey.rawRepresentation)
    }

    /// The origin of the node whose Ed25519 private key is `privateKey` (its 32 raw bytes, as in
    /// `node.key`); nil if those are not a key.
    public init?(privateKey: [UInt8]) {
        guard let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: privateKey) else { return nil }
        self.init(key.publicKey)
    }

    public var nodeID: NodeID { NodeID(origin: self) }

    public static func < (lhs: OriginKey, rhs: OriginKey) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }
}
