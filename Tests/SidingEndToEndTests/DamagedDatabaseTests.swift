import Crypto
import Foundation
import SidingTestKit
import Testing

/// A damaged database at start-up: the daemon refuses to serve (exit 65), says what to do, and leaves
/// the file exactly as it was, whether the damage is in the header (found on open) or deep in the
/// data (found by the integrity check that runs right after start-up).
@Suite struct DamagedDatabaseTests {
    @Test(arguments: ["header", "data pages", "one deep page"])
    func theDaemonRefusesAndKeepsTheFile(_ damage: String) throws {
        let node = try TestNode()
        try Population.fill(node, fieldOperations: 16_000)
        var bytes = try #require(FileManager.default.contents(atPath: node.databasePath))
        // The header's page size (offset 16, big-endian; 1 stands for 65,536).
        let declared = Int(bytes[16]) << 8 | Int(bytes[17])
        let pageSize = declared == 1 ? 65_536 : declared
        #expect(pageSize == 16_384)
        if damage == "header" {
            bytes.replaceSubrange(0..<32, with: Data(repeating: 0x21, count: 32))
        } else if damage == "one deep page" {
            // One b-tree page header near the end: start-up reads never touch that page, quick_check does.
            // (The last pages may be free or overflow pages, which quick_check may not read as b-tree
            // pages: the layout follows the node's random key, so the nearest b-tree page is chosen.)
            let btreePageTypes: Set<UInt8> = [0x02, 0x05, 0x0A, 0x0D]
            let page = try #require(
                stride(from: bytes.count / pageSize - 3, to: bytes.count / pageSize / 2, by: -1).first {
                    btreePageTypes.contains(bytes[$0 * pageSize])
                })
            let offset = page * pageSize
            bytes.replaceSubrange(offset..<offset + 8, with: Data(repeating: 0xEE, count: 8))
        } else {
            // Garbage over the middle of every page in the second half of the file: table data, not schema.
            var random = SeededGenerator(seed: 5)
            for page in stride(from: bytes.count / pageSize / 2, to: bytes.count / pageSize, by: 1) {
                let offset = page * pageSize + 200
                bytes.replaceSubrange(offset..<offset + 64, with: Data(random.bytes(64)))
            }
        }
        try bytes.write(to: URL(fileURLWithPath: node.databasePath))
        let before = SHA256.hash(data: bytes)
        let result = try node.runExpectingExit()
        #expect(result.status == 65, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains("is damaged") && result.stderr.contains("Restore the latest backup"), "\(result.stderr)")
        let after = try #require(FileManager.default.contents(atPath: node.databasePath))
        #expect(SHA256.hash(data: after) == before, "the damaged file was modified")
        if damage == "one deep page" {
            #expect(result.stderr.contains("sidingd ready") && result.stderr.contains("database damaged; stopping"), "not the background check")
        }
    }
}
