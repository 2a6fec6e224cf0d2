import RelayCore
import RelayKafka
import Testing

@Suite("Dead letters", .timeLimit(.minutes(1)))
struct DeadLetterWriterTests {
    @Test func deadLettersKeepTheRecordAndNameTheReason() async throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        try cluster.createTopic("relay.dead-letters", partitions: 1)
        let producer = try KafkaProducer(brokers: [cluster.bootstrapServers], logger: quietLogger)
        let writer = DeadLetterWriter(producer: producer, topic: "relay.dead-letters")
        let original = SourceRecord(
            topic: "orders", partition: 3, offset: 1234, timestamp: 1_700_000_000_123, key: Array("order-9".utf8),
            value: [0xFF, 0x00, 0x7B], headers: [.init(name: "trace", value: Array("abc".utf8))]
        )
        try await writer.write(original, reason: "oversize", stream: "orders")
        try await writer.write(
            SourceRecord(topic: "orders", partition: 0, offset: 7, value: nil), reason: "overflow", stream: "orders")
        // An undecodable record's dead letter (through the engine's port) says which field and why.
        let undecodable = DeadLetter(
            id: 1, record: SourceRecord(topic: "orders", partition: 0, offset: 8, value: [0, 0, 0, 0, 9]),
            reason: .undecodable, stream: "orders", detail: "unknown-schema: value: schema id 9")
        await withCheckedContinuation { continuation in
            writer.write(undecodable) { failure in
                #expect(failure == nil)
                continuation.resume()
            }
        }

        let running = try RunningConsumer.start(cluster, group: "dlq", topics: ["relay.dead-letters"])
        await eventually("the dead letters arrived") { running.handler.records.count == 3 }
        try await running.stop()
        await producer.close()

        let letters = running.handler.records
        try #require(letters.count == 3)
        let first = letters[0]
        #expect(first.key == original.key)
        #expect(first.value == original.value)
        #expect(first.timestamp == original.timestamp)
        func header(_ name: String, _ record: SourceRecord) -> String? {
            record.headers.first { $0.name == name }?.value.map { String(decoding: $0, as: UTF8.self) }
        }
        #expect(header("trace", first) == "abc")
        #expect(header(DeadLetterWriter.HeaderName.reason, first) == "oversize")
        #expect(header(DeadLetterWriter.HeaderName.stream, first) == "orders")
        #expect(header(DeadLetterWriter.HeaderName.sourceTopic, first) == "orders")
        #expect(header(DeadLetterWriter.HeaderName.sourcePartition, first) == "3")
        #expect(header(DeadLetterWriter.HeaderName.sourceOffset, first) == "1234")
        #expect(letters[1].value == nil)
        #expect(header(DeadLetterWriter.HeaderName.reason, letters[1]) == "overflow")
        #expect(header(DeadLetterWriter.HeaderName.detail, letters[1]) == nil)
        #expect(letters[2].value == [0, 0, 0, 0, 9])
        #expect(header(DeadLetterWriter.HeaderName.reason, letters[2]) == "undecodable")
        #expect(header(DeadLetterWriter.HeaderName.detail, letters[2]) == "unknown-schema: value: schema id 9")
    }

    /// A record larger than the producer (or the topic) accepts would fail for ever and stall its partition: it is
    /// dead-lettered without its value, with a header saying how large it was.
    @Test func aRecordTooLargeForTheTopicIsDeadLetteredWithoutItsValue() async throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        try cluster.createTopic("relay.dead-letters", partitions: 1)
        let producer = try KafkaProducer(
            brokers: [cluster.bootstrapServers], properties: [("message.max.bytes", "100000")], logger: quietLogger)
        let writer = DeadLetterWriter(producer: producer, topic: "relay.dead-letters")
        let original = SourceRecord(
            topic: "orders", partition: 1, offset: 77, key: Array("big".utf8),
            value: [UInt8](repeating: 0x41, count: 200_000))
        try await writer.write(original, reason: "oversize", stream: "orders")

        let running = try RunningConsumer.start(cluster, group: "dlq-big", topics: ["relay.dead-letters"])
        await eventually("the dead letter arrived") { running.handler.records.count == 1 }
        try await running.stop()
        await producer.close()
        let letter = try #require(running.handler.records.first)
        #expect(letter.value == nil)
        #expect(letter.key == original.key)
        let headers = Dictionary(
            letter.headers.map { ($0.name, $0.value.map { String(decoding: $0, as: UTF8.self) } ?? "") },
            uniquingKeysWith: { a, _ in a })
        #expect(
            headers[DeadLetterWriter.HeaderName.valueOmitted]
                == "200000 bytes: larger than the dead-letter topic accepts")
        #expect(headers[DeadLetterWriter.HeaderName.sourceOffset] == "77")
        #expect(headers[DeadLetterWriter.HeaderName.reason] == "oversize")
    }

    @Test func sendFailsClearlyAfterClose() async throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        let producer = try KafkaProducer(brokers: [cluster.bootstrapServers], logger: quietLogger)
        await producer.close()
        await #expect(throws: KafkaError.self) { _ = try await producer.send(topic: "t", key: nil, value: []) }
    }
}
