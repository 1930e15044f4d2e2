import SidingTestKit
import SidingWire
import Testing

@testable import SidingSync

/// The sender's pacing (Protocol/SPEC.md §3, "Pacing") driven by a manual clock: what a receiver's
/// acks say about its rate, and how much the sender then leaves unacknowledged.
@Suite struct SendPacingTests {
    typealias Pacing = SendPacing<ManualClock.Instant>
    static func at(_ milliseconds: Int) -> ManualClock.Instant { ManualClock.Instant(offset: .milliseconds(milliseconds)) }

    /// Sends four batches a millisecond apart, then acks them `serviceMilliseconds` apart (a receiver busy throughout).
    static func busyReceiver(batch: Int, serviceMilliseconds: Int) -> Pacing {
        var pacing = Pacing()
        for id in 1...4 { pacing.sent(batch: UInt64(id), changes: batch, at: at(id)) }
        for id in 1...4 { pacing.acknowledged(batch: UInt64(id), at: at(5 + id * serviceMilliseconds)) }
        return pacing
    }

    @Test func untilMeasuredTwoHalfBatchesAreUsed() {
        let pacing = Pacing()
        #expect(pacing.budget == WireLimits.maxBatchChanges)
        #expect(pacing.nextBatchLimit == WireLimits.maxBatchChanges / 2)
    }

    @Test func aSlowReceiverGetsAboutThreeEighthsOfASecondOfWork() throws {
        // 1,024 changes a second: 384 in flight, sent as batches of half that.
        let pacing = Self.busyReceiver(batch: 1_024, serviceMilliseconds: 1_000)
        let rate = try #require(pacing.rate)
        #expect(abs(rate - 1_024) < 1)
        #expect(pacing.budget == 384 && pacing.nextBatchLimit == 192)
    }

    @Test func aVerySlowReceiverStillGetsTheMinimum() {
        let pacing = Self.busyReceiver(batch: 100, serviceMilliseconds: 10_000)
        #expect(pacing.budget == Pacing.minimumBudget && pacing.nextBatchLimit == Pacing.minimumBudget / 2)
    }

    @Test func aFastReceiverKeepsTheWholeWindow() {
        let pacing = Self.busyReceiver(batch: 1_024, serviceMilliseconds: 20)
        #expect(pacing.budget == WireLimits.sendWindow * WireLimits.maxBatchChanges && pacing.nextBatchLimit == WireLimits.maxBatchChanges)
    }

    @Test func theBudgetCountsWhatIsUnacknowledged() {
        var pacing = Self.busyReceiver(batch: 1_024, serviceMilliseconds: 1_000)
        pacing.sent(batch: 5, changes: 192, at: Self.at(5_000))
        #expect(pacing.hasRoom && pacing.nextBatchLimit == 192)
        pacing.sent(batch: 6, changes: 192, at: Self.at(5_000))
        #expect(!pacing.hasRoom, "384 unacknowledged: the budget is used")
        pacing.acknowledged(batch: 5, at: Self.at(5_200))
        #expect(pacing.hasRoom)
    }

    @Test func anIdleReceiverRaisesTheEstimate() throws {
        var pacing = Self.busyReceiver(batch: 1_024, serviceMilliseconds: 1_000)
        let before = try #require(pacing.rate)
        // Long after the last ack, one batch alone: it found the receiver idle, so more may be in flight.
        pacing.sent(batch: 5, changes: 10, at: Self.at(60_000))
        pacing.acknowledged(batch: 5, at: Self.at(60_010))
        #expect(try #require(pacing.rate) > before)
    }
}
