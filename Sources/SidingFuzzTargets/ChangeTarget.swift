import Crypto
import SidingCore

extension FuzzTargets {
    /// `change`: the input as a change received from a partner (decode and verify), and as one read
    /// back from storage (decode only). A change that decodes must re-encode to exactly its bytes (the
    /// format is canonical: signatures depend on it) or, if it holds actions of later versions, to the
    /// same operations; and its operations signed anew must verify. A network change must redact alike
    /// whatever the order of erasures (format 3).
    public static func change(_ input: UnsafeRawBufferPointer) {
        let bytes = Array(input)
        let verified = try? VerifiedChange(verifying: bytes)
        guard let change = try? Change(decoding: bytes) else { return }
        if let verified, verified.circleLog != nil {
            checkErasable(verified.change)
            checkRecordErasable(verified.change)
        } else if let verified, verified.networkRedaction == nil {
            checkNetworkRedactable(verified.change)
        }
        let signature = bytes.suffix(Change.signatureByteCount)
        if change.operations.contains(where: \.action.isOfLaterVersion) {
            // Opaque actions may name other origins that re-encoding cannot see: the operations must stay.
            guard (try? Change(decoding: change.canonicalBody + signature))?.operations == change.operations else {
                invariantBroken("change", "seq \(change.seq) with actions of later versions does not survive re-encoding")
            }
        } else {
            guard change.canonicalBody + signature == bytes else {
                invariantBroken("change", "seq \(change.seq) decodes but re-encodes to different bytes")
            }
        }
        checkSignedAnew(change)
    }

    /// A verified format 2 change: erasing any one value leaves a change that still verifies, keeps
    /// every other operation, and no longer holds the erased value's bytes as a value.
    private static func checkErasable(_ change: Change) {
        for index in change.operations.indices.prefix(8) where !change.erasedOperations.contains(index) {
            guard let redacted = change.redacting([index]) else { continue }
            guard let again = try? VerifiedChange(verifying: redacted.encoded) else {
                invariantBroken("change", "seq \(change.seq) with operation \(index) erased no longer verifies")
            }
            guard again.erasedOperations == change.erasedOperations.union([index]),
                zip(again.operations, change.operations).enumerated().allSatisfy({ $0.offset == index || $0.element.0 == $0.element.1 })
            else {
                invariantBroken("change", "seq \(change.seq): erasing operation \(index) changed another one")
            }
        }
    }

    /// A verified format 2 change: erasing one record (`redacting(records:)`, what an erasure order does)
    /// leaves a change that verifies, is the same version (a duplicate of the original, not a fork), has
    /// every value written to that record erased and every other operation as it was.
    private static func checkRecordErasable(_ change: Change) {
        for record in Set(change.operations.map(\.entity)).sorted().prefix(4) {
            guard let redacted = change.redacting(records: [record]) else { continue }
            guard let again = try? VerifiedChange(verifying: redacted.encoded) else {
                invariantBroken("change", "seq \(change.seq) with record \(record) erased no longer verifies")
            }
            let sameVersion = Admission.decide(seq: change.seq, held: change.seq, storedBytes: change.encoded, bytes: redacted.encoded)
            guard sameVersion == .duplicate, Admission.versionDigest(change.encoded) == Admission.versionDigest(redacted.encoded) else {
                invariantBroken("change", "seq \(change.seq) with record \(record) erased is taken for another version")
            }
            for (index, (after, before)) in zip(again.operations, change.operations).enumerated() {
                let erased = before.entity == record && before.action.committedValue != nil
                guard
                    erased
                        ? again.erasedOperations.contains(index)
                        : after == before && again.erasedOperations.contains(index) == change.erasedOperations.contains(index)
                else {
                    invariantBroken("change", "seq \(change.seq): erasing record \(record) changed operation \(index) wrongly")
                }
            }
        }
    }

    /// A verified network change: redacting two records one after the other gives the bytes of redacting
    /// both at once; each redaction decodes to itself, is the same version as the original, and keeps
    /// every operation on another record as it was.
    private static func checkNetworkRedactable(_ change: Change) {
        let records = Set(change.operations.map(\.entity)).sorted().prefix(3)
        for first in records {
            guard let once = change.redacting(records: [first]) else { continue }
            guard let again = try? Change(decoding: once.encoded), again == once,
                Admission.decide(seq: change.seq, held: change.seq, storedBytes: change.encoded, bytes: once.encoded) == .duplicate
            else {
                invariantBroken("change", "seq \(change.seq) redacted for \(first) does not decode to itself as the same version")
            }
            for (after, before) in zip(again.operations, change.operations) where before.entity != first {
                guard after == before else { invariantBroken("change", "seq \(change.seq): redacting \(first) changed another record") }
            }
            for second in records where second != first {
                let both = change.redacting(records: [first, second]) ?? once
                guard (once.redacting(records: [second]) ?? once).encoded == both.encoded else {
                    invariantBroken("change", "seq \(change.seq): redacting \(first) then \(second) differs from both at once")
                }
            }
        }
    }

    /// Signs the operations anew, with the change vectors' key (seed all 0x01): the result must verify
    /// and carry the same operations.
    private static func checkSignedAnew(_ change: Change) {
        guard let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: 1, count: 32)),
            let signed = try? Change.sign(by: key, seq: change.seq, hlc: change.hlc, operations: change.operations)
        else { return }
        let verified = Result { () throws(ChangeError) in try VerifiedChange(verifying: signed.encoded).change }
        guard case .success(signed) = verified, signed.operations == change.operations else {
            invariantBroken("change", "seq \(change.seq) signed anew gives \(verified)")
        }
    }
}

extension Operation.Action {
    fileprivate var isOfLaterVersion: Bool {
        if case .unknown = self { true } else { false }
    }
}
