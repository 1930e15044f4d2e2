import SidingCore
import SidingSync
import SidingWire
import Synchronization

/// Records every frame the engines it taps write and read, so a test can ask what crossed each link:
/// install one with `SyncTestProbes(frameTap:)` on every engine of the test (one recorder may serve them all).
public final class FrameRecorder: FrameTap {
    /// Where a test's question starts: frames recorded before the mark are left out.
    public struct Mark: Sendable {
        let index: Int
        public static let start = Mark(index: 0)
    }

    private let frames = Mutex<[TappedFrame]>([])

    public init() {}

    public func observe(_ frame: TappedFrame) { frames.withLock { $0.append(frame) } }

    public func mark() -> Mark { Mark(index: frames.withLock { $0.count }) }

    /// Every frame recorded, sent or received, in the order recorded.
    public func all(since mark: Mark = .start) -> [TappedFrame] {
        frames.withLock { Array($0[min(mark.index, $0.count)...]) }
    }

    /// The frames written on the link from → to, as the writing engine's tap saw them.
    public func frames(from: NodeID, to: NodeID, since mark: Mark = .start) -> [TappedFrame] {
        all(since: mark).filter { $0.direction == .sent && $0.from == from && $0.to == to }
    }

    /// The frames `node` read from `peer`: for a peer that is not tapped (another process or release).
    public func received(by node: NodeID, from peer: NodeID, since mark: Mark = .start) -> [TappedFrame] {
        all(since: mark).filter { $0.direction == .received && $0.local == node && $0.peer == peer }
    }

    /// Bytes written on each link (frames as they travel, TLS excluded), counted once, by the writer.
    public func bytesPerLink(since mark: Mark = .start) -> [Link: Int] {
        all(since: mark).filter { $0.direction == .sent }.reduce(into: [:]) { $0[Link($1.from, $1.to), default: 0] += $1.wireBytes }
    }

    public func bytes(from: NodeID, to: NodeID, since mark: Mark = .start) -> Int {
        frames(from: from, to: to, since: mark).reduce(0) { $0 + $1.wireBytes }
    }

    /// Every change, whole (origin restored), written on any link, or on one when `link` is given.
    public func changesSent(on link: Link? = nil, since mark: Mark = .start) -> [[UInt8]] {
        all(since: mark).filter { $0.direction == .sent && (link == nil || Link($0.from, $0.to) == link) }.flatMap(\.changes)
    }

    /// The links on which any frame, seen by either end, carries `needle` (see `TappedFrame.carries`).
    public func linksCarrying(_ needle: [UInt8], since mark: Mark = .start) -> Set<Link> {
        Set(all(since: mark).filter { $0.carries(needle) }.map { Link($0.from, $0.to) })
    }

    public func linksCarrying(_ text: String, since mark: Mark = .start) -> Set<Link> { linksCarrying(Array(text.utf8), since: mark) }

    /// Whether a frame on the link from → to, seen by either end, carries `needle`.
    public func carries(_ needle: [UInt8], from: NodeID, to: NodeID, since mark: Mark = .start) -> Bool {
        linksCarrying(needle, since: mark).contains(Link(from, to))
    }

    /// Every node that wrote or read a frame.
    public func nodes(since mark: Mark = .start) -> Set<NodeID> {
        Set(all(since: mark).flatMap { [$0.local, $0.peer] })
    }
}

/// A direction of a connection between two nodes.
public struct Link: Hashable, Sendable, CustomStringConvertible {
    public let from: NodeID
    public let to: NodeID

    public init(_ from: NodeID, _ to: NodeID) {
        self.from = from
        self.to = to
    }

    public var description: String { "\(from)→\(to)" }
}

extension TappedFrame {
    /// The changes a batch carries, each whole (its origin key restored when the sender elided it).
    public var changes: [[UInt8]] {
        if case .batch(_, let changes) = message { changes } else { [] }
    }

    /// Whether `needle` occurs in the frame's inflated payload, in one of its changes as stored (origin
    /// included), or in one of its summary entries (origin key, tip digest).
    public func carries(_ needle: [UInt8]) -> Bool {
        if ByteSearch.occurs(needle, in: plainPayload) { return true }
        switch message {
        case .batch(_, let changes):
            return changes.contains { ByteSearch.occurs(needle, in: $0) }
        case .summary(let vector, let tips):
            return vector.entries.keys.contains { origin in
                ByteSearch.occurs(needle, in: origin.bytes) || ByteSearch.occurs(needle, in: tips[origin] ?? [])
            }
        default:
            return false
        }
    }
}
