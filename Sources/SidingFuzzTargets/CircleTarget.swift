import SidingCore

extension FuzzTargets {
    /// `circle`: the input as a circle's history: changes (each a 2-byte big-endian length and its bytes)
    /// folded as the owner's log where they may be, else judged as members' changes. Folding never
    /// crashes, refuses a change without changing the membership, and folding the same changes again
    /// gives the same membership (validity depends only on the changes).
    public static func circle(_ input: UnsafeRawBufferPointer) {
        var changes: [Change] = []
        var rest = Array(input)[...]
        while rest.count >= 2, changes.count < 64 {
            let length = Int(rest[rest.startIndex]) << 8 | Int(rest[rest.startIndex + 1])
            rest = rest.dropFirst(2)
            guard let change = try? Change(decoding: Array(rest.prefix(length))) else {
                rest = rest.dropFirst(length)
                continue
            }
            rest = rest.dropFirst(length)
            changes.append(change)
        }
        guard let circle = changes.first?.circle else { return }
        let first = fold(changes, in: circle)
        let second = fold(changes, in: circle)
        guard first == second else { invariantBroken("circle", "the same owner's log folded twice gave two memberships") }
        if let owner = first.owner, !first.isMember(owner) { invariantBroken("circle", "the owner is not a member of its circle") }
    }

    private static func fold(_ changes: [Change], in circle: CircleID) -> CircleMembership {
        var membership = CircleMembership(circle: circle)
        for change in changes {
            guard let log = change.circleLog else { continue }
            if log.epoch == 0 {
                let before = membership
                if (try? membership.apply(ownerChange: change)) == nil, membership != before {
                    invariantBroken("circle", "a refused owner's change changed the membership")
                }
            } else {
                _ = try? membership.standing(ofMemberChange: change)
                if change.controlActions.contains(.leave) { membership.memberLeft(log, at: change.seq) }
            }
        }
        return membership
    }
}
