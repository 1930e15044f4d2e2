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
        return storedBytes == bytes ? .duplicate : .equivocation
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
