import RelayCore
import Synchronization
import Testing

@testable import RelayKafka

@Suite("Kafka failures are reported, not fatal", .timeLimit(.minutes(2)))
struct KafkaFailureTests {
    @Test func unreachableBrokersAreReportedAndStatisticsShowNoneUp() async throws {
        let handler = RecordingHandler()
        let settings = KafkaConsumerSettings(
            brokers: ["127.0.0.1:1"], groupId: "nowhere", topics: ["orders"],
            properties: [("reconnect.backoff.max.ms", "500")], statisticsInterval: .seconds(1))
        let consumer = try KafkaConsumer(settings: settings, handler: handler, logger: quietLogger)
        let task = Task { try await consumer.run() }
        await eventually("librdkafka reported the unreachable broker") { handler.state.withLock { !$0.errors.isEmpty } }
        await eventually("statistics arrived") { handler.state.withLock { $0.statistics != nil } }
        #expect(handler.state.withLock { $0.statistics?.brokersUp } == 0)
        #expect(handler.state.withLock { $0.errors.allSatisfy { !$0.isFatal } })
        consumer.stop()
        try await task.value  // stops cleanly: nothing fatal about a broker that is down
    }

    /// Stopping while the cluster is unreachable ends within the stop budget (the rebalance drain deadline + 8 s,
    /// 10 s here) instead of waiting in commits and the close: librdkafka keeps a commit to an unreachable
    /// coordinator queued until the session times out (45 s by default), and the relay's whole graceful shutdown
    /// is budgeted (past it, swift-service-lifecycle crashes the process). What was not committed is reported, not
    /// claimed: the group consumes it again, so nothing is lost.
    @Test func stoppingWhileTheClusterIsUnreachableEndsWithinTheStopBudget() async throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        try cluster.createTopic("orders", partitions: 2)
        let producer = try KafkaProducer(brokers: [cluster.bootstrapServers], logger: quietLogger)
        try await produceNumbered(producer, topic: "orders", count: 20)
        await producer.close()
        // librdkafka's default session timeout, as in production: a commit deferred for want of a coordinator fails
        // only after it (the tests' usual 6 s would hide the wait).
        let running = try RunningConsumer.start(
            cluster, group: "unreachable", topics: ["orders"], handler: RecordingHandler(markDoneOnReceipt: false),
            extra: [("session.timeout.ms", "45000")])
        await eventually("twenty records arrived") { running.handler.records.count == 20 }
        let records = running.handler.records
        for record in records where record.offset < 5 {
            running.handler.markDone(record.topicPartition, offset: record.offset)
        }
        await eventually("the first records are committed") { !running.consumer.committedOffsets.isEmpty }
        let committedBefore = running.consumer.committedOffsets

        try cluster.setBrokerDown(1)
        for record in records { running.handler.markDone(record.topicPartition, offset: record.offset) }
        let stopped = Mutex(false)
        let task = running.task
        Task {
            _ = try? await task.value
            stopped.withLock { $0 = true }
        }
        running.consumer.stop()
        await eventually("the consumer stopped though the cluster is unreachable") { stopped.withLock { $0 } }
        #expect(running.handler.state.withLock { $0.errors.contains { $0.reason.contains("offset commit") } })
        #expect(running.consumer.committedOffsets.allSatisfy { committedBefore[$0.key] == $0.value })
    }

    /// A fatal error (here raised as librdkafka raises it when the cluster fences this member) ends `run()` with
    /// an error naming it, after telling the handler: the service then stops with a non-zero exit.
    @Test func aFatalErrorEndsTheConsumerWithItsReason() async throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        try cluster.createTopic("orders", partitions: 2)
        let running = try RunningConsumer.start(cluster, group: "fenced", topics: ["orders"])
        await eventually("partitions assigned") { !running.consumer.assignment.partitions.isEmpty }
        running.consumer.raiseFatalErrorForTesting(reason: "instance fenced by a newer member")
        let failure = await #expect(throws: KafkaError.self) { try await running.task.value }
        #expect(failure?.code == .fatal)
        #expect(failure?.isFenced == true, "the fatal error is the group's fencing, which the service reports as such")
        #expect(failure?.description.contains("instance fenced by a newer member") == true)
        #expect(running.handler.state.withLock { $0.errors.contains { $0.isFatal } })
    }
}
