/// Exponential backoff with jitter for dialers: 1 s, 2 s, 4 s … capped at 60 s, each scaled by a factor
/// in [0.5, 1] so partners that lost each other at the same moment do not redial in lockstep.
/// Pure: the random factor is an argument.
public enum Backoff {
    public static let initialSeconds = 1.0
    public static let maximumSeconds = 60.0

    public static func delay(afterFailures failures: Int, jitter: Double) -> Double {
        let exponent = min(max(failures - 1, 0), 16)
        let base = min(initialSeconds * Double(1 << exponent), maximumSeconds)
        return base * (0.5 + 0.5 * min(max(jitter, 0), 1))
    }
}
