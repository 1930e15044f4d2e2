import SidingCore

import struct Foundation.Data

/// A circle change travels without its log's header (author, circle, epoch: bytes 1 up to the seq, 49
/// bytes or more) once the session has named that log: a varint index into the logs named so far takes
/// its place. The receiver puts the header back before verifying, so the signature still covers exactly
/// the bytes the author signed (Protocol/SPEC.md, "Batch").
public enum CircleElision {
    /// Listed in Hello by a node that restores `Batch.circle_changes`.
    public static let capability = "circle-elision"

    static let formatByte: UInt8 = 0x02
    /// Author (32 bytes) and circle (16 bytes); the epoch's varint follows.
    static let fixedHeaderBytes = OriginKey.byteCount + CircleID.byteCount
    static let maxVarintBytes = 10

    /// The log header of a format 2 change (bytes 1 up to its seq), or nil if the change has none.
    public static func logHeader(of change: [UInt8]) -> ArraySlice<UInt8>? {
        guard change.first == formatByte, change.count > 1 + fixedHeaderBytes,
            let epochBytes = varintLength(change[(1 + fixedHeaderBytes)...])
        else { return nil }
        let end = 1 + fixedHeaderBytes + epochBytes
        // Something must follow the header: the seq at least.
        guard end < change.count else { return nil }
        return change[1..<end]
    }

    /// Bytes of the varint at the start of `bytes` (at most 10, so it fits 64 bits), or nil if it never ends.
    static func varintLength(_ bytes: ArraySlice<UInt8>) -> Int? {
        for (offset, byte) in bytes.prefix(maxVarintBytes).enumerated() where byte & 0x80 == 0 { return offset + 1 }
        return nil
    }

    static func varint(_ value: Int) -> [UInt8] {
        var value = UInt64(value)
        var bytes: [UInt8] = []
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
        return bytes
    }

    /// The varint at the start of `bytes` and its length; nil if missing, overlong or not minimal.
    static func readIndex(_ bytes: [UInt8]) -> (value: Int, length: Int)? {
        guard let length = varintLength(bytes[...]), length <= 3 else { return nil }
        var value = 0
        for (shift, byte) in bytes.prefix(length).enumerated() { value |= Int(byte & 0x7F) << (7 * shift) }
        // One encoding per index, so an elided change restores to one set of bytes.
        guard varint(value).count == length else { return nil }
        return (value, length)
    }
}

/// The circle logs one direction of a session has named, in the order named. The sender's copy and the
/// receiver's stay equal because batches are encoded in the order they are written (a session fetches
/// and writes one batch at a time) and decoded in the order they arrive.
public struct NamedLogs: Sendable, Equatable {
    private(set) var headers: [[UInt8]] = []
    private var indexes: [[UInt8]: Int] = [:]

    public init() {}

    public var count: Int { headers.count }

    /// Encodes `changes` into `batch`: if every format 2 change's log is named or can be named within
    /// the limit, they all go in `circle_changes` in their order, naming new logs in `named_logs`;
    /// otherwise (the table is full) none does, so a batch's circle changes stay in one list in order.
    /// Returns the changes left to send the usual way.
    mutating func elide(_ changes: [[UInt8]], into batch: inout WireBatch) -> [[UInt8]] {
        let headers = changes.map(CircleElision.logHeader(of:))
        var added: [[UInt8]] = []
        var known = Set<[UInt8]>()
        for header in headers.compactMap({ $0 }) {
            let header = Array(header)
            if indexes[header] == nil, known.insert(header).inserted { added.append(header) }
        }
        guard !headers.allSatisfy({ $0 == nil }), self.headers.count + added.count <= WireLimits.maxNamedLogs else { return changes }
        for header in added { name(header) }
        batch.namedLogs.append(contentsOf: added.map { Data($0) })
        var rest: [[UInt8]] = []
        for (change, header) in zip(changes, headers) {
            guard let header, let index = indexes[Array(header)] else {
                rest.append(change)
                continue
            }
            batch.circleChanges.append(Data(CircleElision.varint(index) + change[header.endIndex...]))
        }
        return rest
    }

    /// Reads a batch's `named_logs` and `circle_changes` back into whole changes, in order.
    mutating func restore(_ batch: WireBatch) throws(WireError) -> [[UInt8]] {
        guard headers.count + batch.namedLogs.count <= WireLimits.maxNamedLogs else {
            throw .limitExceeded("more than \(WireLimits.maxNamedLogs) circle logs named in a session")
        }
        for named in batch.namedLogs {
            let header = Array(named)
            // A header is exactly author, circle and a varint epoch that ends on its last byte.
            guard header.count > CircleElision.fixedHeaderBytes,
                CircleElision.varintLength(header[CircleElision.fixedHeaderBytes...]) == header.count - CircleElision.fixedHeaderBytes
            else { throw .malformedMessage("a named circle log is not an author, a circle and an epoch") }
            guard indexes[header] == nil else { throw .malformedMessage("a circle log named twice in a session") }
            name(header)
        }
        var changes: [[UInt8]] = []
        changes.reserveCapacity(batch.circleChanges.count)
        for elided in batch.circleChanges {
            let bytes = Array(elided)
            guard let read = CircleElision.readIndex(bytes) else {
                throw .malformedMessage("a circle change without a valid log index")
            }
            let (index, length) = read
            guard index < headers.count else { throw .malformedMessage("a circle change names log \(index), which the session never named") }
            guard length < bytes.count else { throw .malformedMessage("an empty circle change") }
            changes.append([CircleElision.formatByte] + headers[index] + bytes[length...])
        }
        return changes
    }

    private mutating func name(_ header: [UInt8]) {
        indexes[header] = headers.count
        headers.append(header)
    }
}
