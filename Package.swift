// swift-tools-version:6.2
import PackageDescription

/// sync-relay: Kafka topics to Twilio Sync Streams.
///
/// Layout (see docs/decisions and ../shared/STYLE.md): a pure `RelayCore`, one adapter module per C library
/// (`RelayKafka` over librdkafka, `RelaySync` over libcurl), the local `SyncEmulator`, and one executable.
let package = Package(
    name: "sync-relay",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sync-relay", targets: ["sync-relay"]),
        .library(name: "RelayCore", targets: ["RelayCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
    ],
    targets: [
        // MARK: C bridges
        /// librdkafka, pinned and linked statically: scripts/build-librdkafka.sh builds it from Debian's source
        /// package (docs/decisions/0010-a-pinned-librdkafka.md).
        .systemLibrary(name: "CLibRDKafka", pkgConfig: "sync-relay-rdkafka"),
        /// libcurl from Debian's -dev package.
        .systemLibrary(
            name: "CLibCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        /// Typed, non-variadic wrappers for the libcurl calls Swift cannot import.
        .target(name: "CurlShims", dependencies: ["CLibCurl"]),

        // MARK: Pure core
        /// The engine and its value types; swift-collections' `Heap` (the scheduler) and `Deque` (held records) are
        /// its only dependency.
        .target(
            name: "RelayCore",
            dependencies: [
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),

        /// Sleeping and one-shot timers on the process's own timer thread, never libdispatch's
        /// (docs/decisions/0004-timers-and-signals-off-libdispatch.md); the engine's wake timer.
        .target(
            name: "RelayTimers",
            dependencies: ["RelayCore", .product(name: "HeapModule", package: "swift-collections")]
        ),

        // MARK: Adapters
        .target(
            name: "RelayKafka",
            dependencies: [
                "CLibRDKafka", "RelayCore",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "RelaySync",
            dependencies: [
                "CLibCurl", "CurlShims", "RelayCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),
        .target(
            name: "SyncEmulator",
            dependencies: [
                "RelayCore", "RelayTimers",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        // MARK: Runtime: the pipeline as lifecycle services, metrics, health
        .target(
            name: "RelayRuntime",
            dependencies: [
                "RelayCore", "RelayKafka", "RelaySync", "RelayTimers",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        // MARK: Executable
        .executableTarget(
            name: "sync-relay",
            dependencies: [
                "RelayCore", "RelayKafka", "RelaySync", "SyncEmulator", "RelayRuntime", "RelayTimers",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // MARK: Benchmarks (executables that print figures; not tests)
        /// Engine benchmarks (`swift run -c release core-bench`): packing, fill, pacer and lane throughput.
        .executableTarget(name: "core-bench", dependencies: ["RelayCore"], path: "Benchmarks/CoreBenchmarks"),
        /// Kafka ingest (`swift run -c release kafka-bench`): the relay's consumer versus a bare librdkafka loop.
        .executableTarget(
            name: "kafka-bench",
            dependencies: [
                "CLibRDKafka", "RelayCore", "RelayKafka", "RelayTimers",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/KafkaBenchmarks"
        ),
        /// Load (`swift run -c release load-bench scale|soak`): `sync-relay run` as its own process against the mock
        /// cluster and a minimal loopback Sync sink: streams served at full budget, and a bounded soak run.
        .executableTarget(
            name: "load-bench",
            dependencies: [
                "RelayKafka", "RelayTimers",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Benchmarks/LoadBenchmarks"
        ),
        /// HTTP client (`swift run -c release http-bench`): sustained requests/s and CPU per request.
        .executableTarget(
            name: "http-bench",
            dependencies: [
                "RelaySync", "RelayTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdHTTP2", package: "hummingbird"),
            ],
            path: "Benchmarks/HTTPBenchmarks"
        ),

        /// End to end (`swift run -c release relay-bench [--quick]`): the whole relay against the mock cluster and the
        /// Sync emulator: paced rate under backlog, fill, latency under budget, resident memory per thousand streams.
        .executableTarget(
            name: "relay-bench",
            dependencies: [
                "RelayCore", "RelayKafka", "RelayRuntime", "SyncEmulator", "RelayTimers",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Benchmarks/RelayBenchmarks"
        ),

        // MARK: Tests
        /// Helpers shared by the test targets (polling with a deadline, seeded randomness, a subscriber's decoder).
        .target(name: "RelayTestSupport", dependencies: ["RelayTimers", "RelayCore"], path: "Tests/RelayTestSupport"),
        .testTarget(name: "RelayTimersTests", dependencies: ["RelayTimers"]),
        .testTarget(
            name: "RelayCoreTests",
            dependencies: [
                "RelayCore", "RelayTestSupport", .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "RelayKafkaTests",
            dependencies: [
                "RelayKafka", "RelayCore", "RelayTestSupport", "RelayTimers",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
        .testTarget(
            name: "RelaySyncTests",
            dependencies: [
                "RelaySync", "RelayCore", "SyncEmulator", "CurlShims", "CLibCurl", "RelayTimers", "RelayTestSupport",
                .product(name: "HummingbirdHTTP2", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "SyncEmulatorTests", dependencies: ["SyncEmulator", "RelaySync", "RelayTestSupport"]),
        .testTarget(
            name: "RelayRuntimeTests",
            dependencies: [
                "RelayRuntime", "RelayCore", "RelayKafka", "RelaySync", "SyncEmulator", "RelayTestSupport",
                "RelayTimers",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .testTarget(
            name: "SyncRelayCommandTests",
            dependencies: [
                "sync-relay", "RelayCore", "RelayKafka", "RelaySync", "SyncEmulator", "RelayTestSupport",
                "RelayTimers", .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)

// Warnings are errors in the project's own targets (issue 21): a warning left in the tree is a finding nobody reads.
// Dependencies are not touched: SwiftPM applies these settings to this package's targets only.
for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + [.treatAllWarnings(as: .error)]
}
