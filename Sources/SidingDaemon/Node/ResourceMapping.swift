import Foundation
import SidingAPI
import SidingCore
import SidingStore

/// Maps merged-view records to the local API's JSON shapes.
enum ResourceMapping {
    static func contact(_ record: EntityRecord) -> ContactResource { resource(record) }

    static func note(_ record: EntityRecord) -> NoteResource { resource(record) }

    /// The record's declared fields (undeclared ones, e.g. from a newer partner, are left out).
    static func resource<Kind>(_ record: EntityRecord) -> RecordResource<Kind> {
        RecordResource(
            id: record.id.description, texts: record.fields, sets: record.sets, deleted: record.deleted,
            conflicts: record.conflictedFields)
    }

    static func searchResult(_ hit: SearchHit) -> SearchResult {
        let record = hit.record
        return SearchResult(
            id: record.id.description, kind: record.id.kind.description,
            title: Schema.titleFieldNames.lazy.compactMap { record.fields[$0] }.first ?? "", snippet: hit.snippet)
    }

    static func history(_ entry: HistoryEntry) -> HistoryItem {
        HistoryItem(
            time: time(entry.hlc), hlc: entry.hlc.description, node: entry.origin.description, seq: entry.seq,
            field: entry.field, action: entry.action, value: entry.value, current: entry.current)
    }

    static func conflict(_ record: ConflictRecord) -> ConflictItem {
        ConflictItem(
            id: record.entity.description, kind: record.entity.kind.description, field: record.field,
            values: record.values.map {
                ConflictItem.Value(value: $0.value, node: $0.dot.origin.nodeID.description, time: time($0.hlc), hlc: $0.hlc.description)
            })
    }

    /// The wall-clock part of an HLC as ISO 8601 UTC with milliseconds.
    static func time(_ hlc: HLC) -> String {
        let date = Date(timeIntervalSince1970: Double(hlc.milliseconds) / 1_000)
        return Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(date)
    }
}
