import Foundation

/// Small helpers for turning clock readings into figures.
enum Measure {
    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func milliseconds(_ duration: Duration) -> Double { seconds(duration) * 1_000 }

    static func percentile(_ values: [Double], _ fraction: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.down)))]
    }

    /// Milliseconds each of `count` runs of `body` took.
    static func timings(_ count: Int, _ body: () async throws -> Void) async throws -> [Double] {
        var result: [Double] = []
        for _ in 0..<count { result.append(milliseconds(try await ContinuousClock().measure { try await body() })) }
        return result
    }

    static func port(of address: String) throws -> Int {
        guard let text = address.split(separator: ":").last, let port = Int(text) else { throw BenchError("bad address \(address)") }
        return port
    }
}
