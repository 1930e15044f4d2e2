import NIOCore

/// How long the local API waits on a client before it closes the connection. Only receiving is
/// bounded: once a request is whole, answering it (a `siding backup` of a large node) takes as long
/// as it takes.
public struct LocalAPITimeouts: Sendable, Equatable {
    /// A request must arrive whole within this of its first byte, or it is answered 408 and the
    /// connection closed. `siding` writes a request (at most a few MB) at once over a local socket, so
    /// 10 s is ages for any real client, while half a request can hold a connection only briefly.
    public static let requestDeadline: TimeAmount = .seconds(10)

    /// A connection that sends nothing, after connecting or between keep-alive requests, is closed
    /// (silently: a client may be sending its next request just then) after this. Longer than the
    /// request deadline, because a script reusing a connection may pause between calls; short enough
    /// that idle or abandoned connections cannot pile up.
    public static let idleTimeout: TimeAmount = .seconds(30)

    public static let standard = LocalAPITimeouts(requestDeadline: requestDeadline, idle: idleTimeout)

    public var requestDeadline: TimeAmount
    public var idle: TimeAmount

    public init(requestDeadline: TimeAmount, idle: TimeAmount) {
        self.requestDeadline = requestDeadline
        self.idle = idle
    }
}
