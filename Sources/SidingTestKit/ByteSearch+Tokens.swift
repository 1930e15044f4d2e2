import Foundation

extension ByteSearch {
    /// Every token of `prefix` followed by `length` bytes of `allowed` found in the files under
    /// `directory` (the database, its WAL and anything beside it): one pass per file however many
    /// canaries a test wrote, where `files(under:containing:)` reads every file once per canary.
    public static func tokens(under directory: String, prefix: String, length: Int, allowed: Set<UInt8>) throws -> Set<String> {
        let manager = FileManager.default
        let lead = Array(prefix.utf8)
        var found: Set<String> = []
        for name in try manager.subpathsOfDirectory(atPath: directory) {
            let path = "\(directory)/\(name)"
            // Regular files only: a daemon's home also holds its API socket.
            guard (try? manager.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeRegular else { continue }
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            var start = 0
            while let hit = bytes[start...].firstIndex(of: lead[0]) {
                start = hit + 1
                let end = hit + lead.count + length
                guard end <= bytes.count else { break }
                guard bytes[hit..<hit + lead.count].elementsEqual(lead), bytes[hit + lead.count..<end].allSatisfy(allowed.contains) else {
                    continue
                }
                found.insert(String(decoding: bytes[hit..<end], as: UTF8.self))
            }
        }
        return found
    }
}
