/// The Kafka consumer's two faces, declared here so that the driver needs no Kafka adapter: what the consumer tells
/// the driver (`ConsumerEvents`), and the one way offsets reach Kafka (`OffsetCommitter`). RelayKafka's
/// `KafkaConsumer` calls the first and implements the second (with `PartitionControl`); the driver's tests fake both.

/// What the consumer tells the driver. Every method is called on the consumer's poll thread (never on Swift's
/// cooperative pool), one at a time; implementations hand work to the engine and return quickly, except
/// `partitionsRevoking` and `commitDue`, which wait for the engine.
public protocol ConsumerEvents: AnyObject, Sendable {
    /// Records consumed, in offset order per partition. Only from partitions currently assigned.
    func handle(records: [SourceRecord])

    /// Partitions were added to this member's assignment; consumption starts from their committed offsets.
    /// `assignment` is the whole assignment after the change, with each topic's share of partitions.
    func partitionsAssigned(_ partitions: [TopicPartition], assignment: PartitionAssignment)

    /// Partitions are leaving this member. Stop feeding them, drop their queued records, let in-flight publishes
    /// finish until `deadline`, and hand their final offsets (one past the last contiguous done record) to the
    /// `OffsetCommitter` before returning: the consumer commits them before it gives the partitions up. Nothing
    /// consumed but not done is lost: the next owner consumes it again. When `lost` is true the group already moved
    /// on and nothing will be committed. `remaining` is the assignment after the revoke.
    func partitionsRevoking(
        _ partitions: [TopicPartition], lost: Bool, deadline: ContinuousClock.Instant, remaining: PartitionAssignment)

    /// The commit interval passed (or the consumer is leaving): hand the offsets of what is done to the
    /// `OffsetCommitter` before returning.
    func commitDue()

    /// The client's statistics (consumer lag, broker state), every statistics interval.
    func statisticsUpdated(_ statistics: ConsumerStatistics)

    /// An error the client reported, safe to log. Transient ones (a broker down) are retried by the client; a fatal
    /// one ends the consumer after this call.
    func consumerFailed(reason: String, isFatal: Bool)
}

/// The one way offsets reach Kafka: the engine's `.commit` actions, performed by the driver in the engine's order.
public protocol OffsetCommitter: Sendable {
    /// Hands over `offsets` (the next offset to consume, per partition). The consumer commits, on its own thread
    /// and at its next chance, the latest offset it was handed for each partition it still owns; a partition that
    /// left meanwhile is not committed by this member.
    func commit(_ offsets: [TopicPartition: Int64])
}

/// The parts of the Kafka client's statistics the relay uses: per-partition lag and offsets, and broker state.
public struct ConsumerStatistics: Sendable, Equatable {
    /// Figures of one partition.
    public struct Partition: Sendable, Equatable {
        /// Messages between the consumer's position and the high watermark; nil when the client does not know yet.
        public var consumerLag: Int64?
        /// The last committed offset; nil when none.
        public var committedOffset: Int64?
        /// The partition's high watermark; nil when unknown.
        public var highWatermark: Int64?

        public init(consumerLag: Int64? = nil, committedOffset: Int64? = nil, highWatermark: Int64? = nil) {
            self.consumerLag = consumerLag
            self.committedOffset = committedOffset
            self.highWatermark = highWatermark
        }
    }

    /// Figures per assigned partition.
    public var partitions: [TopicPartition: Partition]
    /// The connection state the client reports for each broker it learned of, by node id (`UP`, `DOWN`, `INIT`,
    /// `CONNECT`...). librdkafka connects only to the brokers it needs (leaders, the coordinator), so a broker in
    /// `INIT` is merely unused.
    public var brokerStates: [Int32: String]

    /// Brokers the client is connected to.
    public var brokersUp: Int { brokerStates.values.filter { $0 == "UP" }.count }

    public init(partitions: [TopicPartition: Partition], brokerStates: [Int32: String]) {
        self.partitions = partitions
        self.brokerStates = brokerStates
    }

    /// How many records past the committed offset are already behind the consumer's position (done or in the
    /// relay, not yet committed), per partition with all three figures known.
    public var commitLag: [TopicPartition: Int64] {
        partitions.compactMapValues { figures in
            guard let high = figures.highWatermark, let committed = figures.committedOffset,
                let lag = figures.consumerLag
            else { return nil }
            return max(0, high - committed - lag)
        }
    }
}
