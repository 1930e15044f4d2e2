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

/// One partner's sync state.
public struct PeerStatusResource: Codable, Hashable, Sendable {
    public var nodeID: String
    public var name: String
    public var address: String?
    public var connected: Bool
    public var lastConnected: String?
    public var lastSync: String?
    public var lastError: String?
    public var backoffSeconds: Double?
    /// Changes the partner holds that this node lacks, and the reverse.
    public var missingHere: Int
    public var missingThere: Int
    /// Changes sent to and newly received from the partner in the current (or last) session.
    public var changesSent: Int
    public var changesReceived: Int
    public var dialAttempts: Int
    /// The partner's clock minus ours at the last handshake, in seconds (nil: never connected).
    public var clockOffsetSeconds: Double?

    enum CodingKeys: String, CodingKey {
        case nodeID = "node_id", name, address, connected, lastConnected = "last_connected", lastSync = "last_sync"
        case lastError = "last_error", backoffSeconds = "backoff_seconds", missingHere = "missing_here"
        case missingThere = "missing_there", changesSent = "changes_sent", changesReceived = "changes_received"
        case dialAttempts = "dial_attempts", clockOffsetSeconds = "clock_offset_seconds"
    }

    public init(
        nodeID: String, name: String, address: String?, connected: Bool, lastConnected: String?, lastSync: String?, lastError: String?,
        backoffSeconds: Double?, missingHere: Int, missingThere: Int, changesSent: Int, changesReceived: Int, dialAttempts: Int,
        clockOffsetSeconds: Double? = nil
    ) {
        self.clockOffsetSeconds = clockOffsetSeconds
        self.nodeID = nodeID; self.name = name; self.address = address; self.connected = connected
        self.lastConnected = lastConnected; self.lastSync = lastSync; self.lastError = lastError; self.backoffSeconds = backoffSeconds
        self.missingHere = missingHere; self.missingThere = missingThere; self.changesSent = changesSent
        self.changesReceived = changesReceived; self.dialAttempts = dialAttempts
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
    public var peers: [PeerStatusResource]
    public var equivocations: [EquivocationResource]

    enum CodingKeys: String, CodingKey {
        case nodeID = "node_id", name, listen, changes, peers, equivocations
    }

    public init(nodeID: String, name: String, listen: String, changes: UInt64, peers: [PeerStatusResource], equivocations: [EquivocationResource]) {
        self.nodeID = nodeID; self.name = name; self.listen = listen; self.changes = changes; self.peers = peers
        self.equivocations = equivocations
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
