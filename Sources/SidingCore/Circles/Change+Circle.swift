import Crypto

import struct Foundation.Data

extension Change {
    /// Encodes and signs a new change in circle log `log` (format 2). `seed` is 16 random bytes from the
    /// shell; `otherLogs` are the logs of the same circle that may appear in dots (only those named are
    /// encoded). Pure: Ed25519 signatures are deterministic.
    public static func sign(
        by key: Curve25519.Signing.PrivateKey, in log: CircleLog, seq: UInt64, hlc: HLC, operations: [Operation],
        otherLogs: [CircleLog] = [], seed: [UInt8]
    ) throws(ChangeError) -> Change {
        guard OriginKey(key.publicKey) == log.author else { throw .invalid("a circle log is signed by its author") }
        guard seq > 0, hlc.rawValue <= HLC.maxRawValue else { throw .invalid("seq must be ≥ 1 and hlc in range") }
        guard seed.count == ValueSeal.seedByteCount else { throw .invalid("the value seed is \(ValueSeal.seedByteCount) bytes") }
        let known = Dictionary(otherLogs.filter { $0.circle == log.circle }.map { ($0.key, $0) }) { first, _ in first }
        var named: Set<CircleLog> = []
        for dot in operations.flatMap(\.action.retires) where dot.origin != log.key {
            guard let other = known[dot.origin] else { throw .invalid("a dot names a log outside circle \(log.circle)") }
            named.insert(other)
        }
        let seal = operations.contains { $0.action.committedValue != nil } ? ValueSeal.seed(seed) : .none
        let others = named.sorted()
        let signed = CircleChangeCodec.signedMessage(log: log, seq: seq, hlc: hlc, operations: operations, otherLogs: others, seal: seal)
        let signature: Data
        do {
            signature = try key.signature(for: signed)
        } catch {
            throw .invalid("signing failed: \(error)")
        }
        var body = CircleChangeCodec.encodeBody(
            log: log, seq: seq, hlc: hlc, operations: operations, otherLogs: others, seal: seal, forSigning: false)
        body.append(contentsOf: signature)
        guard body.count <= ChangeLimits.maxEncodedBytes else {
            throw .invalid("change is \(body.count) bytes, over the \(ChangeLimits.maxEncodedBytes)-byte limit")
        }
        return Change(log: log, seq: seq, hlc: hlc, operations: operations, otherLogs: others, seal: seal, encoded: body)
    }

    /// This change with the values of `erasing` dropped: each leaves its commitment, every other value
    /// gets its own salt, and the author's signature still verifies. Nil for a network change (format 1
    /// has no seal; its changes are redacted by an erasure order instead) or if nothing would change.
    public func redacting(_ erasing: Set<Int>) -> Change? {
        guard let log = circleLog, let seal else { return nil }
        var commitments: [Int: [UInt8]] = [:]
        var salts: [Int: [UInt8]] = [:]
        var kept = operations
        for (index, operation) in operations.enumerated() {
            guard let value = operation.action.committedValue else { continue }
            if erasing.contains(index) || seal.erasedOperations.contains(index) {
                guard let commitment = seal.commitment(of: index, value: value) else { return nil }
                commitments[index] = commitment
                kept[index] = operation.erasingValue
            } else if let salt = seal.salt(of: index) {
                salts[index] = salt
            }
        }
        guard !commitments.isEmpty, Set(commitments.keys) != seal.erasedOperations else { return nil }
        let redacted = ValueSeal.redacted(commitments: commitments, salts: salts)
        var body = CircleChangeCodec.encodeBody(
            log: log, seq: seq, hlc: hlc, operations: kept, otherLogs: otherLogs, seal: redacted, forSigning: false)
        body.append(contentsOf: encoded.suffix(Self.signatureByteCount))
        return Change(log: log, seq: seq, hlc: hlc, operations: kept, otherLogs: otherLogs, seal: redacted, encoded: body)
    }

    /// Operations whose value was erased (formats 2 and 3); their value reads as the empty string.
    public var erasedOperations: Set<Int> { seal?.erasedOperations ?? networkRedaction?.erasedOperations ?? [] }

    /// The control actions this change carries, in order (invalid ones were refused when decoding).
    public var controlActions: [ControlAction] {
        guard circleLog != nil else { return [] }
        return operations.compactMap { try? ControlAction($0) }
    }
}

extension Operation.Action {
    /// The value or element a format 2 seal commits to; nil for actions whose body is signed as it is.
    public var committedValue: String? {
        switch self {
        case .write(let value, _): value
        case .add(let element): element
        case .remove(let element, _): element
        case .unknown: nil
        }
    }
}

extension Operation {
    var erasingValue: Operation {
        switch action {
        case .write(_, let replaces): Operation(entity: entity, field: field, action: .write(value: "", replaces: replaces))
        case .add: Operation(entity: entity, field: field, action: .add(element: ""))
        case .remove(_, let removes): Operation(entity: entity, field: field, action: .remove(element: "", removes: removes))
        case .unknown: self
        }
    }
}
