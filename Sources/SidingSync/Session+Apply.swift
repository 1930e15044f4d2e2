import SidingCore
import SidingWire

extension Session {
    /// Verifies a received batch, stores it, and returns what the machine says to do about it.
    func apply(_ id: UInt64, _ encoded: [[UInt8]]) async throws -> [SessionAction<C.Instant>] {
        let start = clock.now
        let actions = try await verifyAndStore(id, encoded)
        context.metrics.applyDurations.observe(start.duration(to: clock.now))
        return actions
    }

    private func verifyAndStore(_ id: UInt64, _ encoded: [[UInt8]]) async throws -> [SessionAction<C.Instant>] {
        var changes: [VerifiedChange] = []
        changes.reserveCapacity(encoded.count)
        for bytes in encoded {
            do {
                changes.append(try VerifiedChange(verifying: bytes))
            } catch {
                return state.withLock { $0.machine.batchRejected(error.description) }
            }
        }
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
