/// Who belongs to a circle, folded from its owner's log (and the `leave` each member may write in its
/// own log). Pure and deterministic: every node that holds the same owner's log computes the same
/// membership, so members agree on which writes count.
public struct CircleMembership: Hashable, Sendable {
    /// One admission of a member: its log is the one with this epoch.
    public struct Tenure: Hashable, Sendable {
        public let epoch: UInt64
        /// The last seq of its log that counts, once removed (or once it left); nil while a member.
        public internal(set) var cut: UInt64?
    }

    /// Where a write of a circle log stands.
    public enum Standing: Equatable, Sendable {
        case valid
        /// Past its author's cut: void everywhere (retracted where it was applied).
        case void
        /// No admission for that log in the owner's log held here.
        case notAdmitted
    }

    public let circle: CircleID
    public private(set) var owner: OriginKey?
    /// The owner's changes folded so far.
    public private(set) var ownerSeq: UInt64 = 0
    public private(set) var tenures: [NodeID: [Tenure]] = [:]

    public init(circle: CircleID) { self.circle = circle }

    /// Folds the owner's next change. Throws, changing nothing, if it breaks a rule (Protocol/CHANGES.md,
    /// "Control actions"); the caller refuses the change.
    public mutating func apply(ownerChange change: Change) throws(CircleRuleError) {
        guard let log = change.circleLog, log.circle == circle else { throw .notThisCircle }
        guard change.seq == ownerSeq + 1 else { throw .outOfOrder(expected: ownerSeq + 1, got: change.seq) }
        var next = self
        for (index, operation) in change.operations.enumerated() {
            let action: ControlAction?
            do {
                action = try ControlAction(operation)
            } catch {
                throw .malformed("\(error)")
            }
            guard let action else { continue }
            switch action {
            case .create(let nonce):
                guard change.seq == 1, index == 0, log.epoch == 0, CircleID(owner: log.author, nonce: nonce) == circle else {
                    throw .badCreate
                }
                next.owner = log.author
            case .admit(let member):
                try next.requireOwner(log)
                guard member != log.author.nodeID else { throw .ownerIsAlwaysMember }
                if next.currentTenure(of: member) == nil { next.tenures[member, default: []].append(Tenure(epoch: change.seq, cut: nil)) }
            case .remove(let member, let cut):
                try next.requireOwner(log)
                next.end(member, at: cut)
            case .leave:
                throw .leaveInOwnersLog
            }
        }
        guard next.owner != nil else { throw .badCreate }
        next.ownerSeq = change.seq
        self = next
    }

    /// The owner's changes up to `seq` that carry no control action: folding them changes nothing but
    /// the count (so a store folds only the changes that carry control actions, then this).
    public mutating func skipOwnerChanges(through seq: UInt64) {
        guard owner != nil, seq > ownerSeq else { return }
        ownerSeq = seq
    }

    /// A member's own `leave` at `seq` of its log: the log ends there.
    public mutating func memberLeft(_ log: CircleLog, at seq: UInt64) {
        guard let tenure = tenures[log.author.nodeID]?.last, tenure.epoch == log.epoch, tenure.cut == nil else { return }
        end(log.author.nodeID, at: seq)
    }

    /// Where `change`, a change of a member's log (not the owner's), stands. Throws if it carries an
    /// action only the owner may write.
    public func standing(ofMemberChange change: Change) throws(CircleRuleError) -> Standing {
        guard let log = change.circleLog, log.circle == circle else { throw .notThisCircle }
        for action in change.controlActions {
            if case .leave = action { continue }
            throw .notTheOwner
        }
        return standing(of: log, seq: change.seq)
    }

    public func standing(of log: CircleLog, seq: UInt64) -> Standing {
        guard log.circle == circle else { return .notAdmitted }
        if log.epoch == 0 { return log.author == owner ? .valid : .notAdmitted }
        guard let tenure = tenures[log.author.nodeID]?.first(where: { $0.epoch == log.epoch }) else { return .notAdmitted }
        guard let cut = tenure.cut else { return .valid }
        return seq <= cut ? .valid : .void
    }

    /// Whether `node` belongs to the circle now (the owner always does).
    public func isMember(_ node: NodeID) -> Bool { node == owner?.nodeID || currentTenure(of: node) != nil }

    public func isMember(_ key: OriginKey) -> Bool { isMember(key.nodeID) }

    /// Current members, the owner first.
    public var members: [NodeID] {
        guard let owner else { return [] }
        return [owner.nodeID] + tenures.keys.filter { currentTenure(of: $0) != nil }.sorted()
    }

    /// The log `author` writes in now; nil if it is not a member.
    public func currentLog(of author: OriginKey) -> CircleLog? {
        if author == owner { return CircleLog(circle: circle, author: author, epoch: 0) }
        return currentTenure(of: author.nodeID).map { CircleLog(circle: circle, author: author, epoch: $0.epoch) }
    }

    public var ownerLog: CircleLog? { owner.map { CircleLog(circle: circle, author: $0, epoch: 0) } }

    func currentTenure(of member: NodeID) -> Tenure? {
        guard let last = tenures[member]?.last, last.cut == nil else { return nil }
        return last
    }

    private func requireOwner(_ log: CircleLog) throws(CircleRuleError) {
        guard log.author == owner, log.epoch == 0 else { throw .notTheOwner }
    }

    private mutating func end(_ member: NodeID, at cut: UInt64) {
        guard var list = tenures[member], let last = list.last, last.cut == nil else { return }
        list[list.count - 1].cut = cut
        tenures[member] = list
    }
}

/// Why a change of a circle's owner log was refused.
public enum CircleRuleError: Error, Equatable, Sendable, CustomStringConvertible {
    case notThisCircle
    case outOfOrder(expected: UInt64, got: UInt64)
    case malformed(String)
    case badCreate
    case notTheOwner
    case ownerIsAlwaysMember
    case leaveInOwnersLog

    public var description: String {
        switch self {
        case .notThisCircle: "the change belongs to another circle"
        case .outOfOrder(let expected, let got): "owner's change \(got) folded before change \(expected)"
        case .malformed(let why): "malformed control action: \(why)"
        case .badCreate: "seq 1 of a circle's owner log must create it, with a nonce that gives its ID from the owner's key"
        case .notTheOwner: "only a circle's owner admits and removes members"
        case .ownerIsAlwaysMember: "the owner cannot be admitted to its own circle"
        case .leaveInOwnersLog: "the owner cannot leave its own circle"
        }
    }
}
