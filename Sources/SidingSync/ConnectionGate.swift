import Foundation
import Logging

/// Caps connections that have not finished the TLS handshake, per remote address and in total, so a
/// flood of silent or slow connections cannot exhaust the node: beyond a cap a connection is closed
/// at once, before any TLS work. Authenticated sessions do not count.
public final class ConnectionGate: @unchecked Sendable {
    public struct Caps: Sendable {
        public var perAddress: Int
        public var total: Int

        public init(perAddress: Int, total: Int) {
            self.perAddress = perAddress
            self.total = total
        }

        public static let standard = Caps(perAddress: 16, total: 256)
    }

    private let caps: Caps
    private let logger: Logger
    private let lock = NSLock()
    private var pending: [String: Int] = [:]
    private var pendingTotal = 0
    private var refused = 0

    init(caps: Caps, logger: Logger) {
        self.caps = caps
        self.logger = logger
    }

    /// True if a new connection from `address` may start its handshake; call `release` when it ends.
    func admit(_ address: String) -> Bool {
        let (admitted, refusals) = lock.withLock { () -> (Bool, Int) in
            guard pendingTotal < caps.total, pending[address, default: 0] < caps.perAddress else {
                refused += 1
                return (false, refused)
            }
            pending[address, default: 0] += 1
            pendingTotal += 1
            return (true, refused)
        }
        // The first refusal and every hundredth after it: a flood must not flood the journal too.
        if !admitted, refusals == 1 || refusals % 100 == 0 {
            logger.warning(
                "refusing connections: too many unfinished handshakes",
                metadata: [
                    "address": "\(address)", "refused_so_far": "\(refusals)", "per_address_cap": "\(caps.perAddress)", "total_cap": "\(caps.total)",
                ])
        }
        return admitted
    }

    func release(_ address: String) {
        lock.withLock {
            pending[address, default: 1] -= 1
            if pending[address] == 0 { pending[address] = nil }
            pendingTotal -= 1
        }
    }
}
