import SidingAPI

/// What remains of erased records: ID, when, by which node; never a value.
extension Views {
    /// `erased by Alpha at 2026-12-01 09:12:03` (local time).
    static func erasedLine(_ erasure: ErasureResource) -> String {
        "erased by \(node(erasure.erasedBy, name: erasure.erasedByName)) at \(LocalTime.format(erasure.erasedAt))"
    }

    /// `show` of an erased record: its ID and who erased it when, nothing else.
    static func erasedRecord(_ erasure: ErasureResource) -> [(String, String)] {
        [("id", erasure.id), ("erased", erasedLine(erasure))]
    }

    static func erasureTable(_ erasures: [ErasureResource]) -> String {
        var table = Table("ID", "ERASED", "BY")
        for erasure in erasures {
            table.add(erasure.id, LocalTime.format(erasure.erasedAt), node(erasure.erasedBy, name: erasure.erasedByName))
        }
        return table.render()
    }
}
