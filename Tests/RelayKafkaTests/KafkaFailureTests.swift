import RelayCore
@testable import RelayKafka
import Testing

@Suite("Kafka failures are reported, not fatal", .timeLimit(.minutes(1)))
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
        #expect(handler.state.withLock { $0.errors.allSatisfy { $0.code == .transient } })
        consumer.stop()
        try await task.value  // stops cleanly: nothing fatal about a broker that is down
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
        #expect(failure?.description.contains("instance fenced by a newer member") == true)
        #expect(running.handler.state.withLock { $0.errors.contains { $0.code == .fatal } })
    }
}
