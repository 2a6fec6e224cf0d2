import RelayCore

/// What the consumer tells the engine, and asks of it. Every method is called on the consumer's poll thread (never
/// on Swift's cooperative pool), one at a time; implementations hand work to the engine and return quickly, except
/// `partitionsRevoking`, which may wait up to its deadline.
public protocol KafkaConsumerHandler: AnyObject, Sendable {
    /// Records consumed, in offset order per partition. Only from partitions currently assigned.
    func handle(records: [SourceRecord])

    /// Partitions were added to this member's assignment; consumption starts from their committed offsets.
    /// `assignment` is the whole assignment after the change, with each topic's share of partitions.
    func partitionsAssigned(_ partitions: [TopicPartition], assignment: PartitionAssignment)

    /// Partitions are leaving this member. Stop feeding them, drop their queued records, let in-flight publishes
    /// finish until `deadline`, and return the next offset to commit for each (one past the last contiguous done
    /// record; omit a partition with nothing new done). Nothing consumed but not done is lost: the next owner
    /// consumes it again. When `lost` is true the group already moved on and nothing will be committed.
    /// `remaining` is the assignment after the revoke.
    func partitionsRevoking(
        _ partitions: [TopicPartition], lost: Bool, deadline: ContinuousClock.Instant, remaining: PartitionAssignment
    ) -> [TopicPartition: Int64]

    /// The next offset to commit for each partition with done records (one past the last contiguous done record).
    /// Asked every commit interval and at shutdown.
    func nextOffsetsToCommit() -> [TopicPartition: Int64]

    /// librdkafka's statistics (consumer lag, broker state), every statistics interval.
    func statisticsUpdated(_ statistics: KafkaStatistics)

    /// An error librdkafka reported. Transient ones (a broker down) are retried by librdkafka; a fatal one ends
    /// `KafkaConsumer.run()` with that error after this call.
    func kafkaError(_ error: KafkaError, isFatal: Bool)
}
