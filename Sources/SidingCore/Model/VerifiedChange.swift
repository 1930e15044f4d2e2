/// A change whose signature has been checked against its origin's key: the only kind a store takes
/// from elsewhere. `init(verifying:)` is the one place received bytes are checked, so a path that
/// skips the check does not type-check.
@dynamicMemberLookup
public struct VerifiedChange: Hashable, Sendable {
    public let change: Change

    /// Decodes a change received from elsewhere and checks its signature. A redacted network change
    /// (format 3) has none that can verify: it passes here as decoded, and the store takes it only where
    /// an erasure order vouches for it, or holds it unvouched (`StoreWriter`, "Erasure of network records").
    public init(verifying bytes: [UInt8]) throws(ChangeError) {
        let change = try Change(decoding: bytes)
        guard change.networkRedaction != nil || change.hasValidSignature else { throw .badSignature(origin: change.origin.nodeID, seq: change.seq) }
        self.change = change
    }

    /// A change this node has just signed with its own key: valid by construction.
    public init(signedHere change: Change) {
        self.change = change
    }

    public subscript<Value>(dynamicMember keyPath: KeyPath<Change, Value>) -> Value { change[keyPath: keyPath] }
}
