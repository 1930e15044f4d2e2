import SidingCore

/// Why the daemon refused a local request; becomes an HTTP status and error code at the API edge.
public enum NodeError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownID(String)
    case wrongKind(id: String, expected: EntityKind)
    case deleted(String)
    case invalidEdit(EditError)
    case badRequest(String)
    case requestTimedOut(milliseconds: Int64)
    case shuttingDown
    case restoredFromBackup
    case storage(String)
    /// A search stopped for taking too long, or not started because too many are running.
    case searchRefused(String)

    public var httpStatus: Int {
        switch self {
        case .unknownID: 404
        case .wrongKind, .invalidEdit, .badRequest: 400
        case .deleted: 409
        case .requestTimedOut: 408
        case .shuttingDown, .restoredFromBackup: 503
        case .storage: 500
        case .searchRefused: 422
        }
    }

    public var code: String {
        switch self {
        case .unknownID: "unknown_id"
        case .wrongKind: "wrong_kind"
        case .deleted: "deleted"
        case .invalidEdit: "invalid_field"
        case .badRequest: "bad_request"
        case .requestTimedOut: "request_timeout"
        case .shuttingDown: "shutting_down"
        case .restoredFromBackup: "restored_from_backup"
        case .storage: "storage_error"
        case .searchRefused: "search_refused"
        }
    }

    public var description: String {
        switch self {
        case .unknownID(let id):
            "no contact or note has ID '\(id)'; find IDs with `siding contact list`, `siding note list` or `siding search`"
        case .wrongKind(let id, let expected):
            "'\(id)' is not a \(expected); use the `siding \(expected == .contact ? "note" : "contact")` commands for it"
        case .deleted(let id): "\(id) is deleted; deleted records cannot be edited"
        case .invalidEdit(let error): error.description
        case .badRequest(let why): why
        case .requestTimedOut(let milliseconds):
            "the request did not arrive whole within \(milliseconds % 1_000 == 0 ? "\(milliseconds / 1_000) s" : "\(milliseconds) ms") of its first byte; send each request at once"
        case .shuttingDown: "sidingd is shutting down; try again when it is back"
        case .restoredFromBackup:
            "this node was restored from a backup and must first learn its own latest changes from a partner; run `siding sync --wait`, then retry"
        case .storage(let why): "the database refused the write (\(why)); see `journalctl -u sidingd` or the daemon's log"
        case .searchRefused(let why): why
        }
    }
}
