import Foundation
import Logging
import RelayCore
import RelayKafka
import RelaySync
import RelayTestSupport
import RelayTimers
import SyncEmulator
import Testing

/// A stream per key (issue 19), end to end: `sync-relay run` as a process, the mock cluster, and the emulator in
/// strict mode (no 31st message in any second of a stream) with an account-wide limit on creations. 10,000 keys
/// across 8 partitions arrive as a backlog, with keys that need escaping and records without a key. First run:
/// every record reaches its key's stream exactly once, in order. Second backlog: the relay is killed with SIGKILL
/// half way and restarted: nothing is lost (duplicates only after the kill).
///
/// `SYNC_RELAY_KEYED_KEYS` changes the number of keys.
@Suite("Keyed streams", .timeLimit(.minutes(15)))
struct KeyedStreamsSuiteTests {
    static let logger = Logger(label: "keyed-suite") { _ in SwiftLogNoOpLogHandler() }
    static let topic = "vehicles"
    static let template = "vehicle-{key}"
    /// Keys that naive escaping would confuse, binary and empty ones, besides `v<number>`.
    static let oddKeys: [[UInt8]] = [
        Array("a/b".utf8), Array("a~2Fb".utf8), Array("a-b".utf8), Array("é".utf8), [0xFF, 0x00], [],
        Array("AC0123456789abcdef0123456789abcdef".utf8),
    ]

    @Test func tenThousandKeysWithABacklogAndAKillLoseNothing() async throws {
        let count = ProcessInfo.processInfo.environment["SYNC_RELAY_KEYED_KEYS"].flatMap(Int.init) ?? 10_000
        let keys = (0..<count).map { Array("v\($0)".utf8) } + Self.oddKeys
        let cluster = try KafkaMockCluster(brokers: 1)
        try cluster.createTopic(Self.topic, partitions: 8)
        let producer = try KafkaProducer(brokers: [cluster.bootstrapServers], logger: Self.logger)
        var settings = SyncEmulatorConfiguration(rateLimit: .strict(), maxStreams: 1_000_000)
        settings.createsPerSecond = 1000  // twice the relay's pace: two lives of the relay within one second fit
        let emulator = SyncEmulator(configuration: settings)
        try await SyncEmulatorServer(emulator: emulator).withRunning { running in
            let config = try Self.configFile(cluster: cluster, emulator: running)

            // Round 1: two records per key and five without a key, as a backlog.
            try await Self.produce(producer, keys: keys, rounds: 0..<2)
            try await producer.send(
                (0..<5).map { _ in
                    KafkaProducer.OutgoingRecord(topic: Self.topic, key: nil, value: Array("{\"n\":-1}".utf8))
                })
            var relay = try await RelayProcessRig.startRelayAndWait(config: config, "relay")
            let started = ContinuousClock.now
            await eventually("round 1 delivered", timeout: .seconds(300)) {
                Self.delivered(emulator, keys: keys).allSatisfy { $0.count >= 2 }
            }
            let roundOne = ContinuousClock.now - started
            let createdInRoundOne = emulator.stats().created
            print(
                "keyed suite: round 1 (\(keys.count) keys, \(2 * keys.count) records) took \(roundOne), "
                    + "\(createdInRoundOne) streams created (limit 500/s)")
            let first = Self.delivered(emulator, keys: keys)
            // An empty key is placed at random by librdkafka's partitioner (like a null one), so its two records may
            // come from two partitions in either order; every other key is on one partition, in order.
            let wrong = zip(keys, first).filter { $0.0.isEmpty ? $0.1.sorted() != [0, 1] : $0.1 != [0, 1] }
                .prefix(5).map { "\($0.0): \($0.1)" }
            #expect(wrong.isEmpty, "every record once, in order, on its key's stream: \(wrong)")
            let metrics = try await Self.scrape(relay)
            #expect(
                metrics.contains("sync_relay_records_unroutable_total{route=\"vehicle-{key}\",reason=\"no-key\"} 5"))
            #expect(!metrics.contains("stream=\"vehicle-v1\""), "keys never become label values")
            #expect(metrics.contains("sync_relay_route_streams_released_total{route=\"vehicle-{key}\"}"))

            // Round 2: SIGKILL half way through, then a new life of the relay.
            try await Self.produce(producer, keys: keys, rounds: 2..<4)
            await eventually("round 2 under way", timeout: .seconds(300)) {
                Self.delivered(emulator, keys: keys).filter { $0.count >= 4 }.count >= keys.count / 3
            }
            kill(relay.process.processIdentifier, SIGKILL)
            _ = await relay.exit()
            relay = try await RelayProcessRig.startRelayAndWait(config: config, "relay after SIGKILL")
            await eventually("round 2 delivered", timeout: .seconds(300)) {
                Self.delivered(emulator, keys: keys).allSatisfy { Set($0).isSuperset(of: 0..<4) }
            }
            kill(relay.process.processIdentifier, SIGTERM)
            let output = await relay.exit()
            #expect(output.status == 0, "\(output.all.suffix(1500))")

            let second = Self.delivered(emulator, keys: keys)
            let lost = second.reduce(0) { $0 + Set(0..<4).subtracting($1).count }
            let duplicates = second.reduce(0) { $0 + $1.count } - 4 * keys.count
            let stats = emulator.stats()
            print(
                "keyed suite: \(keys.count) keys, \(4 * keys.count) records, \(lost) lost, \(duplicates) duplicates "
                    + "after the SIGKILL, \(stats.created) streams created, rejections \(stats.rejections)")
            #expect(lost == 0)
            #expect(stats.rejections[54009] == nil, "no stream took more than 30 messages in any second")
            #expect(stats.rejections[20429] == nil, "creations stayed under the account's limit")
            #expect(stats.rejections[54302] == nil, "every name was valid")
        }
        await producer.close()
    }

    /// Produces `{"n": round}` for every key and round, round by round (so each key's records are in order).
    static func produce(_ producer: KafkaProducer, keys: [[UInt8]], rounds: Range<Int>) async throws {
        for round in rounds {
            try await producer.send(
                keys.map { key in
                    KafkaProducer.OutgoingRecord(topic: topic, key: key, value: Array("{\"n\":\(round)}".utf8))
                })
        }
    }

    /// The rounds each key's stream received, in the order a subscriber restores (`e`, then `q`).
    static func delivered(_ emulator: SyncEmulator, keys: [[UInt8]]) -> [[Int]] {
        let template = try! StreamNameTemplate(Self.template)
        return keys.map { key in
            let record = SourceRecord(topic: topic, partition: 0, offset: 0, key: key, value: nil)
            guard case .success(let name) = template.render(record) else { return [] }
            let messages = emulator.messages(stream: name).compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.data.utf8)) as? [String: Any]
            }
            return
                messages
                .sorted { ($0["e"] as? Int ?? 0, $0["q"] as? Int ?? 0) < ($1["e"] as? Int ?? 0, $1["q"] as? Int ?? 0) }
                .flatMap {
                    ($0["r"] as? [[String: Any]] ?? []).compactMap { ($0["j"] as? [String: Any])?["n"] as? Int }
                }
        }
    }

    /// The relay's `/metrics` text.
    static func scrape(_ relay: CommandRunner.Child) async throws -> String {
        let port = try #require(ReloadCommandTests.metricsPort(relay))
        let response = try await CurlHTTPClient().execute(
            HTTPClientRequest(url: "http://127.0.0.1:\(port)/metrics", timeout: .seconds(10)))
        return response.bodyText
    }

    static func configFile(cluster: KafkaMockCluster, emulator: RunningSyncEmulator) throws -> String {
        try RelayProcessRig.configFile(
            cluster: cluster, emulator: emulator, topics: [topic], groupId: "keyed-suite", sessionTimeoutMs: 6000,
            twilio: #", "maxCreatesPerSecond": 500, "maxConnections": 64, "maxConcurrentRequests": 64"#,
            defaults: """
                {"stream": "\(template)", "unroutable": "drop", "idleAfter": "2s", "maxActiveStreams": 3000, \
                "ttl": "1h", "format": {"id": true}}
                """)
    }
}
