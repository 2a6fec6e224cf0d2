import Foundation
import RelayCore
import RelayKafka
import RelayTimers
import Testing

@Suite("Kafka consumer against the mock cluster", .timeLimit(.minutes(2)))
struct KafkaConsumerTests {
    @Test func consumesNamesAndPatternsWithBytesIntact() async throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        try cluster.createTopic("orders", partitions: 2)
        try cluster.createTopic("payments", partitions: 1)
        try cluster.createTopic("metrics.cpu", partitions: 1)
        let producer = try KafkaProducer(
            brokers: [cluster.bootstrapServers], properties: [("message.max.bytes", "12000000")], logger: quietLogger)
        let manyHeaders = (0..<100).map {
            SourceRecord.Header(name: "h\($0)", value: $0 == 7 ? nil : Array("v\($0)".utf8))
        }
        // 4 MB: well above librdkafka's 1 MB default message size, below the mock cluster's 5 MB cap on a partition's
        // whole log (a larger record evicts the log, itself included; real brokers have no such cap).
        let huge = [UInt8]((0..<4_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let cases: [(key: [UInt8]?, value: [UInt8]?, headers: [SourceRecord.Header])] = [
            (nil, Array(#"{"id":1}"#.utf8), []),
            (Array("k".utf8), nil, []),  // tombstone
            (Array("".utf8), [], []),  // empty key and value
            (nil, [0xC3, 0x28, 0xFF, 0x00], []),  // invalid UTF-8, a NUL byte
            (Array("h".utf8), Array("with headers".utf8), manyHeaders),
            (Array("big".utf8), huge, []),
        ]
        for (index, item) in cases.enumerated() {
            _ = try await producer.send(
                topic: "orders", partition: Int32(index % 2), key: item.key, value: item.value, headers: item.headers)
        }
        try await produceNumbered(producer, topic: "payments", count: 3)
        try await produceNumbered(producer, topic: "metrics.cpu", count: 5)

        let running = try RunningConsumer.start(
            cluster, group: "bytes", topics: ["orders", "^metrics\\..*"],
            extra: [
                ("fetch.message.max.bytes", "12000000"), ("fetch.max.bytes", "24000000"),
                ("receive.message.max.bytes", "30000000"),
            ] + patternRefresh)
        await eventually("all records arrived") { running.handler.records.count == cases.count + 5 }

        // A topic created later that matches the pattern is picked up.
        try cluster.createTopic("metrics.memory", partitions: 1)
        try await produceNumbered(producer, topic: "metrics.memory", count: 4)
        await eventually("the new topic's records arrived") { running.handler.records.count == cases.count + 9 }
        try await running.stop()
        await producer.close()

        let records = running.handler.records
        #expect(!records.contains { $0.topic == "payments" })
        let orders = records.filter { $0.topic == "orders" }
        for item in cases {
            let match = orders.first { $0.key == item.key && $0.value == item.value }
            #expect(
                match != nil,
                "a record with key \(String(describing: item.key.map { $0.count })) bytes was not delivered intact")
            #expect(match?.headers == item.headers)
        }
        #expect(orders.allSatisfy { $0.timestamp != nil })
        #expect(
            Set(
                records.filter { $0.topic.hasPrefix("metrics.") }.compactMap {
                    $0.value.map { String(decoding: $0, as: UTF8.self) }
                })
                == Set((0..<5).map { "metrics.cpu-\($0)" } + (0..<4).map { "metrics.memory-\($0)" }))
        #expect(running.handler.state.withLock { $0.unownedReceipts.isEmpty })
    }

    @Test func commitsOnlyTheContiguousDonePointAndResumesThere() async throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        try cluster.createTopic("events", partitions: 1)
        let producer = try KafkaProducer(brokers: [cluster.bootstrapServers], logger: quietLogger)
        for number in 0..<10 {
            _ = try await producer.send(topic: "events", key: nil, value: Array("event-\(number)".utf8))
        }
        let partition = TopicPartition(topic: "events", partition: 0)

        let first = try RunningConsumer.start(
            cluster, group: "resume", topics: ["events"], handler: RecordingHandler(markDoneOnReceipt: false))
        await eventually("ten records arrived") { first.handler.records.count == 10 }
        // Completions out of order: 3 is still outstanding, so nothing past it may be committed.
        for offset: Int64 in [5, 1, 0, 4, 2, 6, 9] { first.handler.markDone(partition, offset: offset) }
        #expect(first.handler.commitOffsets == [partition: 3])
        try await first.stop()

        let second = try RunningConsumer.start(cluster, group: "resume", topics: ["events"])
        await eventually("the uncommitted records arrived again") { second.handler.records.count == 7 }
        try await second.stop()
        await producer.close()
        #expect(second.handler.records.map(\.offset) == Array(3...9))
    }

    /// `kafka.startFrom` decides where a group with no committed offsets starts: `earliest` relays a backlog
    /// produced before the relay ever ran, `latest` only what is produced after the assignment. Either way the
    /// partitions are logged as having no committed offset; a group resuming from its commit logs nothing.
    @Test func aNewGroupStartsWhereStartFromSays() async throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        try cluster.createTopic("backlog", partitions: 1)
        let producer = try KafkaProducer(brokers: [cluster.bootstrapServers], logger: quietLogger)
        try await produceNumbered(producer, topic: "backlog", count: 20, partition: 0)

        let earliestLog = LogLines()
        let earliest = try RunningConsumer.start(
            cluster, group: "fresh-earliest", topics: ["backlog"], startFrom: .earliest, logger: earliestLog.logger)
        await eventually("the backlog arrived") { earliest.handler.records.count == 20 }
        #expect(earliest.handler.records.map(\.offset) == Array(0..<20))
        #expect(earliestLog.contains("kafka.partitions.no_committed_offset", "backlog[0]", "kafka.start_from=earliest"))

        let latestLog = LogLines()
        let latest = try RunningConsumer.start(
            cluster, group: "fresh-latest", topics: ["backlog"], startFrom: .latest, logger: latestLog.logger)
        await eventually("the partition is assigned") { latest.consumer.assignment.partitions.count == 1 }
        await eventually("the start was logged") { latestLog.contains("kafka.partitions.no_committed_offset") }
        #expect(latestLog.contains("backlog[0]", "kafka.start_from=latest"))
        // librdkafka resolves `latest` with a ListOffsets request some time after the assignment, so a record
        // produced at once may fall before that point: produce one at a time until one arrives, then more.
        var next = 20
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        while latest.handler.records.isEmpty, ContinuousClock.now < deadline {
            try await produceNumbered(producer, topic: "backlog", count: 1, start: next, partition: 0)
            next += 1
            try await Timers.sleep(for: .milliseconds(100))
        }
        let first = try #require(latest.handler.records.first).offset
        try await produceNumbered(producer, topic: "backlog", count: 5, start: next, partition: 0)
        next += 5
        await eventually("the new records arrived") { latest.handler.records.last?.offset == Int64(next - 1) }
        #expect(first >= 20)  // none of the backlog
        #expect(latest.handler.records.map(\.offset) == Array(first..<Int64(next)))

        // Resuming from a commit (the earliest group commits what it received): no line about a missing one.
        await eventually("the earliest group received everything") { earliest.handler.records.count == next }
        try await earliest.stop()
        let resumedLog = LogLines()
        let resumed = try RunningConsumer.start(
            cluster, group: "fresh-earliest", topics: ["backlog"], logger: resumedLog.logger)
        await eventually("the partition is assigned again") { resumed.consumer.assignment.partitions.count == 1 }
        #expect(!resumedLog.contains("kafka.partitions.no_committed_offset"))
        try await resumed.stop()
        try await latest.stop()
        await producer.close()
        #expect(resumed.handler.records.isEmpty)
    }

    @Test func pausedPartitionsStopAndResumedOnesContinue() async throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        try cluster.createTopic("feed", partitions: 2)
        let producer = try KafkaProducer(brokers: [cluster.bootstrapServers], logger: quietLogger)
        let running = try RunningConsumer.start(cluster, group: "pause", topics: ["feed"])
        await eventually("both partitions are assigned") { running.consumer.assignment.partitions.count == 2 }
        let paused = TopicPartition(topic: "feed", partition: 0)
        try await produceNumbered(producer, topic: "feed", count: 5, partition: 0)
        await eventually("the first records arrived") { running.handler.records.count == 5 }

        running.consumer.pause([paused])
        try await produceNumbered(producer, topic: "feed", count: 5, start: 5, partition: 0)
        try await produceNumbered(producer, topic: "feed", count: 5, start: 100, partition: 1)
        // The other partition's records arriving shows the poll loop ran past the paused partition's new records.
        await eventually("the unpaused partition's records arrived") {
            running.handler.records.filter { $0.partition == 1 }.count == 5
        }
        #expect(running.handler.records.filter { $0.partition == 0 }.count == 5)

        running.consumer.resume([paused])
        await eventually("the paused records arrived after resume") {
            running.handler.records.filter { $0.partition == 0 }.count == 10
        }
        try await running.stop()
        await producer.close()
    }

    @Test func survivesABrokerGoingDownAndReportsIt() async throws {
        let cluster = try KafkaMockCluster(brokers: 3)
        try cluster.createTopic("sensors", partitions: 3, replicationFactor: 3)
        // One leader per broker, so the consumer fetches from (and connects to) all three.
        for partition: Int32 in 0..<3 {
            try cluster.setPartitionLeader(topic: "sensors", partition: partition, broker: partition + 1)
        }
        let producer = try KafkaProducer(brokers: [cluster.bootstrapServers], logger: quietLogger)
        let running = try RunningConsumer.start(cluster, group: "outage", topics: ["sensors"])
        try await produceNumbered(producer, topic: "sensors", count: 30)
        await eventually("the first records arrived") { running.handler.records.count == 30 }
        await eventually("statistics report every broker up and every partition") {
            running.handler.state.withLock {
                ($0.statistics?.brokersUp ?? 0) == 3 && $0.statistics?.partitions.count == 3
            }
        }

        try cluster.setBrokerDown(2)
        await eventually("statistics report broker 2 down") {
            running.handler.state.withLock { $0.statistics.map { $0.brokerStates[2] != "UP" } ?? false }
        }
        try cluster.setBrokerUp(2)
        try await produceNumbered(producer, topic: "sensors", count: 30, start: 30)
        await eventually("records produced after the outage arrived") {
            Set(running.handler.records.map(\.value)).count == 60
        }
        await eventually("statistics report broker 2 up again") {
            running.handler.state.withLock { $0.statistics?.brokerStates[2] == "UP" }
        }
        try await running.stop()
        await producer.close()
    }

    @Test func reportsASubscriptionToNothingClearly() throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        #expect(throws: KafkaError.self) {
            _ = try KafkaConsumer(
                settings: consumerSettings(cluster, group: "g", topics: ["t"], extra: [("no.such.property", "1")]),
                handler: RecordingHandler(), logger: quietLogger)
        }
    }
}
