import CLibRDKafka
import Logging
import RelayCore

/// Reads the timestamp of the record at given offsets with a short-lived consumer that assigns the partitions
/// itself (`rd_kafka_assign`): it never subscribes, so it never joins the group, and with auto-commit off it never
/// commits. It carries the group's `group.id` only because librdkafka's assign needs one (and the broker's ACLs are
/// the group's).
///
/// Ownership and threads: `timestamps` creates the client, polls it on the calling thread (blocking, up to the
/// timeout), closes it and lets `RDKafkaHandle` destroy it before returning.
enum RDKafkaRecordReader {
    /// The timestamp (Unix milliseconds) of the first record at or after each offset in `offsets`; a partition
    /// whose record did not arrive within `milliseconds`, or has no timestamp, is left out.
    static func timestamps(
        at offsets: [TopicPartition: Int64], properties: [(name: String, value: String)], milliseconds: Int32,
        logger: Logger
    ) throws(KafkaError) -> [TopicPartition: Int64] {
        guard !offsets.isEmpty else { return [:] }
        let configuration = try RDKafkaConfiguration()
        try configuration.set(
            properties + [
                ("enable.auto.commit", "false"), ("enable.auto.offset.store", "false"),
                ("enable.partition.eof", "false"), ("fetch.wait.max.ms", "50"),
            ])
        let handle = try RDKafkaHandle(
            type: RD_KAFKA_CONSUMER, configuration: configuration, callbacks: RDKafkaCallbacks(logger: logger))
        rd_kafka_poll_set_consumer(handle.pointer)
        let assigned = TopicPartitionList.withList(offsets.map { ($0.key, $0.value) }) {
            rd_kafka_assign(handle.pointer, $0)
        }
        guard assigned == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(
                code: .admin,
                reason: "could not assign partitions to read records: \(String(cString: rd_kafka_err2str(assigned)))",
                librdkafkaCode: Int(assigned.rawValue))
        }
        defer {
            _ = rd_kafka_assign(handle.pointer, nil)
            _ = rd_kafka_consumer_close(handle.pointer)
        }
        var found: [TopicPartition: Int64] = [:]
        var answered: Set<TopicPartition> = []
        let deadline = ContinuousClock.now + .milliseconds(milliseconds)
        while answered.count < offsets.count, ContinuousClock.now < deadline {
            guard let message = rd_kafka_consumer_poll(handle.pointer, 100) else { continue }
            defer { rd_kafka_message_destroy(message) }
            guard message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR, let topic = message.pointee.rkt else { continue }
            let partition = TopicPartition(
                topic: String(cString: rd_kafka_topic_name(topic)), partition: message.pointee.partition)
            guard offsets[partition] != nil, !answered.contains(partition) else { continue }
            answered.insert(partition)
            var type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
            let timestamp = rd_kafka_message_timestamp(message, &type)
            if type != RD_KAFKA_TIMESTAMP_NOT_AVAILABLE, timestamp >= 0 { found[partition] = timestamp }
            // Nothing more is needed from this partition.
            TopicPartitionList.withList([(partition, nil)]) { _ = rd_kafka_pause_partitions(handle.pointer, $0) }
        }
        return found
    }
}
