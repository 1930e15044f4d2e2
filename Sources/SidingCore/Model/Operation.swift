/// One edit of one field of one entity.
public struct Operation: Hashable, Sendable {
    public let entity: EntityID
    public let field: String
    public let action: Action

    public init(entity: EntityID, field: String, action: Action) {
        self.entity = entity
        self.field = field
        self.action = action
    }

    public enum Action: Hashable, Sendable {
        /// Sets a multi-value register to `value`, replacing exactly the values named by `replaces`.
        case write(value: String, replaces: [Dot])
        /// Adds `element` to an add-wins observed-remove set.
        case add(element: String)
        /// Removes the additions of `element` named by `removes` (those the writer observed).
        case remove(element: String, removes: [Dot])
        /// An action of a newer version: kept byte for byte (inside its signed change) and ignored here.
        case unknown(type: UInt64, body: [UInt8])

        /// The dots this action retires.
        public var retires: [Dot] {
            switch self {
            case .write(_, let replaces): replaces
            case .remove(_, let removes): removes
            case .add, .unknown: []
            }
        }
    }
}
