import ServiceLifecycle

/// systemd integration once the node is up (READY=1 is sent before the group starts): a STATUS= line
/// every 10 s, WATCHDOG=1 at half of `WatchdogSec=`, STOPPING=1 when shutdown begins.
struct SystemdService: Service {
    let notifier: SystemdNotifier
    let partners: PartnerService

    static let statusInterval: Duration = .seconds(10)

    func run() async throws {
        let step = notifier.watchdogInterval.map { min($0, Self.statusInterval) } ?? Self.statusInterval
        var sinceStatus = Duration.zero
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: step) }
            } catch {
                break
            }
            if notifier.watchdogInterval != nil { notifier.notify("WATCHDOG=1") }
            sinceStatus += step
            if sinceStatus >= Self.statusInterval {
                sinceStatus = .zero
                notifier.notify("STATUS=" + (await Self.statusLine(partners)))
            }
        }
        notifier.notify("STOPPING=1")
    }

    /// One line for `systemctl status`: partners connected and changes pending.
    static func statusLine(_ partners: PartnerService) async -> String {
        guard let status = try? await partners.status() else { return "running" }
        let connected = status.peers.filter(\.connected).count
        let pending = status.peers.reduce(0) { $0 + ($1.missingHere ?? 0) + ($1.missingThere ?? 0) }
        return "\(connected)/\(status.peers.count) partners connected, \(pending) changes pending, \(status.changes) held"
    }
}
