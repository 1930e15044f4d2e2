import Foundation
import Logging
import NIOCore
import NIOPosix
import SidingCore
import SidingSync
import SidingTestKit
import Synchronization
import Testing

/// Starting and stopping must be safe whatever is in flight: an engine is started and stopped 500
/// times while raw connections arrive and leave and a partner keeps dialling in and being dialled.
/// (A listener dropped with a connection still queued once crashed the whole test process.)
@Suite(.serialized) struct EngineLifecycleStressTests {
    static let rounds = 500

    @Test func anEngineStartedAndStopped500TimesUnderConnectionChurnNeverCrashes() async throws {
        let b = try SyncTestNode(name: "B")
        try await b.start()
        let a = try SyncTestNode(name: "A")
        try a.write(5)
        let identity = try NodeIdentity(key: a.key, name: "A", now: Date())
        var logger = Logger(label: "stress.A")
        logger.logLevel = .critical
        let currentPort = Mutex(0)
        let churn = Task { await Self.churn(port: { currentPort.withLock { $0 } }) }
        let engine = { (dialling: Bool) in
            try SyncEngine(
                identity: identity, localName: "A", store: AnnouncingStore(store: a.store, commits: a.commits),
                partners: PartnerSet([Partner(nodeID: b.nodeID, name: "B", address: dialling ? "127.0.0.1:\(b.port)" : nil)]),
                logger: logger, commits: a.commits)
        }
        for round in 0..<Self.rounds {
            let engine = try engine(round % 2 == 0)
            let port = try await engine.bind(host: "127.0.0.1", port: 0)
            currentPort.withLock { $0 = port }
            // B dials in on odd rounds; A dials out on even ones.
            await b.engine.addPartner(Partner(nodeID: a.nodeID, name: "A", address: round % 2 == 1 ? "127.0.0.1:\(port)" : nil))
            let running = Task { await engine.run() }
            if round % 5 == 0 { try await Task.sleep(for: .milliseconds(round % 20)) }
            await engine.shutdown()
            let stopped = await Self.finishes(within: .seconds(10), running)
            #expect(stopped, "round \(round): the engine did not stop within 10 s")
            if !stopped { break }
        }
        churn.cancel()
        await churn.value
        // Whether a round lasted long enough to sync is up to the scheduler; that a node which went
        // through all this still syncs is not: an engine left running brings B A's changes.
        await b.engine.addPartner(Partner(nodeID: a.nodeID, name: "A", address: nil))
        let last = try engine(true)
        _ = try await last.bind(host: "127.0.0.1", port: 0)
        let running = Task { await last.run() }
        #expect(try await eventually { try b.store.versionVector()[a.origin] == 5 })
        await last.shutdown()
        #expect(await Self.finishes(within: .seconds(10), running))
        await b.stop()
    }

    /// Opens raw TCP connections to whatever port the engine has now, each left open (some after a
    /// few bytes that are not TLS) until the next one is made, a few hundred a second (bounded: 120 s,
    /// 100k connections).
    static func churn(port: @Sendable () -> Int) async {
        let deadline = ContinuousClock.now + .seconds(120)
        var previous: Channel?
        for attempt in 0..<100_000 where !Task.isCancelled && ContinuousClock.now < deadline {
            let target = port()
            guard target != 0 else {
                await Task.yield()
                continue
            }
            let channel = try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: target).get()
            if let channel, attempt % 3 == 0 { try? await channel.writeAndFlush(ByteBuffer(bytes: [0x16, 0x03, 0x01, 0x00])) }
            try? await previous?.close()
            previous = channel
            // Paced, so the rest of the suite running beside this test keeps its share of the CPU.
            try? await Task.sleep(for: .milliseconds(2))
        }
        try? await previous?.close()
    }

    /// Whether `task` finishes before `limit` passes (if it never does, the test fails rather than hangs).
    static func finishes(within limit: Duration, _ task: Task<Void, Never>) async -> Bool {
        let answer = Mutex<CheckedContinuation<Bool, Never>?>(nil)
        return await withCheckedContinuation { continuation in
            answer.withLock { $0 = continuation }
            let reply: @Sendable (Bool) -> Void = { value in answer.withLock { $0.take() }?.resume(returning: value) }
            Task {
                await task.value
                reply(true)
            }
            Task {
                try? await Task.sleep(for: limit)
                reply(false)
            }
        }
    }
}
