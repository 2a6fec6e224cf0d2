import Foundation
import RelayCore
import RelayKafka
import RelayTimers
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
        await eventually("the first member owns all four partitions") {
            first.consumer.assignment.partitions.count == 4
        }
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

@Suite("Kafka: KIP-848's group protocol against the mock cluster", .timeLimit(.minutes(2)))
struct KafkaNextGenerationGroupTests {
    /// `kafka.groupProtocol: consumer`: the broker assigns, and members reconcile through heartbeats, each handover
    /// incremental (librdkafka reports the protocol as cooperative). A second member takes half the partitions, a
    /// third joins, the first leaves: every record is consumed, none twice, and none by a member that did not own
    /// its partition.
    @Test func membersShareWithNothingLostOrRepeated() async throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        cluster.setConsumerGroupTimings(heartbeatMilliseconds: 300, sessionMilliseconds: 6000)
        try cluster.createTopic("rides", partitions: 4)
        let producer = try KafkaProducer(brokers: [cluster.bootstrapServers], logger: quietLogger)
        func start() throws -> RunningConsumer {
            var settings = KafkaConsumerSettings(
                brokers: [cluster.bootstrapServers], groupId: "kip-848", topics: ["rides"],
                properties: [("fetch.wait.max.ms", "50")] + (kafkaDebugContexts.map { [("debug", $0)] } ?? []),
                commitInterval: .milliseconds(100), rebalanceDrainDeadline: .seconds(2),
                statisticsInterval: .seconds(1))
            settings.groupProtocol = .consumer
            try settings.validate()
            let handler = RecordingHandler()
            let consumer = try KafkaConsumer(settings: settings, handler: handler, logger: quietLogger)
            handler.attach(consumer)
            return RunningConsumer(consumer: consumer, handler: handler, task: Task { try await consumer.run() })
        }

        let first = try start()
        await eventually("the first member owns all four partitions") {
            first.consumer.assignment.partitions.count == 4
        }
        try await produceNumbered(producer, topic: "rides", count: 200)
        await eventually("the first member consumed the first batch") { first.handler.records.count == 200 }
        await eventually("the first batch is committed") {
            first.consumer.committedOffsets.values.reduce(0, +) == 200 && first.consumer.committedOffsets.count == 4
        }
        let second = try start()
        await eventually("the broker gave the second member half") {
            first.consumer.assignment.partitions.count == 2 && second.consumer.assignment.partitions.count == 2
        }
        try await produceNumbered(producer, topic: "rides", count: 200, start: 200)
        let third = try start()
        await eventually("the third member owns a partition") { !third.consumer.assignment.partitions.isEmpty }
        try await first.stop()
        await eventually("the first member's partitions moved") {
            second.consumer.assignment.partitions.count + third.consumer.assignment.partitions.count == 4
        }
        try await produceNumbered(producer, topic: "rides", count: 200, start: 400)
        let members = [first, second, third]
        await eventually("every record was consumed") {
            Set(members.flatMap { $0.handler.records.map(\.value) }).count == 600
        }
        try await second.stop()
        try await third.stop()
        await producer.close()

        let all = members.flatMap(\.handler.records)
        #expect(Set(all.map { "\($0.partition)/\($0.offset)" }).count == 600)
        #expect(all.count == 600, "records consumed twice: \(all.count - 600)")
        for member in members { #expect(member.handler.state.withLock { $0.unownedReceipts.isEmpty }) }
        #expect(!first.handler.state.withLock { $0.revoked.isEmpty })
    }
}

@Suite("Kafka: members stopped mid-rebalance", .timeLimit(.minutes(5)))
struct KafkaStopMidRebalanceTests {
    /// librdkafka 2.0.2 aborted the process (`rd_kafka_cgrp_terminated: assert: !rd_kafka_assignment_in_progress`)
    /// when `rd_kafka_consumer_close` began while a rebalance was in progress, and, with the cooperative-sticky
    /// assignor, when it destroyed a member that had joined but was never assigned (`assignor_state`). Each round
    /// starts two members, produces, lets a third join and stops the first at a moment of that rebalance (from
    /// inside its revoke in the first round, then 0–800 ms after the newcomer started), then the other two at
    /// once, in the middle of the rebalances their leaving causes. Each must leave and close (an abort ends the
    /// test process); a fresh member of the group must then consume whatever they did not commit, so that every
    /// record was consumed. `SYNC_RELAY_REBALANCE_SEED` replays one run's moments.
    @Test(arguments: ["range", "cooperative-sticky"])
    func leaveAndCloseWithNothingLost(strategy: String) async throws {
        let seed =
            ProcessInfo.processInfo.environment["SYNC_RELAY_REBALANCE_SEED"].flatMap(UInt64.init)
            ?? UInt64.random(in: 1...UInt64.max / 2)
        var rng = SeededGenerator(seed: seed)
        let cluster = try KafkaMockCluster(brokers: 1)
        let producer = try KafkaProducer(brokers: [cluster.bootstrapServers], logger: quietLogger)
        let extra = [(name: "partition.assignment.strategy", value: strategy)]
        for round in 0..<6 {
            let topic = "rides-\(round)"
            try cluster.createTopic(topic, partitions: 8)
            let group = "mid-rebalance-\(strategy)-\(round)"
            let start = { try RunningConsumer.start(cluster, group: group, topics: [topic], extra: extra) }
            let first = try start(), second = try start()
            // Only until every partition has an owner: the second member may still be joining.
            await eventually("the partitions have owners") {
                first.consumer.assignment.partitions.count + second.consumer.assignment.partitions.count == 8
            }
            try await produceNumbered(producer, topic: topic, count: 80)
            if round == 0 {
                first.handler.onRevoke.withLock { $0 = { [consumer = first.consumer] in consumer.stop() } }
            }
            let third = try start()
            if round > 0 {
                try await Timers.sleep(for: .milliseconds(Int64.random(in: 0...800, using: &rng)))
                first.consumer.stop()
            }
            try await first.task.value
            try await second.stop()
            try await third.stop()
            for member in [first, second, third] {
                #expect(member.consumer.assignment.partitions.isEmpty, "seed \(seed), round \(round)")
            }

            let last = try start()
            await eventually("every record was consumed (seed \(seed), round \(round))") {
                Set([first, second, third, last].flatMap(\.handler.records).map(\.value)).count == 80
            }
            try await last.stop()
        }
        await producer.close()
    }
}
