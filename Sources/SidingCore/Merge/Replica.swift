import Crypto

/// The pure, in-memory reference of Siding's merge rules. The SQLite store implements the same rules
/// incrementally; differential tests hold the two to identical merged views.
///
/// Rules: a register write adds its value unless its dot was already retired, and retires the dots it
/// replaces; a set addition adds its dot to the element likewise; a removal retires the dots it names.
/// Retired dots are remembered, so a retirement that arrives before its target still wins. Of two
/// versions of one seq (a fork), the one whose SHA-256 is lower is in force, however they arrived.
public struct Replica: Sendable {
    public private(set) var versionVector = VersionVector()
    public private(set) var equivocations: [EquivocationEvidence] = []
    private var held: [OriginKey: [[UInt8]]] = [:]
    private var entities: [EntityID: EntityState] = [:]
    private var liveEntries: [Dot: (entity: EntityID, field: String)] = [:]
    private var retired: Set<Dot> = []

    public init() {}

    /// The merged view: every entity any operation has touched.
    public var view: [EntityID: EntityState] { entities }

    public func entity(_ id: EntityID) -> EntityState? { entities[id] }

    /// The change `seq` of `origin`, as held (for relaying).
    public func change(origin: OriginKey, seq: UInt64) -> [UInt8]? {
        guard seq >= 1, let log = held[origin], seq <= UInt64(log.count) else { return nil }
        return log[Int(seq - 1)]
    }

    /// Receives a change whose signature was already checked (`VerifiedChange(verifying:)`).
    public mutating func receive(_ change: Change) throws(ReceiveError) -> ApplyOutcome {
        let heldSeq = versionVector[change.origin]
        switch Admission.decide(
            seq: change.seq, held: heldSeq,
            storedBytes: self.change(origin: change.origin, seq: change.seq), bytes: change.encoded)
        {
        case .duplicate:
            return .duplicate
        case .equivocation:
            let inForce = self.change(origin: change.origin, seq: change.seq) ?? []
            guard Self.precedes(change.encoded, inForce) else {
                let evidence = EquivocationEvidence(origin: change.origin, seq: change.seq, first: inForce, second: change.encoded)
                if !equivocations.contains(evidence) { equivocations.append(evidence) }
                return .equivocation
            }
            held[change.origin]?[Int(change.seq - 1)] = change.encoded
            // Evidence names the version in force first; the one put aside becomes evidence too.
            equivocations = equivocations.compactMap { evidence in
                guard evidence.origin == change.origin, evidence.seq == change.seq else { return evidence }
                return evidence.second == change.encoded
                    ? nil : EquivocationEvidence(origin: evidence.origin, seq: evidence.seq, first: change.encoded, second: evidence.second)
            }
            equivocations.append(EquivocationEvidence(origin: change.origin, seq: change.seq, first: change.encoded, second: inForce))
            rebuildView()
            return .equivocation
        case .gap(let expected):
            throw .gap(origin: change.origin.nodeID, expected: expected, got: change.seq)
        case .apply:
            apply(change)
            held[change.origin, default: []].append(change.encoded)
            versionVector.advance(change.origin, to: change.seq)
            return .applied
        }
    }

    /// Whether `bytes` is the version kept in force over `other`: the lower SHA-256.
    static func precedes(_ bytes: [UInt8], _ other: [UInt8]) -> Bool {
        Admission.keepsInForce(bytes, over: other)
    }

    /// The merged view of exactly the versions in force (the order of application does not matter).
    private mutating func rebuildView() {
        entities = [:]
        liveEntries = [:]
        retired = []
        for origin in held.keys.sorted() {
            for bytes in held[origin] ?? [] {
                guard let change = try? Change(decoding: bytes) else { continue }
                apply(change)
            }
        }
    }

    private mutating func apply(_ change: Change) {
        for (index, operation) in change.operations.enumerated() {
            let dot = change.dot(index)
            var state = entities[operation.entity] ?? EntityState(id: operation.entity)
            switch operation.action {
            case .write(let value, _) where !retired.contains(dot):
                var values = state.registers[operation.field] ?? []
                values.append(RegisterValue(value: value, dot: dot, hlc: change.hlc))
                state.registers[operation.field] = values.sorted(by: RegisterValue.winsOver)
                liveEntries[dot] = (operation.entity, operation.field)
            case .add(let element) where !retired.contains(dot):
                state.sets[operation.field, default: [:]][element, default: []].insert(dot)
                liveEntries[dot] = (operation.entity, operation.field)
            default:
                break
            }
            entities[operation.entity] = state
            for target in operation.action.retires { retire(target) }
        }
    }

    private mutating func retire(_ dot: Dot) {
        retired.insert(dot)
        guard let (entity, field) = liveEntries.removeValue(forKey: dot), var state = entities[entity] else { return }
        if var values = state.registers[field] {
            values.removeAll { $0.dot == dot }
            state.registers[field] = values.isEmpty ? nil : values
        }
        if var members = state.sets[field] {
            for (element, dots) in members where dots.contains(dot) {
                let remaining = dots.subtracting([dot])
                members[element] = remaining.isEmpty ? nil : remaining
            }
            state.sets[field] = members.isEmpty ? nil : members
        }
        entities[entity] = state
    }
}

/// Two different changes signed by one origin for the same seq.
public struct EquivocationEvidence: Hashable, Sendable {
    public let origin: OriginKey
    public let seq: UInt64
    public let first: [UInt8]
    public let second: [UInt8]

    public init(origin: OriginKey, seq: UInt64, first: [UInt8], second: [UInt8]) {
        self.origin = origin
        self.seq = seq
        self.first = first
        self.second = second
    }
}
