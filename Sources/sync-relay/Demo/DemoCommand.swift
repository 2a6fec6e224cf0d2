import ArgumentParser
import Foundation
import Logging
import Metrics
import RelayCore
import RelayKafka
import RelayRuntime
import RelayTimers
import ServiceLifecycle
import SyncEmulator

/// `sync-relay demo`: everything on one machine with nothing else to install: librdkafka's mock Kafka cluster with
/// three sample producers, the Sync emulator (strict 30 messages/s per stream), and the relay between them, with a
/// live view refreshed every second. Ctrl-C prints a summary.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the relay end to end on loopback: mock Kafka, sample producers, the Sync emulator, a live view."
    )

    @Option(help: "Stop after this many seconds (default: run until Ctrl-C).")
    var duration: Int?

    @Option(help: "Records per second of the gentle feed (well under the budget).")
    var gentleRate = 5.0

    @Option(help: "Records per second of the firehose feed (far above one stream's 30 messages/s).")
    var firehoseRate = 3000.0

    @Option(help: "Records per second of the oversize feed (10 KB records, split into chunk messages).")
    var oversizeRate = 1.0

    @Option(
        help: "Simulated vehicles, one stream each (a keyed route, stream vehicle-{key}), one record per second each.")
    var vehicles = 300

    @Option(
        help: "Orders per second of the Avro feed (decoded with the registry emulator's schema, filtered, selected).")
    var ordersRate = 20.0

    @Option(help: "Port of the emulator (0 picks a free one).")
    var emulatorPort = 0

    @Option(help: "Port of the metrics endpoint on 127.0.0.1 (0 picks a free one).")
    var metricsPort = 9464

    @Flag(help: "Print the view as plain lines instead of redrawing the screen.")
    var plain = false

    static let topics = ["demo.gentle", "demo.firehose", "demo.oversize", "demo.vehicles", DemoOrders.topic]
    /// The keyed route's stream template, and its metrics label.
    static let vehicleStreams = "vehicle-{key}"
    /// The Sync Map holding each vehicle's latest position.
    static let vehicleMap = "vehicles"

    func run() async throws {
        // The view is the demo's output: only warnings and errors are logged, to standard error.
        let logGate = DemoLogGate()
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return logGate.handler(handler)
        }
        let logger = Logger(label: "sync-relay.demo")
        var quiet = Logger(label: "sync-relay.demo.emulator")
        quiet.logLevel = .critical  // the emulator's shutdown chatter
        let cluster = try KafkaMockCluster(brokers: 1)
        try cluster.createTopic("demo.gentle", partitions: 1)
        try cluster.createTopic("demo.firehose", partitions: 4)
        try cluster.createTopic("demo.oversize", partitions: 1)
        try cluster.createTopic("demo.vehicles", partitions: 4)
        try cluster.createTopic(DemoOrders.topic, partitions: 2)
        try cluster.createTopic("demo.dead-letters", partitions: 1)
        let emulator = SyncEmulator()
        let server = SyncEmulatorServer(emulator: emulator, port: emulatorPort, logger: quiet)
        let schemas = RegistryEmulator()
        let orderSchema = UInt32(schemas.register(subject: DemoOrders.subject, text: DemoOrders.schema))
        let registryServer = RegistryEmulatorServer(registry: schemas, logger: quiet)
        let metricsFactory = RelayMetricsFactory()
        MetricsSystem.bootstrap(metricsFactory)
        let registry = metricsFactory.registry
        let metrics = RelayMetrics()
        let statistics = DemoStatistics(forwardingTo: metrics, rows: [Self.vehicleStreams: "demo.vehicles"])

        try await withThrowingTaskGroup(of: Void.self) { group in
            let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self, bufferingPolicy: .bufferingNewest(1))
            group.addTask { try await server.run { port in portContinuation.yield(port) } }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else {
                throw ValidationError("the emulator could not listen on port \(emulatorPort)")
            }
            let baseURL = "http://127.0.0.1:\(port)"
            let (registryPorts, registryContinuation) = AsyncStream.makeStream(
                of: Int.self, bufferingPolicy: .bufferingNewest(1))
            group.addTask { try await registryServer.run { port in registryContinuation.yield(port) } }
            var registryIterator = registryPorts.makeAsyncIterator()
            guard let registryPort = await registryIterator.next() else {
                throw ValidationError("the registry emulator could not listen")
            }
            let registryURL = "http://127.0.0.1:\(registryPort)"

            let configuration = try demoConfiguration(
                brokers: cluster.bootstrapServers, baseURL: baseURL, registryURL: registryURL)
            let metricsPorts = AsyncStream.makeStream(of: Int.self, bufferingPolicy: .bufferingNewest(1))
            let health = HealthState { snapshot in metrics.readinessChanged(ready: snapshot.isReady) }
            let metricsServer = MetricsServer(
                address: HostPort("127.0.0.1:\(metricsPort)")!, registry: registry, health: health, logger: quiet
            ) { port in metricsPorts.continuation.yield(port) }
            let application = try RelayApplication(
                configuration: configuration, observer: statistics, health: health, logger: logger)
            let producer = try KafkaProducer(
                brokers: [cluster.bootstrapServers], properties: [("linger.ms", "5")], logger: logger)
            let feeds = [
                DemoProducers.Feed(topic: "demo.gentle", recordsPerSecond: gentleRate, valueBytes: 200),
                DemoProducers.Feed(topic: "demo.firehose", recordsPerSecond: firehoseRate, valueBytes: 200),
                DemoProducers.Feed(topic: "demo.oversize", recordsPerSecond: oversizeRate, valueBytes: 10_000),
                DemoProducers.Feed(
                    topic: "demo.vehicles", recordsPerSecond: Double(vehicles), valueBytes: 120, keys: vehicles,
                    keyPrefix: "v"),
                DemoProducers.Feed(
                    topic: DemoOrders.topic, recordsPerSecond: ordersRate, valueBytes: 0, keys: 50, keyPrefix: "c",
                    value: { DemoOrders.value($0, schemaId: orderSchema) }),
            ]
            let banner = [
                "sync-relay demo: mock Kafka \(cluster.bootstrapServers) -> relay -> Sync emulator \(baseURL)",
                "live feed: \(baseURL)/_emulator/   streams: \(baseURL)/v1/Services/\(SyncEmulatorConfiguration().serviceSID)/Streams",
                "metrics: http://127.0.0.1:\(metricsPort == 0 ? "<port>" : String(metricsPort))/metrics   readiness: /readyz",
                "schema registry: \(registryURL)/subjects  (\(DemoOrders.topic): Avro, decoded, filtered, 5 of 8 fields)",
            ]
            let view = DemoView(
                statistics: statistics, emulator: emulator, streams: Self.topics, banner: banner,
                interactive: !plain && isatty(1) == 1)
            var groupConfiguration = ServiceGroupConfiguration(
                services: [
                    .init(service: metricsServer),
                    .init(service: application.service),
                    .init(service: DemoProducers(producer: producer, feeds: feeds)),
                    .init(service: view),
                ],
                logger: logger
            )
            groupConfiguration.gracefulShutdownSignals = [.sigint, .sigterm]
            groupConfiguration.maximumGracefulShutdownDuration = .seconds(30)
            let services = ServiceGroup(configuration: groupConfiguration)
            if let duration {
                group.addTask {
                    try await Timers.sleep(for: .seconds(duration))
                    await services.triggerGracefulShutdown()
                }
            }
            try await services.run()
            await producer.close()
            await application.close()
            group.cancelAll()
        }
        logGate.close()
        print(summary(statistics: statistics, emulator: emulator))
        withExtendedLifetime(cluster) {}  // the brokers live until everything that talks to them has stopped
    }

    /// The relay's configuration for the demo, through the same loader and validation as a file.
    private func demoConfiguration(brokers: String, baseURL: String, registryURL: String) throws
        -> RelayConfiguration
    {
        let emulator = SyncEmulatorConfiguration()
        let document: JSONValue = .object([
            JSONMember(
                "kafka",
                .object([
                    JSONMember("brokers", [.string(brokers)]),
                    JSONMember("groupId", "sync-relay-demo"),
                    JSONMember("topics", .array(Self.topics.map(JSONValue.string))),
                    JSONMember("startFrom", "earliest"),
                    JSONMember("deadLetterTopic", "demo.dead-letters"),
                    JSONMember("commitInterval", "1s"),
                ])),
            JSONMember(
                "twilio",
                .object([
                    JSONMember("accountSid", .string(emulator.accountSID)),
                    JSONMember("authToken", .string(SyncEmulatorConfiguration.defaultAuthToken)),
                    JSONMember("serviceSid", .string(emulator.serviceSID)),
                    JSONMember("baseURL", .string(baseURL)),
                ])),
            JSONMember(
                "defaults",
                .object([
                    JSONMember("ttl", "1h"),
                    JSONMember("format", .object([JSONMember("timestamp", true)])),
                ])),
            JSONMember(
                "routes",
                [
                    .object([
                        JSONMember("topic", "demo.firehose"),
                        JSONMember(
                            "overflow", .object([JSONMember("policy", "drop-oldest"), JSONMember("maxRecords", 2000)])),
                    ]),
                    .object([
                        JSONMember("topic", "demo.vehicles"),
                        JSONMember("stream", .string(Self.vehicleStreams)),
                        JSONMember("idleAfter", "10s"),
                        JSONMember("format", .object([JSONMember("key", true), JSONMember("id", true)])),
                        // Each vehicle's latest position, for a map page that opens later: one item per vehicle.
                        JSONMember(
                            "snapshot",
                            .object([
                                JSONMember("kind", "map"), JSONMember("name", .string(Self.vehicleMap)),
                                JSONMember("key", "{key}"), JSONMember("ttl", "1h"),
                            ])),
                    ]),
                    .object([
                        JSONMember("topic", .string(DemoOrders.topic)),
                        JSONMember("value", .object([JSONMember("format", "avro")])),
                        JSONMember("select", .array(DemoOrders.select.map(JSONValue.string))),
                        JSONMember("filter", .string(DemoOrders.filter)),
                    ]),
                ]),
            JSONMember("schemaRegistry", .object([JSONMember("url", .string(registryURL))])),
            JSONMember("shutdown", .object([JSONMember("drainDeadline", "10s")])),
        ])
        return try ConfigurationLoader(environment: [:]).load(
            bytes: Array(document.text().utf8), source: "demo", directory: nil)
    }

    private func summary(statistics: DemoStatistics, emulator: SyncEmulator) -> String {
        let figures = statistics.snapshot
        var lines = ["", "summary:"]
        for stream in Self.topics {
            let f = figures[stream] ?? .init()
            let fill =
                f.messagesOut > 0 ? String(format: "%.0f%%", Double(f.bytesOut) / Double(f.messagesOut) / 40.96) : "-"
            let drops = f.dropped.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            lines.append(
                "  \(stream): \(f.recordsIn) records in, \(f.recordsOut) published in \(f.messagesOut) messages (mean fill \(fill)), dropped \(drops.isEmpty ? "0" : drops), dead-lettered \(f.deadLettered)"
            )
            if f.filtered > 0 || f.undecodable > 0 {
                lines.append(
                    "    decoded from Avro: \(f.filtered) filtered out, \(f.undecodable) undecodable (dead-lettered)")
            }
            if f.streamsCreated > 0 {
                lines.append(
                    "    one stream per key: \(f.streamsCreated) created, \(f.streamsReleased) released when idle")
            }
        }
        let stats = emulator.stats()
        lines.append(
            "  emulator: \(stats.accepted) messages accepted, rejections: \(stats.rejections.isEmpty ? "none" : "\(stats.rejections)")"
        )
        return lines.joined(separator: "\n")
    }
}
