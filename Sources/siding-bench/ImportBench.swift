import Crypto
import Foundation
import SidingCore
import SidingInterchange
import SidingStore
import SidingTestKit

/// `siding contact import` of generated address books (a Google CSV and a vCard 4.0 file), end to end as
/// staff run it: a real `siding` process reading the file into a real `sidingd`. Held against the
/// store's bulk ingest of the same contacts in the same run (pre-signed, one change per contact,
/// 1,000 per transaction): parsing, the local API and signing must not be the bottleneck.
enum ImportBench {
    static func run(contacts count: Int) async throws -> [Figure] {
        let directory = try TemporaryDirectory("import-bench")
        let people = generated(count)
        let bulk = try bulkIngestRate(people, path: directory.file("bulk.db"))
        var figures = [
            Figure("import_bulk_contacts_per_s", bulk, "contacts/s", note: "SQLiteStore.apply of the same contacts, pre-signed")
        ]
        for format in [ContactFileFormat.googleCSV, .vcard] {
            let file = directory.file("contacts-\(format.rawValue).\(format == .vcard ? "vcf" : "csv")")
            try write(people, as: format, to: file)
            let run = try await importFile(file, contacts: count)
            let name = format == .vcard ? "vcard" : "csv"
            figures += [
                Figure("import_\(name)_contacts_per_s", run.rate, "contacts/s", note: "\(count) contacts, \(run.fileMiB) MiB file"),
                Figure("import_\(name)_ratio", run.rate / bulk, "x", atLeast: 0.8, note: "to the bulk ingest rate"),
                Figure("import_\(name)_cli_peak_rss_mib", run.cliPeakMiB, "MiB", atMost: 100, note: "siding contact import"),
                Figure("import_\(name)_daemon_peak_rss_mib", run.daemonPeakMiB, "MiB", note: "sidingd during the import"),
            ]
        }
        return figures
    }

    struct ImportRun {
        let rate: Double
        let cliPeakMiB: Double
        let daemonPeakMiB: Double
        let fileMiB: Double
    }

    static func importFile(_ file: String, contacts count: Int) async throws -> ImportRun {
        let node = try TestNode(name: "Import")
        try await node.start()
        defer { _ = node.stop() }
        let output = node.directory.file("import-report.json")
        let start = ContinuousClock.now
        let (status, peakKiB) = try MeasuredProcess.run(
            BuiltProducts.siding, ["--home", node.home, "contact", "import", file, "--json"], stdout: output, stderr: output + ".err")
        let seconds = Measure.seconds(ContinuousClock.now - start)
        guard status == 0 else {
            let message = (try? String(contentsOfFile: output + ".err", encoding: .utf8)) ?? ""
            throw BenchError("siding contact import \(file) exited with \(status): \(message.prefix(500))")
        }
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) as? [String: Any]
        guard let created = report?["created"] as? Int, created == count else {
            throw BenchError("the import of \(file) created \(String(describing: report?["created"])) of \(count) contacts")
        }
        let fileBytes = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        return ImportRun(
            rate: Double(count) / seconds, cliPeakMiB: Double(peakKiB) / 1_024, daemonPeakMiB: node.peakRSSMiB ?? .nan,
            fileMiB: (Double(fileBytes) / 1_048_576 * 10).rounded() / 10)
    }

    /// Contacts per second through `SQLiteStore.apply`: each contact one signed change, as the import makes it.
    static func bulkIngestRate(_ people: [InterchangeContact], path: String) throws -> Double {
        let key = Curve25519.Signing.PrivateKey()
        var random = SeededGenerator(seed: 11)
        var changes: [Change] = []
        for (index, person) in people.enumerated() {
            let bytes = (0..<EntityID.randomByteCount).map { _ in UInt8.random(in: 0...255, using: &random) }
            guard let id = EntityID(kind: .contact, bytes: bytes) else { throw BenchError("cannot make an entity ID") }
            let edit = Edit(writes: person.fields, additions: person.sets)
            let operations = EditPlanner.operations(for: edit, on: id, current: nil)
            let seq = UInt64(index + 1)
            changes.append(try Change.sign(by: key, seq: seq, hlc: HLC(milliseconds: 1_790_000_000_000 + seq, counter: 0), operations: operations))
        }
        let store = try SQLiteStore(path: path)
        var elapsed = Duration.zero
        for start in stride(from: 0, to: changes.count, by: 1_000) {
            let batch = Array(changes[start..<min(start + 1_000, changes.count)])
            elapsed += try ContinuousClock().measure { _ = try store.apply(batch) }
        }
        return Double(people.count) / Measure.seconds(elapsed)
    }

    static func write(_ people: [InterchangeContact], as format: ContactFileFormat, to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw BenchError("cannot write \(path)")
        }
        defer { try? handle.close() }
        let writer = ContactFileWriter(format: format)
        var text = writer.header
        for person in people {
            text += writer.write(person)
            if text.utf8.count > 1 << 20 {
                try handle.write(contentsOf: Data(text.utf8))
                text = ""
            }
        }
        try handle.write(contentsOf: Data(text.utf8))
    }

    /// Address-book entries as NGOs hold them: names in several scripts, an organisation and role, a
    /// country, one or two e-mail addresses, a phone number, tags and a short biography.
    static func generated(_ count: Int) -> [InterchangeContact] {
        var random = SeededGenerator(seed: 2027)
        let given = ["Li", "Priya", "Amira", "Oleksandr", "Sofia", "Kwame", "Ana", "Tenzin", "ليلى", "प्रिया", "伟", "Мария"]
        let family = ["Wei", "Raman", "Haddad", "Shevchenko", "Rossi", "Mensah", "Silva", "Dorje", "الخطيب", "शर्मा", "王", "Иванова"]
        let organizations = ["Peace Institute", "Frontier Dialogue Centre", "Water Forum", "University of Kathmandu", "Black Sea Network"]
        let countries = ["CN", "IN", "NP", "PK", "UA", "RU", "DE", "FR", "US", "BR", "KE", "ZA"]
        let tags = ["water", "frontier", "dialogue", "security", "media", "rivers", "trade"]
        return (0..<count).map { index in
            let first = given.randomElement(using: &random) ?? ""
            let last = family.randomElement(using: &random) ?? ""
            var emails = ["\(index).person@example.org"]
            if index % 3 == 0 { emails.append("p\(index)@mail.example.net") }
            return InterchangeContact(
                position: index + 1,
                fields: [
                    "name": "\(first) \(last) \(index)", "organization": organizations.randomElement(using: &random) ?? "",
                    "role": "Programme officer", "country": countries.randomElement(using: &random) ?? "",
                    "bio": "Met at the \(index % 40 + 1)th round; works on shared rivers and the border crossings.",
                ],
                sets: [
                    "emails": emails, "phones": ["+49 30 \(1_000_000 + index)"],
                    "tags": Array(Set((0..<2).compactMap { _ in tags.randomElement(using: &random) })).sorted(),
                ])
        }
    }
}
