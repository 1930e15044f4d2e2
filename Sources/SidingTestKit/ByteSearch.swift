import Foundation

/// Finding a canary's bytes in frames and in the files a node keeps.
public enum ByteSearch {
    public static func occurs(_ needle: [UInt8], in haystack: some Collection<UInt8>) -> Bool {
        !needle.isEmpty && haystack.firstRange(of: needle) != nil
    }

    /// The same for a file's bytes, with the C library's `memchr` and `memcmp`: the generic search took
    /// seconds per database file in a debug build.
    public static func occurs(_ needle: [UInt8], in data: Data) -> Bool {
        guard let first = needle.first else { return false }
        return data.withUnsafeBytes { haystack in
            needle.withUnsafeBytes { wanted in
                guard let base = haystack.baseAddress, let wantedBase = wanted.baseAddress else { return false }
                var offset = 0
                while haystack.count - offset >= wanted.count {
                    guard let hit = memchr(base + offset, Int32(first), haystack.count - offset - wanted.count + 1) else { return false }
                    if memcmp(hit, wantedBase, wanted.count) == 0 { return true }
                    offset = base.distance(to: UnsafeRawPointer(hit)) + 1
                }
                return false
            }
        }
    }

    /// The files under `directory` (recursively: the database, its WAL and anything beside it) that hold
    /// `needle` anywhere in their bytes. SQLite splits a value longer than a page over overflow pages, so
    /// search for a short marker (tens of bytes), not a whole large value.
    public static func files(under directory: String, containing needle: [UInt8]) throws -> [String] {
        let manager = FileManager.default
        let names = try manager.subpathsOfDirectory(atPath: directory).sorted()
        return try names.map { "\(directory)/\($0)" }.filter { path in
            // Regular files only: a daemon's home also holds its API socket.
            guard (try? manager.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeRegular else { return false }
            return occurs(needle, in: try Data(contentsOf: URL(fileURLWithPath: path)))
        }
    }
}
