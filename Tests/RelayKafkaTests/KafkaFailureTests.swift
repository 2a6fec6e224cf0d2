import RelayCore
import RelayKafka
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
}
