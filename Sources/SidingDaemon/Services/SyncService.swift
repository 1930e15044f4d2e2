import ServiceLifecycle
import SidingSync

/// The sync engine as a service: on graceful shutdown partners get a Close and the sessions end.
struct SyncService: Service {
    let engine: SyncEngine

    func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                try? await gracefulShutdown()
                await engine.shutdown()
            }
            await engine.run()
            // The engine ended (shutdown, or its listener failed): stop waiting for shutdown.
            group.cancelAll()
        }
    }
}
