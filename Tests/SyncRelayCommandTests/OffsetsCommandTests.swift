import Foundation
import Logging
import RelayCore
import RelayKafka
import RelayTestSupport
import SyncEmulator
import Testing

/// `sync-relay offsets show` and `reset` as a process, against librdkafka's mock cluster: what they print, what they
/// commit (read back through `KafkaGroupAdmin`), and how they refuse bad input. The refusal while the group has
/// members needs DescribeGroups, which the mock does not implement: `OffsetsTansuTests` runs it against Tansu.
@Suite("offsets command", .serialized, .timeLimit(.minutes(5)))
struct OffsetsCommandTests {
    static let logger = Logger(label: "offsets-tests") { _ in SwiftLogNoOpLogHandler() }
    /// Record n of a partition has timestamp `base + n` seconds.
    static let base: Int64 = 1_796_635_800_000

    /// A mock cluster whose `topic` has 2 partitions of 10 records each, the group's offset of partition 0
    /// committed at 4 (partition 1 has none), and a configuration file for `group`.
    static func world(_ topic: String, group: String) async throws -> (KafkaMockCluster, String, KafkaGroupAdmin) {
        let cluster = try KafkaMockCluster()
        try cluster.createTopic(topic, partitions: 2)
        try await produce(brokers: cluster.bootstrapServers, topic: topic)
        let config = try configFile(brokers: cluster.bootstrapServers, topic: topic, group: group)
        let admin = try admin(brokers: cluster.bootstrapServers, topic: topic, group: group)
        let outcome = try await admin.commit([(TopicPartition(topic: topic, partition: 0), 4)])
        #expect(outcome.values.allSatisfy { $0 == nil })
        return (cluster, config, admin)
    }

    /// Ten records in each of `topic`'s two partitions, record n stamped `base + n` seconds.
    static func produce(brokers: String, topic: String) async throws {
        let producer = try KafkaProducer(brokers: [brokers], logger: logger)
        for partition: Int32 in [0, 1] {
            for number in 0..<10 {
                _ = try await producer.send(
                    topic: topic, partition: partition, key: nil, value: Array("\(number)".utf8),
                    timestamp: base + Int64(number) * 1000)
            }
        }
        await producer.close()
    }

    static func admin(brokers: String, topic: String, group: String) throws -> KafkaGroupAdmin {
        try KafkaGroupAdmin(
            settings: KafkaConsumerSettings(brokers: [brokers], groupId: group, topics: [topic]), logger: logger)
    }

    /// A relay configuration for `topic` and `group` (its Twilio section is never used by `offsets`).
    static func configFile(brokers: String, topic: String, group: String) throws -> String {
        let settings = SyncEmulatorConfiguration()
        let document = """
            {
              "kafka": {"brokers": ["\(brokers)"], "groupId": "\(group)", "topics": ["\(topic)"]},
              "twilio": {"accountSid": "\(settings.accountSID)", "authToken": "unused", "serviceSid": "\(settings.serviceSID)",
                         "baseURL": "http://127.0.0.1:9"}
            }
            """
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("offsets-\(UUID().uuidString).json")
        try document.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    static func committed(_ admin: KafkaGroupAdmin, _ topic: String) async throws -> [Int64?] {
        try await admin.positions(
            of: [TopicPartition(topic: topic, partition: 0), TopicPartition(topic: topic, partition: 1)],
            readingTimestamps: false
        ).map(\.committed)
    }

    @Test func showPrintsOffsetsLagAndTheNextRecordsAge() async throws {
        let (cluster, config, _) = try await Self.world("show-topic", group: "show-group")
        let before = Int64(Date().timeIntervalSince1970 * 1000)
        let output = try await CommandRunner.run(["offsets", "show", "--config", config])
        let after = Int64(Date().timeIntervalSince1970 * 1000)
        #expect(output.status == 0, "\(output.all)")
        let lines = output.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.first == "group show-group: state unknown (the broker does not support DescribeGroups)")
        let rows = lines.filter { $0.hasPrefix("show-topic") }.map { $0.split(separator: " ").map(String.init) }
        #expect(rows.count == 2)
        // Partition 0: committed 4, lag 6 from it; partition 1: nothing committed, lag 10 from the log start.
        #expect(rows.first.map { Array($0.prefix(6)) } == ["show-topic", "0", "4", "0", "10", "6"])
        #expect(rows.last.map { Array($0.prefix(6)) } == ["show-topic", "1", "none", "0", "10", "10*"])
        // The next record's age: now minus the timestamp of record 4 (partition 0) and record 0 (partition 1).
        func ages(of timestamp: Int64) -> Set<String> {
            Set(
                stride(from: before, through: after + 1000, by: 500).map {
                    OffsetsTime.age(milliseconds: $0 - timestamp)
                })
        }
        #expect(rows.first.map { ages(of: Self.base + 4000).contains($0.last ?? "") } == true, "\(lines)")
        #expect(rows.last.map { ages(of: Self.base).contains($0.last ?? "") } == true, "\(lines)")
        withExtendedLifetime(cluster) {}

        let json = try await CommandRunner.run(["offsets", "show", "--config", config, "--output", "json"])
        #expect(json.status == 0, "\(json.all)")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        let partitions = try #require(object["partitions"] as? [[String: Any]])
        #expect(partitions.map { $0["committed"] as? Int } == [4, nil])
        #expect(partitions.map { $0["lagFrom"] as? String } == ["committed", "logStart"])
        #expect(
            partitions.map { $0["nextRecordTimestamp"] as? String } == [
                "2026-12-07T09:30:04Z", "2026-12-07T09:30:00Z",
            ])
    }

    @Test func aDryRunChangesNothing() async throws {
        let (cluster, config, admin) = try await Self.world("dry-topic", group: "dry-group")
        let output = try await CommandRunner.run(["offsets", "reset", "--config", config, "--to", "latest"])
        #expect(output.status == 0, "\(output.all)")
        #expect(output.standardOutput.contains("dry run: nothing changed; add --execute"))
        #expect(output.standardOutput.contains("dry-topic          1       none   10"))
        #expect(try await Self.committed(admin, "dry-topic") == [4, nil])
        withExtendedLifetime(cluster) {}
    }

    @Test func executeCommitsEarliestLatestATimeAndADurationAgo() async throws {
        let (cluster, config, admin) = try await Self.world("exec-topic", group: "exec-group")
        func reset(_ to: String, _ more: [String] = []) async throws -> CommandRunner.Output {
            let output = try await CommandRunner.run(
                ["offsets", "reset", "--config", config, "--to", to, "--execute"] + more)
            #expect(output.status == 0, "\(output.all)")
            #expect(!output.standardOutput.contains("dry run"))
            return output
        }
        let latest = try await reset("latest")
        #expect(latest.standardOutput.contains("committed"))
        #expect(try await Self.committed(admin, "exec-topic") == [10, 10])

        _ = try await reset("earliest", ["--partition", "1"])
        #expect(try await Self.committed(admin, "exec-topic") == [10, 0])

        // The mock cluster resolves no time (its ListOffsets answers "none that recent"): a time and a duration ago
        // both land on the log end here, and the output says why. OffsetsTansuTests resolves real times.
        _ = try await reset("earliest")
        #expect(try await Self.committed(admin, "exec-topic") == [0, 0])
        let time = try await reset("2026-12-07T09:30:06.500Z")
        #expect(time.standardOutput.contains("no record at or after that time: log end"))
        #expect(try await Self.committed(admin, "exec-topic") == [10, 10])

        _ = try await reset("earliest", ["--topic", "exec-topic"])
        let ago = try await reset("-15m", ["--topic", "exec-topic", "--partition", "0"])
        #expect(ago.standardOutput.contains("no record at or after that time: log end"))
        #expect(try await Self.committed(admin, "exec-topic") == [10, 0])
        withExtendedLifetime(cluster) {}
    }

    @Test func theBrokerRefusesAResetWhileAMemberIsLive() async throws {
        // The mock cannot describe groups; the reset goes ahead with a warning and the broker refuses the commit
        // for a group with members (UNKNOWN_MEMBER_ID), which the tool reports per partition, exiting 1.
        let (cluster, config, admin) = try await Self.world("live-topic", group: "live-group")
        let member = try LiveMember(brokers: cluster.bootstrapServers, group: "live-group", topic: "live-topic")
        await eventually("the member joined", timeout: .seconds(30)) { member.hasJoined }
        let output = try await CommandRunner.run([
            "offsets", "reset", "--config", config, "--to", "latest", "--execute",
        ])
        #expect(output.status == 1, "\(output.all)")
        #expect(output.standardError.contains("could not tell whether group live-group has active members"))
        #expect(output.standardOutput.contains("failed:"))
        await member.stop()
        #expect(try await Self.committed(admin, "live-topic") == [4, nil])
    }

    @Test func badInputIsOneLineAndANonZeroExit() async throws {
        let (cluster, config, _) = try await Self.world("bad-topic", group: "bad-group")
        let cases: [([String], Int32, String)] = [
            (["offsets", "show", "--config", config, "--topic", "nope"], 64, "topic nope is not one of kafka.topics"),
            (["offsets", "show", "--config", config, "--partition", "2"], 64, "partition 2 is out of range"),
            (["offsets", "reset", "--config", config, "--to", "yesterday"], 64, "--to yesterday: not understood"),
            (["offsets", "reset", "--config", config, "--to", "15m"], 64, "--to 15m: not understood"),
            (["offsets", "show"], 64, "give the configuration file with --config FILE"),
            (["offsets", "show", "--config", "/nonexistent/relay.json"], 78, "relay.json"),
        ]
        for (arguments, status, message) in cases {
            let output = try await CommandRunner.run(arguments)
            #expect(output.status == status, "\(arguments): \(output.all)")
            #expect(output.standardError.contains(message), "\(arguments): \(output.standardError)")
            #expect(output.standardOutput.isEmpty, "\(arguments): \(output.standardOutput)")
        }
        withExtendedLifetime(cluster) {}
    }
}

/// A real group member: the project's `KafkaConsumer` subscribed to `topic` in `group`, doing nothing with what it
/// receives. `hasJoined` once the group assigned it partitions.
final class LiveMember: ConsumerEvents, @unchecked Sendable {
    // @unchecked: `consumer` and `task` are set once in init, before anything reads them.
    private var consumer: KafkaConsumer!
    private var task: Task<Void, any Error>!

    init(brokers: String, group: String, topic: String, clientId: String = "offsets-test-member") throws {
        let settings = KafkaConsumerSettings(
            brokers: [brokers], groupId: group, topics: [topic],
            properties: [("session.timeout.ms", "6000"), ("heartbeat.interval.ms", "250"), ("client.id", clientId)],
            commitInterval: .seconds(60))
        consumer = try KafkaConsumer(settings: settings, handler: self, logger: OffsetsCommandTests.logger)
        let consumer = consumer!
        task = Task { try await consumer.run() }
    }

    var hasJoined: Bool { !consumer.assignment.partitions.isEmpty }

    func stop() async {
        consumer.stop()
        _ = try? await task.value
    }

    func handle(records: [SourceRecord]) {}
    func partitionsAssigned(_ partitions: [TopicPartition], assignment: PartitionAssignment) {}
    func partitionsRevoking(
        _ partitions: [TopicPartition], lost: Bool, deadline: ContinuousClock.Instant, remaining: PartitionAssignment
    ) {}
    func commitDue() {}
    func statisticsUpdated(_ statistics: ConsumerStatistics) {}
    func consumerFailed(reason: String, isFatal: Bool) {}
}
