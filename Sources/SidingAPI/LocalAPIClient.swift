import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The typed client of the daemon's local API (HTTP/1.1 + JSON over a Unix socket). The CLI reaches the
/// daemon only through this.
public struct LocalAPIClient: Sendable {
    /// Larger answers are refused rather than buffered without end.
    public static let maxResponseBytes = 512 << 20
    public let socketPath: String

    public init(socketPath: String) { self.socketPath = socketPath }

    public func node() async throws -> NodeInfo { try await get("/v1/node") }

    public func create(_ kind: Kind, _ request: CreateRequest) async throws -> WriteResult {
        try await send(.POST, "/v1/\(kind.rawValue)", body: request)
    }

    public func edit(_ kind: Kind, id: String, _ request: EditRequest) async throws -> WriteResult {
        try await send(.PATCH, "/v1/\(kind.rawValue)/\(id.pathEscaped)", body: request)
    }

    public func delete(_ kind: Kind, id: String) async throws -> WriteResult {
        try await send(.DELETE, "/v1/\(kind.rawValue)/\(id.pathEscaped)", body: Optional<EditRequest>.none)
    }

    public func contact(_ id: String) async throws -> ContactResource { try await get("/v1/contacts/\(id.pathEscaped)") }
    public func note(_ id: String) async throws -> NoteResource { try await get("/v1/notes/\(id.pathEscaped)") }

    public func contacts(tag: String? = nil, country: String? = nil, organization: String? = nil, deleted: Bool = false) async throws
        -> [ContactResource]
    {
        try await get("/v1/contacts" + query(["tag": tag, "country": country, "org": organization, "deleted": deleted ? "true" : nil]))
    }

    public func notes(conflict: String? = nil, participant: String? = nil, since: String? = nil, tag: String? = nil, deleted: Bool = false)
        async throws -> [NoteResource]
    {
        try await get(
            "/v1/notes"
                + query(["conflict": conflict, "participant": participant, "since": since, "tag": tag, "deleted": deleted ? "true" : nil]))
    }

    /// Restores a deleted contact or note (`POST /v1/contacts|notes/ID/restore`).
    public func restore(_ kind: Kind, id: String) async throws -> WriteResult {
        try await send(.POST, "/v1/\(kind.rawValue)/\(id.pathEscaped)/restore", body: Optional<EditRequest>.none)
    }

    public func search(_ text: String, limit: Int = 50) async throws -> [SearchResult] {
        try await get("/v1/search" + query(["q": text, "limit": String(limit)]))
    }

    /// A page of search results with the number of records that matched in all.
    public func searchPage(_ text: String, limit: Int = 50) async throws -> SearchPageResource {
        try await get("/v1/search" + query(["q": text, "limit": String(limit), "total": "1"]))
    }

    public func history(_ id: String) async throws -> [HistoryItem] { try await get("/v1/history/\(id.pathEscaped)") }
    public func conflicts() async throws -> [ConflictItem] { try await get("/v1/conflicts") }
    public func digest() async throws -> DigestResource { try await get("/v1/digest") }

    /// Merges `others` into `keep` as one change (`POST /v1/merge`).
    public func merge(keep: String, others: [String]) async throws -> MergeResult {
        try await send(.POST, "/v1/merge", body: MergeRequest(keep: keep, others: others))
    }

    /// Groups of likely duplicate contacts (`GET /v1/duplicates`).
    public func duplicates() async throws -> [DuplicateGroup] { try await get("/v1/duplicates") }

    public enum Kind: String, Sendable {
        case contacts, notes
    }

    // MARK: Transport

    func get<Response: Decodable>(_ path: String) async throws -> Response {
        try await send(.GET, path, body: Optional<EditRequest>.none)
    }

    func send<Body: Encodable, Response: Decodable>(_ method: HTTPMethod, _ path: String, body: Body?) async throws -> Response {
        let payload = try body.map { try JSONEncoder().encode($0) }
        let (status, data) = try await exchange(method: method, path: path, body: payload)
        guard (200..<300).contains(status) else {
            if let error = try? JSONDecoder().decode(ErrorBody.self, from: data) {
                throw LocalAPIError.refused(status: status, code: error.error.code, message: error.error.message)
            }
            throw LocalAPIError.badResponse("status \(status)")
        }
        do {
            return try JSONDecoder().decode(Response.self, from: data)
        } catch {
            throw LocalAPIError.badResponse("cannot decode \(Response.self): \(error)")
        }
    }

    /// One request, one response, then close. Raw so tests can send what the typed calls never would.
    public func exchange(method: HTTPMethod, path: String, body: Data?, headers extra: [(String, String)] = []) async throws -> (Int, Data) {
        let channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(unixDomainSocketPath: socketPath) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch let error as IOError where error.errnoCode == EACCES {
            throw LocalAPIError.permissionDenied(socket: socketPath)
        } catch {
            throw LocalAPIError.daemonNotRunning(socket: socketPath)
        }
        return try await channel.executeThenClose { inbound, outbound in
            var headers = HTTPHeaders([("Host", "localhost"), ("Connection", "close")] + extra)
            // An explicit length (0 without a body) keeps the encoder from choosing chunked encoding.
            headers.add(name: "Content-Length", value: String(body?.count ?? 0))
            if body != nil { headers.add(name: "Content-Type", value: "application/json") }
            var writeError: Error?
            do {
                try await outbound.write(.head(HTTPRequestHead(version: .http1_1, method: method, uri: path, headers: headers)))
                if let body { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
                try await outbound.write(.end(nil))
            } catch {
                // The daemon may answer and close early (e.g. 413 for a body over its limit): read its answer.
                writeError = error
            }
            var status = 0
            var received = ByteBuffer()
            do {
                for try await part in inbound {
                    switch part {
                    case .head(let head): status = Int(head.status.code)
                    case .body(var chunk):
                        guard received.readableBytes + chunk.readableBytes <= Self.maxResponseBytes else {
                            throw LocalAPIError.badResponse("response larger than \(Self.maxResponseBytes) bytes")
                        }
                        received.writeBuffer(&chunk)
                    case .end: return (status, Data(received.readableBytesView))
                    }
                }
            } catch let error as LocalAPIError {
                throw error
            } catch {
                if status == 0 { throw LocalAPIError.closedWithoutAnswer(socket: socketPath) }
                throw writeError ?? error
            }
            // Nothing at all came back: the daemon refused this user (or was stopping), not a version mismatch.
            if status == 0 { throw LocalAPIError.closedWithoutAnswer(socket: socketPath) }
            throw writeError ?? LocalAPIError.badResponse("connection closed before the response ended")
        }
    }

    func query(_ items: [String: String?]) -> String {
        let pairs = items.compactMap { key, value in value.map { "\(key)=\($0.queryEscaped)" } }.sorted()
        return pairs.isEmpty ? "" : "?" + pairs.joined(separator: "&")
    }
}

extension String {
    static let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
    var pathEscaped: String { addingPercentEncoding(withAllowedCharacters: Self.unreserved) ?? "" }
    var queryEscaped: String { addingPercentEncoding(withAllowedCharacters: Self.unreserved) ?? "" }
}

extension LocalAPIClient {
    /// The client for the node in `home`. Its socket is, in this order: `$SIDING_SOCKET`; `[api] socket`
    /// in the node's siding.toml (if this user may read it); `<home>/siding.sock` if it exists; and for a
    /// systemd instance in /var/lib/siding/NAME, /run/siding/NAME/siding.sock (staff in group siding
    /// cannot read the home, only that socket).
    public init(home: String) {
        let standardHome = (home as NSString).standardizingPath
        var socket = standardHome + "/siding.sock"
        let files = FileManager.default
        if let data = files.contents(atPath: standardHome + "/siding.toml"),
            let text = String(data: data, encoding: .utf8),
            let document = try? TOMLDocument(parsing: text, file: "siding.toml"),
            case .string(let configured)? = document.values["api.socket"]?.value, !configured.isEmpty
        {
            socket = configured
        } else if !files.fileExists(atPath: socket) {
            let instance = "/run/siding/" + (standardHome as NSString).lastPathComponent + "/siding.sock"
            if files.fileExists(atPath: instance) { socket = instance }
        }
        if let override = ProcessInfo.processInfo.environment["SIDING_SOCKET"], !override.isEmpty { socket = override }
        self.init(socketPath: socket)
    }
}

extension LocalAPIClient {
    public func peers() async throws -> [PeerResource] { try await get("/v1/peers") }

    public func addPeer(_ peer: PeerResource) async throws -> PeerResource { try await send(.POST, "/v1/peers", body: peer) }

    public func removePeer(_ nodeID: String) async throws -> PeerResource {
        try await send(.DELETE, "/v1/peers/\(nodeID.pathEscaped)", body: Optional<EditRequest>.none)
    }

    public func status() async throws -> StatusResource { try await get("/v1/status") }

    public func backup(to path: String) async throws -> BackupResult { try await send(.POST, "/v1/backup", body: BackupRequest(path: path)) }

    /// Ends every partner's backoff so dialers retry now; returns the status at that moment.
    public func syncNow() async throws -> StatusResource { try await send(.POST, "/v1/sync", body: Optional<EditRequest>.none) }
}
