import Synchronization

/// How long one search may run, and a way to stop it early (its client went away). SQLite asks it
/// every few thousand steps of the query (`sqlite3_progress_handler`) and stops the query when it
/// says so, between two steps; so a search gives up its connection and thread soon after either.
public final class SearchBudget: Sendable {
    /// What a search is allowed when the caller names nothing else.
    public static let standardTime: Duration = .seconds(3)

    public let time: Duration
    private let now: @Sendable () -> ContinuousClock.Instant
    private let deadline: ContinuousClock.Instant
    private let snippetDeadline: ContinuousClock.Instant
    private let cancelled = Atomic<Bool>(false)

    /// A budget of `time` from now.
    public convenience init(time: Duration = SearchBudget.standardTime) {
        self.init(time: time, now: { ContinuousClock.now })
    }

    /// A budget of `time` measured by `now` (a test's clock, so that a stop mid-query does not depend on
    /// how fast the machine is).
    init(time: Duration, now: @escaping @Sendable () -> ContinuousClock.Instant) {
        self.time = time
        self.now = now
        let start = now()
        deadline = start + time
        snippetDeadline = start + time / 3
    }

    /// Stops the search at its next check: its result is no longer wanted.
    public func cancel() { cancelled.store(true, ordering: .relaxed) }

    /// Whether less than a third of the time is spent: snippets are made only until then.
    var leavesTimeForSnippets: Bool { now() < snippetDeadline }

    public var isCancelled: Bool { cancelled.load(ordering: .relaxed) }

    /// Why the search must stop now, if it must.
    var exhausted: SearchStop? {
        if isCancelled { return .cancelled }
        return now() >= deadline ? .tooSlow(time) : nil
    }
}

/// Why a search was stopped before it finished.
public enum SearchStop: Hashable, Sendable {
    case tooSlow(Duration)
    case cancelled
}
