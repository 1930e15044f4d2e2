import NIOCore
import SidingCore
import SwiftProtobuf

import struct Foundation.Data

/// A decoded protocol message. Frames carry them; `Protocol/SPEC.md` defines both.
public enum WireMessage: Equatable, Sendable {
    case hello(WireHello)
    /// The version vector, and for each origin a digest of the change held at its seq (fork detection).
    case summary(VersionVector, tips: [OriginKey: [UInt8]] = [:])
    case batch(id: UInt64, changes: [[UInt8]])
    case ack(WireAck)
    case ping(UInt64)
    case pong(UInt64)
    case close(CloseCode?, code: UInt32, reason: String)

    public enum FrameType: UInt8, Sendable {
        case hello = 1, summary = 2, batch = 3, ack = 4, ping = 5, pong = 6, close = 7
    }

    public var frameType: FrameType {
        switch self {
        case .hello: .hello
        case .summary: .summary
        case .batch: .batch
        case .ack: .ack
        case .ping: .ping
        case .pong: .pong
        case .close: .close
        }
    }

    // MARK: Encoding

    /// `sender`: this node's origin key, given when the peer's Hello lists `SenderOrigin.capability`;
    /// a batch then carries this node's own changes without the 32 bytes the peer already knows.
    public func frame(sender: OriginKey? = nil) throws -> Frame {
        var logs: NamedLogs? = nil
        return try frame(sender: sender, logs: &logs)
    }

    /// `logs`: the circle logs this session has named to the peer, given when the peer's Hello lists
    /// `CircleElision.capability`; a batch then carries circle changes without their log's header,
    /// naming new logs, and `logs` grows by what it named.
    public func frame(sender: OriginKey?, logs: inout NamedLogs?) throws -> Frame {
        let bytes = try protobufBytes(sender: sender, logs: &logs)
        if bytes.count >= WireLimits.compressionThreshold {
            var payload = ByteBuffer()
            payload.writeInteger(UInt32(bytes.count))
            payload.writeBytes(Zlib.deflate(bytes))
            return Frame(type: frameType.rawValue, flags: Frame.deflated, payload: payload)
        }
        return Frame(type: frameType.rawValue, payload: ByteBuffer(bytes: bytes))
    }

    /// The message's protobuf encoding, before framing and compression.
    public func protobufBytes(sender: OriginKey? = nil) throws -> [UInt8] {
        var logs: NamedLogs? = nil
        return try protobufBytes(sender: sender, logs: &logs)
    }

    public func protobufBytes(sender: OriginKey?, logs: inout NamedLogs?) throws -> [UInt8] {
        switch self {
        case .hello(let hello):
            return try hello.serializedBytes()
        case .summary(let vector, let tips):
            var summary = WireSummary()
            summary.entries = vector.entries.sorted { $0.key < $1.key }.map { origin, seq in
                var entry = WireVectorEntry()
                entry.origin = Data(origin.bytes)
                entry.seq = seq
                entry.tipDigest = Data(tips[origin] ?? [])
                return entry
            }
            return try summary.serializedBytes()
        case .batch(let id, let changes):
            var batch = WireBatch()
            batch.batchID = id
            let rest = logs?.elide(changes, into: &batch) ?? changes
            for change in rest {
                if let sender, SenderOrigin.isAuthored(change, by: sender) {
                    batch.senderChanges.append(Data(SenderOrigin.elided(change)))
                } else {
                    batch.changes.append(Data(change))
                }
            }
            return try batch.serializedBytes()
        case .ack(let ack):
            return try ack.serializedBytes()
        case .ping(let nonce):
            var ping = WirePing()
            ping.nonce = nonce
            return try ping.serializedBytes()
        case .pong(let nonce):
            var pong = WirePong()
            pong.nonce = nonce
            return try pong.serializedBytes()
        case .close(_, let code, let reason):
            var close = WireClose()
            close.code = code
            close.reason = reason
            return try close.serializedBytes()
        }
    }

    public static func close(_ code: CloseCode, _ reason: String) -> WireMessage {
        .close(code, code: code.rawValue, reason: String(reason.prefix(WireLimits.maxNameBytes)))
    }

    // MARK: Decoding

    /// Decodes a frame, inflating it first if flagged; every limit is checked before work is done.
    /// `sender`: the peer's origin key (from its certificate), which restores a batch's `sender_changes`;
    /// without it a batch carrying them is malformed.
    public static func decode(_ frame: Frame, sender: OriginKey? = nil) throws(WireError) -> WireMessage {
        var logs: NamedLogs? = nil
        return try decode(frame, sender: sender, logs: &logs)
    }

    /// `logs`: the circle logs the peer has named in this session, which restore a batch's
    /// `circle_changes` and grow by its `named_logs`; without it a batch carrying either is malformed.
    public static func decode(_ frame: Frame, sender: OriginKey?, logs: inout NamedLogs?) throws(WireError) -> WireMessage {
        guard let type = FrameType(rawValue: frame.type) else { throw .unknownFrameType(frame.type) }
        guard frame.flags & ~Frame.deflated == 0 else { throw .unknownFlags(frame.flags) }
        var payload = frame.payload
        let bytes: [UInt8]
        if frame.flags & Frame.deflated != 0 {
            guard let declared = payload.readInteger(as: UInt32.self) else { throw .badCompression("missing inflated length") }
            bytes = try Zlib.inflate(payload.readBytes(length: payload.readableBytes) ?? [], declaredLength: Int(declared))
        } else {
            bytes = payload.readBytes(length: payload.readableBytes) ?? []
        }
        do {
            return try decode(type, bytes, sender: sender, logs: &logs)
        } catch let error as WireError {
            throw error
        } catch {
            throw .malformedMessage("\(type): \(error)")
        }
    }

    private static func decode(_ type: FrameType, _ bytes: [UInt8], sender: OriginKey?, logs: inout NamedLogs?) throws -> WireMessage {
        switch type {
        case .hello:
            let hello = try WireHello(serializedBytes: bytes)
            guard hello.nodeName.utf8.count <= WireLimits.maxNameBytes, hello.softwareVersion.utf8.count <= WireLimits.maxNameBytes,
                hello.capabilities.count <= WireLimits.maxCapabilities,
                hello.capabilities.allSatisfy({ $0.utf8.count <= WireLimits.maxNameBytes })
            else { throw WireError.limitExceeded("hello fields") }
            return .hello(hello)
        case .summary:
            let summary = try WireSummary(serializedBytes: bytes)
            guard summary.entries.count <= WireLimits.maxSummaryEntries else { throw WireError.limitExceeded("summary entries") }
            var entries: [OriginKey: UInt64] = [:]
            var tips: [OriginKey: [UInt8]] = [:]
            for entry in summary.entries {
                guard let origin = OriginKey(bytes: Array(entry.origin)), entry.seq <= UInt64(Int64.max) else {
                    throw WireError.malformedMessage("summary entry with a bad origin or seq")
                }
                guard entries[origin] == nil else { throw WireError.malformedMessage("summary names an origin twice") }
                guard entry.tipDigest.isEmpty || entry.tipDigest.count == WireLimits.tipDigestBytes else {
                    throw WireError.malformedMessage("a tip digest must be \(WireLimits.tipDigestBytes) bytes")
                }
                entries[origin] = entry.seq
                if !entry.tipDigest.isEmpty { tips[origin] = Array(entry.tipDigest) }
            }
            return .summary(VersionVector(entries), tips: tips)
        case .batch:
            let batch = try WireBatch(serializedBytes: bytes)
            let count = batch.changes.count + batch.senderChanges.count + batch.circleChanges.count
            guard count <= WireLimits.maxBatchChanges else { throw WireError.limitExceeded("\(count) changes in a batch") }
            guard count > 0 else { throw WireError.malformedMessage("an empty batch") }
            var changes = batch.changes.map { Array($0) }
            if !batch.senderChanges.isEmpty {
                guard let sender else { throw WireError.malformedMessage("sender changes from a peer whose key is not known") }
                for elided in batch.senderChanges {
                    guard !elided.isEmpty else { throw WireError.malformedMessage("an empty sender change") }
                    changes.append(SenderOrigin.restored(Array(elided), sender: sender))
                }
            }
            if !batch.namedLogs.isEmpty || !batch.circleChanges.isEmpty {
                guard let restored = try logs?.restore(batch) else {
                    throw WireError.malformedMessage("circle changes from a peer that was not offered circle-elision")
                }
                changes += restored
            }
            return .batch(id: batch.batchID, changes: changes)
        case .ack:
            return .ack(try WireAck(serializedBytes: bytes))
        case .ping:
            return .ping(try WirePing(serializedBytes: bytes).nonce)
        case .pong:
            return .pong(try WirePong(serializedBytes: bytes).nonce)
        case .close:
            let close = try WireClose(serializedBytes: bytes)
            return .close(CloseCode(rawValue: close.code), code: close.code, reason: String(close.reason.prefix(WireLimits.maxNameBytes)))
        }
    }
}
