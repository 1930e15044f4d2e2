import Crypto

/// The copy-pasteable identity of a node: base32 of the first 20 bytes of SHA-256(public key) plus a
/// Luhn mod 32 check character, shown in three dash-separated groups of 11 so typos are caught.
public struct NodeID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public static let digestBytes = 20
    /// The 20-byte fingerprint; equal fingerprints mean the same key (second preimages are infeasible).
    public let fingerprint: [UInt8]

    public init(origin: OriginKey) {
        fingerprint = Array(SHA256.hash(data: origin.bytes).prefix(Self.digestBytes))
    }

    /// Parses a node ID as shown by `siding id`; dashes, spaces and case do not matter.
    public init?(fingerprint: [UInt8]) {
        guard fingerprint.count == Self.digestBytes else { return nil }
        self.fingerprint = fingerprint
    }

    public init?(_ text: String) {
        let compact = text.lowercased().filter { $0 != "-" && $0 != " " }
        guard compact.count == 33, let check = compact.last else { return nil }
        let body = String(compact.dropLast())
        guard let bytes = Base32.decode(body), bytes.count == Self.digestBytes,
            Self.checkCharacter(body) == check
        else { return nil }
        fingerprint = bytes
    }

    public var description: String {
        let body = Base32.encode(fingerprint)
        let full = Array(body + String(Self.checkCharacter(body)))
        return [full[0..<11], full[11..<22], full[22..<33]].map { String($0) }.joined(separator: "-")
    }

    static func checkCharacter(_ body: String) -> Character {
        // Luhn mod N over base32 digits: catches every single-character error and most transpositions.
        var factor = 2
        var sum = 0
        for character in body.utf8.reversed() {
            let digit = Int(Base32.digit(character) ?? 0)
            var addend = factor * digit
            addend = addend / 32 + addend % 32
            sum += addend
            factor = factor == 2 ? 1 : 2
        }
        let check = (32 - sum % 32) % 32
        return Character(Unicode.Scalar(Base32.alphabet[check]))
    }

    public static func < (lhs: NodeID, rhs: NodeID) -> Bool {
        lhs.fingerprint.lexicographicallyPrecedes(rhs.fingerprint)
    }
}
