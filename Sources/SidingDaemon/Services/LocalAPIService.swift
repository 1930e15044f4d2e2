import ServiceLifecycle

/// The local API, already bound when the group starts: on graceful shutdown it stops accepting
/// and removes its socket.
struct LocalAPIService: Service {
    let server: LocalAPIServer

    func run() async throws {
        try? await gracefulShutdown()
        await server.close()
    }
}
