import Logging
import ServiceLifecycle

/// systemd integration: READY=1 when the group starts (the database is open, the partner listener
/// bound and the local API serving, all before it), a STATUS= line every 10 s, WATCHDOG=1 at half of
/// `WatchdogSec=`, STOPPING=1 when shutdown begins.
struct SystemdService: Service {
    let notifier: SystemdNotifier
    let partners: PartnerService
    let logger: Logger
    let readyMetadata: Logger.Metadata
    let stopping: ShutdownStopwatch

    static let statusInterval: Duration = .seconds(10)

    func run() async throws {
        notifier.notify("READY=1\nSTATUS=" + (await statusLine()))
        logger.info("sidingd ready", metadata: readyMetadata)
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
                notifier.notify("STATUS=" + (await statusLine()))
            }
        }
        stopping.start()
        logger.info("stopping")
        notifier.notify("STOPPING=1")
    }

    /// One line for `systemctl status`: partners connected and changes pending.
    func statusLine() async -> String {
        guard let status = try? await partners.status() else { return "running" }
        let connected = status.peers.filter(\.connected).count
        let pending = status.peers.reduce(0) { $0 + $1.missingHere + $1.missingThere }
        return "\(connected)/\(status.peers.count) partners connected, \(pending) changes pending, \(status.changes) held"
    }
}
