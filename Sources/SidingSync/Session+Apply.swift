import SidingCore
import SidingWire

extension Session {
    /// Verifies a received batch, stores it, and returns what the machine says to do about it.
    func apply(_ id: UInt64, _ encoded: [[UInt8]]) async -> [SessionAction<C.Instant>] {
        let start = clock.now
        let changes: [VerifiedChange]
        do throws(ChangeError) {
            changes = try await Self.verify(encoded)
        } catch {
            return state.withLock { $0.machine.batchRejected(error.description) }
        }
        return await store(id, changes, verifiedIn: start.duration(to: clock.now))
    }

    /// Changes whose signatures one task checks: a batch is checked in slices of this many at once.
    static var verifySlice: Int { 128 }

    /// Every signature of a batch checked: the CPU-bound half of applying it, which needs no store. The
    /// slices are checked concurrently, so a core the writer leaves idle while it waits for this batch
    /// checks too. The error is the first bad change's, as if checked in order.
    static func verify(_ encoded: [[UInt8]]) async throws(ChangeError) -> [VerifiedChange] {
        let starts = Array(stride(from: 0, to: encoded.count, by: verifySlice))
        guard starts.count > 1 else { return try verify(encoded[...]) }
        let checked = await withTaskGroup(of: (Int, Result<[VerifiedChange], ChangeError>).self) { group in
            for (index, start) in starts.enumerated() {
                let slice = encoded[start..<min(start + verifySlice, encoded.count)]
                group.addTask { (index, Result { () throws(ChangeError) in try verify(slice) }) }
            }
            var results: [Result<[VerifiedChange], ChangeError>?] = Array(repeating: nil, count: starts.count)
            for await (index, result) in group { results[index] = result }
            return results.compactMap { $0 }
        }
        var changes: [VerifiedChange] = []
        changes.reserveCapacity(encoded.count)
        for slice in checked { changes += try slice.get() }
        return changes
    }

    private static func verify(_ slice: ArraySlice<[UInt8]>) throws(ChangeError) -> [VerifiedChange] {
        var changes: [VerifiedChange] = []
        changes.reserveCapacity(slice.count)
        for bytes in slice { changes.append(try VerifiedChange(verifying: bytes)) }
        return changes
    }

    /// Stores a verified batch and returns what the machine says to do about it (its ack, or closing).
    /// `verifiedIn` counts towards the batch's apply duration.
    func store(_ id: UInt64, _ changes: [VerifiedChange], verifiedIn verifying: Duration) async -> [SessionAction<C.Instant>] {
        let start = clock.now
        state.withLock { $0.machine.batchVerified(changes) }
        let outcomes: [ApplyOutcome]
        do {
            outcomes = try await context.store.apply(changes, deliveredBy: sessionID)
        } catch let error as ReceiveError {
            return state.withLock { $0.machine.applyFailed(gap: error.description) }
        } catch {
            // The store's own failure (SQLite's error names tables and constraints, never values).
            context.logger.error("could not store a received batch", metadata: ["peer": "\(peer)", "error": "\(error)"])
            return state.withLock { $0.machine.applyFailed(gap: nil) }
        }
        context.metrics.applyDurations.observe(verifying + start.duration(to: clock.now))
        traffic.changesReceived.add(UInt64(outcomes.count))
        let refused = outcomes.filter { $0 == .refused }.count
        if refused > 0 {
            // Without content: no value, no record, no circle.
            context.logger.notice(
                "refused changes of circles this node does not store (not a member, author not admitted, or past a cut)",
                metadata: ["peer": "\(peer)", "count": "\(refused)"])
        }
        if outcomes.contains(.equivocation) {
            context.logger.error(
                "equivocation: a partner relayed a second, different change for a seq already held; both kept as evidence",
                metadata: ["peer": "\(peer)"])
        }
        return state.withLock { $0.machine.batchCommitted(id, outcomes: outcomes) }
    }
}
