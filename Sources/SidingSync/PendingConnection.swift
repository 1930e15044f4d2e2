import NIOCore
import SidingCore
import SidingWire
import Synchronization

/// An accepted or dialled connection whose TLS handshake may still be running: the channel wrapped for
/// async use, and the peer's key once the handshake has verified it.
///
/// A `NIOAsyncChannel` must be finished through `executeThenClose`, never dropped: NIO stops the
/// process when an unfinished one is deinitialised. The engine takes every connection it accepts until
/// its listener has closed; only a listener whose task is cancelled outright can drop queued ones, and
/// those are finished here, not left to crash the node.
final class PendingConnection: Sendable {
    private let channel: NIOAsyncChannel<Frame, Frame>
    let handshake: EventLoopFuture<OriginKey>
    private let taken = Atomic(false)

    init(_ channel: NIOAsyncChannel<Frame, Frame>, handshake: EventLoopFuture<OriginKey>) {
        self.channel = channel
        self.handshake = handshake
    }

    var underlying: Channel { channel.channel }

    /// The connection, for its one user, who must run or close it through `executeThenClose`.
    func take() -> NIOAsyncChannel<Frame, Frame> {
        taken.store(true, ordering: .relaxed)
        return channel
    }

    deinit {
        guard !taken.load(ordering: .relaxed) else { return }
        let channel = self.channel
        // The one unstructured task in sync: there is no caller left to await the close.
        Task { try? await channel.executeThenClose { _, _ in } }
    }
}
