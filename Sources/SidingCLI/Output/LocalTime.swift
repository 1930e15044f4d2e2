import Foundation

/// Times in tables are shown in this machine's time zone (`TZ`), with its offset; `--json` keeps the
/// API's UTC.
enum LocalTime {
    /// `2026-10-02T12:03:05.123Z` → `2026-10-02 14:03:05 +02:00` (in Europe/Zurich); text that is
    /// not such a time is returned as it is.
    static func format(_ iso: String, in zone: TimeZone = .current) -> String {
        guard let date = parse(iso) else { return iso }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss xxx"
        return formatter.string(from: date)
    }

    static func parse(_ iso: String) -> Date? {
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = withFraction.date(from: iso) { return date }
        return ISO8601DateFormatter().date(from: iso)
    }
}
