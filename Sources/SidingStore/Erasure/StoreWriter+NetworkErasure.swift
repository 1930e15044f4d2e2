import SidingCore

/// Erasure of network records (Protocol/CHANGES.md, "Erasure of network records"). A redacted network
/// change (format 3) does not verify against its author's signature; it is taken in place of the change
/// when an erasure order of the record's creator lists it, in this batch or before, or when it is the
/// redaction of a change held here. Until then it is held **unvouched**: it fills its seq, so the log
/// stays gap-free and relays on, but none of its operations reaches the merged view (nothing unverified
/// is shown); the order that lists it, or the original, brings them in. A redacted change whose every
/// operation is on a record erased here needs nothing to vouch for it: an erased record shows nothing
/// and takes no edit, and a dot never reaches into another record, so it could not show anything false.
/// That covers an edit made concurrently with the erasure and redacted by a node that had the order
/// (no order lists it: the creator never held it).
extension StoreWriter {
    /// The listings of every order in `changes` whose author proves it made the record: an order is
    /// valid by itself (its signature and nonce), so one later in a batch vouches for what comes before.
    static func listings(vouchedBy changes: [Change]) -> Set<ErasureOrder.Listing> {
        var listings: Set<ErasureOrder.Listing> = []
        for change in changes where change.circleLog == nil && change.networkRedaction == nil {
            for order in change.erasureOrders where order.isFromCreator(change.author) { listings.formUnion(order.listings) }
        }
        return listings
    }

    /// Whether an erasure order vouches for `change`, a redacted network change.
    func isListed(_ change: Change) throws -> Bool {
        let listing = ErasureOrder.Listing(change)
        if batchListings.contains(listing) { return true }
        return try connection.statement("SELECT 1 FROM slot_listings WHERE origin_key = ? AND seq = ? AND digest = ?")
            .bind(.blob(listing.origin.bytes), .integer(Int64(listing.seq)), .blob(listing.digest)).exists()
    }

    func isCircleLog(_ origin: OriginKey) throws -> Bool {
        try connection.statement("SELECT 1 FROM circle_logs WHERE log_key = ?").bind(.blob(origin.bytes)).exists()
    }

    func isUnvouched(_ origin: OriginKey, _ seq: UInt64) throws -> Bool {
        try connection.statement("SELECT 1 FROM unvouched_slots WHERE origin_key = ? AND seq = ?")
            .bind(.blob(origin.bytes), .integer(Int64(seq))).exists()
    }

    func holdUnvouched(_ change: Change) throws {
        try connection.statement("INSERT OR IGNORE INTO unvouched_slots(origin_key, seq) VALUES (?, ?)")
            .bind(.blob(change.origin.bytes), .integer(Int64(change.seq))).run()
    }

    /// A version of a seq that is, or replaces, an unvouched redacted change. A change that verified, or
    /// a redaction an order lists, takes the place of an unvouched one (which nothing proved); an
    /// unvouched version never displaces what is held.
    func settleUnvouchedVersion(_ change: Change, held: [UInt8]) throws -> ApplyOutcome {
        guard try change.networkRedaction == nil || isListed(change) else { return .refused }
        guard try isUnvouched(change.origin, change.seq) else {
            try keepLowerVersionInForce(change, held: held)
            return .equivocation
        }
        try replaceUnvouched(with: change)
        return .duplicate
    }

    /// Replaces the unvouched change held at `change`'s seq with `change` (checked), operations and all.
    func replaceUnvouched(with change: Change) throws {
        let origin = SQLValue.blob(change.origin.bytes)
        let seq = SQLValue.integer(Int64(change.seq))
        try connection.statement("DELETE FROM unvouched_slots WHERE origin_key = ? AND seq = ?").bind(origin, seq).run()
        try connection.statement("DELETE FROM changes WHERE origin_key = ? AND seq = ?").bind(origin, seq).run()
        try append(redactingErasedRecords(change), replacing: true)
    }

    /// Remembers what a network order lists, and brings in each unvouched change it vouches for.
    func recordListings(of order: ErasureOrder) throws {
        for listing in order.listings {
            let origin = SQLValue.blob(listing.origin.bytes)
            let seq = SQLValue.integer(Int64(listing.seq))
            try connection.statement("INSERT OR IGNORE INTO slot_listings(origin_key, seq, digest) VALUES (?, ?, ?)")
                .bind(origin, seq, .blob(listing.digest)).run()
            guard try isUnvouched(listing.origin, listing.seq),
                let bytes = try connection.heldChange(log: listing.origin.bytes, seq: Int64(listing.seq))
            else { continue }
            let held = try Change(decoding: bytes)
            guard held.bytesDigest == listing.digest else { continue }
            try connection.statement("DELETE FROM unvouched_slots WHERE origin_key = ? AND seq = ?").bind(origin, seq).run()
            try applyOperations(of: held)
        }
    }

    func touchesOnlyErasedRecords(_ change: Change) throws -> Bool {
        guard !change.operations.isEmpty else { return false }
        return try change.operations.allSatisfy { try isErased($0.entity.description) }
    }

    /// Brings in every unvouched change whose operations are all on erased records (after an erasure).
    func vouchForChangesOfErasedRecords() throws {
        for change in try unvouchedHeld() where try touchesOnlyErasedRecords(change) {
            try connection.statement("DELETE FROM unvouched_slots WHERE origin_key = ? AND seq = ?")
                .bind(.blob(change.origin.bytes), .integer(Int64(change.seq))).run()
            try applyOperations(of: change)
        }
    }

    /// The redacted network changes held unvouched.
    func unvouchedHeld() throws -> [Change] {
        try connection.statement(
            "SELECT c.bytes FROM unvouched_slots u JOIN changes c ON c.origin_key = u.origin_key AND c.seq = u.seq"
        ).rows { $0.blob(0) }.map { try Change(decoding: $0) }
    }

    /// The redactions of every held network change that wrote a value to `record`, for the order that
    /// erases it to list: exactly the bytes each node holding the same change makes when it carries out
    /// the order.
    public func networkRedactions(erasing record: EntityID) throws -> [ErasureOrder.Listing] {
        try heldVersions(writingTo: record).compactMap { version in
            let change = try Change(decoding: version.bytes)
            guard change.circleLog == nil else { return nil }
            return change.redacting(records: [record]).map(ErasureOrder.Listing.init)
        }
    }
}
