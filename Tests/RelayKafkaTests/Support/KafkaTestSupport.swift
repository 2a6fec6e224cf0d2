import Foundation
import Logging
import RelayCore
import RelayKafka
@_exported import RelayTestSupport
import Testing

/// librdkafka debug contexts to turn on in the tests' clients (`SYNC_RELAY_TEST_KAFKA_DEBUG=cgrp,consumer`), for
/// finding out why a test waited; unset, the clients log nothing.
let kafkaDebugContexts = ProcessInfo.processInfo.environment["SYNC_RELAY_TEST_KAFKA_DEBUG"]

/// A logger that prints nothing (librdkafka's lines are routed to it), or everything to standard error when
/// `SYNC_RELAY_TEST_KAFKA_DEBUG` is set.
let quietLogger: Logger = {
    guard kafkaDebugContexts != nil else { return Logger(label: "test") { _ in SwiftLogNoOpLogHandler() } }
    var logger = Logger(label: "test", factory: { label in StreamLogHandler.standardError(label: label) })
    logger.logLevel = .debug
    return logger
}()

/// Consumer settings tuned for the mock cluster: fast group joins, commits and statistics.
///
/// The periodic metadata refresh stays at librdkafka's default (5 minutes). A short one livelocks the group join
/// against the mock cluster: librdkafka 2.0.2 rejoins when any subscription metadata arrives while the group leader
/// waits for its assignor's metadata (`rd_kafka_cgrp_metadata_update_check`, join state `wait-metadata`), and the
/// mock answers a join after 3,000 ms (first) or `session.timeout.ms` − 1,000 ms (later). With a 500 ms refresh both
/// delays are whole periods, so a refresh lands in that window again after every rejoin: the member was never
/// assigned in 2 of 40 runs of the dead-letter test (a JoinGroup every 5 s for 30 s). Tests that need the refresh
/// (pattern subscriptions) take `patternRefresh`.
func consumerSettings(
    _ cluster: KafkaMockCluster, group: String, topics: [String],
    startFrom: KafkaConfiguration.StartPosition = .earliest,
    extra: [(name: String, value: String)] = []
) -> KafkaConsumerSettings {
    KafkaConsumerSettings(
        brokers: [cluster.bootstrapServers], groupId: group, topics: topics, startFrom: startFrom,
        properties: [
            ("session.timeout.ms", "6000"), ("heartbeat.interval.ms", "250"),
            ("fetch.wait.max.ms", "50"),
        ] + (kafkaDebugContexts.map { [("debug", $0)] } ?? []) + extra,
        commitInterval: .milliseconds(100), rebalanceDrainDeadline: .seconds(2), statisticsInterval: .seconds(1)
    )
}

/// A periodic metadata refresh for tests that need a new topic matching a pattern found quickly. 2,300 ms is no
/// divisor of the mock cluster's join delays (3,000 ms and 5,000 ms land 700 ms and 400 ms away from a refresh), so
/// a refresh cannot keep landing in the leader's `wait-metadata` window (see `consumerSettings`).
let patternRefresh = [(name: "topic.metadata.refresh.interval.ms", value: "2300")]

/// A running consumer and the task running it.
struct RunningConsumer {
    let consumer: KafkaConsumer
    let handler: RecordingHandler
    let task: Task<Void, any Error>

    /// Starts a consumer in `group` on `topics`.
    static func start(
        _ cluster: KafkaMockCluster, group: String, topics: [String], handler: RecordingHandler = RecordingHandler(),
        startFrom: KafkaConfiguration.StartPosition = .earliest, extra: [(name: String, value: String)] = [],
        logger: Logger = quietLogger
    ) throws -> RunningConsumer {
        let consumer = try KafkaConsumer(
            settings: consumerSettings(cluster, group: group, topics: topics, startFrom: startFrom, extra: extra),
            handler: handler, logger: logger)
        handler.attach(consumer)
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
func produceNumbered(_ producer: KafkaProducer, topic: String, count: Int, start: Int = 0, partition: Int32? = nil)
    async throws
{
    try await withThrowingTaskGroup(of: Void.self) { group in
        for number in start..<(start + count) {
            group.addTask {
                _ = try await producer.send(
                    topic: topic, partition: partition, key: Array("key-\(number)".utf8),
                    value: Array("\(topic)-\(number)".utf8))
            }
        }
        try await group.waitForAll()
    }
}
