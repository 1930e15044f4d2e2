// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "siding",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sidingd", targets: ["sidingd"]),
        .executable(name: "siding", targets: ["siding"]),
        .executable(name: "siding-bench", targets: ["siding-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // System SQLite (Debian libsqlite3-dev) through its C API: the hot write path is the C API itself.
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        // Pure, deterministic CRDT core: no clock, randomness, I/O or logging.
        // System zlib (Debian zlib1g-dev) through its C API: inflate must report truncation and trailing bytes.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "SidingCore", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "SidingStore", dependencies: ["SidingCore", "CSQLite"]),
        // Wire protocol: frames, protobuf messages, bounded inflate. Pure over ByteBuffer.
        .target(
            name: "SidingWire",
            dependencies: [
                "SidingCore", "CZlib",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]),
        // Counters, histograms and the Prometheus text format for the daemon's GET /metrics.
        .target(name: "SidingMetrics"),
        // Sessions, TLS identity, dialer and listener; reaches storage only through SidingCore.ChangeStore.
        .target(
            name: "SidingSync",
            dependencies: [
                "SidingCore", "SidingWire", "SidingMetrics",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // Types and typed client of the daemon's local API, shared by the daemon and the CLI; its record
        // resources are derived from the schema declared in SidingCore.
        .target(
            name: "SidingAPI",
            dependencies: [
                "SidingCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
        .target(
            name: "SidingDaemon",
            dependencies: [
                "SidingCore", "SidingStore", "SidingAPI", "SidingSync", "SidingMetrics",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]),
        // Address-book files in and out (vCard, CSV, JSON Lines): pure push parsers and writers over bytes.
        .target(name: "SidingInterchange", dependencies: ["SidingCore"]),
        .target(
            name: "SidingCLI",
            dependencies: [
                // SidingCore for the record schema only: records are read and written through the daemon's API.
                "SidingAPI", "SidingCore", "SidingInterchange",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(name: "sidingd", dependencies: ["SidingDaemon"]),
        .executableTarget(name: "siding", dependencies: ["SidingCLI"]),
        // Measures sync against real daemons on loopback; run it in release (README "Performance").
        .executableTarget(
            name: "siding-bench",
            dependencies: [
                "SidingCore", "SidingStore", "SidingAPI", "SidingInterchange", "SidingTestKit", "SidingWire", "CSQLite",
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "NIOCore", package: "swift-nio"),
            ]),
        // One function per fuzz target, feeding bytes to production code; siding-fuzz is libFuzzer's entry
        // point (Deploy/fuzz.sh builds it with --sanitize=fuzzer), the regression tests replay the corpus.
        .target(
            name: "SidingFuzzTargets",
            dependencies: [
                "SidingCore", "SidingWire", "SidingAPI", "SidingDaemon", "SidingSync", "SidingInterchange",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
        .executableTarget(name: "siding-fuzz", dependencies: ["SidingFuzzTargets"]),
        .target(
            name: "SidingTestKit",
            dependencies: [
                "SidingCore", "SidingAPI", "SidingStore", "SidingSync", "SidingWire", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]),
        .testTarget(name: "SidingCoreTests", dependencies: ["SidingCore", "SidingTestKit"]),
        .testTarget(name: "SidingMetricsTests", dependencies: ["SidingMetrics"]),
        .testTarget(
            name: "SidingSyncTests",
            dependencies: [
                "SidingSync", "SidingStore", "SidingCore", "SidingWire", "SidingTestKit",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]),
        .testTarget(
            name: "SidingWireTests",
            dependencies: [
                "SidingWire", "SidingCore", "SidingTestKit",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]),
        .testTarget(
            name: "SidingStoreTests",
            dependencies: [
                "SidingCore", "SidingStore", "SidingTestKit", "CSQLite", .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .testTarget(name: "SidingFuzzRegressionTests", dependencies: ["SidingFuzzTargets"]),
        .testTarget(name: "SidingInterchangeTests", dependencies: ["SidingInterchange", "SidingCore", "SidingTestKit"]),
        // Pure functions of the CLI's output: display width, line diff, escaping, local times.
        .testTarget(name: "SidingCLITests", dependencies: ["SidingCLI"]),
        .testTarget(
            name: "SidingEndToEndTests",
            dependencies: [
                "SidingAPI", "SidingCore", "SidingStore", "SidingTestKit", .product(name: "Crypto", package: "swift-crypto"),
            ]),
    ]
)
