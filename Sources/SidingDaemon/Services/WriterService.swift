import NIOPosix
import ServiceLifecycle

/// The node's one writer: runs until shutdown, then commits what is queued and refuses new writes.
/// Registered first, so it stops last: after the API and partners can no longer submit anything.
struct WriterService: Service {
    let writer: GroupCommitWriter

    func run() async throws {
        try? await gracefulShutdown()
        // Joining the writer thread blocks; keep that off the cooperative pool.
        try await NIOThreadPool.singleton.runIfActive { writer.stop() }
    }
}
