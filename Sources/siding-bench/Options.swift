/// `siding-bench [--scale N] [--edits N] [--only SCENARIO,…] [--json] [--keep-ingest PATH]`
struct Options {
    static let scenarios = ["ingest", "import", "catchup", "query", "commit", "duplicates", "circles", "migrate", "erasure"]
    static let usage =
        "options: --scale N (field operations, 10000…1000000) --edits N (≥ 1000 for the figures) --contacts N (imported, default 100000) --only ingest,import,catchup,query,commit,duplicates,circles,migrate,erasure --json --keep-ingest PATH"

    var scale = 100_000
    var edits = 1_000
    /// How many contacts the import scenario generates into each file.
    var contacts = 100_000
    var json = false
    /// Where to keep the ingest scenario's store database (for `sqlite3` and `dbstat`); not kept when nil.
    var keepIngest: String?
    var only: Set<String> = Set(scenarios)

    init(_ arguments: [String]) throws {
        var rest = arguments.dropFirst()[...]
        while let flag = rest.popFirst() {
            switch flag {
            case "--scale", "--ops":
                guard let value = rest.popFirst().flatMap(Int.init), (1_000...10_000_000).contains(value) else {
                    throw BenchError("--scale takes a number of field operations, e.g. 1000000; \(Self.usage)")
                }
                scale = value
            case "--edits":
                guard let value = rest.popFirst().flatMap(Int.init), value > 0 else { throw BenchError("--edits takes a count; \(Self.usage)") }
                edits = value
            case "--contacts":
                guard let value = rest.popFirst().flatMap(Int.init), (1...10_000_000).contains(value) else {
                    throw BenchError("--contacts takes a number of contacts, e.g. 100000; \(Self.usage)")
                }
                contacts = value
            case "--only":
                let names = Set((rest.popFirst() ?? "").split(separator: ",").map(String.init))
                guard !names.isEmpty, names.isSubset(of: Self.scenarios) else { throw BenchError("unknown scenario; \(Self.usage)") }
                only = names
            case "--json": json = true
            case "--keep-ingest":
                guard let path = rest.popFirst() else { throw BenchError("--keep-ingest takes a file path; \(Self.usage)") }
                keepIngest = path
            default: throw BenchError("unknown option \(flag); \(Self.usage)")
            }
        }
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
