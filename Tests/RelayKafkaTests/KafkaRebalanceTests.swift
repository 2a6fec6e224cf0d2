import RelayCore
import RelayKafka
import Testing

@Suite("Kafka rebalances against the mock cluster", .timeLimit(.minutes(2)))
struct KafkaRebalanceTests {
    @Test(arguments: ["range", "cooperative-sticky"])
    func aSecondMemberTakesOverWithNothingLostOrRepeated(strategy: String) async throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        try cluster.createTopic("rides", partitions: 4)
        let producer = try KafkaProducer(brokers: [cluster.bootstrapServers], logger: quietLogger)
        let extra = [(name: "partition.assignment.strategy", value: strategy)]
        let first = try RunningConsumer.start(cluster, group: "share-\(strategy)", topics: ["rides"], extra: extra)
        await eventually("the first member owns all four partitions") { first.consumer.assignment.partitions.count == 4 }
        #expect(first.consumer.assignment.share(of: "rides") == 1)
        try await produceNumbered(producer, topic: "rides", count: 200)
        await eventually("the first member consumed the first batch") { first.handler.records.count == 200 }
        // librdkafka's mock coordinator refuses commits while a rebalance is in progress (REBALANCE_IN_PROGRESS),
        // so let the periodic commit land first: then the handover starts exactly at the committed offsets.
        await eventually("the first batch is committed") {
            first.consumer.committedOffsets.values.reduce(0, +) == 200 && first.consumer.committedOffsets.count == 4
        }

        let second = try RunningConsumer.start(cluster, group: "share-\(strategy)", topics: ["rides"], extra: extra)
        await eventually("the partitions are shared and both handlers were told") {
            first.consumer.assignment.partitions.count == 2 && second.consumer.assignment.partitions.count == 2
                && first.handler.state.withLock { $0.assignment.partitions.count } == 2
                && second.handler.state.withLock { $0.assignment.partitions.count } == 2
        }
        #expect(first.consumer.assignment.share(of: "rides") == 0.5)
        #expect(second.consumer.assignment.share(of: "rides") == 0.5)
        #expect(first.handler.state.withLock { $0.assignments.last?.share(of: "rides") } == 0.5)

        try await produceNumbered(producer, topic: "rides", count: 200, start: 200)
        await eventually("every record was consumed") {
            Set((first.handler.records + second.handler.records).map(\.value)).count == 400
        }
        try await first.stop()
        try await second.stop()
        await producer.close()

        // Every record done on receipt and committed on revoke: the new owner starts exactly where the old one
        // stopped, so nothing is consumed twice, and neither member saw a record of a partition it did not own.
        let all = first.handler.records + second.handler.records
        #expect(all.count == 400)
        #expect(Set(all.map { "\($0.partition)/\($0.offset)" }).count == 400)
        #expect(first.handler.state.withLock { $0.unownedReceipts.isEmpty })
        #expect(second.handler.state.withLock { $0.unownedReceipts.isEmpty })
        #expect(!first.handler.state.withLock { $0.revoked.isEmpty })
    }
}
