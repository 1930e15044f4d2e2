import SidingCore

/// The sending node's own changes travel without their origin key (bytes 1–32 of a change, after the
/// format byte): the receiver knows it from the sender's certificate and puts it back before verifying,
/// so the signature still covers exactly the bytes the author signed (Protocol/SPEC.md, "Batch").
public enum SenderOrigin {
    /// Listed in Hello by a node that restores `Batch.sender_changes`.
    public static let capability = "sender-origin"

    private static let originRange = 1..<(1 + OriginKey.byteCount)

    public static func isAuthored(_ change: [UInt8], by sender: OriginKey) -> Bool {
        change.count > originRange.upperBound && change[originRange].elementsEqual(sender.bytes)
    }

    static func elided(_ change: [UInt8]) -> [UInt8] {
        Array(change[..<originRange.lowerBound]) + change[originRange.upperBound...]
    }

    static func restored(_ elided: [UInt8], sender: OriginKey) -> [UInt8] {
        var change = [UInt8]()
        change.reserveCapacity(elided.count + OriginKey.byteCount)
        change.append(elided[0])
        change.append(contentsOf: sender.bytes)
        change.append(contentsOf: elided[1...])
        return change
    }
}
