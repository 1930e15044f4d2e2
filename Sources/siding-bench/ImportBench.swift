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
        // The files are written one contact at a time and the imports run before anything large is
        // held here: a spawned child's peak RSS (wait4) starts from this process's peak.
        var figures: [Figure] = []
        var rates: [(name: String, rate: Double)] = []
        for format in [ContactFileFormat.googleCSV, .vcard] {
            let file = directory.file("contacts-\(format.rawValue).\(format == .vcard ? "vcf" : "csv")")
            try write(count, as: format, to: file)
            let run = try await importFile(file, contacts: count)
            let name = format == .vcard ? "vcard" : "csv"
            rates.append((name, run.rate))
            figures += [
                Figure("import_\(name)_contacts_per_s", run.rate, "contacts/s", note: "\(count) contacts, \(run.fileMiB) MiB file"),
                Figure("import_\(name)_cli_peak_rss_mib", run.cliPeakMiB, "MiB", atMost: 100, note: "siding contact import"),
                Figure("import_\(name)_daemon_peak_rss_mib", run.daemonPeakMiB, "MiB", atMost: 120, note: "sidingd during the import"),
            ]
        }
        let bulk = try bulkIngestRate(count, path: directory.file("bulk.db"))
        figures.append(Figure("import_bulk_contacts_per_s", bulk, "contacts/s", note: "SQLiteStore.apply of the same contacts, pre-signed"))
        for (name, rate) in rates { figures.append(Figure("import_\(name)_ratio", rate / bulk, "x", atLeast: 0.8, note: "to the bulk ingest rate")) }
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
        // Only the counts at the report's head are read: parsing 100,000 items here would raise this
        // process's peak, which the next import's child would inherit.
        let head = try FileHandle(forReadingFrom: URL(fileURLWithPath: output)).read(upToCount: 4_096) ?? Data()
        let created = String(decoding: head, as: UTF8.self).firstMatch(of: /"created" : (\d+)/).flatMap { Int($0.1) }
        guard created == count else {
            throw BenchError("the import of \(file) created \(created.map(String.init) ?? "?") of \(count) contacts")
        }
        let fileBytes = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        return ImportRun(
            rate: Double(count) / seconds, cliPeakMiB: Double(peakKiB) / 1_024, daemonPeakMiB: node.peakRSSMiB ?? .nan,
            fileMiB: (Double(fileBytes) / 1_048_576 * 10).rounded() / 10)
    }

    /// Contacts per second through `SQLiteStore.apply`: each contact one signed change, as the import makes it.
    static func bulkIngestRate(_ count: Int, path: String) throws -> Double {
        let key = Curve25519.Signing.PrivateKey()
        var random = SeededGenerator(seed: 11)
        var changes: [Change] = []
        var people = Generator()
        for index in 0..<count {
            let person = people.next()
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
        return Double(count) / Measure.seconds(elapsed)
    }

    static func write(_ count: Int, as format: ContactFileFormat, to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw BenchError("cannot write \(path)")
        }
        defer { try? handle.close() }
        let writer = ContactFileWriter(format: format)
        var text = writer.header
        var people = Generator()
        for _ in 0..<count {
            text += writer.write(people.next())
            if text.utf8.count > 1 << 20 {
                try handle.write(contentsOf: Data(text.utf8))
                text = ""
            }
        }
        try handle.write(contentsOf: Data(text.utf8))
    }

    /// Address-book entries as NGOs hold them: names in several scripts, an organisation and role, a
    /// country, one or two e-mail addresses, a phone number, tags and a short biography; the same
    /// sequence every time.
    struct Generator {
        static let given = ["Li", "Priya", "Amira", "Oleksandr", "Sofia", "Kwame", "Ana", "Tenzin", "ليلى", "प्रिया", "伟", "Мария"]
        static let family = ["Wei", "Raman", "Haddad", "Shevchenko", "Rossi", "Mensah", "Silva", "Dorje", "الخطيب", "शर्मा", "王", "Иванова"]
        static let organizations = ["Peace Institute", "Frontier Dialogue Centre", "Water Forum", "University of Kathmandu", "Black Sea Network"]
        static let countries = ["CN", "IN", "NP", "PK", "UA", "RU", "DE", "FR", "US", "BR", "KE", "ZA"]
        static let tags = ["water", "frontier", "dialogue", "security", "media", "rivers", "trade"]
        private var random = SeededGenerator(seed: 2027)
        private var index = 0

        mutating func next() -> InterchangeContact {
            defer { index += 1 }
            let first = Self.given.randomElement(using: &random) ?? ""
            let last = Self.family.randomElement(using: &random) ?? ""
            var emails = ["\(index).person@example.org"]
            if index % 3 == 0 { emails.append("p\(index)@mail.example.net") }
            return InterchangeContact(
                position: index + 1,
                fields: [
                    "name": "\(first) \(last) \(index)", "organization": Self.organizations.randomElement(using: &random) ?? "",
                    "role": "Programme officer", "country": Self.countries.randomElement(using: &random) ?? "",
                    "bio": "Met at the \(index % 40 + 1)th round; works on shared rivers and the border crossings.",
                ],
                sets: [
                    "emails": emails, "phones": ["+49 30 \(1_000_000 + index)"],
                    "tags": Array(Set((0..<2).compactMap { _ in Self.tags.randomElement(using: &random) })).sorted(),
                ])
        }
    }
}
