import Logging
import RelayCore

/// The relay's consumer group as an operator sees it: which partitions the configuration means, where the group
/// stands on each, who is in it, and a way to commit new offsets for it. `sync-relay offsets` is built on it.
///
/// Ownership and threads: owns one librdkafka client (`RDKafkaAdminClient`, no `group.id`: it is never a member)
/// for its lifetime; record timestamps are read with a second, short-lived client per call. Every method runs its
/// blocking librdkafka calls on a thread of its own (`BlockingCall`), never on the cooperative pool.
public final class KafkaGroupAdmin: Sendable {
    private let client: RDKafkaAdminClient
    private let settings: KafkaConsumerSettings
    private let logger: Logger
    /// How long each request to the cluster may take.
    public let timeout: Duration

    /// A client for `settings`' brokers and group, with its security properties; connects on the first request.
    public init(settings: KafkaConsumerSettings, timeout: Duration = .seconds(10), logger: Logger) throws(KafkaError) {
        self.settings = settings
        self.timeout = timeout
        self.logger = logger
        client = try RDKafkaAdminClient(properties: settings.adminProperties, logger: logger)
    }

    /// The group id this admin works on.
    public var groupId: String { settings.groupId }

    private var milliseconds: Int32 { Int32(clamping: KafkaConsumerSettings.milliseconds(timeout)) }

    /// The partition count of every topic in the cluster.
    public func topicPartitionCounts() async throws(KafkaError) -> [String: Int] {
        let (client, milliseconds) = (client, milliseconds)
        return try await run { () throws(KafkaError) in try client.topicPartitionCounts(milliseconds: milliseconds) }
    }

    /// Where the group stands on each of `partitions`: committed offset, log start and end and, with
    /// `readingTimestamps`, the timestamp of the next record it would relay (read by a client that assigns the
    /// partitions and never joins the group).
    public func positions(of partitions: [TopicPartition], readingTimestamps: Bool = true)
        async throws(KafkaError) -> [PartitionPosition]
    {
        let (client, milliseconds, group) = (client, milliseconds, settings.groupId)
        var positions = try await run { () throws(KafkaError) -> [PartitionPosition] in
            let committed = try client.committedOffsets(
                group: group, partitions: partitions, milliseconds: milliseconds)
            return try partitions.map { (partition) throws(KafkaError) in
                let marks = try client.watermarks(of: partition, milliseconds: milliseconds)
                return PartitionPosition(
                    partition: partition, committed: committed[partition] ?? nil, logStart: marks.start,
                    logEnd: marks.end)
            }
        }
        guard readingTimestamps else { return positions }
        var reads: [TopicPartition: Int64] = [:]
        for position in positions { if let offset = position.nextRecordOffset { reads[position.partition] = offset } }
        let (properties, logger, wanted) = (settings.readerProperties, logger, reads)
        let timestamps = try await run { () throws(KafkaError) in
            try RDKafkaRecordReader.timestamps(
                at: wanted, properties: properties, milliseconds: milliseconds, logger: logger)
        }
        for index in positions.indices { positions[index].nextRecordTimestamp = timestamps[positions[index].partition] }
        return positions
    }

    /// The group's state and active members; `.unknown` when the broker does not implement DescribeGroups
    /// (librdkafka's mock cluster). Any other failure throws.
    public func groupActivity() async throws(KafkaError) -> ConsumerGroupActivity {
        let (client, milliseconds, group) = (client, milliseconds, settings.groupId)
        return try await run { () throws(KafkaError) -> ConsumerGroupActivity in
            switch Result(catching: { () throws(KafkaError) in
                try client.describeGroup(group, milliseconds: milliseconds)
            }) {
            case .success(let snapshot): return .described(snapshot)
            case .failure(let error):
                guard let code = error.librdkafkaCode, RDKafkaAdminClient.unsupportedCodes.contains(code) else {
                    throw error
                }
                return .unknown(reason: "the broker does not support DescribeGroups")
            }
        }
    }

    /// The first offset at or after `timestamp` (Unix milliseconds) in each partition; nil where no record is that
    /// recent.
    public func offsets(atOrAfter timestamp: Int64, of partitions: [TopicPartition])
        async throws(KafkaError) -> [TopicPartition: Int64?]
    {
        let (client, milliseconds) = (client, milliseconds)
        return try await run { () throws(KafkaError) in
            try client.offsets(atOrAfter: timestamp, of: partitions, milliseconds: milliseconds)
        }
    }

    /// Commits `offsets` for the group as a non-member (Kafka's AlterConsumerGroupOffsets); returns each
    /// partition's outcome, nil when committed. The broker refuses a partition while the group has members.
    public func commit(_ offsets: [(TopicPartition, Int64)]) async throws(KafkaError) -> [TopicPartition: KafkaError?] {
        let (client, milliseconds, group) = (client, milliseconds, settings.groupId)
        return try await run { () throws(KafkaError) in
            try client.alterOffsets(group: group, offsets: offsets, milliseconds: milliseconds)
        }
    }

    private func run<Value: Sendable>(_ body: @escaping @Sendable () throws(KafkaError) -> Value)
        async throws(KafkaError) -> Value
    {
        try await BlockingCall.run { Result { () throws(KafkaError) in try body() } }.get()
    }
}
