import Foundation

/// sd_notify: datagrams to `$NOTIFY_SOCKET` (a path, or an abstract name when it starts with `@`).
/// Without the variable (not started by systemd) every call does nothing.
struct SystemdNotifier: Sendable {
    let socketPath: String?
    /// Half the watchdog timeout systemd set, or nil when there is no watchdog.
    let watchdogInterval: Duration?

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        socketPath = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        let watchdog = environment["WATCHDOG_USEC"].flatMap(UInt64.init)
        // Only the process systemd started should pet the watchdog (WATCHDOG_PID, when set, says which).
        let forUs = environment["WATCHDOG_PID"].flatMap(Int32.init).map { $0 == getpid() } ?? true
        watchdogInterval = forUs ? watchdog.map { Duration.microseconds(Int64($0 / 2)) } : nil
    }

    func notify(_ state: String) {
        guard let socketPath else { return }
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var path = Array(socketPath.utf8)
        if path.first == UInt8(ascii: "@") { path[0] = 0 }
        guard path.count < MemoryLayout.size(ofValue: address.sun_path) else { return }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.enumerated() { buffer[index] = byte }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + path.count)
        let message = Array(state.utf8)
        _ = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                message.withUnsafeBytes { sendto(descriptor, $0.baseAddress, $0.count, 0, socketAddress, length) }
            }
        }
    }
}
