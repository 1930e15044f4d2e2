import SidingCore

extension StoreWriter {
    /// The entities whose set `field` holds any of `elements`, as seen inside this transaction (e.g.
    /// the notes that list a contact as participant), in ID order.
    public func entities(holdingAnyOf elements: [String], in field: String) throws -> [EntityID] {
        guard !elements.isEmpty else { return [] }
        try refreshMergedView()
        let list = SQLValue.text("[" + elements.map { "\"\($0)\"" }.joined(separator: ",") + "]")
        return try connection.statement(
            """
            SELECT DISTINCT e.entity FROM set_elements s JOIN entities e ON e.id = s.entity
            WHERE s.field = ? AND s.element IN (SELECT value FROM json_each(?)) ORDER BY e.entity
            """
        ).bind(.text(field), list).rows { $0.text(0) ?? "" }.compactMap(EntityID.init)
    }
}
