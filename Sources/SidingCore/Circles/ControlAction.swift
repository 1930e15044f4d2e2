/// A change to who belongs to a circle. Every one is an operation on the circle's entity in a format 2
/// change; `create`, `admit` and `remove` are valid only in the owner's log, `leave` only in a member's
/// own log. Their bodies are signed as they are (there is nothing in them to erase).
public enum ControlAction: Hashable, Sendable {
    /// Seq 1 of the owner's log: reveals the nonce, so anyone can check that the owner made the ID.
    case create(nonce: [UInt8])
    /// `member` (a node ID, as partners know each other) may write and receive the circle; its log is the one with epoch = this change's seq.
    case admit(member: NodeID)
    /// `member` is out. Its current log keeps seqs 1…`cut`; anything it wrote after is void everywhere.
    case remove(member: NodeID, cut: UInt64)
    /// The author leaves: its log ends with this change.
    case leave

    enum ActionType {
        static let create: UInt64 = 16
        static let admit: UInt64 = 17
        static let remove: UInt64 = 18
        static let leave: UInt64 = 19
    }

    /// The operation that carries this action in `circle`.
    public func operation(in circle: CircleID) -> Operation {
        var body = ByteWriter(capacity: 48)
        let type: UInt64
        switch self {
        case .create(let nonce):
            type = ActionType.create
            body.raw(nonce)
        case .admit(let member):
            type = ActionType.admit
            body.raw(member.fingerprint)
        case .remove(let member, let cut):
            type = ActionType.remove
            body.raw(member.fingerprint)
            body.varint(cut)
        case .leave:
            type = ActionType.leave
        }
        return Operation(entity: circle.entity, field: "", action: .unknown(type: type, body: body.bytes))
    }

    /// The control action `operation` carries, nil if it carries none; throws if it claims to be one
    /// and is malformed.
    public init?(_ operation: Operation) throws(DecodingError) {
        guard operation.entity.kind == .circle, case .unknown(let type, let body) = operation.action,
            (ActionType.create...ActionType.leave).contains(type)
        else { return nil }
        guard operation.field.isEmpty else { throw .malformed("a control action has no field name") }
        var reader = ByteReader(body)
        switch type {
        case ActionType.create:
            self = .create(nonce: try reader.raw(CircleID.nonceByteCount))
        case ActionType.admit:
            self = .admit(member: try Self.member(&reader))
        case ActionType.remove:
            let member = try Self.member(&reader)
            self = .remove(member: member, cut: try reader.varint())
        default:
            self = .leave
        }
        guard reader.isAtEnd else { throw .malformed("trailing bytes in a control action") }
    }

    private static func member(_ reader: inout ByteReader) throws(DecodingError) -> NodeID {
        guard let node = NodeID(fingerprint: try reader.raw(NodeID.digestBytes)) else { throw .truncated(at: reader.offset) }
        return node
    }
}
