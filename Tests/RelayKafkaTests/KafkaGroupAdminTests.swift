import Foundation
import Logging
import RelayCore
import RelayKafka
import Testing

/// `KafkaGroupAdmin` against librdkafka's mock cluster: committed offsets, watermarks, record timestamps read
/// without joining the group, offsets-for-times and commits as a non-member.
@Suite("KafkaGroupAdmin", .timeLimit(.minutes(2)))
struct KafkaGroupAdminTests {
    /// Record n of a partition has timestamp `base + n` seconds.
    static let base: Int64 = 1_796_635_800_000

    /// A cluster with `topic` of three partitions: 10 records in partition 0, 5 in partition 1, none in 2.
    static func cluster(_ topic: String) async throws -> KafkaMockCluster {
        let cluster = try KafkaMockCluster()
        try cluster.createTopic(topic, partitions: 3)
        let producer = try KafkaProducer(brokers: [cluster.bootstrapServers], logger: quietLogger)
        for (partition, count) in [(Int32(0), 10), (1, 5)] {
            for number in 0..<count {
                _ = try await producer.send(
                    topic: topic, partition: partition, key: nil, value: Array("\(number)".utf8),
                    timestamp: base + Int64(number) * 1000)
            }
        }
        await producer.close()
        return cluster
    }

    static func admin(_ cluster: KafkaMockCluster, group: String, topic: String) throws -> KafkaGroupAdmin {
        try KafkaGroupAdmin(
            settings: KafkaConsumerSettings(brokers: [cluster.bootstrapServers], groupId: group, topics: [topic]),
            timeout: .seconds(10), logger: quietLogger)
    }

    @Test func readsPositionsLagAndTheNextRecordsTimestamp() async throws {
        let cluster = try await Self.cluster("admin-show")
        let admin = try Self.admin(cluster, group: "admin-show", topic: "admin-show")
        #expect(try await admin.topicPartitionCounts()["admin-show"] == 3)
        let partitions = (0..<3).map { TopicPartition(topic: "admin-show", partition: Int32($0)) }
        let committed = try await admin.commit([(partitions[0], 4)])
        #expect(committed.count == 1)
        #expect(committed[partitions[0]] == .some(nil))

        let positions = try await admin.positions(of: partitions)
        #expect(positions.map(\.committed) == [4, nil, nil])
        #expect(positions.map(\.logStart) == [0, 0, 0])
        #expect(positions.map(\.logEnd) == [10, 5, 0])
        #expect(positions.map(\.lag) == [6, 5, 0])
        #expect(positions.map(\.lagBasis) == [.committed, .logStart, .logStart])
        // The record at the committed offset (4), the first record where nothing is committed, none when caught up.
        #expect(positions.map(\.nextRecordTimestamp) == [Self.base + 4000, Self.base, nil])

        // The reader never joined: the group's committed offsets are as they were.
        #expect(try await admin.positions(of: partitions, readingTimestamps: false).map(\.committed) == [4, nil, nil])
    }

    @Test func commitsAsANonMemberAndReadsTheOffsetsBack() async throws {
        let cluster = try await Self.cluster("admin-commit")
        let admin = try Self.admin(cluster, group: "admin-commit", topic: "admin-commit")
        let partitions = (0..<2).map { TopicPartition(topic: "admin-commit", partition: Int32($0)) }
        let outcomes = try await admin.commit([(partitions[0], 7), (partitions[1], 5)])
        #expect(outcomes.count == 2)
        #expect(outcomes.values.allSatisfy { $0 == nil })
        #expect(try await admin.positions(of: partitions, readingTimestamps: false).map(\.committed) == [7, 5])
        // The mock cluster's ListOffsets does not look timestamps up ("FIXME: by timestamp" in
        // rdkafka_mock_handlers.c): every time answers "no record that recent". Tansu resolves times
        // (OffsetsTansuTests).
        let found = try await admin.offsets(atOrAfter: Self.base + 2500, of: partitions)
        #expect(found.count == 2)
        #expect(found.values.allSatisfy { $0 == nil })
    }

    @Test func theMockClusterCannotDescribeGroups() async throws {
        let cluster = try await Self.cluster("admin-describe")
        let admin = try Self.admin(cluster, group: "admin-describe", topic: "admin-describe")
        guard case .unknown(let reason) = try await admin.groupActivity() else {
            Issue.record("the mock cluster described a group: the tests of the refusal could run on it")
            return
        }
        #expect(reason.contains("DescribeGroups"))
    }
}
