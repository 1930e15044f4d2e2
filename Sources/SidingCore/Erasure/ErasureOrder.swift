/// An order to erase a record: every value any operation ever wrote to it is dropped on every node
/// that holds it, while each change that carried one still fills its seq and verifies (the value seal,
/// `ValueSeal`). It is an operation of type 20 on the record itself, field `""`, in a format 2 change of
/// the record's circle; its body is empty, or the 16-byte nonce that proves its author made the record
/// (`RecordProvenance`). It is valid from the circle's owner, or from the record's creator with that
/// proof (Protocol/CHANGES.md, "Erasure"). A record of the network is erased by its creator alone, with
/// an order in a network change whose body goes on to list the redacted network changes it vouches for
/// (`listings`, "Erasure of network records").
public struct ErasureOrder: Hashable, Sendable {
    public static let actionType: UInt64 = 20
    /// Listings in one operation's body, within the 256 KiB of an action a previous release keeps.
    public static let maxListingsPerOperation = 3_000

    public let record: EntityID
    /// The nonce the record's ID was made from; nil if the order does not claim its author made it.
    public let creatorNonce: [UInt8]?
    /// The redacted network changes this order vouches for (network orders only).
    public let listings: [Listing]

    /// A redacted network change, named by its log and seq and the SHA-256 of its bytes.
    public struct Listing: Hashable, Sendable {
        public let origin: OriginKey
        public let seq: UInt64
        public let digest: [UInt8]

        public init(origin: OriginKey, seq: UInt64, digest: [UInt8]) {
            self.origin = origin
            self.seq = seq
            self.digest = digest
        }

        /// The listing of `change`, a redacted network change.
        public init(_ change: Change) { self.init(origin: change.origin, seq: change.seq, digest: change.bytesDigest) }
    }

    public init(erasing record: EntityID, creatorNonce: [UInt8]? = nil, listings: [Listing] = []) {
        self.record = record
        self.creatorNonce = creatorNonce
        self.listings = listings
    }

    /// The operation that orders `record` erased.
    public static func operation(erasing record: EntityID, creatorNonce: [UInt8]? = nil) -> Operation {
        Operation(entity: record, field: "", action: .unknown(type: actionType, body: creatorNonce ?? []))
    }

    /// The operations that order the network record `record` erased by its creator, vouching for
    /// `listings` (as many operations as their number needs; at least one).
    public static func networkOperations(erasing record: EntityID, creatorNonce: [UInt8], listings: [Listing]) -> [Operation] {
        let chunks = stride(from: 0, to: max(listings.count, 1), by: maxListingsPerOperation).map {
            listings[$0..<min($0 + maxListingsPerOperation, listings.count)]
        }
        return chunks.map { chunk in
            var body = ByteWriter(capacity: 20 + chunk.count * 72)
            body.raw(creatorNonce)
            body.varint(chunk.count)
            for listing in chunk {
                body.raw(listing.origin.bytes)
                body.varint(listing.seq)
                body.raw(listing.digest)
            }
            return Operation(entity: record, field: "", action: .unknown(type: actionType, body: body.bytes))
        }
    }

    /// The order a network change's `operation` gives, nil if it is none; throws if it claims to be one
    /// and is malformed.
    public init?(network operation: Operation) throws(DecodingError) {
        guard case .unknown(Self.actionType, let body) = operation.action else { return nil }
        guard operation.field.isEmpty else { throw .malformed("an erasure order has no field name") }
        var reader = ByteReader(body)
        let nonce = try reader.raw(RecordProvenance.nonceByteCount)
        let count = try reader.count(max: Self.maxListingsPerOperation, "listing count")
        var listings: [Listing] = []
        for _ in 0..<count {
            guard let origin = OriginKey(bytes: try reader.raw(OriginKey.byteCount)) else { throw .truncated(at: reader.offset) }
            let seq = try reader.varint()
            guard seq >= 1, seq <= UInt64(Int64.max) else { throw .malformed("listed seq \(seq) out of range") }
            listings.append(Listing(origin: origin, seq: seq, digest: try reader.raw(32)))
        }
        guard reader.isAtEnd else { throw .malformed("trailing bytes in an erasure order") }
        self.init(erasing: operation.entity, creatorNonce: nonce, listings: listings)
    }

    /// The order `operation` gives, nil if it is no erasure order; throws if it claims to be one and is
    /// malformed (the change is then malformed everywhere alike).
    public init?(_ operation: Operation) throws(DecodingError) {
        guard case .unknown(Self.actionType, let body) = operation.action else { return nil }
        guard operation.entity.kind != .circle else { throw .malformed("a circle is not erased by an erasure order") }
        guard operation.field.isEmpty else { throw .malformed("an erasure order has no field name") }
        guard body.isEmpty || body.count == RecordProvenance.nonceByteCount else {
            throw .malformed("an erasure order's body is empty or a 16-byte nonce")
        }
        self.init(erasing: operation.entity, creatorNonce: body.isEmpty ? nil : body)
    }

    /// Whether the order proves that `author` made the record (the circle's owner needs no proof).
    public func isFromCreator(_ author: OriginKey) -> Bool {
        creatorNonce.map { RecordProvenance.proves($0, that: author.nodeID, made: record) } ?? false
    }
}

extension Change {
    /// The records this change orders erased. A malformed network order is no order: a network change
    /// is valid whatever its later actions hold, so a node of a previous release and this one agree.
    public var erasureOrders: [ErasureOrder] {
        guard circleLog != nil else { return operations.compactMap { try? ErasureOrder(network: $0) } }
        return operations.compactMap { try? ErasureOrder($0) }
    }

    /// This change with every value it wrote to `records` dropped (nil if it wrote none). Operations on
    /// other records keep their values, so a change that touched an erased record and others (a merge,
    /// a participant list) loses only what was the erased record's. A circle's change still verifies; a
    /// network change becomes a redacted network change (format 3).
    public func redacting(records: Set<EntityID>) -> Change? {
        let erasing = Set(
            operations.indices.filter { records.contains(operations[$0].entity) && operations[$0].action.committedValue != nil })
        guard !erasing.isSubset(of: erasedOperations) else { return nil }
        return circleLog == nil ? redactingNetwork(erasing) : redacting(erasing)
    }
}
