import SidingFuzzTargets

#if canImport(Glibc)
    import Glibc
#endif

/// libFuzzer's entry point (Deploy/fuzz.sh builds this with --sanitize=fuzzer): runs the target that
/// SIDING_FUZZ_TARGET names. A plain build links it too, where it is never called.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let name = getenv("SIDING_FUZZ_TARGET").map { String(cString: $0) } ?? ""
    guard let target = FuzzTargets.named(name) else {
        fatalError("SIDING_FUZZ_TARGET='\(name)' is not a fuzz target; the targets are the folders of Tests/FuzzCorpus")
    }
    target(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
