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

    static func port(of address: String) throws -> Int {
        guard let text = address.split(separator: ":").last, let port = Int(text) else { throw BenchError("bad address \(address)") }
        return port
    }
}
