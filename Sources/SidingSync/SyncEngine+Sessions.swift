import Logging
import NIOCore
import SidingCore
import SidingWire

extension SyncEngine {
    /// Runs an accepted connection's session once its handshake verified a partner, or closes it.
    func accept(_ connection: PendingConnection) async {
        do {
            try await runSession(connection, dialer: nil)
        } catch SyncError.connectionClosed {
            // Closed before the handshake ended: refused by the gate, or a port scan. Not worth a line each.
        } catch let error as NIOSSLHandshakeFailure {
            logger.notice(
                "TLS handshake from a would-be partner failed",
                metadata: ["address": "\(error.address)", "error": "\(error.underlying)"])
        } catch {
            logger.debug("inbound connection ended", metadata: ["error": "\(error)"])
        }
    }

    /// Waits for the handshake, registers the connection as the partner's session (one per pair), runs
    /// it, and records how it ended. `dialer` is nil for an accepted connection (the peer dialled).
    /// Throws if the session failed before it was established (Hello and Summary exchanged): a dialer
    /// backs off then, but redials at once after a session that ran and broke.
    func runSession(_ pending: PendingConnection, dialer: NodeID?) async throws {
        let connection = pending.take()
        let peerKey: OriginKey
        do {
            peerKey = try await pending.handshake.get()
        } catch {
            try? await connection.executeThenClose { _, _ in }
            if dialer == nil, !(error is SyncError) {
                throw NIOSSLHandshakeFailure(address: connection.channel.remoteAddress?.description ?? "?", underlying: error)
            }
            throw error
        }
        let peer = peerKey.nodeID
        let dialer = dialer ?? peer
        guard partners.contains(peer), !stopped else {
            try? await connection.executeThenClose { _, _ in }
            throw SyncError.notAPartner
        }
        if let existing = sessions[peer] {
            // Both sides dialled at once: both keep the connection dialled by the smaller node ID.
            let keepNew = existing.dialer == dialer || dialer < existing.dialer
            if !keepNew {
                try? await connection.executeThenClose { _, _ in }
                return
            }
            existing.channel.close(promise: nil)
        }
        nextSessionID += 1
        let sessionID = nextSessionID
        sessions[peer] = ActiveSession(id: sessionID, channel: connection.channel, dialer: dialer)
        book.update(peer) { _ in }
        book.makeCurrent(sessionID, for: peer)
        opening.forget(connection.channel)
        let session = Session(context: context, sessionID: sessionID, peerKey: peerKey, channel: connection, clock: ContinuousClock())
        let name = partners.partner(peer)?.name ?? "the partner"
        let problem = { [identity, partners] (failure: any Error) in
            PartnerProblem.sentence(failure, partner: name, address: partners.partner(peer)?.address, localID: identity.nodeID)
        }
        var failure: Error?
        do {
            try await session.run()
        } catch {
            failure = error
        }
        if sessions[peer]?.id == sessionID { sessions.removeValue(forKey: peer) }
        let replaced = sessions[peer] != nil
        // A dialer waiting while the partner's own connection ran may dial again now.
        if !replaced && dialer == peer { dialers[peer]?.wakeups.notify() }
        book.update(peer) {
            // A session replaced by a newer one (both dialled at once) must not mark the partner disconnected.
            if !replaced { $0.connected = false }
            if let failure, !replaced { $0.lastError = problem(failure) }
        }
        logger.info("session ended", metadata: ["peer": "\(peer)", "partner": "\(name)", "reason": "\(failure.map(problem) ?? "closed")"])
        if let failure, book.status(peer)?.establishedSession != sessionID { throw failure }
    }
}

/// A would-be partner's TLS handshake failed (logged with its address, unlike a closed probe).
struct NIOSSLHandshakeFailure: Error {
    let address: String
    let underlying: Error
}
