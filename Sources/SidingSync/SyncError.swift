import SidingWire

/// Why a connection or session ended; shown as a partner's "last error" in `siding status`.
public enum SyncError: Error, Equatable, Sendable, CustomStringConvertible {
    case handshakeTimeout
    case notAPartner
    /// The dialled address answered with another node's certificate.
    case wrongPartner(presented: String)
    case connectionClosed
    case idleTimeout
    case unsupportedVersion(UInt32)
    case unexpectedMessage(String)
    case closedByPeer(code: UInt32, reason: String)
    case closedLocally(CloseCode, String)
    case wire(WireError)

    public var description: String {
        switch self {
        case .handshakeTimeout: "TLS handshake did not complete in time"
        case .notAPartner: "refused: the node is not on the partner list (or presented no certificate)"
        case .wrongPartner(let presented): "the node at that address presented node ID \(presented), not the partner's"
        case .connectionClosed: "connection closed"
        case .idleTimeout: "no data or keepalive from the partner in time"
        case .unsupportedVersion(let version): "partner speaks protocol version \(version), which this version does not"
        case .unexpectedMessage(let what): "protocol error: \(what)"
        case .closedByPeer(let code, let reason): "partner closed the session (code \(code)): \(reason)"
        case .closedLocally(let code, let reason): "closed by this node (\(code)): \(reason)"
        case .wire(let error): "protocol error: \(error)"
        }
    }
}
