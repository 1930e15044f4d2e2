import Logging
import NIOPosix
import ServiceLifecycle
import SidingStore

/// A damaged page deep in the file is found only by reading it all: seconds on a large node, so this
/// runs after READY. If the database is damaged the node stops (exit 65) and leaves the file untouched.
struct IntegrityCheckService: Service {
    let store: SQLiteStore
    let logger: Logger

    func run() async throws {
        let result: String
        do {
            result = try await NIOThreadPool.singleton.runIfActive { try store.quickCheck() }
        } catch StoreError.damaged(_, let reason) {
            result = reason
        } catch {
            logger.warning("database integrity check could not run", metadata: ["error": "\(error)"])
            return
        }
        guard result == "ok" else {
            logger.critical("database damaged; stopping", metadata: ["quick_check": "\(result.prefix(500))"])
            throw StoreError.damaged(path: store.path, reason: String(result.prefix(300)))
        }
    }
}
