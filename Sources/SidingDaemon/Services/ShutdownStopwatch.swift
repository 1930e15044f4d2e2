import Synchronization

/// When shutdown began, for the "stopped" log line's `shutdown_ms`.
final class ShutdownStopwatch: Sendable {
    private let began = Mutex<ContinuousClock.Instant?>(nil)

    func start() { began.withLock { $0 = $0 ?? .now } }

    var elapsedMilliseconds: Int64 {
        guard let began = began.withLock({ $0 }) else { return 0 }
        let elapsed = ContinuousClock.now - began
        return elapsed.components.seconds * 1_000 + elapsed.components.attoseconds / 1_000_000_000_000_000
    }
}
