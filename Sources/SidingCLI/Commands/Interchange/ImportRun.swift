import Foundation
import SidingAPI
import SidingCore
import SidingInterchange

/// One `siding contact import` or `siding note import`: a first pass checks that the whole file
/// decodes and counts its records (a decoding error refuses the file, nothing imported); the second
/// sends the records to the daemon in batches and gathers every record's outcome.
struct ImportRun {
    /// Records per request: enough for the daemon to group-commit them, small enough to answer quickly.
    static let batchRecords = 1_000
    /// Roughly how many bytes of record text a request carries at most (the daemon takes 2 MiB).
    static let batchBytes = 1 << 20

    let kind: EntityKind
    let path: String
    let request: ImportRequest
    let makeReader: (ArraySlice<UInt8>) throws -> any ImportFileReader

    func run(_ client: LocalAPIClient, progress: ImportProgress) async throws -> ImportReport {
        let (total, format, charset) = try check()
        var report = ImportReport(file: path, format: format, charset: charset, dryRun: request.dryRun, records: total)
        let file = try ChunkedFile(path)
        var reader: (any ImportFileReader)?
        var batch = Batch()
        var seen = FileKeys()
        var done = 0
        // One batch is on its way to the daemon while the next is read: reading and writing overlap.
        var inFlight: (answer: Task<ImportResponse, Error>, batch: Batch)?
        func collect() async throws {
            guard let (answer, sent) = inFlight else { return }
            inFlight = nil
            let response: ImportResponse
            do {
                response = try await answer.value
            } catch {
                progress.finish()
                throw CLIError(
                    "the import stopped at record \(sent.records[0].position) (\(done) of \(total) records done): \(error). "
                        + "What was imported is kept; run the same command again to finish (records already imported are matched, not created twice)")
            }
            for var item in response.items {
                item.notices = sent.notices[item.position] ?? []
                report.add(item)
            }
            done += sent.records.count
            progress.show(done: done + report.settledLocally, total: total)
        }
        let resource: LocalAPIClient.Kind = kind == .contact ? .contacts : .notes
        func send() async throws {
            guard !batch.records.isEmpty else { return }
            var outgoing = request
            outgoing.records = batch.records
            let answer = Task { try await client.importRecords(resource, outgoing) }
            do {
                try await collect()
            } catch {
                answer.cancel()
                throw error
            }
            inFlight = (answer, batch)
            batch = Batch()
        }
        func handle(_ items: [InterchangeItem]) async throws {
            for item in items {
                switch item {
                case .unreadable(let position, let reason):
                    report.add(ImportItem(position: position, outcome: .failed, id: nil, name: "", reason: reason), locally: true)
                case .contact(let record):
                    if let earlier = seen.earlierRecord(matching: record, request: request) {
                        report.add(
                            ImportItem(
                                position: record.position, outcome: .skipped, id: nil,
                                name: record.fields[Schema.requiredField(of: kind) ?? ""] ?? "",
                                reason: "same \(kind) as the one at position \(earlier) of this file; it is imported once", notices: record.notices),
                            locally: true, sameAs: earlier)
                        continue
                    }
                    batch.append(record)
                    if batch.records.count >= Self.batchRecords || batch.bytes >= Self.batchBytes { try await send() }
                }
            }
        }
        while let chunk = try file.next() {
            if reader == nil { reader = try makeReader(chunk) }
            try await handle(try reader?.read(chunk) ?? [])
        }
        try await handle(try reader?.finish() ?? [])
        try await send()
        try await collect()
        progress.finish()
        report.finish()
        return report
    }

    /// The first pass: every record decoded and counted, nothing sent.
    private func check() throws -> (records: Int, format: String, charset: String) {
        let file = try ChunkedFile(path)
        var reader: (any ImportFileReader)?
        var count = 0
        do {
            while let chunk = try file.next() {
                if reader == nil { reader = try makeReader(chunk) }
                count += try reader?.read(chunk).count ?? 0
            }
            if reader == nil { reader = try makeReader([]) }
            count += try reader?.finish().count ?? 0
        } catch let error as CLIError {
            throw error
        } catch {
            throw CLIError("\(path) is refused: \(error); nothing was imported")
        }
        return (count, reader?.formatDescription ?? "", reader?.charsetDescription ?? "")
    }

    /// Records waiting to be sent, with what their reader noted about each.
    private struct Batch {
        var records: [ImportRecord] = []
        var notices: [Int: [String]] = [:]
        var bytes = 0

        mutating func append(_ record: InterchangeContact) {
            // A record with a Siding ID is that record; content only identifies records that have no key of their own.
            let sourceKey =
                record.sourceKey ?? (record.sidingID == nil ? ImportPlanner.contentKey(writes: record.fields, additions: record.sets) : nil)
            records.append(ImportRecord(position: record.position, id: record.sidingID, sourceKey: sourceKey, set: record.fields, add: record.sets))
            if !record.notices.isEmpty { notices[record.position] = record.notices }
            bytes +=
                64 + record.fields.values.reduce(0) { $0 + $1.utf8.count * 2 } + record.sets.values.joined().reduce(0) { $0 + $1.utf8.count * 2 + 4 }
        }
    }
}

/// Keys of the records already read from this file: a record that shares one with an earlier record
/// (Siding ID, source key or content, or with --match-email an e-mail) is that same record again. The
/// CLI decides this itself, so a dry run (which writes nothing) reports it exactly as the real run does.
struct FileKeys {
    private var positions: [String: Int] = [:]

    /// The position of an earlier record of the file that this one repeats; else remembers this one's keys.
    mutating func earlierRecord(matching record: InterchangeContact, request: ImportRequest) -> Int? {
        guard request.onDuplicate != .new else { return nil }
        var keys: [String] = []
        if let id = record.sidingID, !id.isEmpty { keys.append("id:" + id.lowercased()) }
        if let key = record.sourceKey {
            keys.append("key:" + key)
        } else if record.sidingID == nil {
            keys.append("key:" + ImportPlanner.contentKey(writes: record.fields, additions: record.sets))
        }
        if request.matchEmail {
            keys += (record.sets[ContactSchema.emails.name] ?? []).map { "email:" + $0.trimmingCharacters(in: .whitespaces).lowercased() }
        }
        for key in keys { if let earlier = positions[key] { return earlier } }
        for key in keys { positions[key] = record.position }
        return nil
    }
}
