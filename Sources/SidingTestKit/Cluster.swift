import Foundation
import SidingAPI

/// Several `sidingd` processes on loopback, each partner link running through its own `FaultyProxy`
/// (the lower-numbered node dials the higher one through it), so tests can break links and kill nodes.
public final class Cluster: @unchecked Sendable {
    public struct Link: Sendable {
        public let dialer: Int
        public let listener: Int
        public let proxy: FaultyProxy
    }

    public let nodes: [TestNode]
    public private(set) var links: [Link] = []
    private let lock = NSLock()
    private var down: Set<Int> = []

    public init(size: Int) throws {
        nodes = try (0..<size).map { try TestNode(name: "Node \($0)") }
    }

    /// Starts every node; `arguments(i)` adds daemon arguments per node (e.g. a clock offset).
    public func start(arguments: (Int) -> [String] = { _ in [] }) async throws {
        for (index, node) in nodes.enumerated() { try await node.start(extraArguments: arguments(index)) }
    }

    /// Makes `a` and `b` partners, `a` dialling `b` through a new proxy.
    public func link(_ a: Int, _ b: Int, seed: UInt64) async throws {
        let proxy = FaultyProxy(seed: seed)
        try await proxy.start(targetPort: try await listenPort(b))
        _ = try await nodes[a].client.addPeer(PeerResource(nodeID: nodes[b].nodeID, name: "Node \(b)", address: "127.0.0.1:\(proxy.port)"))
        _ = try await nodes[b].client.addPeer(PeerResource(nodeID: nodes[a].nodeID, name: "Node \(a)", address: nil))
        lock.withLock { links.append(Link(dialer: a, listener: b, proxy: proxy)) }
    }

    /// A random connected partner graph: a random spanning tree plus `extraLinks` more edges.
    public func linkRandomly(extraLinks: Int, using random: inout SeededGenerator) async throws {
        var edges: Set<[Int]> = []
        for index in 1..<nodes.count { edges.insert([Int.random(in: 0..<index, using: &random), index]) }
        var tries = 0
        while edges.count < nodes.count - 1 + extraLinks, tries < 100 {
            tries += 1
            let a = Int.random(in: 0..<nodes.count, using: &random)
            let b = Int.random(in: 0..<nodes.count, using: &random)
            if a != b { edges.insert([min(a, b), max(a, b)]) }
        }
        for edge in edges.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            try await link(edge[0], edge[1], seed: random.next())
        }
    }

    /// kill -9: no chance to clean up.
    public func kill(_ index: Int) {
        lock.withLock { _ = down.insert(index) }
        nodes[index].kill9()
    }

    /// Starts a killed node again; its listener may get a new port, so its proxies follow.
    public func restart(_ index: Int, arguments: [String] = []) async throws {
        try await nodes[index].start(extraArguments: arguments)
        let port = try await listenPort(index)
        for link in links where link.listener == index { link.proxy.retarget(port) }
        lock.withLock { _ = down.remove(index) }
    }

    public var downNodes: Set<Int> { lock.withLock { down } }

    /// Heals every link and asks every node to retry its partners at once.
    public func heal() async throws {
        for link in links { link.proxy.set(.none) }
        for node in nodes { _ = try await node.client.syncNow() }
    }

    public func digests() async throws -> [DigestResource] {
        var result: [DigestResource] = []
        for node in nodes { result.append(try await node.client.digest()) }
        return result
    }

    public func stop() async {
        for node in nodes { node.stop() }
        for link in links { await link.proxy.stop() }
    }

    private func listenPort(_ index: Int) async throws -> Int {
        let listen = try await nodes[index].client.node().listen
        guard let port = listen.split(separator: ":").last.flatMap({ Int($0) }) else { throw TestNodeError.notReady }
        return port
    }
}
