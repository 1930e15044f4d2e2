import Crypto

import struct Foundation.Data

/// The unit of replication: one local command's operations, signed by the node that made them.
/// `encoded` holds the exact signed bytes; they are stored and relayed unchanged, so any node can pass
/// on a third node's changes and every receiver checks the original author's signature.
public struct Change: Hashable, Sendable {
    public static let formatVersion: UInt8 = 1
    public static let signatureByteCount = 64
    /// Signatures cover this prefix and the change body, so they cannot be replayed in another context.
    static let signingContext = Array("siding-change-v1\u{0}".utf8)

    /// The log this change belongs to: the author's key for the network log (format 1), the circle
    /// log's key for a circle (format 2). Version vectors, summaries and dots are keyed by it.
    public let origin: OriginKey
    /// The node that signed it.
    public let author: OriginKey
    /// The circle log it belongs to; nil for the network log.
    public let circleLog: CircleLog?
    /// Other logs of the same circle that its dots name (format 2).
    public let otherLogs: [CircleLog]
    /// How its values are bound to the signature (format 2).
    public let seal: ValueSeal?
    /// Which values of a network change were erased, and what it was before (format 3).
    public let networkRedaction: NetworkRedaction?
    public let seq: UInt64
    public let hlc: HLC
    public let operations: [Operation]
    public let encoded: [UInt8]

    /// Encodes and signs a new change. Pure: Ed25519 signatures are deterministic.
    public static func sign(
        by key: Curve25519.Signing.PrivateKey, seq: UInt64, hlc: HLC, operations: [Operation]
    ) throws(ChangeError) -> Change {
        let origin = OriginKey(key.publicKey)
        guard seq > 0, hlc.rawValue <= HLC.maxRawValue else { throw .invalid("seq must be ≥ 1 and hlc in range") }
        var body = ChangeCodec.encodeBody(origin: origin, seq: seq, hlc: hlc, operations: operations)
        let signature: Data
        do {
            signature = try key.signature(for: signingContext + body)
        } catch {
            throw .invalid("signing failed: \(error)")
        }
        body.append(contentsOf: signature)
        guard body.count <= ChangeLimits.maxEncodedBytes else {
            throw .invalid("change is \(body.count) bytes, over the \(ChangeLimits.maxEncodedBytes)-byte limit")
        }
        return Change(origin: origin, seq: seq, hlc: hlc, operations: operations, encoded: body)
    }

    /// Decodes without checking the signature: for bytes this node already verified and stored.
    public init(decoding bytes: [UInt8]) throws(ChangeError) {
        do {
            switch bytes.first {
            case CircleChangeCodec.format: self = try CircleChangeCodec.decode(bytes)
            case NetworkRedaction.format: self = try NetworkRedaction.decode(bytes)
            default: self = try ChangeCodec.decode(bytes)
            }
        } catch {
            throw .malformed(error)
        }
    }

    init(origin: OriginKey, seq: UInt64, hlc: HLC, operations: [Operation], encoded: [UInt8]) {
        self.origin = origin
        author = origin
        circleLog = nil
        otherLogs = []
        seal = nil
        networkRedaction = nil
        self.seq = seq
        self.hlc = hlc
        self.operations = operations
        self.encoded = encoded
    }

    init(
        log: CircleLog, seq: UInt64, hlc: HLC, operations: [Operation], otherLogs: [CircleLog], seal: ValueSeal,
        encoded: [UInt8]
    ) {
        origin = log.key
        author = log.author
        circleLog = log
        self.otherLogs = otherLogs
        self.seal = seal
        networkRedaction = nil
        self.seq = seq
        self.hlc = hlc
        self.operations = operations
        self.encoded = encoded
    }

    /// `original` (a network change) as redacted into `encoded`.
    init(redacted original: Change, encoded: [UInt8], _ redaction: NetworkRedaction) {
        origin = original.origin
        author = original.origin
        circleLog = nil
        otherLogs = []
        seal = nil
        networkRedaction = redaction
        seq = original.seq
        hlc = original.hlc
        operations = original.operations
        self.encoded = encoded
    }

    /// The circle it belongs to; nil for the network.
    public var circle: CircleID? { circleLog?.circle }

    var hasValidSignature: Bool {
        // A redacted network change no longer matches its signature: an erasure order vouches for it.
        guard networkRedaction == nil else { return false }
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: author.bytes) else { return false }
        let split = encoded.count - Self.signatureByteCount
        guard let log = circleLog, let seal else {
            return key.isValidSignature(encoded[split...], for: Self.signingContext + encoded[..<split])
        }
        let signed = CircleChangeCodec.signedMessage(
            log: log, seq: seq, hlc: hlc, operations: operations, otherLogs: otherLogs, seal: seal)
        return key.isValidSignature(encoded[split...], for: signed)
    }

    /// The change's body (everything before the signature) encoded again from its decoded fields. The
    /// format is canonical, so for every change that decodes this equals the signed bytes it came from,
    /// except that other origins named only by actions of later versions (opaque here) are left out.
    public var canonicalBody: [UInt8] {
        if let networkRedaction { return networkRedaction.encodeBody(origin: origin, seq: seq, hlc: hlc, operations: operations) }
        guard let log = circleLog, let seal else {
            return ChangeCodec.encodeBody(origin: origin, seq: seq, hlc: hlc, operations: operations)
        }
        return CircleChangeCodec.encodeBody(
            log: log, seq: seq, hlc: hlc, operations: operations, otherLogs: otherLogs, seal: seal, forSigning: false)
    }

    /// The dot naming operation `index` of this change.
    public func dot(_ index: Int) -> Dot { Dot(origin: origin, seq: seq, index: index) }
}

/// Why a change was refused.
public enum ChangeError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformed(DecodingError)
    case badSignature(origin: NodeID, seq: UInt64)
    case invalid(String)

    public var description: String {
        switch self {
        case .malformed(let why): "malformed change: \(why)"
        case .badSignature(let origin, let seq): "change \(seq) of node \(origin) has a bad signature"
        case .invalid(let why): "invalid change: \(why)"
        }
    }
}
