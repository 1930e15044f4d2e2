import Logging
import ServiceLifecycle
import UnixSignals

/// SIGHUP re-reads siding.toml and applies what can change while running (the log level); it says
/// what needs a restart. Partners need neither: `siding peer add/remove` applies at once.
struct ReloadService: Service {
    /// Trapped before READY: a reload requested the moment the node is up is not lost (or fatal).
    let hangups: UnixSignalsSequence
    let home: NodeHome
    let running: Configuration
    let levelBox: DaemonLogHandler.LevelBox
    let logger: Logger

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            for await _ in hangups { reload() }
        }
    }

    func reload() {
        do {
            try FilePermissions.requirePrivate([home.configFile])
            let (fresh, _) = try home.load()
            levelBox.value = fresh.logLevel
            var unchanged = fresh
            unchanged.logLevel = running.logLevel
            if unchanged != running {
                logger.notice("siding.toml changed settings that apply only after a restart (name, listen, api)")
            }
            logger.notice("configuration reloaded", metadata: ["log_level": "\(fresh.logLevel)"])
        } catch {
            logger.error("configuration not reloaded; keeping the running one", metadata: ["error": "\(error)"])
        }
    }
}
