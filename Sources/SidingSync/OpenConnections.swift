import Foundation
import NIOCore

/// Connections still in their TLS handshake or opening: on shutdown they are closed at once rather than
/// waited for (a dial to a host that drops packets would otherwise hold shutdown for the connect timeout).
final class OpenConnections: @unchecked Sendable {
    private let lock = NSLock()
    private var channels: [ObjectIdentifier: Channel] = [:]
    private var closed = false

    /// Tracks `channel` until it closes or becomes a session; closes it at once after shutdown.
    func track(_ channel: Channel) {
        let id = ObjectIdentifier(channel)
        let refused = lock.withLock { () -> Bool in
            guard !closed else { return true }
            channels[id] = channel
            return false
        }
        if refused { return channel.close(promise: nil) }
        channel.closeFuture.whenComplete { [weak self] _ in self?.forget(channel) }
    }

    func forget(_ channel: Channel) {
        _ = lock.withLock { channels.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    func closeAll() {
        let open = lock.withLock { () -> [Channel] in
            closed = true
            defer { channels.removeAll() }
            return Array(channels.values)
        }
        for channel in open { channel.close(promise: nil) }
    }
}
