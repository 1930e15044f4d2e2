import Foundation
import NIOCore
import NIOHTTP1
import SidingAPI
import SidingMetrics

/// A complete local API request, body included (already held to the size limit).
public struct APIRequest: Sendable {
    public let method: HTTPMethod
    /// The path's segments, percent-decoded.
    public let segments: [String]
    public let query: [String: String]
    public let body: ByteBuffer

    public init(head: HTTPRequestHead, body: ByteBuffer) {
        method = head.method
        let components = URLComponents(string: head.uri)
        // Split before decoding, and decode once: a name may hold "/" or "%41" (`contact show "A/B"`).
        segments = (components?.percentEncodedPath ?? "").split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        var query: [String: String] = [:]
        for item in components?.queryItems ?? [] { query[item.name] = item.value ?? "" }
        self.query = query
        self.body = body
    }

    /// The body as the JSON of `type`; a `NodeError.badRequest` if it is not.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(body.readableBytesView))
        } catch {
            throw NodeError.badRequest("the request body is not the JSON \(type) expects: \(error)")
        }
    }
}

/// A response ready to write: status and body (JSON unless said otherwise).
struct APIResponse: Sendable {
    let status: HTTPResponseStatus
    let body: Data
    var contentType = "application/json"

    /// `GET /metrics`: Prometheus text.
    static func metrics(_ text: String) -> APIResponse {
        APIResponse(status: .ok, body: Data(text.utf8), contentType: Exposition.contentType)
    }

    static func json<T: Encodable>(_ value: T, status: HTTPResponseStatus = .ok) -> APIResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return APIResponse(status: status, body: try encoder.encode(value))
        } catch {
            return APIResponse(
                status: .internalServerError, body: Data(#"{"error":{"code":"encoding","message":"cannot encode the response"}}"#.utf8))
        }
    }

    static func error(_ error: NodeError) -> APIResponse {
        json(ErrorBodyFactory.make(error), status: HTTPResponseStatus(statusCode: error.httpStatus))
    }
}

enum ErrorBodyFactory {
    static func make(_ error: NodeError) -> ErrorBody { ErrorBody(code: error.code, message: error.description) }
}
