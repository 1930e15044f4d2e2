/// Errors a user of the CLI can meet when talking to the daemon; each says what to do.
public enum LocalAPIError: Error, Equatable, Sendable, CustomStringConvertible {
    case daemonNotRunning(socket: String)
    case permissionDenied(socket: String)
    /// The daemon refused the request; `message` is its explanation.
    case refused(status: Int, code: String, message: String)
    case badResponse(String)
    /// The daemon closed the connection before answering: it refuses users other than its own.
    case closedWithoutAnswer(socket: String)

    public var description: String {
        switch self {
        case .daemonNotRunning(let socket):
            "sidingd is not running (no daemon at \(socket)); start it with `sidingd --home <home>` or `systemctl start sidingd@<name>`"
        case .permissionDenied(let socket):
            "permission denied on \(socket); run as the node's user or a member of its group"
        case .refused(_, _, let message): message
        case .closedWithoutAnswer(let socket):
            "sidingd at \(socket) closed the connection without answering: it serves only its own user (and its group when "
                + "`group_access = true` is set in siding.toml); run siding as the node's user, or it was stopping: see its log"
        case .badResponse(let why): "unexpected answer from sidingd (\(why)); check that sidingd and siding are the same version"
        }
    }
}
