import Foundation
import Logging
import RelayCore
import RelayKafka
import RelayRuntime
@_exported import RelayTestSupport
import ServiceLifecycle
import SyncEmulator
import Synchronization
import Testing

/// A whole relay on loopback: librdkafka's mock cluster, the Sync emulator over HTTP, and `RelayApplication` built
/// from a real configuration document, run in a `ServiceGroup` as `sync-relay run` runs it.
struct RelayHarness: Sendable {
    let cluster: KafkaMockCluster
    let emulator: RunningSyncEmulator
    let producer: KafkaProducer

    static let logger = Logger(label: "e2e") { label -> any LogHandler in
        ProcessInfo.processInfo.environment["E2E_LOG"] == nil
            ? SwiftLogNoOpLogHandler()
            : {
                var h = StreamLogHandler.standardError(label: label); h.logLevel = .debug; return h
            }()
    }

    /// Runs `body` with a cluster of `brokers` holding `topics` (name, partitions; replicated on every broker) and a
    /// running emulator.
    static func with(
        topics: [(String, Int)], brokers: Int = 1, emulator: SyncEmulator = SyncEmulator(),
        _ body: @Sendable (RelayHarness) async throws -> Void
    ) async throws {
        let cluster = try KafkaMockCluster(brokers: brokers)
        for (topic, partitions) in topics {
            try cluster.createTopic(topic, partitions: partitions, replicationFactor: brokers)
        }
        let producer = try KafkaProducer(brokers: [cluster.bootstrapServers], logger: logger)
        try await SyncEmulatorServer(emulator: emulator).withRunning { running in
            try await body(RelayHarness(cluster: cluster, emulator: running, producer: producer))
        }
        await producer.close()
    }

    /// The relay's configuration: `defaults` and `routes` as given, `twilio` members added or replacing the harness's,
    /// `kafkaProperties` added to librdkafka's,
    /// everything else pointing at the harness.
    func configuration(
        topics: [String], group: String = "relay", defaults: [JSONMember] = [], routes: [JSONValue] = [],
        deadLetterTopic: String? = nil,
        twilio: [JSONMember] = [], kafkaProperties: [JSONMember] = []
    ) throws -> RelayConfiguration {
        var kafka: [JSONMember] = [
            JSONMember("brokers", .array(cluster.bootstrapServers.split(separator: ",").map { .string(String($0)) })),
            JSONMember("groupId", .string(group)),
            JSONMember("topics", .array(topics.map(JSONValue.string))),
            JSONMember(
                "properties",
                .object(
                    [
                        JSONMember("session.timeout.ms", "6000"),
                        JSONMember("heartbeat.interval.ms", "250"), JSONMember("fetch.wait.max.ms", "20"),
                    ] + kafkaProperties)),
            JSONMember("commitInterval", "100ms"),
            JSONMember("statisticsInterval", "1s"),
            JSONMember("rebalanceDrainDeadline", "5s"),
        ]
        if let deadLetterTopic { kafka.append(JSONMember("deadLetterTopic", .string(deadLetterTopic))) }
        let document = JSONValue.object([
            JSONMember("kafka", .object(kafka)),
            JSONMember(
                "twilio",
                .object(
                    [
                        JSONMember("accountSid", .string(SyncEmulatorConfiguration().accountSID)),
                        JSONMember("authToken", "emulator-token"),
                        JSONMember("serviceSid", .string(SyncEmulatorConfiguration().serviceSID)),
                        JSONMember("baseURL", .string(emulator.baseURL)),
                        JSONMember("connectTimeout", "1s"),
                        JSONMember("requestTimeout", "5s"),
                    ].filter { member in !twilio.contains { $0.key == member.key } } + twilio)),
            JSONMember("defaults", .object(defaults)),
            JSONMember("routes", .array(routes)),
            JSONMember("shutdown", .object([JSONMember("drainDeadline", "10s")])),
        ])
        return try ConfigurationLoader(environment: [:]).load(
            bytes: Array(document.text().utf8), source: "e2e.json", directory: nil)
    }

    /// Runs the relay for `configuration` while `body` runs, then shuts it down gracefully (as SIGTERM does).
    func runRelay(
        _ configuration: RelayConfiguration, health: HealthState = HealthState(),
        observer: any RelayObserver = CountingObserver(),
        _ body: @Sendable (RelayApplication) async throws -> Void
    ) async throws {
        let application = try RelayApplication(
            configuration: configuration, observer: observer, health: health, logger: Self.logger)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: application.service)], logger: Self.logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            do {
                try await body(application)
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                await application.close()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        await application.close()
    }

    /// Produces `count` JSON records `{"n":<i>,"pad":"..."}` to `topic` in order, spread by key over its partitions.
    func produce(_ topic: String, count: Int, start: Int = 0, padding: Int = 0, partition: Int32? = nil) async throws {
        let pad = String(repeating: "x", count: padding)
        try await producer.send(
            (start..<(start + count)).map { number in
                KafkaProducer.OutgoingRecord(
                    topic: topic, partition: partition, key: Array("k\(number)".utf8),
                    value: Array("{\"n\":\(number),\"pad\":\"\(pad)\"}".utf8))
            })
    }

    /// Sends a request for `stream` to the emulator as the relay's account would.
    func emulatorRequest(_ method: String, stream: String) -> EmulatorResponse {
        let configuration = SyncEmulatorConfiguration()
        return emulator.emulator.handle(
            EmulatorRequest(
                method: method, path: "/v1/Services/\(configuration.serviceSID)/Streams/\(stream)",
                authorization: "Basic " + Data("\(configuration.accountSID):emulator-token".utf8).base64EncodedString(),
                baseURL: emulator.baseURL))
    }

    /// The stream resource as the emulator returns it, or nil when it does not exist.
    func fetchStream(_ stream: String) -> [String: Any]? {
        let response = emulatorRequest("GET", stream: stream)
        guard response.status == 200 else { return nil }
        return try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
    }

    /// The `n` of every record the emulator accepted on `stream`, unpacked from the messages (chunks reassembled).
    func deliveredNumbers(_ stream: String) -> [Int] {
        DeliveredMessages.records(emulator.emulator.messages(stream: stream).map(\.data)).compactMap { record in
            (record as? [String: Any])?["n"] as? Int
        }
    }
}

/// Decodes message format v1 (docs/message-format.md) on the test side, with Foundation's JSON parser.
enum DeliveredMessages {
    /// The JSON values of every record, chunks reassembled, in the order a subscriber restores: by the messages'
    /// sequence numbers (`q`), since Twilio does not promise delivery order.
    static func records(_ messages: [String]) -> [Any] {
        var values: [Any] = []
        var chunks: [String: [Int: String]] = [:]
        let objects = messages.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let ordered = objects.enumerated().sorted { lhs, rhs in
            let left = lhs.element["q"] as? Int ?? 0, right = rhs.element["q"] as? Int ?? 0
            return (left, lhs.offset) < (right, rhs.offset)
        }.map(\.element)
        for object in ordered {
            if let entries = object["r"] as? [[String: Any]] {
                for entry in entries { if let value = entry["j"] { values.append(value) } }
            } else if let chunk = object["c"] as? [String: Any], let id = chunk["id"].map({ "\($0)" }),
                let index = chunk["i"] as? Int,
                let count = chunk["n"] as? Int, let piece = object["d"] as? String
            {
                chunks[id, default: [:]][index] = piece
                if chunks[id]!.count == count {
                    let whole = (0..<count).map { chunks[id]![$0]! }.joined()
                    if let entry = try? JSONSerialization.jsonObject(with: Data(whole.utf8)) as? [String: Any],
                        let value = entry["j"]
                    {
                        values.append(value)
                    }
                    chunks[id] = nil
                }
            }
        }
        return values
    }
}

/// Counts what the pipeline reports.
final class CountingObserver: RelayObserver {
    struct Counts: Sendable {
        var consumed = 0
        var published = 0
        var messages = 0
        var dropped: [String: Int] = [:]
        var deadLettered = 0
        var retries: [String: Int] = [:]
        var snapshotRecords: [String: Int] = [:]
        var snapshotsConflated = 0
        var snapshotRetries: [String: Int] = [:]
        var created = 0
        var recreated = 0
        var ttlRefreshes = 0
        /// Schema fetches by result (found, not-found, unusable, unavailable), and undecodable records by reason.
        var schemaFetches: [String: Int] = [:]
        var undecodable: [String: Int] = [:]
    }
    let counts = Mutex(Counts())
    func recordsConsumed(topic: String, count: Int) { counts.withLock { $0.consumed += count } }
    func snapshotFinished(route: String, result: String, records: Int) {
        counts.withLock { $0.snapshotRecords[result, default: 0] += records }
    }
    func snapshotConflated(route: String) { counts.withLock { $0.snapshotsConflated += 1 } }
    func snapshotRetried(route: String, reason: String) {
        counts.withLock { $0.snapshotRetries[reason, default: 0] += 1 }
    }
    func snapshotAnswered(operation: String, latency: Duration) {}
    func messagePublished(stream: String, records: Int, bytes: Int, latency: Duration) {
        counts.withLock {
            $0.published += records; $0.messages += 1
        }
    }
    func recordsAccepted(route: String, target: String, ages: [Duration]) {}
    func recordsDropped(stream: String, reason: String, count: Int) {
        counts.withLock { $0.dropped[reason, default: 0] += count }
    }
    func recordsDeadLettered(stream: String, reason: String, count: Int) {
        counts.withLock { $0.deadLettered += count }
    }
    func publishRetried(stream: String, reason: String) { counts.withLock { $0.retries[reason, default: 0] += 1 } }
    func twilioResponse(statusClass: String, twilioCode: Int?) {}
    func laneDepth(stream: String, records: Int, bytes: Int, inFlight: Int) {}
    func pacerWait(stream: String, wait: Duration) {}
    func streamCreated(stream: String, recreated: Bool) {
        counts.withLock { recreated ? ($0.recreated += 1) : ($0.created += 1) }
    }
    func ttlRefreshed(stream: String) { counts.withLock { $0.ttlRefreshes += 1 } }
    func partitionLag(topic: String, partition: Int32, consumerLag: Int64?, commitLag: Int64?) {}
    func partitionWaiting(topic: String, partition: Int32, oldest: Duration?) {}
    func readinessChanged(ready: Bool) {}
    func schemaRegistryAnswered(outcome: String, cached: Int) {
        counts.withLock { $0.schemaFetches[outcome, default: 0] += 1 }
    }
    func recordsUndecodable(route: String, reason: String, count: Int) {
        counts.withLock { $0.undecodable[reason, default: 0] += count }
    }
}
