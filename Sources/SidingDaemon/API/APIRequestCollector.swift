import NIOCore
import NIOHTTP1

/// Assembles one local API request from its HTTP parts, refusing a body over the limit before
/// buffering it. Pure: `APIChannelHandler` performs the action it returns, and the fuzzers
/// (Sources/SidingFuzzTargets) drive it with raw bytes and no node behind it.
public struct APIRequestCollector: Sendable {
    /// Largest request body accepted (a note body is at most 200 KB, JSON-escaped at most ~6×).
    public static let defaultMaxBodyBytes = 2 << 20

    /// What the channel handler does after a part.
    public enum Action: Sendable {
        case nothing
        /// Answer 413 and close the connection; the rest of the request is ignored.
        case refuseTooLarge
        /// Route the complete request and answer it.
        case handle(APIRequest, keepAlive: Bool)
    }

    public let maxBodyBytes: Int
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()
    private var refused = false

    public init(maxBodyBytes: Int = Self.defaultMaxBodyBytes) {
        self.maxBodyBytes = maxBodyBytes
    }

    public mutating func receive(_ part: HTTPServerRequestPart) -> Action {
        switch part {
        case .head(let requestHead):
            head = requestHead
            body.clear()
            refused = false
            if let declared = requestHead.headers.first(name: "content-length").flatMap(Int.init), declared > maxBodyBytes {
                refused = true
                return .refuseTooLarge
            }
            return .nothing
        case .body(var chunk):
            guard !refused else { return .nothing }
            guard body.readableBytes + chunk.readableBytes <= maxBodyBytes else {
                refused = true
                return .refuseTooLarge
            }
            body.writeBuffer(&chunk)
            return .nothing
        case .end:
            guard !refused, let requestHead = head else { return .nothing }
            return .handle(APIRequest(head: requestHead, body: body), keepAlive: requestHead.isKeepAlive)
        }
    }
}
