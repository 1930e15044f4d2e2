import Foundation
import SidingTestKit
import Testing

/// The README's first command: `siding demo` must run to the end on a fresh machine.
@Suite(.serialized) struct DemoTests {
    @Test func theDemoRunsToTheEndAndLeavesNothingBehind() throws {
        let result = try runProcess(BuiltProducts.siding, ["demo"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Merged views: identical on A, B and C"), "\(result.stdout)")
        #expect(result.stdout.contains("on B (a member): Meera Sen in the circle"), "\(result.stdout)")
        #expect(result.stdout.contains("on C (B's partner, not a member): no trace of it"), "\(result.stdout)")
        #expect(result.stdout.contains("the three demo nodes are stopped and their homes removed"))
    }
}
