import Crypto

/// Whether a change received for `(origin, seq)` can be applied, given what is held of that origin.
/// Depends only on the change and the origin's earlier changes, so every node decides the same.
public enum Admission: Equatable, Sendable {
    case apply
    /// The same bytes are already held: applying again changes nothing.
    case duplicate
    /// Different bytes for a held `(origin, seq)`: proof that the origin forked its history.
    case equivocation
    /// Changes `held + 1 ..< seq` of this origin are missing; it must wait for them.
    case gap(expected: UInt64)

    public static func decide(seq: UInt64, held: UInt64, storedBytes: [UInt8]?, bytes: [UInt8]) -> Admission {
        if seq == held + 1 { return .apply }
        if seq > held + 1 { return .gap(expected: held + 1) }
        return storedBytes.map { isSameVersion($0, bytes) } == true ? .duplicate : .equivocation
    }

    /// Of two versions of one seq, whether `bytes` is the one every node keeps in force over `other`:
    /// the lower SHA-256 of the bytes (format 1), of the signature (format 2, so that a version and its
    /// redactions rank alike wherever values were erased).
    public static func keepsInForce(_ bytes: [UInt8], over other: [UInt8]) -> Bool {
        versionDigest(bytes).lexicographicallyPrecedes(versionDigest(other))
    }

    /// What tells versions of one seq apart: SHA-256 of the bytes, of the signature for format 2 (a
    /// change and its redactions are one version). Forks rank by it; summaries' tip digests are its prefix.
    public static func versionDigest(_ bytes: [UInt8]) -> [UInt8] {
        // A redacted network change names the digest of the change it was made from.
        if bytes.first == NetworkRedaction.format, bytes.count >= NetworkRedaction.digestRange.upperBound {
            return Array(bytes[NetworkRedaction.digestRange])
        }
        return Array(SHA256.hash(data: versionBytes(bytes)))
    }

    static func isSameVersion(_ held: [UInt8], _ other: [UInt8]) -> Bool {
        guard held.first == NetworkRedaction.format || other.first == NetworkRedaction.format else {
            return versionBytes(held) == versionBytes(other)
        }
        return versionDigest(held) == versionDigest(other)
    }

    /// The bytes that identify a version: all of a format 1 change; the signature of a format 2 one, so
    /// a change and its redactions (values erased, same signature: it covers each value's commitment,
    /// and Ed25519 gives one message one signature) are one version. Both sides were verified before.
    private static func versionBytes(_ bytes: [UInt8]) -> ArraySlice<UInt8> {
        bytes.first == CircleChangeCodec.format ? bytes.suffix(Change.signatureByteCount) : bytes[...]
    }
}

/// What receiving a change did.
public enum ApplyOutcome: Equatable, Sendable {
    case applied
    case duplicate
    /// Kept as evidence; of the two versions the store keeps the one with the lower SHA-256 in force.
    case equivocation
    /// A circle's change this node does not store: it is not a member, the author was not admitted,
    /// or the write is past its author's cut (Protocol/CHANGES.md, "Format 2"). Logged without content.
    case refused
}

/// Why a received change was refused; nothing of it was applied.
public enum ReceiveError: Error, Equatable, Sendable, CustomStringConvertible {
    case rejected(ChangeError)
    case gap(origin: NodeID, expected: UInt64, got: UInt64)

    public var description: String {
        switch self {
        case .rejected(let error): error.description
        case .gap(let origin, let expected, let got):
            "change \(got) of node \(origin) arrived before change \(expected); it must be re-sent after the missing ones"
        }
    }
}
