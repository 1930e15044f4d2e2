import Synchronization

/// Observations sorted into fixed buckets, with their sum and count (a Prometheus histogram). Safe to
/// observe from any thread.
public final class Histogram: Sendable {
    /// Upper bounds, in seconds, for latencies from a fast commit (about a millisecond) to a stalled one.
    public static let latencySeconds: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    /// What the histogram held at one instant. `counts[i]` is the number of observations in bucket i
    /// alone (above bound i-1, at most bound i); the last entry counts those above every bound.
    public struct Snapshot: Sendable, Equatable {
        public let bounds: [Double]
        public let counts: [UInt64]
        public let sum: Double
        public var count: UInt64 { counts.reduce(0, +) }

        public init(bounds: [Double], counts: [UInt64], sum: Double) {
            self.bounds = bounds
            self.counts = counts
            self.sum = sum
        }
    }

    private struct State {
        var counts: [UInt64]
        var sum = 0.0
    }

    public let bounds: [Double]
    private let state: Mutex<State>

    /// `bounds` must be ascending; `+Inf` is implied and must not be given.
    public init(bounds: [Double] = Histogram.latencySeconds) {
        self.bounds = bounds
        state = Mutex(State(counts: Array(repeating: 0, count: bounds.count + 1)))
    }

    public func observe(_ value: Double) {
        let bucket = bounds.firstIndex { value <= $0 } ?? bounds.count
        state.withLock {
            $0.counts[bucket] += 1
            $0.sum += value
        }
    }

    public func observe(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        observe(Double(seconds) + Double(attoseconds) / 1e18)
    }

    public var snapshot: Snapshot {
        state.withLock { Snapshot(bounds: bounds, counts: $0.counts, sum: $0.sum) }
    }
}
