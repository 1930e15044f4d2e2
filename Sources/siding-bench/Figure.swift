import Foundation

/// One measured figure, with its target (if the issue sets one) and whether this run met it.
struct Figure: Encodable {
    let name: String
    let value: Double
    let unit: String
    let target: String?
    let met: Bool?
    let note: String?

    init(_ name: String, _ value: Double, _ unit: String, atLeast minimum: Double? = nil, atMost maximum: Double? = nil, note: String? = nil) {
        self.name = name
        self.value = value
        self.unit = unit
        self.note = note
        if let minimum {
            target = "≥ \(minimum)"
            met = value >= minimum
        } else if let maximum {
            target = "≤ \(maximum)"
            met = value <= maximum
        } else {
            (target, met) = (nil, nil)
        }
    }

    /// `{"figures": [{"name", "value", "unit", "target", "met"}, …]}`
    static func json(_ figures: [Figure]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(["figures": figures]), as: UTF8.self)
    }

    static func table(_ figures: [Figure]) -> String {
        let rows = figures.map { figure in
            [
                figure.name, String(format: figure.value < 100 ? "%.2f" : "%.0f", figure.value) + " " + figure.unit, figure.target ?? "",
                figure.met.map { $0 ? "met" : "MISSED" } ?? "", figure.note ?? "",
            ]
        }
        let header = ["figure", "value", "target", "", ""]
        let widths = (0..<header.count).map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        return ([header] + rows).map { row in
            zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ").trimmingCharacters(
                in: .whitespaces)
        }.joined(separator: "\n")
    }
}
