import Crypto
import Foundation
import Logging
import SidingCore
import SidingWire

/// What every session of an engine shares: the store, the engine's signals, the status book, and this
/// node's identity as its Hello presents it.
struct SessionContext: Sendable {
    let store: any ChangeStore
    let commits: CommitFeed
    /// Notified once when the engine stops: every session sends Close and ends.
    let stopping: Feed
    /// `siding sync`: each live session pings at once, so a connection that died silently is found now.
    let probes: Feed
    let book: PeerStatusBook
    let logger: Logger
    let timing: SessionTiming
    let ownKey: OriginKey
    let localName: String
    /// This machine's clock in ms since 1970, sent in Hello so partners can report skew.
    let wallClock: @Sendable () -> UInt64
    let metrics: SyncMetrics
    /// Tests only (`SyncTestProbes`): sees every frame of every session.
    var frameTap: (any FrameTap)? = nil
    /// The revocation barrier every session answers (`SyncEngine.adoptMembershipChanges`).
    var barrier = MembershipBarrier()

    /// Clock differences beyond this are logged (they are always shown in `siding status --json`).
    static let reportedClockOffsetMilliseconds: Int64 = 60_000

    func hello() -> WireHello {
        var hello = WireHello()
        hello.protocolVersion = WireLimits.protocolVersion
        hello.minProtocolVersion = WireLimits.minimumProtocolVersion
        hello.softwareVersion = SyncEngine.softwareVersion
        hello.nodeName = String(localName.prefix(WireLimits.maxNameBytes))
        hello.capabilities = ["deflate", SenderOrigin.capability, CircleElision.capability, RedactedNetworkChanges.capability]
        hello.wallClockMs = wallClock()
        return hello
    }

    /// The circles shared with `peer`; then our version vector (read after them, so it holds every
    /// change their membership was folded from: a circle shared by an admission goes out with the
    /// owner's log up to that admission) and, for each origin, the first bytes of SHA-256 of the change
    /// at its tip; then which logs are circles' (read after the vector, so it names every circle log in it).
    func summary(for peer: OriginKey) async throws -> OurSummary {
        let shared = try await store.sharedCircles(with: peer.nodeID)
        let vector = try await store.versionVector()
        var tips: [OriginKey: [UInt8]] = [:]
        for (origin, seq) in vector.entries {
            guard let bytes = try await store.changes(of: origin, after: seq - 1, limit: 1).first else { continue }
            tips[origin] = Self.tipDigest(bytes)
        }
        return OurSummary(vector: vector, tips: tips, circles: try await store.circleLogs(), shared: shared)
    }

    struct OurSummary {
        var vector: VersionVector
        var tips: [OriginKey: [UInt8]]
        var circles: CircleLogIndex
        var shared: Set<CircleID>
    }

    /// The changes `ranges` name, in order, stopping before the batch would exceed its byte limit.
    func fetch(_ ranges: [FetchRange]) async throws -> [Change] {
        var batch: [Change] = []
        var bytes = 0
        for range in ranges {
            for encoded in try await changes(in: range) {
                guard bytes + encoded.count <= WireLimits.maxBatchBytes || batch.isEmpty else { return batch }
                // Our own stored bytes: decoding without re-verifying is safe and keeps sending cheap.
                batch.append(try Change(decoding: encoded))
                bytes += encoded.count
            }
        }
        return batch
    }

    private func changes(in range: FetchRange) async throws -> [[UInt8]] {
        guard let peerTip = range.unlikeTip else { return try await store.changes(of: range.origin, after: range.after, limit: range.limit) }
        // A fork probe: by now this node may have put the peer's version in force (learnt from a third
        // node since its summary); the version it keeps as evidence is then the one the peer lacks.
        let versions = try await store.versions(of: range.origin, at: range.after + 1)
        return versions.first { Self.tipDigest($0) != peerTip }.map { [$0] } ?? []
    }

    static func tipDigest(_ change: [UInt8]) -> [UInt8] {
        Array(Admission.versionDigest(change).prefix(WireLimits.tipDigestBytes))
    }

    func record(_ report: SessionReport, peer: NodeID, session: UInt64) {
        switch report {
        case .established(let hello, let summary, let forked):
            let offset = hello.wallClockMs == 0 ? nil : Int64(bitPattern: hello.wallClockMs &- wallClock())
            if let offset, abs(offset) > Self.reportedClockOffsetMilliseconds {
                logger.warning(
                    "partner's clock differs from this machine's; its edits are kept, but among concurrent edits the later clock is shown first",
                    metadata: ["peer": "\(peer)", "offset_seconds": "\(offset / 1_000)"])
            }
            if !forked.isEmpty {
                logger.warning(
                    "partner holds a different change at the same seq for some origins: fork, sending ours as proof",
                    metadata: ["peer": "\(peer)", "origins": "\(forked.map(\.nodeID))"])
            }
            book.update(peer, session: session) {
                $0.connected = true
                $0.lastConnected = Date()
                $0.lastError = nil
                $0.backoffSeconds = nil
                $0.peerVector = summary
                $0.summary = summary
                $0.acknowledgedVector = summary
                $0.clockOffsetMilliseconds = offset
                $0.establishedSession = session
                // Counters describe the current session.
                $0.changesSent = 0
                $0.batchesSent = 0
                $0.changesReceived = 0
                $0.batchesReceived = 0
                if !hello.nodeName.isEmpty && $0.name.isEmpty { $0.name = hello.nodeName }
            }
            logger.info("session started", metadata: ["peer": "\(peer)", "peer_version": "\(hello.softwareVersion)"])
        case .acknowledged(let acknowledged):
            book.update(peer, session: session) {
                $0.acknowledgedVector = acknowledged
                $0.lastSync = Date()
            }
        case .sent(let batches, let changes):
            book.update(peer, session: session) {
                $0.batchesSent = batches
                $0.changesSent = changes
            }
        case .received(let ack, let known, let acknowledged):
            book.update(peer, session: session) {
                $0.peerVector = known
                $0.acknowledgedVector = acknowledged
                $0.batchesReceived += 1
                $0.changesReceived += Int(ack.applied)
                $0.duplicatesReceived += Int(ack.duplicates)
                $0.equivocationsReceived += Int(ack.equivocations)
                $0.refusedReceived += Int(ack.refused)
                $0.lastSync = Date()
            }
        }
    }
}
