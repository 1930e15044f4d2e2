/// JSON shapes of the partner and sync parts of the local API (snake_case keys, additive only).

/// A configured partner.
public struct PeerResource: Codable, Hashable, Sendable {
    public var nodeID: String
    public var name: String
    /// HOST:PORT this node dials; nil when the partner only dials in.
    public var address: String?

    enum CodingKeys: String, CodingKey {
        case nodeID = "node_id", name, address
    }

    public init(nodeID: String, name: String, address: String?) {
        self.nodeID = nodeID
        self.name = name
        self.address = address
    }
}

/// One partner's sync state. Every key is always present; what is not known is null.
public struct PeerStatusResource: Codable, Hashable, Sendable {
    public var nodeID: String
    public var name: String
    public var address: String?
    public var connected: Bool
    public var lastConnected: String?
    /// When the last exchange of changes happened (an idle, healthy link keeps an old time here).
    public var lastSync: String?
    /// When anything (changes, acknowledgements, keepalives) last arrived from the partner.
    public var lastHeard: String?
    public var lastError: String?
    public var backoffSeconds: Double?
    /// Changes the partner holds that this node lacks, and the reverse; nil until the partner's summary
    /// has been seen (a partner that never connected is unknown, not in step).
    public var missingHere: Int?
    public var missingThere: Int?
    /// Changes sent to and newly received from the partner in the current (or last) session.
    public var changesSent: Int
    public var changesReceived: Int
    public var dialAttempts: Int
    /// Dial attempts that failed (`siding sync --wait` tells unreachable partners from slow ones by it).
    public var failedDials: Int
    /// The partner's clock minus ours at the last handshake, in seconds (nil: never connected).
    public var clockOffsetSeconds: Double?

    enum CodingKeys: String, CodingKey {
        case nodeID = "node_id", name, address, connected, lastConnected = "last_connected", lastSync = "last_sync"
        case lastHeard = "last_heard", lastError = "last_error", backoffSeconds = "backoff_seconds", missingHere = "missing_here"
        case missingThere = "missing_there", changesSent = "changes_sent", changesReceived = "changes_received"
        case dialAttempts = "dial_attempts", failedDials = "failed_dials", clockOffsetSeconds = "clock_offset_seconds"
    }

    public init(
        nodeID: String, name: String, address: String?, connected: Bool, lastConnected: String?, lastSync: String?, lastHeard: String? = nil,
        lastError: String?, backoffSeconds: Double?, missingHere: Int?, missingThere: Int?, changesSent: Int, changesReceived: Int,
        dialAttempts: Int, failedDials: Int = 0, clockOffsetSeconds: Double? = nil
    ) {
        self.clockOffsetSeconds = clockOffsetSeconds
        self.nodeID = nodeID; self.name = name; self.address = address; self.connected = connected
        self.lastConnected = lastConnected; self.lastSync = lastSync; self.lastHeard = lastHeard; self.lastError = lastError
        self.backoffSeconds = backoffSeconds; self.missingHere = missingHere; self.missingThere = missingThere
        self.changesSent = changesSent; self.changesReceived = changesReceived; self.dialAttempts = dialAttempts
        self.failedDials = failedDials
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            nodeID: try c.decode(String.self, forKey: .nodeID), name: try c.decode(String.self, forKey: .name),
            address: try c.decodeIfPresent(String.self, forKey: .address), connected: try c.decode(Bool.self, forKey: .connected),
            lastConnected: try c.decodeIfPresent(String.self, forKey: .lastConnected),
            lastSync: try c.decodeIfPresent(String.self, forKey: .lastSync), lastHeard: try c.decodeIfPresent(String.self, forKey: .lastHeard),
            lastError: try c.decodeIfPresent(String.self, forKey: .lastError),
            backoffSeconds: try c.decodeIfPresent(Double.self, forKey: .backoffSeconds),
            missingHere: try c.decodeIfPresent(Int.self, forKey: .missingHere), missingThere: try c.decodeIfPresent(Int.self, forKey: .missingThere),
            changesSent: try c.decode(Int.self, forKey: .changesSent), changesReceived: try c.decode(Int.self, forKey: .changesReceived),
            dialAttempts: try c.decode(Int.self, forKey: .dialAttempts), failedDials: try c.decodeIfPresent(Int.self, forKey: .failedDials) ?? 0,
            clockOffsetSeconds: try c.decodeIfPresent(Double.self, forKey: .clockOffsetSeconds))
    }

    /// Written by hand so that unknown values are null rather than missing keys.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(nodeID, forKey: .nodeID)
        try c.encode(name, forKey: .name)
        try c.encode(address, forKey: .address)
        try c.encode(connected, forKey: .connected)
        try c.encode(lastConnected, forKey: .lastConnected)
        try c.encode(lastSync, forKey: .lastSync)
        try c.encode(lastHeard, forKey: .lastHeard)
        try c.encode(lastError, forKey: .lastError)
        try c.encode(backoffSeconds, forKey: .backoffSeconds)
        try c.encode(missingHere, forKey: .missingHere)
        try c.encode(missingThere, forKey: .missingThere)
        try c.encode(changesSent, forKey: .changesSent)
        try c.encode(changesReceived, forKey: .changesReceived)
        try c.encode(dialAttempts, forKey: .dialAttempts)
        try c.encode(failedDials, forKey: .failedDials)
        try c.encode(clockOffsetSeconds, forKey: .clockOffsetSeconds)
    }

    /// Connected and nothing missing either way.
    public var inStep: Bool { connected && missingHere == 0 && missingThere == 0 }
}

/// Proof that an origin signed two different changes with one seq (a restored backup or a stolen key).
public struct EquivocationResource: Codable, Hashable, Sendable {
    public var origin: String
    public var seq: UInt64

    public init(origin: String, seq: UInt64) {
        self.origin = origin
        self.seq = seq
    }
}

/// `siding status`: this node and each partner.
public struct StatusResource: Codable, Hashable, Sendable {
    public var nodeID: String
    public var name: String
    public var listen: String
    public var changes: UInt64
    /// Why local edits are refused now (a restored backup, a lost database), null when they are not.
    public var editsLocked: String?
    public var peers: [PeerStatusResource]
    public var equivocations: [EquivocationResource]
    /// Said when new records go to the network by default (a database made before circles).
    public var sharingNotice: String?
    /// How many records were erased here (nil only from a daemon before erasure).
    public var erased: Int?
    /// Redacted network changes held until an erasure order vouches for them (nil from an older daemon).
    public var unvouched: Int?

    enum CodingKeys: String, CodingKey {
        case nodeID = "node_id", name, listen, changes, editsLocked = "edits_locked", peers, equivocations, sharingNotice = "sharing_notice"
        case erased, unvouched = "unvouched_changes"
    }

    public init(
        nodeID: String, name: String, listen: String, changes: UInt64, editsLocked: String? = nil, peers: [PeerStatusResource],
        equivocations: [EquivocationResource]
    ) {
        self.nodeID = nodeID; self.name = name; self.listen = listen; self.changes = changes; self.editsLocked = editsLocked
        self.peers = peers; self.equivocations = equivocations
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            nodeID: try c.decode(String.self, forKey: .nodeID), name: try c.decode(String.self, forKey: .name),
            listen: try c.decode(String.self, forKey: .listen), changes: try c.decode(UInt64.self, forKey: .changes),
            editsLocked: try c.decodeIfPresent(String.self, forKey: .editsLocked), peers: try c.decode([PeerStatusResource].self, forKey: .peers),
            equivocations: try c.decode([EquivocationResource].self, forKey: .equivocations))
        sharingNotice = try c.decodeIfPresent(String.self, forKey: .sharingNotice)
        erased = try c.decodeIfPresent(Int.self, forKey: .erased)
        unvouched = try c.decodeIfPresent(Int.self, forKey: .unvouched)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(nodeID, forKey: .nodeID)
        try c.encode(name, forKey: .name)
        try c.encode(listen, forKey: .listen)
        try c.encode(changes, forKey: .changes)
        try c.encode(editsLocked, forKey: .editsLocked)
        try c.encode(peers, forKey: .peers)
        try c.encode(equivocations, forKey: .equivocations)
        try c.encodeIfPresent(sharingNotice, forKey: .sharingNotice)
        try c.encodeIfPresent(erased, forKey: .erased)
        try c.encodeIfPresent(unvouched, forKey: .unvouched)
    }
}

/// `siding backup PATH`: where to write the copy (absolute; must not exist yet).
public struct BackupRequest: Codable, Hashable, Sendable {
    public var path: String
    public init(path: String) { self.path = path }
}

public struct BackupResult: Codable, Hashable, Sendable {
    public var path: String
    public var integrityCheck: String
    public var bytes: Int

    enum CodingKeys: String, CodingKey {
        case path, integrityCheck = "integrity_check", bytes
    }

    public init(path: String, integrityCheck: String, bytes: Int) {
        self.path = path
        self.integrityCheck = integrityCheck
        self.bytes = bytes
    }
}
