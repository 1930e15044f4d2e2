import Foundation

/// Jepsen's set-full check for Siding: every write is a unique token (a contact's name, or a tag added
/// to a contact). At the end, each node's observed tokens must hold every acknowledged write once,
/// nothing twice, and nothing that nobody attempted.
public final class WriteLog: @unchecked Sendable {
    private let lock = NSLock()
    private var attempted: Set<String> = []
    private var acknowledged: Set<String> = []

    public init() {}

    /// Call before sending the write: a write whose answer was lost (node killed) may still be present.
    public func attempt(_ token: String) { _ = lock.withLock { attempted.insert(token) } }
    public func acknowledge(_ token: String) { _ = lock.withLock { acknowledged.insert(token) } }

    public var attemptedCount: Int { lock.withLock { attempted.count } }
    public var acknowledgedCount: Int { lock.withLock { acknowledged.count } }

    /// Checks one node's observation: `observed` lists every token found, repeats included.
    public func check(node: String, observed: [String]) -> SetFullReport {
        let (attempted, acknowledged) = lock.withLock { (self.attempted, self.acknowledged) }
        var counts: [String: Int] = [:]
        for token in observed { counts[token, default: 0] += 1 }
        let present = Set(counts.keys)
        let lost: [String] = acknowledged.subtracting(present).sorted()
        let duplicated: [String] = counts.filter { $0.value > 1 }.map(\.key).sorted()
        let phantom: [String] = present.subtracting(attempted).sorted()
        return SetFullReport(
            node: node, acknowledged: acknowledged.count, lost: lost, duplicated: duplicated, phantom: phantom,
            unacknowledgedPresent: present.intersection(attempted).subtracting(acknowledged).count)
    }
}

public struct SetFullReport: Sendable, CustomStringConvertible {
    public let node: String
    public let acknowledged: Int
    public let lost: [String]
    public let duplicated: [String]
    /// Present but never attempted by anyone: invented or corrupted data.
    public let phantom: [String]
    /// Attempted, answer lost (node killed mid-request), yet committed: allowed.
    public let unacknowledgedPresent: Int

    public var isValid: Bool { lost.isEmpty && duplicated.isEmpty && phantom.isEmpty }

    public var description: String {
        "\(node): \(acknowledged) acked, \(lost.count) lost \(lost.prefix(5)), \(duplicated.count) duplicated \(duplicated.prefix(5)), "
            + "\(phantom.count) phantom \(phantom.prefix(5)), \(unacknowledgedPresent) unacknowledged but present"
    }
}
