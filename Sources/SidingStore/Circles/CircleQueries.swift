import SidingCore

/// Reading circles: their logs, their membership folded from the owner's log, their local labels.
enum CircleQueries {
    /// The membership of `circle` as the held owner's log and members' `leave`s make it.
    static func membership(of circle: CircleID, in connection: SQLiteConnection) throws -> CircleMembership {
        var membership = CircleMembership(circle: circle)
        let ownerLogs = try connection.statement("SELECT log_key FROM circle_logs WHERE circle = ? AND epoch = 0")
            .bind(.blob(circle.bytes)).rows { $0.blob(0) }
        // Only the owner's create can fold; another node's epoch-0 log would have been refused.
        for key in ownerLogs {
            let changes = try connection.statement("SELECT bytes FROM changes WHERE origin_key = ? ORDER BY seq")
                .bind(.blob(key)).rows { $0.blob(0) }
            var folded = membership
            do {
                for bytes in changes { try folded.apply(ownerChange: try Change(decoding: bytes)) }
                membership = folded
                break
            } catch {
                continue
            }
        }
        let leaves = try connection.statement("SELECT author_key, epoch, ended_at FROM circle_logs WHERE circle = ? AND ended_at IS NOT NULL")
            .bind(.blob(circle.bytes)).rows { ($0.blob(0), UInt64($0.int(1)), UInt64($0.int(2))) }
        for (author, epoch, endedAt) in leaves {
            guard let author = OriginKey(bytes: author) else { continue }
            membership.memberLeft(CircleLog(circle: circle, author: author, epoch: epoch), at: endedAt)
        }
        return membership
    }

    /// Every circle this node holds anything of.
    static func circles(in connection: SQLiteConnection) throws -> [CircleID] {
        try connection.statement("SELECT DISTINCT circle FROM circle_logs ORDER BY circle").rows { $0.blob(0) }.compactMap(CircleID.init(bytes:))
    }

    static func logIndex(in connection: SQLiteConnection) throws -> CircleLogIndex {
        var index = CircleLogIndex()
        let rows = try connection.statement("SELECT log_key, circle, epoch FROM circle_logs").rows { ($0.blob(0), $0.blob(1), $0.int(2)) }
        for (key, circle, epoch) in rows {
            guard let key = OriginKey(bytes: key), let circle = CircleID(bytes: circle) else { continue }
            index.circleOf[key] = circle
            if epoch == 0 { index.ownerLogs.insert(key) }
        }
        return index
    }

    /// Circles of which both `local` and `peer` are current members.
    static func sharedCircles(local: OriginKey, peer: OriginKey, in connection: SQLiteConnection) throws -> Set<CircleID> {
        var shared: Set<CircleID> = []
        for circle in try circles(in: connection) {
            let membership = try membership(of: circle, in: connection)
            if membership.isMember(local) && membership.isMember(peer) { shared.insert(circle) }
        }
        return shared
    }
}

extension SQLiteStore {
    public func circleLogIndex() throws -> CircleLogIndex { try read(CircleQueries.logIndex) }

    /// Circles this node and `peer` are both members of now (none without a local key).
    public func sharedCircles(with peer: OriginKey) throws -> Set<CircleID> {
        guard let localKey else { return [] }
        return try read { try CircleQueries.sharedCircles(local: localKey, peer: peer, in: $0) }
    }

    public func membership(of circle: CircleID) throws -> CircleMembership {
        try read { try CircleQueries.membership(of: circle, in: $0) }
    }

    public func circles() throws -> [CircleID] { try read(CircleQueries.circles) }
}
