/// The fuzz targets: each feeds arbitrary bytes to production code and must never crash, hang or
/// allocate without bound; errors thrown by the code under test are expected and ignored. A broken
/// invariant (a round trip that does not hold) traps with a message, so libFuzzer reports it.
///
/// `siding-fuzz` runs the target that `SIDING_FUZZ_TARGET` names; `SidingFuzzRegressionTests` replays
/// every file of `Tests/FuzzCorpus/<name>/` through it. A new target is one `case` line here, one
/// function, and a corpus folder.
public enum FuzzTargets {
    public typealias Target = (UnsafeRawBufferPointer) -> Void

    public static func named(_ name: String) -> Target? {
        switch name {
        case "frame": frame
        case "message": message
        case "change": change
        case "config": config
        case "api": api
        case "session": session
        case "vcard": vcard
        case "csv": csv
        case "circle": circle
        default: nil
        }
    }
}

/// Sizes to cut an input into, picked by a control byte: 0 means all at once, otherwise the sizes
/// alternate between (low nibble + 1) and (high nibble + 1), so 0x11 is byte pairs and 0x10 mixes 1s and 2s.
struct ChunkSizes: Sequence, IteratorProtocol {
    private let sizes: (Int, Int)?
    private var useSecond = false

    init(control: UInt8) {
        sizes = control == 0 ? nil : (Int(control & 0x0F) + 1, Int(control >> 4) + 1)
    }

    mutating func next() -> Int? {
        guard let sizes else { return .max }
        defer { useSecond.toggle() }
        return useSecond ? sizes.1 : sizes.0
    }

    /// `bytes` cut into consecutive pieces of these sizes.
    static func pieces(of bytes: [UInt8], control: UInt8) -> [ArraySlice<UInt8>] {
        var pieces: [ArraySlice<UInt8>] = []
        var offset = 0
        for size in ChunkSizes(control: control) {
            guard offset < bytes.count else { break }
            let end = bytes.count - offset <= size ? bytes.count : offset + size
            pieces.append(bytes[offset..<end])
            offset = end
        }
        return pieces
    }
}

/// Stops the fuzzer with a message: a broken invariant, which is a bug in the code under test.
func invariantBroken(_ target: String, _ message: String) -> Never {
    fatalError("fuzz target \(target): \(message)")
}
