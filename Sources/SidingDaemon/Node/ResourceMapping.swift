import Foundation
import SidingAPI
import SidingCore
import SidingStore

/// Maps merged-view records to the local API's JSON shapes.
enum ResourceMapping {
    static func contact(_ record: EntityRecord) -> ContactResource { resource(record) }

    static func note(_ record: EntityRecord) -> NoteResource { resource(record) }

    /// The record's declared fields (undeclared ones, e.g. from a newer partner, are left out).
    static func resource<Kind>(_ record: EntityRecord, names: [String: String] = [:]) -> RecordResource<Kind> {
        RecordResource(
            id: record.id.description, texts: record.fields, sets: record.sets, deleted: record.deleted,
            conflicts: record.conflictedFields, names: names,
            mergedInto: record.fields[ContactSchema.mergedInto.name].flatMap { $0.isEmpty ? nil : $0 })
    }

    static func searchResult(_ hit: SearchHit) -> SearchResult {
        let record = hit.record
        return SearchResult(
            id: record.id.description, kind: record.id.kind.description,
            title: Schema.titleFieldNames.lazy.compactMap { record.fields[$0] }.first ?? "", snippet: hit.snippet)
    }

    static func history(_ entry: HistoryEntry, nodeName: String? = nil, valueName: String? = nil) -> HistoryItem {
        HistoryItem(
            time: time(entry.hlc), hlc: entry.hlc.description, node: entry.origin.description, seq: entry.seq,
            field: entry.field, action: entry.action, value: entry.value, current: entry.current, nodeName: nodeName,
            valueName: valueName)
    }

    /// A conflicted field, the value in force first. For the tombstone register that is a delete,
    /// whichever value would win the field: a record is deleted while any surviving value says so.
    static func conflict(_ record: ConflictRecord, title: String = "", nodeNames: [NodeID: String] = [:]) -> ConflictItem {
        var values = record.values
        if record.field == EntityState.deletedField, let index = values.firstIndex(where: { $0.value == EntityState.deletedValue }) {
            values.insert(values.remove(at: index), at: 0)
        }
        return ConflictItem(
            id: record.entity.description, kind: record.entity.kind.description, field: record.field,
            values: values.map {
                let node = $0.dot.origin.nodeID
                return ConflictItem.Value(
                    value: $0.value, node: node.description, time: time($0.hlc), hlc: $0.hlc.description, nodeName: nodeNames[node])
            }, title: title)
    }

    /// The wall-clock part of an HLC as ISO 8601 UTC with milliseconds.
    static func time(_ hlc: HLC) -> String {
        let date = Date(timeIntervalSince1970: Double(hlc.milliseconds) / 1_000)
        return Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(date)
    }
}
