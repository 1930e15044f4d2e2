import SidingCore
import SidingMetrics
import SidingSync

/// `GET /metrics`: the node's state (partners, changes held and pending, equivocations) read at the
/// moment of the scrape, and what the engine and the writer counted since the node started, in the
/// Prometheus text format. Partners are labelled by node ID (`partner`) and name (`name`).
struct NodeMetrics {
    let partners: PartnerService

    func exposition() async throws -> String {
        let engine = partners.engine
        let statuses = try await engine.statuses().sorted { ($0.name, $0.nodeID) < ($1.name, $1.nodeID) }
        let (vector, equivocations) = try await partners.database.read { store in (try store.versionVector(), try store.equivocations().count) }
        let names = Dictionary(statuses.map { ($0.nodeID, $0.name) }, uniquingKeysWith: { first, _ in first })
            .merging([partners.ownID: partners.configuration.name]) { _, own in own }
        let partnerLabels = { (status: PeerStatus) -> Exposition.Labels in [("partner", status.nodeID.description), ("name", status.name)] }
        // Only partners this node has heard from: before that what they hold is unknown, not zero.
        let heardFrom = statuses.filter { $0.lastConnected != nil }
        let traffic = statuses.map { (labels: partnerLabels($0), counters: engine.metrics.traffic(for: $0.nodeID)) }

        var out = Exposition()
        out.gauge(
            "siding_node_info", help: "Always 1; labels name this node and its version.",
            [([("node", partners.ownID.description), ("name", partners.configuration.name), ("version", Daemon.version)], 1)])
        out.gauge("siding_partners", help: "Partners on this node's partner list.", Double(statuses.count))
        out.gauge("siding_partners_connected", help: "Partners with a live sync session now.", Double(statuses.filter(\.connected).count))
        out.gauge(
            "siding_partner_connected", help: "1 while the partner has a live sync session, else 0.",
            statuses.map { (partnerLabels($0), $0.connected ? 1 : 0) })
        out.gauge(
            "siding_changes_held", help: "Changes this node holds, per origin node (the node that signed them).",
            vector.entries.sorted { $0.key.nodeID < $1.key.nodeID }.map { origin, seq in
                ([("origin", origin.nodeID.description), ("name", names[origin.nodeID] ?? "")], Double(seq))
            })
        out.gauge(
            "siding_partner_changes_missing_here",
            help: "Changes the partner holds that this node lacks, as far as this node knows; absent until the partner was first connected.",
            heardFrom.map { (partnerLabels($0), Double($0.missingHere)) })
        out.gauge(
            "siding_partner_changes_missing_there",
            help: "Changes this node holds that the partner has not acknowledged (pending for it); absent until the partner was first connected.",
            heardFrom.map { (partnerLabels($0), Double($0.missingThere)) })
        out.counter(
            "siding_sent_bytes_total", help: "Frame bytes written to the partner (after compression, before TLS) since the node started.",
            traffic.map { ($0.labels, $0.counters.bytesSent.value) })
        out.counter(
            "siding_received_bytes_total", help: "Frame bytes read from the partner (after compression, before TLS) since the node started.",
            traffic.map { ($0.labels, $0.counters.bytesReceived.value) })
        out.counter(
            "siding_sent_changes_total", help: "Changes sent to the partner in batches since the node started.",
            traffic.map { ($0.labels, $0.counters.changesSent.value) })
        out.counter(
            "siding_received_changes_total", help: "Changes received from the partner and stored (new or already held) since the node started.",
            traffic.map { ($0.labels, $0.counters.changesReceived.value) })
        out.counter(
            "siding_refused_connections_total", help: "Connections refused before any sync data, by reason.",
            SyncMetrics.Refusal.allCases.map { ([("reason", $0.rawValue)], engine.metrics.refusedCount($0)) })
        out.gauge(
            "siding_equivocations", help: "Forks held as evidence: an origin signed two different changes with one seq (see siding status).",
            Double(equivocations))
        out.histogram(
            "siding_commit_duration_seconds", help: "Time to run and commit one group-commit transaction, fsync included.",
            partners.database.commitDurations.snapshot)
        out.histogram(
            "siding_apply_duration_seconds", help: "Time from a partner's batch arriving to its changes committed (or the batch refused).",
            engine.metrics.applyDurations.snapshot)
        return out.text
    }
}
