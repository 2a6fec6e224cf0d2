import Foundation
import Logging
import RelayCore
import RelayKafka
@_exported import RelayTestSupport
import Testing


/// A logger that prints nothing (librdkafka's lines are routed to it).
let quietLogger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

/// Consumer settings tuned for the mock cluster: fast group joins, commits and statistics.
func consumerSettings(_ cluster: KafkaMockCluster, group: String, topics: [String], extra: [(name: String, value: String)] = []) -> KafkaConsumerSettings {
    KafkaConsumerSettings(
        brokers: [cluster.bootstrapServers], groupId: group, topics: topics,
        properties: [
            ("auto.offset.reset", "earliest"), ("session.timeout.ms", "6000"), ("heartbeat.interval.ms", "250"),
            ("topic.metadata.refresh.interval.ms", "500"), ("fetch.wait.max.ms", "50"),
        ] + extra,
        commitInterval: .milliseconds(100), rebalanceDrainDeadline: .seconds(2), statisticsInterval: .seconds(1)
    )
}

/// A running consumer and the task running it.
struct RunningConsumer {
    let consumer: KafkaConsumer
    let handler: RecordingHandler
    let task: Task<Void, any Error>

    /// Starts a consumer in `group` on `topics`.
    static func start(
        _ cluster: KafkaMockCluster, group: String, topics: [String], handler: RecordingHandler = RecordingHandler(),
        extra: [(name: String, value: String)] = []
    ) throws -> RunningConsumer {
        let consumer = try KafkaConsumer(settings: consumerSettings(cluster, group: group, topics: topics, extra: extra), handler: handler, logger: quietLogger)
        let task = Task { try await consumer.run() }
        return RunningConsumer(consumer: consumer, handler: handler, task: task)
    }

    /// Stops the consumer and waits for it to leave the group.
    func stop() async throws {
        consumer.stop()
        try await task.value
    }
}

/// Produces `count` records numbered from `start` to `topic` (value `"<topic>-<n>"`), spread over its partitions
/// by key, and waits for every acknowledgement.
func produceNumbered(_ producer: KafkaProducer, topic: String, count: Int, start: Int = 0, partition: Int32? = nil) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        for number in start..<(start + count) {
            group.addTask {
                _ = try await producer.send(topic: topic, partition: partition, key: Array("key-\(number)".utf8), value: Array("\(topic)-\(number)".utf8))
            }
        }
        try await group.waitForAll()
    }
}
