/// A protocol violation by the peer (or a local encoding failure). Each maps to a close code.
public enum WireError: Error, Equatable, Sendable, CustomStringConvertible {
    case frameTooShort(Int)
    case frameTooLarge(Int, limit: Int)
    case truncatedFrame(buffered: Int)
    case unknownFrameType(UInt8)
    case unknownFlags(UInt8)
    case malformedMessage(String)
    case inflatedTooLarge(declared: Int, limit: Int)
    case badCompression(String)
    case limitExceeded(String)

    public var closeCode: CloseCode {
        switch self {
        case .frameTooLarge, .inflatedTooLarge: .frameTooLarge
        case .badCompression: .badCompression
        default: .protocolError
        }
    }

    public var description: String {
        switch self {
        case .frameTooShort(let length): "frame length \(length) is shorter than its header"
        case .frameTooLarge(let length, let limit): "frame of \(length) bytes exceeds the \(limit)-byte limit"
        case .truncatedFrame(let buffered): "connection ended inside a frame (\(buffered) bytes buffered)"
        case .unknownFrameType(let type): "unknown frame type \(type)"
        case .unknownFlags(let flags): "unknown frame flags \(flags)"
        case .malformedMessage(let why): "malformed message: \(why)"
        case .inflatedTooLarge(let declared, let limit): "declared inflated size \(declared) exceeds the \(limit)-byte limit"
        case .badCompression(let why): "bad compressed payload: \(why)"
        case .limitExceeded(let why): "limit exceeded: \(why)"
        }
    }
}

/// Why a session ended, sent in a Close frame (Protocol/SPEC.md lists them).
public enum CloseCode: UInt32, Sendable, CustomStringConvertible {
    case normal = 0
    case protocolError = 1
    case unsupportedVersion = 2
    case frameTooLarge = 3
    case badCompression = 4
    case invalidChange = 5
    case gap = 6
    case duplicateSession = 7
    case notAPartner = 8
    case idleTimeout = 9
    case internalError = 10
    case shuttingDown = 11

    public var description: String {
        switch self {
        case .normal: "normal"
        case .protocolError: "protocol error"
        case .unsupportedVersion: "unsupported protocol version"
        case .frameTooLarge: "frame too large"
        case .badCompression: "bad compression"
        case .invalidChange: "invalid change"
        case .gap: "gap in a change sequence"
        case .duplicateSession: "duplicate session"
        case .notAPartner: "not a partner"
        case .idleTimeout: "idle timeout"
        case .internalError: "internal error"
        case .shuttingDown: "shutting down"
        }
    }
}
