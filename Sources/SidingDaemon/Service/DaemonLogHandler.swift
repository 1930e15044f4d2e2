import Foundation
import Logging
import SidingAPI

/// Logs to stderr, one line per event. Under systemd (`JOURNAL_STREAM` set) each line starts with its
/// syslog priority (`<3>` … `<7>`) and carries no timestamp, since journald adds its own; otherwise
/// lines start with an ISO 8601 time. The level lives in a shared box so SIGHUP can change it.
/// Never pass contact or note content to a logger: only IDs, counts and reasons.
struct DaemonLogHandler: LogHandler {
    final class LevelBox: @unchecked Sendable {
        private let lock = NSLock()
        private var level: Logger.Level
        init(_ level: Logger.Level) { self.level = level }
        var value: Logger.Level {
            get { lock.withLock { level } }
            set { lock.withLock { level = newValue } }
        }
    }

    let label: String
    let journal: Bool
    let levelBox: LevelBox
    var metadata: Logger.Metadata = [:]

    var logLevel: Logger.Level {
        get { levelBox.value }
        set { levelBox.value = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        let fields = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let text = "\(event.level): \(event.message)" + (fields.isEmpty ? "" : " " + fields)
        // One event, one line: a newline in a value must not start a fake log line.
        let oneLine = text.replacingOccurrences(of: "\n", with: "\\n")
        let line = journal ? "<\(Self.priority(event.level))>\(oneLine)\n" : "\(Self.timestamp()) \(label) \(oneLine)\n"
        try? StandardStream.error.write(line)
    }

    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    static func timestamp() -> String { Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(Date()) }
}
