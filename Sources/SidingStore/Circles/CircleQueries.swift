import SidingCore

/// Reading circles: their logs, their membership folded from the owner's log, their local labels.
enum CircleQueries {
    /// The membership of `circle` as the held owner's log and members' `leave`s make it.
    static func membership(of circle: CircleID, in connection: SQLiteConnection) throws -> CircleMembership {
        var membership = CircleMembership(circle: circle)
        // The owner's log: the one epoch-0 log whose seq 1 created the circle (another node's was refused).
        let ownerLog = try connection.statement(
            "SELECT l.log_key, o.max_seq FROM circle_logs l JOIN origins o ON o.origin_key = l.log_key WHERE l.circle = ? AND l.epoch = 0"
        ).bind(.blob(circle.bytes)).rows { ($0.blob(0), UInt64($0.int(1))) }.first
        if let (key, held) = ownerLog {
            let controls = try connection.statement(
                "SELECT c.seq, c.bytes FROM circle_controls k JOIN changes c ON c.origin_key = ? AND c.seq = k.seq WHERE k.circle = ? ORDER BY k.seq"
            ).bind(.blob(key), .blob(circle.bytes)).rows { (UInt64($0.int(0)), $0.blob(1)) }
            for (seq, bytes) in controls {
                membership.skipOwnerChanges(through: seq - 1)
                try membership.apply(ownerChange: try Change(decoding: bytes))
            }
            membership.skipOwnerChanges(through: held)
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

    /// For each of `peers`, the circles of which both `local` and it are current members (every peer
    /// is a key, with no circle if it shares none); each circle's membership is folded once.
    static func sharedCircles(local: OriginKey, peers: [NodeID], in connection: SQLiteConnection) throws -> [NodeID: Set<CircleID>] {
        var shared = Dictionary(peers.map { ($0, Set<CircleID>()) }, uniquingKeysWith: { first, _ in first })
        for circle in try circles(in: connection) {
            let membership = try membership(of: circle, in: connection)
            guard membership.isMember(local) else { continue }
            for peer in shared.keys where membership.isMember(peer) { shared[peer, default: []].insert(circle) }
        }
        return shared
    }
}

extension SQLiteStore {
    public func circleLogIndex() throws -> CircleLogIndex { try read(CircleQueries.logIndex) }

    /// Circles this node and `peer` are both members of now (none without a local key).
    public func sharedCircles(with peer: NodeID) throws -> Set<CircleID> {
        try sharedCircles(withEach: [peer])[peer] ?? []
    }

    /// `sharedCircles(with:)` for each of `peers`, folding each circle once (none without a local key).
    public func sharedCircles(withEach peers: [NodeID]) throws -> [NodeID: Set<CircleID>] {
        guard let localKey else { return [:] }
        return try read { try CircleQueries.sharedCircles(local: localKey, peers: peers, in: $0) }
    }

    public func membership(of circle: CircleID) throws -> CircleMembership {
        try read { try CircleQueries.membership(of: circle, in: $0) }
    }

    public func circles() throws -> [CircleID] { try read(CircleQueries.circles) }
}
