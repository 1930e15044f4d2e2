/// Writes metrics in the Prometheus text exposition format, version 0.0.4: for each family a `# HELP`
/// and a `# TYPE` line, then its samples; label values escaped, histograms as cumulative
/// `_bucket{le="…"}` samples ending with `+Inf`, then `_sum` and `_count`.
public struct Exposition: Sendable {
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    public enum Kind: String, Sendable {
        case counter, gauge, histogram
    }

    /// Label names and values, in the order they are written.
    public typealias Labels = [(name: String, value: String)]

    public private(set) var text = ""

    public init() {}

    public mutating func counter(_ name: String, help: String, _ samples: [(labels: Labels, value: UInt64)]) {
        header(name, help: help, kind: .counter)
        for sample in samples { line(name, sample.labels, Self.format(sample.value)) }
    }

    public mutating func counter(_ name: String, help: String, _ value: UInt64) { counter(name, help: help, [([], value)]) }

    public mutating func gauge(_ name: String, help: String, _ samples: [(labels: Labels, value: Double)]) {
        header(name, help: help, kind: .gauge)
        for sample in samples { line(name, sample.labels, Self.format(sample.value)) }
    }

    public mutating func gauge(_ name: String, help: String, _ value: Double) { gauge(name, help: help, [([], value)]) }

    public mutating func histogram(_ name: String, help: String, _ snapshot: Histogram.Snapshot, labels: Labels = []) {
        header(name, help: help, kind: .histogram)
        var cumulative: UInt64 = 0
        for (index, count) in snapshot.counts.enumerated() {
            cumulative += count
            let bound = index < snapshot.bounds.count ? Self.format(snapshot.bounds[index]) : "+Inf"
            line(name + "_bucket", labels + [("le", bound)], Self.format(cumulative))
        }
        line(name + "_sum", labels, Self.format(snapshot.sum))
        line(name + "_count", labels, Self.format(cumulative))
    }

    private mutating func header(_ name: String, help: String, kind: Kind) {
        text += "# HELP \(name) \(Self.escapeHelp(help))\n# TYPE \(name) \(kind.rawValue)\n"
    }

    private mutating func line(_ name: String, _ labels: Labels, _ value: String) {
        text += name
        if !labels.isEmpty {
            text += "{" + labels.map { "\($0.name)=\"\(Self.escapeLabelValue($0.value))\"" }.joined(separator: ",") + "}"
        }
        text += " \(value)\n"
    }

    /// In a label value: backslash, double quote and line feed are escaped (the format's three escapes).
    static func escapeLabelValue(_ value: String) -> String { escape(value, quotes: true) }

    /// In HELP text only backslash and line feed are escaped.
    static func escapeHelp(_ help: String) -> String { escape(help, quotes: false) }

    private static func escape(_ text: String, quotes: Bool) -> String {
        var escaped = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": escaped.append(contentsOf: "\\\\".unicodeScalars)
            case "\n": escaped.append(contentsOf: "\\n".unicodeScalars)
            case "\"" where quotes: escaped.append(contentsOf: "\\\"".unicodeScalars)
            default: escaped.append(scalar)
            }
        }
        return String(escaped)
    }

    static func format(_ value: UInt64) -> String { String(value) }

    /// Whole numbers without a fraction (`3`, not `3.0`), others as Swift's shortest round-trip form,
    /// which Prometheus parses (`0.0025`, `1e-05`); infinities and NaN as the format spells them.
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
