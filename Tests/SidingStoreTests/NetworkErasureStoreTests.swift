import Crypto
import SidingCore
import SidingTestKit
import Testing

@testable import SidingStore

/// Erasure of network records (Protocol/CHANGES.md, "Erasure of network records"): the creator's order
/// lists the redacted network changes (format 3) it vouches for; real signed changes, real SQLite files.
@Suite struct NetworkErasureStoreTests {
    let directory = TemporaryDirectory("network-erasure")
    /// 0: the record's creator, 1: a partner that edits it, 2: a fresh node.
    let keys = (11...13).map { try! Curve25519.Signing.PrivateKey(rawRepresentation: Array(repeating: UInt8($0), count: 32)) }
    var creator: OriginKey { OriginKey(keys[0].publicKey) }
    var editor: OriginKey { OriginKey(keys[1].publicKey) }
    var newcomer: OriginKey { OriginKey(keys[2].publicKey) }
    let making = [UInt8](repeating: 7, count: 16)
    var contact: EntityID { RecordProvenance.id(kind: .contact, creator: creator.nodeID, nonce: making)! }
    let other = EntityID(kind: .contact, bytes: Array(repeating: 8, count: 10))!
    let canary = "cnrynetname4e1a9c"
    let tagCanary = "cnrynettag7b2d0f"
    let editCanary = "cnryneteditc3f81a"

    func sign(_ key: Int, _ seq: UInt64, _ operations: [SidingCore.Operation]) throws -> Change {
        try Change.sign(by: keys[key], seq: seq, hlc: HLC(milliseconds: 1_000 + seq * 10 + UInt64(key), counter: 0), operations: operations)
    }

    /// The creator's first change: the record (name, tag) and another record beside it.
    var made: Change {
        get throws {
            try sign(
                0, 1,
                [
                    SidingCore.Operation(entity: contact, field: "name", action: .write(value: canary, replaces: [])),
                    SidingCore.Operation(entity: contact, field: "tags", action: .add(element: tagCanary)),
                    SidingCore.Operation(entity: other, field: "name", action: .write(value: "Kept Beside", replaces: [])),
                ])
        }
    }

    /// The partner's edit of the record.
    var edited: Change {
        get throws { try sign(1, 1, [SidingCore.Operation(entity: contact, field: "org", action: .write(value: editCanary, replaces: []))]) }
    }

    func store(_ name: String, as key: OriginKey) throws -> SQLiteStore {
        try SQLiteStore(path: directory.file("\(name).db"), localKey: key)
    }

    func filesHolding(_ needle: String) throws -> [String] {
        try ByteSearch.files(under: directory.path, containing: Array(needle.utf8))
    }

    /// The creator's order, listing what its store holds of the record.
    func order(from creatorStore: SQLiteStore) throws -> Change {
        let listings = try creatorStore.write { try $0.networkRedactions(erasing: contact) }
        return try sign(0, 2, ErasureOrder.networkOperations(erasing: contact, creatorNonce: making, listings: listings))
    }

    @Test func theCreatorsOrderRedactsEveryHolderAlikeAndTheLogsStayWhole() throws {
        let creatorStore = try store("creator", as: creator)
        let holder = try store("holder", as: editor)
        for node in [creatorStore, holder] { #expect(try node.receive([try made.encoded, try edited.encoded]) == [.applied, .applied]) }
        try holder.checkpoint()
        #expect(try filesHolding(canary).count == 2 && filesHolding(editCanary).count == 2, "positive control: both files hold the canaries")

        let order = try order(from: creatorStore)
        #expect(order.erasureOrders.first?.listings.count == 2)
        #expect(try creatorStore.apply([order]) == [.applied])
        #expect(try holder.receive([order.encoded]) == [.applied])
        for node in [creatorStore, holder] {
            #expect(try node.write { try $0.erasure(of: contact) }?.erasedBy == creator.nodeID)
            #expect(try node.record(contact)?.fields.isEmpty ?? true)
            #expect(try node.record(contact)?.sets["tags"] ?? [] == [])
            #expect(try node.search(canary).hits.isEmpty && node.search(editCanary).hits.isEmpty)
            #expect(try node.history(contact).allSatisfy { $0.value == nil })
            #expect(try node.record(other)?.fields["name"] == "Kept Beside", "the other record of the change keeps its value")
            #expect(try node.versionVector()[creator] == 2 && node.versionVector()[editor] == 1)
        }
        // Both made the same redactions, the ones the order lists.
        for origin in [creator, editor] {
            let held = try creatorStore.changes(of: origin, after: 0, limit: 1)
            #expect(held == (try holder.changes(of: origin, after: 0, limit: 1)))
            let redacted = try Change(decoding: try #require(held.first))
            #expect(redacted.networkRedaction != nil)
            #expect(order.erasureOrders.first?.listings.contains(ErasureOrder.Listing(redacted)) == true)
        }
        #expect(try creatorStore.digest() == holder.digest())
        #expect(try filesHolding(canary).isEmpty && filesHolding(tagCanary).isEmpty && filesHolding(editCanary).isEmpty)
        #expect(try filesHolding("Kept Beside").count == 2, "positive control: the record beside it stays in both files")
    }

    /// A fresh node receives only the redactions: before the order reaches it they fill their seqs and show
    /// nothing (not even the other record's value, which no signature covers any more); the order brings
    /// in what it vouches for. In one batch the order vouches for what comes before it.
    @Test func aFreshNodeTakesTheRedactionsTheOrderVouchesFor() throws {
        let creatorStore = try store("creator", as: creator)
        #expect(try creatorStore.receive([try made.encoded, try edited.encoded]) == [.applied, .applied])
        let order = try order(from: creatorStore)
        #expect(try creatorStore.apply([order]) == [.applied])
        let redactedMade = try #require(try creatorStore.changes(of: creator, after: 0, limit: 1).first)
        let redactedEdit = try #require(try creatorStore.changes(of: editor, after: 0, limit: 1).first)

        let fresh = try store("fresh", as: newcomer)
        #expect(try fresh.receive([redactedEdit, redactedMade]) == [.applied, .applied])
        #expect(try fresh.versionVector()[creator] == 1 && fresh.versionVector()[editor] == 1)
        #expect(try fresh.record(other)?.fields["name"] == nil, "nothing unvouched is shown")
        #expect(try fresh.receive([order.encoded]) == [.applied])
        #expect(try fresh.record(other)?.fields["name"] == "Kept Beside")
        #expect(try fresh.record(contact)?.fields.isEmpty ?? true)
        #expect(try fresh.digest() == creatorStore.digest())

        let inOneBatch = try store("one-batch", as: newcomer)
        #expect(try inOneBatch.receive([redactedMade, redactedEdit, order.encoded]) == [.applied, .applied, .applied])
        #expect(try inOneBatch.digest() == creatorStore.digest())
        #expect(try filesHolding(canary).isEmpty && filesHolding(editCanary).isEmpty)
    }

    @Test func anOrderFromANodeThatDidNotMakeTheRecordErasesNothing() throws {
        let holder = try store("holder", as: newcomer)
        #expect(try holder.receive([try made.encoded, try edited.encoded]) == [.applied, .applied])
        // The editor reveals the creator's nonce: it proves the creator made the record, not the editor.
        let listings = try holder.write { try $0.networkRedactions(erasing: contact) }
        let forged = try sign(1, 2, ErasureOrder.networkOperations(erasing: contact, creatorNonce: making, listings: listings))
        let (outcomes, refused) = try holder.write { writer in (try writer.apply([forged]), writer.refusedErasures) }
        #expect(outcomes == [.applied] && refused.map(\.author) == [editor.nodeID])
        #expect(try holder.versionVector()[editor] == 2, "the refused order fills its seq")
        #expect(try holder.record(contact)?.fields["name"] == canary)
        #expect(try holder.write { try $0.erasure(of: contact) } == nil)
        // What it listed vouches for nothing: a redaction it names is held unvouched on a fresh node.
        let redacted = try #require(try made.redacting(records: [contact]))
        let fresh = try store("fresh", as: newcomer)
        #expect(try fresh.receive([try edited.encoded, forged.encoded, redacted.encoded]) == [.applied, .applied, .applied])
        #expect(try fresh.record(other)?.fields["name"] == nil)
    }

    /// A redaction nobody vouches for cannot put a value into the view, nor keep out the change it claims
    /// to come from: here its other record's value was altered, and the original replaces it on arrival.
    @Test func anUnvouchedRedactionShowsNothingAndTheOriginalReplacesIt() throws {
        let altered = try sign(
            0, 1,
            [
                SidingCore.Operation(entity: contact, field: "name", action: .write(value: canary, replaces: [])),
                SidingCore.Operation(entity: contact, field: "tags", action: .add(element: tagCanary)),
                SidingCore.Operation(entity: other, field: "name", action: .write(value: "Forged Beside", replaces: [])),
            ])
        var forged = try #require(altered.redacting(records: [contact])).encoded
        forged.replaceSubrange(33..<65, with: try made.bytesDigest)
        let fresh = try store("fresh", as: newcomer)
        #expect(try fresh.receive([forged]) == [.applied])
        #expect(try fresh.record(other)?.fields["name"] == nil)
        #expect(try fresh.receive([try made.encoded]) == [.duplicate])
        #expect(try fresh.record(other)?.fields["name"] == "Kept Beside")
        #expect(try fresh.record(contact)?.fields["name"] == canary, "not erased here: the original's values stand")
        #expect(try fresh.changes(of: creator, after: 0, limit: 1) == [try made.encoded])
    }

    /// An edit made concurrently with the erasure, redacted by a node that had the order: no order lists
    /// it, and every operation of it is on the erased record, so a fresh node takes it as soon as it holds
    /// the erasure, before or after it arrives.
    @Test func aLateEditRedactedElsewhereIsTakenOnceTheRecordIsErasedHere() throws {
        let creatorStore = try store("creator", as: creator)
        #expect(try creatorStore.receive([try made.encoded]) == [.applied])
        let order = try order(from: creatorStore)
        #expect(try creatorStore.apply([order]) == [.applied])
        #expect(try creatorStore.receive([try edited.encoded]) == [.applied])
        let redactedMade = try #require(try creatorStore.changes(of: creator, after: 0, limit: 1).first)
        let redactedEdit = try #require(try creatorStore.changes(of: editor, after: 0, limit: 1).first)
        #expect(order.erasureOrders.first?.listings.contains(ErasureOrder.Listing(try Change(decoding: redactedEdit))) == false)

        let editFirst = try store("edit-first", as: newcomer)
        #expect(try editFirst.receive([redactedEdit]) == [.applied])
        #expect(try editFirst.unvouchedCount() == 1, "the record is not erased here yet")
        #expect(try editFirst.receive([redactedMade, order.encoded]) == [.applied, .applied])
        let orderFirst = try store("order-first", as: newcomer)
        #expect(try orderFirst.receive([redactedMade, order.encoded, redactedEdit]) == [.applied, .applied, .applied])
        for node in [editFirst, orderFirst] {
            #expect(try node.unvouchedCount() == 0)
            #expect(try node.history(contact).count == (try creatorStore.history(contact).count))
            #expect(try node.digest() == creatorStore.digest())
        }
    }

    /// An edit made concurrently with the erasure is erased on arrival where the order is held.
    @Test func anEditArrivingAfterTheErasureIsErasedOnArrival() throws {
        let creatorStore = try store("creator", as: creator)
        #expect(try creatorStore.receive([try made.encoded]) == [.applied])
        #expect(try creatorStore.apply([try order(from: creatorStore)]) == [.applied])
        #expect(try creatorStore.receive([try edited.encoded]) == [.applied])
        #expect(try creatorStore.record(contact)?.fields["org"] == nil)
        let stored = try Change(decoding: try #require(try creatorStore.changes(of: editor, after: 0, limit: 1).first))
        #expect(stored.networkRedaction?.originalDigest == (try edited.bytesDigest))
        #expect(try filesHolding(editCanary).isEmpty)
    }
}
