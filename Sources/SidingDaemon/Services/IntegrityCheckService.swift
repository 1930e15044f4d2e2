import Logging
import ServiceLifecycle
import SidingStore

/// A damaged page deep in the file is found only by reading it all: seconds on a large node, so this
/// runs after READY. If the database is damaged the node stops (exit 65) and leaves the file untouched.
/// A sound file keeps the service waiting until its own turn to stop: ServiceGroup treats any part that
/// returns while another is being shut down as a failure, whatever its termination behaviour says.
struct IntegrityCheckService: Service {
    let database: NodeDatabase
    let logger: Logger

    func run() async throws {
        let result: String
        do {
            result = try await database.read { try $0.quickCheck() }
        } catch StoreError.damaged(_, let reason) {
            result = reason
        } catch {
            logger.warning("database integrity check could not run", metadata: ["error": "\(error)"])
            try? await gracefulShutdown()
            return
        }
        guard result == "ok" else {
            logger.critical("database damaged; stopping", metadata: ["quick_check": "\(result.prefix(500))"])
            throw StoreError.damaged(path: database.path, reason: String(result.prefix(300)))
        }
        try? await gracefulShutdown()
    }
}
